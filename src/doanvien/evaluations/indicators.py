"""Named indicators an item of a scheme may take its figure from (seed 001 asks for strong
branches and 3-proactive base unions to be judged on what the unit did; the product already
knows some of it). A registry: another app adds its own by calling `register` at the top of a
module it names in settings.EVALUATION_INDICATOR_MODULES (the referrals' "youths introduced",
the dues' "remitted", …; loaded the first time the registry is read); an item names one in
`SchemeItem.indicator`, and the self-assessment shows its figure beside the item and keeps it
with the evaluation. Shipped: the training programme's members registered, and the check items
of an organisation's yearly rating: recognised strong branch, recognised 3-proactive."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from doanvien.training import rollup as training_rollup
from doanvien.units.models import Unit

from .models import Evaluation

Reader = Callable[[Unit, int], int | Decimal | None]


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    read: Reader


_REGISTRY: dict[str, Indicator] = {}


def register(code: str, label, read: Reader) -> None:
    """Make an indicator available to schemes under `code` (e.g. "referrals.introduced")."""
    _REGISTRY[code] = Indicator(code, label, read)


def _load() -> None:
    for name in getattr(settings, "EVALUATION_INDICATOR_MODULES", []):
        import_module(name)  # registers at import; once imported, a no-op


def registered() -> list[Indicator]:
    _load()
    return sorted(_REGISTRY.values(), key=lambda i: i.code)


def get(code: str) -> Indicator | None:
    _load()
    return _REGISTRY.get(code)


def value(code: str, unit: Unit, year: int) -> int | Decimal | None:
    """The indicator's figure for the unit and year; None for an unknown indicator or when the
    figure is not there (the year not opened)."""
    indicator = get(code)
    return indicator.read(unit, year) if indicator else None


def _members_registered(unit: Unit, year: int) -> int | None:
    """The training programme's members registered in the unit's subtree (its roll-up row,
    with the deltas below added; None while the year has no roll-ups)."""
    row = training_rollup.unit_rows(unit, [year]).get(year)
    return row.registered if row else None


def _recognised(code: str) -> Reader:
    def read(unit: Unit, year: int) -> int:
        return int(
            Evaluation.objects.filter(
                unit=unit, year=year, scheme_code=code, state=Evaluation.State.RECOGNISED
            ).exists()
        )

    return read


# Check items: 1 when the unit's own evaluation of the year is recognised, else 0; a scheme item
# taking one is scored at its maximum or at 0 (`CHECKS`, services.prefilled_points).
CHECKS = {"evaluations.strong_branch_recognised", "evaluations.three_proactive_recognised"}

register(
    "evaluations.strong_branch_recognised",
    _("Recognised strong branch this year (1 yes, 0 no)"),
    _recognised("strong_branch"),
)
register(
    "evaluations.three_proactive_recognised",
    _("Recognised 3-proactive base union this year (1 yes, 0 no)"),
    _recognised("three_proactive"),
)

register(
    "training.members_registered",
    _("Members registered in the training programme"),
    _members_registered,
)
