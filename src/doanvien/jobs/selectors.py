"""Reading jobs: a job is seen by the person who started it (and superusers), and only while its
unit is still in that person's scope; anyone else gets 404."""

from django.db.models import QuerySet
from django.http import Http404

from doanvien.accounts.access import scope_of, units_visible_to

from .models import Job


def jobs_visible_to(user) -> QuerySet[Job]:
    scope = scope_of(user)
    jobs = Job.objects.select_related("unit")
    if scope.is_superuser:
        return jobs
    if not getattr(user, "is_authenticated", False):
        return jobs.none()
    return jobs.filter(created_by=user, unit__in=units_visible_to(user))


def get_job_for(user, job_id) -> Job:
    try:
        return jobs_visible_to(user).get(pk=job_id)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
