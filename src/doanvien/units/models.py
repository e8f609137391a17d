from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from doanvien.core.fields import TreePathField


class Sector(models.TextChoices):
    SCHOOL = "school", _("Schools")
    WORKERS = "workers", _("Workers and enterprises")
    RESIDENTIAL = "residential", _("Residential areas")
    ARMED_FORCES = "armed_forces", _("Armed forces")
    PUBLIC_ADMIN = "public_admin", _("Public administration")
    OVERSEAS = "overseas", _("Overseas")


class Level(models.Model):
    """A level of the tree (central, province, district, base, branch): data, not code."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("0 for the top level"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self) -> str:
        return self.name


def paths_to(path: str) -> list[str]:
    """The path of the unit with this path and of each of its ancestors, root first."""
    step = Unit.steplen
    return [path[: i * step] for i in range(1, len(path) // step + 1)]


class Unit(MP_Node):
    """A node of the Union's tree. Members belong to units of kind `branch`."""

    class Kind(models.TextChoices):
        UNION = "union", _("Union (has units under it)")
        BRANCH = "branch", _("Branch (has members)")

    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    code = models.CharField(_("code"), max_length=40, unique=True)
    level = models.ForeignKey(Level, verbose_name=_("level"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.UNION)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, blank=True, default=""
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Active members in the whole subtree: exact on a branch; on a unit above, this plus the
    # deltas below it not folded yet (units/member_counts.py: read with `member_counts.now`).
    member_count = models.PositiveIntegerField(_("members"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    steplen = 4

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        # Subtree filters are prefix searches on the path; PostgreSQL needs this operator class
        # to answer them from an index (other databases ignore it).
        indexes = [
            models.Index(
                fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # A unit's children: one depth and a path prefix. Without it, listing the central
            # unit's children reads every unit (the prefix matches them all).
            models.Index(
                fields=["depth", "path"],
                name="unit_depth_path_prefix",
                opclasses=["int4_ops", "varchar_pattern_ops"],
            ),
            # The unit chooser finds units by the beginning of their code
            # (units.selectors.units_matching; migration 0005 adds a trigram index of names).
            models.Index(
                fields=["code"], name="unit_code_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # The active units of a level under a unit, by path and with their id (the "1+1"
            # reports' late units, youth/lateness.py): read from the index alone.
            models.Index(
                fields=["level", "path"],
                name="unit_active_level_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
                include=["id"],
                condition=models.Q(is_active=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_branch(self) -> bool:
        return self.kind == self.Kind.BRANCH

    def children(self):
        """The units directly under this one (a prefix scan on the path)."""
        return Unit.objects.filter(path__startswith=self.path, depth=self.depth + 1)

    def parent(self) -> "Unit | None":
        if self.depth <= 1:
            return None
        return Unit.objects.filter(path=self.path[: -self.steplen]).first()

    def ancestor_paths(self) -> list[str]:
        """Paths of this unit and all its ancestors, root first."""
        return paths_to(self.path)


class MemberCountDelta(models.Model):
    """A branch's member count changed by `delta`, not yet added to the units above it
    (units/member_counts.py): a member write updates its branch's row and appends this, so it
    locks no row that writers of other branches share."""

    # The branch's path (rewritten with it when its subtree moves).
    unit_path = TreePathField()
    delta = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["unit_path"], name="count_delta_path", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.delta:+d}"
