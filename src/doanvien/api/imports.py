"""Imports through the API: upload a file, follow the job (GET /api/v1/jobs/{id}), confirm."""

from uuid import UUID

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile

from doanvien.accounts.access import can_add_children, get_unit_for, require
from doanvien.jobs.models import Job
from doanvien.jobs.services import job_start
from doanvien.members.access import can_edit_members
from doanvien.members.forms.imports import ImportForm
from doanvien.training.access import can_import_registrations
from doanvien.youth.access import can_keep_youths

from .errors import ApiError
from .schemas import error_answers

router = Router(tags=["imports"])
ERRORS = error_answers(400, 401, 403, 404, 413, 422)
KINDS = {
    "members": Job.Kind.MEMBERS_IMPORT,
    "registrations": Job.Kind.REGISTRATIONS_IMPORT,
    "units": Job.Kind.UNITS_IMPORT,
    "youths": Job.Kind.YOUTHS_IMPORT,
}


class JobCreated(Schema):
    job: UUID


@router.post(
    "/units/{unit_id}/imports",
    response={202: JobCreated, **ERRORS},
    summary="Upload a file to import",
    # The file is required and `kind` one of KINDS (422 otherwise); the view checks them after
    # access, so that who may not import into the unit learns nothing more.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "required": ["file"],
                        "properties": {"kind": {"enum": list(KINDS)}},
                    }
                }
            },
        }
    },
)
def unit_import(
    request,
    unit_id: int,
    file: File[UploadedFile | None] = None,
    kind: Form[str] = "members",
    year: Form[int | None] = None,
):
    """Multipart: `file` (.xlsx, .xls or .csv), `kind` (`members`, `registrations`, `units`,
    the unit tree under the unit: units/imports.py, or `youths`, the "1+1" survey list of youths
    and their groups: youth/imports.py, for the unit's committee) and, for
    registrations, `year` (default: the branch's programme year now). The
    file is checked in the background; follow `GET /api/v1/jobs/{job}`: `awaiting_confirmation`
    with the figures, or `invalid` with every error (row, column, value, message) and nothing
    written. Then `POST /api/v1/imports/{job}/confirm` writes it, all or nothing."""
    unit = get_unit_for(request.user, unit_id)
    if kind not in KINDS:
        raise ApiError(
            422,
            _("Unknown kind of import."),
            [
                {
                    "field": "kind",
                    "message": _("Choose “members”, “registrations”, “units” or “youths”."),
                }
            ],
        )
    if kind == "registrations":
        require(can_import_registrations(request.user, unit))
    elif kind == "units":
        require(can_add_children(request.user, unit))
    elif kind == "youths":
        require(can_keep_youths(request.user, unit))
    else:
        require(can_edit_members(request.user, unit))
    if file is None:
        raise ApiError(
            422, _("Send the file."), [{"field": "file", "message": _("This field is required.")}]
        )
    if kind == "registrations" and not unit.is_branch:
        raise ApiError(422, _("Registrations are imported into a branch."))
    form = ImportForm(files={"file": file})
    if not form.is_valid():
        raise ApiError(
            422,
            _("The file cannot be imported."),
            [{"field": "file", "message": m} for m in form.errors["file"]],
        )
    params = {"year": year} if year else {}
    job = job_start(actor=request.user, kind=KINDS[kind], unit=unit, params=params, upload=file)
    return Status(202, {"job": job.pk})
