"""Roll-up counters for the yearly report (seed 002's appendix table), per unit and programme
year, kept exact by the services in the same transaction as each change: a report reads a unit's
row and its children's rows, never the members."""

from django.db import models
from django.utils.translation import gettext_lazy as _

COUNTERS = (
    "registered",
    "assessed",
    "not_classified",
    "excellent",
    "good",
    "complete",
    "incomplete",
    "waiting",
    "recognised",
)


class YearStats(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="year_stats")
    year = models.PositiveSmallIntegerField()
    # A copy of the unit's path and depth: subtree and children reads need no join.
    unit_path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    # Members counted for the year, taken when the year is closed (close_year): until then a
    # report counts the unit's active members now (Unit.member_count, kept exact).
    members = models.IntegerField(null=True, blank=True)
    # Registrations submitted or approved.
    registered = models.IntegerField(default=0)
    # Assessed by the branch, and the level it gave.
    assessed = models.IntegerField(default=0)
    not_classified = models.IntegerField(default=0)
    excellent = models.IntegerField(default=0)
    good = models.IntegerField(default=0)
    complete = models.IntegerField(default=0)
    incomplete = models.IntegerField(default=0)
    # Registrations submitted and waiting for the committee's review.
    waiting = models.IntegerField(default=0)
    # Branches whose results the base union has recognised.
    recognised = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_stats_row")]
        # A report reads one year's children of a unit: year, depth, then a path prefix.
        indexes = [
            models.Index(
                fields=["year", "depth", "unit_path"],
                name="stats_year_depth_path",
                opclasses=["int2_ops", "int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year}"


class Movement(models.Model):
    """One entry of the member movement ledger (admissions, transfers in and out, removals,
    matured out, reinstatements), written by the member services in the same transaction as the
    change. The movement report of a unit and period counts these rows; nothing else is read."""

    class Kind(models.TextChoices):
        ADMITTED = "admitted", _("Admitted")
        TRANSFER_IN = "transfer_in", _("Transferred in")
        TRANSFER_OUT = "transfer_out", _("Transferred out")
        REMOVED = "removed", _("Removed from the roll")
        EXPELLED = "expelled", _("Expelled")
        MATURED_OUT = "matured_out", _("Matured out")
        REINSTATED = "reinstated", _("Reinstated")

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(_("movement"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"))
    # The branch where it happened (path copied for subtree counts), and for a transfer the
    # branch at the other end: a move inside a unit is not a transfer in or out of that unit.
    branch = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)
    other_path = models.CharField(max_length=255, blank=True, default="")
    reason = models.CharField(_("reason"), max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["kind", "on", "unit_path"],
                name="movement_kind_on_path",
                opclasses=["varchar_pattern_ops", "date_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.on:%d/%m/%Y}"
