"""Background jobs: imports, exports and report builds, run by the task worker with progress."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        REPORT_EXPORT = "report_export", _("Report of the whole subtree (Excel)")
        MEMBERS_IMPORT = "members_import", _("Member import")
        MEMBERS_EXPORT = "members_export", _("Member list (Excel)")
        REGISTRATIONS_IMPORT = "registrations_import", _("Registration import")
        REGISTRATIONS_EXPORT = "registrations_export", _("Registration list (Excel)")
        ACTIVATION_CODES = "activation_codes", _("Activation codes for members (PDF and Excel)")
        UNITS_IMPORT = "units_import", _("Unit tree import")
        YOUTHS_IMPORT = "youths_import", _("Import of youths and groups")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        # An import checked its file and found nothing wrong: it waits for the user to confirm.
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Checked, waiting for confirmation")
        # An import found errors in its file: nothing was written.
        INVALID = "invalid", _("The file has errors")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    FINISHED = (State.AWAITING_CONFIRMATION, State.INVALID, State.SUCCEEDED, State.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=30, choices=State.choices, default=State.QUEUED)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="jobs", verbose_name=_("unit")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    # What the job works on (year, columns, phase of an import…), as JSON.
    params = models.JSONField(default=dict, blank=True)
    # The uploaded file's name as the user gave it; the file itself lives in the job's folder.
    input_name = models.CharField(max_length=255, blank=True, default="")
    # The file the job made (download name) and what it found.
    output_name = models.CharField(max_length=255, blank=True, default="")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, default="")
    errors = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Updated with each progress report: a running job whose heartbeat stops has died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The worker process running the job (runner.worker_identity): a worker that starts fails
    # the jobs of a worker of its machine that is gone.
    worker = models.CharField(max_length=200, blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="job_owner_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit_id}"

    @property
    def percent(self) -> int:
        if self.state == self.State.SUCCEEDED:
            return 100
        return min(100, 100 * self.done // self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def is_import(self) -> bool:
        return self.kind in (
            self.Kind.MEMBERS_IMPORT,
            self.Kind.REGISTRATIONS_IMPORT,
            self.Kind.UNITS_IMPORT,
            self.Kind.YOUTHS_IMPORT,
        )
