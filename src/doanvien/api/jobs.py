"""Background jobs through the API: a job's state and progress, and confirming an import after
its preview."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from doanvien.jobs import files, services
from doanvien.jobs.selectors import get_job_for

from .errors import ApiError
from .schemas import ErrorOut, error_answers

router = Router(tags=["jobs"])
BINARY = {"type": "string", "format": "binary"}
ERRORS = error_answers(401, 404, 409, 422)


class JobOut(Schema):
    id: UUID
    kind: str
    state: str
    # Percent done (0–100), and the rows done out of the rows to do when known.
    progress: int
    done: int
    total: int
    message: str
    errors: list[dict[str, Any]]
    result: dict[str, Any]
    # Where to fetch the file the job made, when it made one.
    download: str | None


def job_out(request, job) -> dict:
    has_file = files.output_path(job) is not None
    return {
        "id": job.pk,
        "kind": job.kind,
        "state": job.state,
        "progress": job.percent,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "errors": job.errors,
        "result": job.result,
        # The API's own link: it takes the bearer token (the page's link needs a browser session).
        "download": request.build_absolute_uri(f"/api/v1/jobs/{job.pk}/download")
        if has_file
        else None,
    }


@router.get(
    "/jobs/{job_id}/download",
    response={200: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The file a job made",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file (an Excel workbook, or the import's error report)",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def job_file(request, job_id: UUID):
    """The file the job made, as an attachment; 404 while it has none. Only the person who
    started the job gets it."""
    job = get_job_for(request.user, job_id)
    path = files.output_path(job)
    if path is None:
        raise ApiError(404, _("This job has made no file (yet)."))
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.output_name or path.name)


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, summary="A job's state")
def job_detail(request, job_id: UUID):
    """State (`queued`, `running`, `awaiting_confirmation`, `invalid`, `succeeded`, `failed`),
    progress, the errors found (row, column, value, message) and the result. Only the person
    who started the job sees it."""
    return job_out(request, get_job_for(request.user, job_id))


@router.post(
    "/imports/{job_id}/confirm",
    response={200: JobOut, **ERRORS, 413: ErrorOut},
    summary="Confirm an import after its preview",
)
def import_confirm(request, job_id: UUID):
    """Write the previewed import, all or nothing (checked again first). 409 unless the job is
    an import waiting for confirmation."""
    job = get_job_for(request.user, job_id)
    try:
        job = services.job_confirm(actor=request.user, job=job)
    except ValidationError as exc:
        raise ApiError(409, " ".join(exc.messages)) from None
    return job_out(request, job)


@router.post(
    "/jobs/{job_id}/retry",
    response={200: JobOut, **ERRORS, 413: ErrorOut},
    summary="Retry a failed job",
)
def job_retry(request, job_id: UUID):
    """Run a failed job again (or one whose worker died), with the same file and choices. 409
    for any other job."""
    job = get_job_for(request.user, job_id)
    try:
        job = services.job_retry(actor=request.user, job=job)
    except ValidationError as exc:
        raise ApiError(409, " ".join(exc.messages)) from None
    return job_out(request, job)
