"""The signed-in user: who they are, the roles they hold and where their scope starts."""

from ninja import Router

from doanvien.accounts.access import visible_root_units
from doanvien.accounts.models import RoleGrant
from doanvien.units import member_counts

from .schemas import ErrorOut, MeOut

router = Router(tags=["me"])


@router.get("", response={200: MeOut, 401: ErrorOut}, summary="The signed-in user")
def me(request):
    user = request.user
    roles = (
        RoleGrant.objects.filter(user=user, unit__is_active=True)
        .select_related("unit")
        .order_by("unit__path", "role")
    )
    return {
        "user": user,
        "roles": roles,
        "root_units": member_counts.exact(visible_root_units(user).select_related("level")),
        "member_id": user.member_id,
    }
