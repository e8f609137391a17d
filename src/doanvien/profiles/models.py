"""A member's proposed changes to his own record, waiting for his branch committee."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doanvien.members.models import Member


class ChangeRequest(models.Model):
    """The changes a member proposes to his record: the new values as he gave them (clean, as
    JSON) and/or a new photo, the values they replace when he asked, and why. The branch
    committee approves (the values go through the member service) or rejects it with a reason.
    One open request per member."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for the branch")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="change_requests", verbose_name=_("member")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    # {field: new value}, dates as YYYY-MM-DD.
    changes = models.JSONField(_("changes"), default=dict)
    # {field: the value stored when he asked}, for the committee's side-by-side view.
    before = models.JSONField(default=dict)
    reason = models.TextField(_("reason"), blank=True, default="")
    # A new photo for his card, if he proposes one: a name in default_storage, already made
    # small and without the camera's metadata (members/services/photos.py). It becomes his
    # card's photo when approved; the file is deleted when rejected.
    photo = models.CharField(_("proposed photo"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("decision note"), blank=True, default="")

    class Meta:
        verbose_name = _("profile change request")
        verbose_name_plural = _("profile change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(state="open"), name="one_open_change_request"
            )
        ]
        indexes = [models.Index(fields=["member", "-created_at"], name="change_request_member")]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_state_display()})"
