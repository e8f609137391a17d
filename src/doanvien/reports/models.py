"""Roll-up counters for the yearly report (seed 002's appendix table), per unit and programme
year, kept exact by the services in the same transaction as each change: a report reads a unit's
row and its children's rows, never the members."""

from django.db import models

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
