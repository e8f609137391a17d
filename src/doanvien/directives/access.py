"""Who may see and act on directives. Built on the unit scope (accounts/access.py).

- A directive is seen by whoever sees the unit that issued it (its cadres and those above), and
  by whoever sees one of the units receiving it; everyone else gets a 404.
- A draft is seen only by the cadres of the issuing unit itself (a cadre role on that unit) and
  by who wrote it: it has no receiving unit yet, and the units above see it once published.
- A union's cadres (or those above) publish, withdraw and remind (a branch has no unit below).
- The receipts (who read, replied, is late) are seen only by the issuing unit's cadres (or those
  above): a receiving unit sees its own receipt, not the others' (403).
- A receiving unit's people, by a role on that unit itself (not a viewer), record it as read by
  opening it and send its reply.
- A member without a role sees none of it.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from doanvien.accounts.access import scope_of, subtree_q
from doanvien.accounts.models import Role
from doanvien.units.models import Unit

from .models import Attachment, Directive, Receipt, State

ACT_ROLES = {Role.SECRETARY, Role.DEPUTY, Role.COMMITTEE, Role.CADRE}


def drafts_q(user) -> Q:
    """The drafts the user may see: those of the units where he is a cadre, and his own."""
    scope = scope_of(user)
    if scope.is_superuser:
        return Q(state=State.DRAFT)
    if not getattr(user, "pk", None):
        return Q(pk__in=[])
    cadre_paths = sorted({p for p, role in scope.grants if role == Role.CADRE})
    return Q(state=State.DRAFT) & (Q(unit_path__in=cadre_paths) | Q(created_by_id=user.pk))


def directives_visible_to(user) -> QuerySet[Directive]:
    scope = scope_of(user)
    directives = Directive.objects.all()
    if scope.is_superuser:
        return directives
    roots = scope.root_paths
    received = Receipt.objects.filter(subtree_q("unit_path", roots), directive=OuterRef("pk"))
    sent = ~Q(state=State.DRAFT) & (subtree_q("unit_path", roots) | Exists(received))
    return directives.filter(sent | drafts_q(user))


def get_directive_for(user, directive_id) -> Directive:
    try:
        pk = int(directive_id)
    except (ValueError, TypeError):
        raise Http404 from None
    directive = directives_visible_to(user).select_related("unit").filter(pk=pk).first()
    if directive is None:
        raise Http404
    return directive


def can_publish(user, unit: Unit) -> bool:
    """Publish a directive from the unit to the units under it."""
    scope = scope_of(user)
    return (
        not unit.is_branch
        and unit.is_active
        and (scope.is_superuser or Role.CADRE in scope.roles_at(unit.path))
    )


def can_manage(user, directive: Directive) -> bool:
    """See the receipts, remind, withdraw, supersede: the issuing unit's cadres."""
    scope = scope_of(user)
    return scope.is_superuser or Role.CADRE in scope.roles_at(directive.unit_path)


def can_edit_draft(user, directive: Directive) -> bool:
    """Change, delete or publish a draft: who sees it (drafts_q) and may publish from its unit
    (a cadre there or above: a draft's author who lost that role sees it but cannot send it)."""
    scope = scope_of(user)
    return directive.is_draft and (
        scope.is_superuser
        or (
            Role.CADRE in scope.roles_at(directive.unit_path)
            and (
                (directive.unit_path, Role.CADRE) in set(scope.grants)
                or directive.created_by_id == getattr(user, "pk", None)
            )
        )
    )


def acting_units(user) -> list[int]:
    """The ids of the units where the user may record a directive as read and reply."""
    scope = scope_of(user)
    paths = [p for p, role in scope.grants if role in ACT_ROLES]
    if not paths:
        return []
    return list(Unit.objects.filter(path__in=paths).values_list("pk", flat=True))


def receipts_of_user(user, directive: Directive) -> QuerySet[Receipt]:
    """The directive's receipts of the units the user acts for."""
    return Receipt.objects.filter(directive=directive, unit_id__in=acting_units(user))


def get_attachment_for(user, attachment_id) -> Attachment:
    """A directive's file for whoever sees the directive; a reply's file for the issuing unit's
    cadres and whoever sees the replying unit. 404 for everyone else."""
    try:
        attachment = (
            Attachment.objects.select_related("receipt").filter(pk=int(attachment_id)).first()
        )
    except (ValueError, TypeError):
        attachment = None
    if attachment is None:
        raise Http404
    directive = get_directive_for(user, attachment.directive_id)
    if attachment.receipt_id is not None:
        scope = scope_of(user)
        if not (can_manage(user, directive) or scope.sees_path(attachment.receipt.unit_path)):
            raise Http404
    return attachment
