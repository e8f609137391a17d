"""Job pages: the user's recent jobs, one job with a progress bar that updates itself (htmx
polls the status fragment until the job has finished), confirm an import, retry, download."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from doanvien.core.pagination import paginate
from doanvien.members.forms.imports import ImportForm

from . import files, services
from .models import Job
from .selectors import get_job_for, jobs_visible_to

# Errors listed on the page; the whole list is in the downloadable error report.
ERRORS_SHOWN = 200
# The user's recent imports shown on an import page.
RECENT_IMPORTS = 5


def import_page(request, *, unit, kind: str, template: str, params: dict | None = None, **context):
    """An import's upload page for `unit` (the caller has checked the user may import there):
    a valid upload starts a job of `kind` and goes to its page; otherwise the page, with the
    form and the user's recent imports of that kind there, and `context`."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.job_start(
            actor=request.user,
            kind=kind,
            unit=unit,
            params=params,
            upload=form.cleaned_data["file"],
        )
        return redirect("jobs:job-detail", job_id=job.pk)
    recent = Job.objects.filter(created_by=request.user, unit=unit, kind=kind)[:RECENT_IMPORTS]
    return render(request, template, {"unit": unit, **context, "form": form, "recent": recent})


def _context(job) -> dict:
    return {
        "job": job,
        "can_retry": services.can_retry(job),
        "stale": services.is_stale(job),
        "errors_shown": job.errors[:ERRORS_SHOWN],
        "errors_hidden": max(len(job.errors) - ERRORS_SHOWN, 0),
        "has_output": files.output_path(job) is not None,
    }


@login_required
def job_list(request):
    page = paginate(request, jobs_visible_to(request.user), per_page=settings.PAGE_SIZE)
    return render(request, "jobs/list.html", {"page": page})


@login_required
def job_detail(request, job_id):
    job = get_job_for(request.user, job_id)
    return render(request, "jobs/detail.html", _context(job))


@login_required
def job_status(request, job_id):
    """The progress fragment that the detail page polls."""
    job = get_job_for(request.user, job_id)
    return render(request, "jobs/_status.html", _context(job))


def _act(request, job_id, action):
    job = get_job_for(request.user, job_id)
    try:
        action(actor=request.user, job=job)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    return redirect("jobs:job-detail", job_id=job.pk)


@login_required
@require_POST
def job_confirm_view(request, job_id):
    return _act(request, job_id, services.job_confirm)


@login_required
@require_POST
def job_retry_view(request, job_id):
    return _act(request, job_id, services.job_retry)


@login_required
def job_download(request, job_id):
    job = get_job_for(request.user, job_id)
    path = files.output_path(job)
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.output_name or path.name)
