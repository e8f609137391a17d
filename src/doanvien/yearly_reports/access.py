"""Who may see and change a unit's yearly report and its good models (on top of what they may
see, accounts/access.py: out of scope → 404).

- The unit's own cadres (for a branch, its committee) write the report and keep the good
  models, and submit the report to the level above.
- The unit's own people with a role on it (a viewer too) read its report in any state.
- The cadres and viewers of the units above read its report once it is submitted (a draft is
  the unit's own business: 403 in scope) and the cadres of a unit directly above may pull its
  good models into their own list; a cadre above may reopen a submitted report.
- A member without a role sees none of it (404, outside every scope)."""

from django.http import Http404

from doanvien.accounts.access import EDIT_MEMBER_ROLES, get_unit_for, scope_of
from doanvien.accounts.models import Role
from doanvien.units.models import Unit

from .models import GoodModel, YearlyReport

# The roles that write a unit's report when held on the unit itself: a union's cadres, a
# branch's secretary, deputy and committee members.
WRITER_ROLES = EDIT_MEMBER_ROLES
# The roles above a unit that read its submitted report.
READER_ROLES_ABOVE = {Role.CADRE, Role.VIEWER}


def _roles_on(user, unit: Unit) -> set[str]:
    return {role for path, role in scope_of(user).grants if path == unit.path}


def can_write(user, unit: Unit) -> bool:
    """Write the unit's report and keep its good models: its own cadres."""
    return scope_of(user).is_superuser or bool(_roles_on(user, unit) & WRITER_ROLES)


def is_own(user, unit: Unit) -> bool:
    """The user holds a role on the unit itself (or is a superuser)."""
    return scope_of(user).is_superuser or bool(_roles_on(user, unit))


def reads_from_above(user, unit: Unit) -> bool:
    return bool(scope_of(user).roles_above(unit.path) & READER_ROLES_ABOVE)


def can_read(user, unit: Unit, report: YearlyReport | None) -> bool:
    """The unit's own people read it in any state; the levels above once it is submitted."""
    if is_own(user, unit):
        return True
    return (
        report is not None
        and report.state == YearlyReport.State.SUBMITTED
        and reads_from_above(user, unit)
    )


def can_reopen(user, unit: Unit) -> bool:
    """Reopen a submitted report: its own cadres, or a cadre above."""
    scope = scope_of(user)
    return can_write(user, unit) or Role.CADRE in scope.roles_above(unit.path)


def can_pull(user, unit: Unit, good_model: GoodModel, source_report: YearlyReport | None) -> bool:
    """Copy a child's good model into the unit's own list: the unit's writers, from a unit
    directly under it whose report of that year is submitted."""
    child = good_model.unit
    return (
        can_write(user, unit)
        and child.path[: -Unit.steplen] == unit.path
        and source_report is not None
        and source_report.state == YearlyReport.State.SUBMITTED
        and source_report.year == good_model.year
    )


def get_good_model_for(user, good_model_id) -> GoodModel:
    """A good model of a unit the user sees (404 otherwise); what he may do with it is for the
    caller to check (can_write, can_pull)."""
    try:
        good_model = GoodModel.objects.select_related("unit", "origin").get(pk=int(good_model_id))
    except (GoodModel.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    get_unit_for(user, good_model.unit_id)
    return good_model
