"""Member statistics (a roll-up per unit and dimension value, kept on the ledger path:
rollup.py) and the yearly indicators with their targets (indicators.py; seed 004 §3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import TreePathField


class MemberStat(models.Model):
    """Active members under a unit above the branches with one value of one dimension, by sex
    (rollup.py). The rows hold what the folder folded; a read adds the deltas below the unit
    not folded yet. A branch has no rows: its members are counted directly."""

    unit_path = TreePathField()
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=60, blank=True, default="")
    sex = models.CharField(max_length=10)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_path", "dimension", "value", "sex"], name="member_stat_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.dimension}={self.value} {self.sex}: {self.count}"


class MemberStatDelta(models.Model):
    """A member entering (+1) or leaving (-1) the counts of a branch with these values, not yet
    folded into the rows of the units above it. An edit of a counted value is a -1 and a +1."""

    unit_path = TreePathField()
    delta = models.SmallIntegerField()
    sex = models.CharField(max_length=10)
    birth_year = models.SmallIntegerField()
    ethnicity = models.CharField(max_length=60, blank=True, default="")
    religion = models.CharField(max_length=60, blank=True, default="")
    education = models.CharField(max_length=60, blank=True, default="")
    political_theory = models.CharField(max_length=60, blank=True, default="")
    party_member = models.CharField(max_length=3)
    position = models.CharField(max_length=12)
    # The branch's sector (units.Sector; a change of it is a -1 and a +1 of each member).
    sector = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(
                fields=["unit_path"],
                name="member_stat_delta_path",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.delta:+d}"


class AgeBand(models.Model):
    """An age band of the statistics: ages from `lowest` to `highest` (inclusive; empty: no
    upper bound), the age being the one reached in the year (the year less the birth year).
    The bands are data: no national definition was found (union-rules.md §9, [I])."""

    lowest = models.PositiveSmallIntegerField(_("from age"), unique=True)
    highest = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    label = models.CharField(_("label"), max_length=40)

    class Meta:
        ordering = ["lowest"]
        verbose_name = _("age band")
        verbose_name_plural = _("age bands")

    def __str__(self) -> str:
        return self.label


class Indicator(models.Model):
    """A yearly indicator of seed 004 §3: either computed from a figure the product has
    (`source`, indicators.sources()) or typed by each unit for itself."""

    class Kind(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENT = "percent", _("Percentage")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NUMBER)
    # Empty: typed by the unit. Otherwise the key of a computed figure (indicators.sources()).
    source = models.CharField(_("computed from"), max_length=40, blank=True, default="")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    citation = models.CharField(_("source document"), max_length=120, blank=True, default="")

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def is_typed(self) -> bool:
        return not self.source


class IndicatorTarget(models.Model):
    """The target of a unit for an indicator in a year, set by a cadre of the unit above."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    unit_path = TreePathField(editable=False)
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "year"], name="indicator_target_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit_id} {self.year}: {self.value}"


class IndicatorValue(models.Model):
    """A typed indicator's figure of a unit in a year, entered by the unit's own cadres."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    unit_path = TreePathField(editable=False)
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "year"], name="indicator_value_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit_id} {self.year}: {self.value}"
