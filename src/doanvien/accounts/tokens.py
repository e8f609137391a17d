"""A bearer token's user and scope, read together by one SQL statement on every API call.

Nothing is kept between calls: a revoked or expired token, a deactivated user, a withdrawn role
or a deactivated unit is refused (or narrows the scope) on the very next call, in every server
process, with no cache to clear. The statement is written once per process; a call only runs it.
"""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from doanvien.units.models import Unit

from .access import Scope
from .models import ApiToken, RoleGrant, User

# The time of a token's last use is written again only after this long (one write every few
# minutes per token, not one per call).
LAST_USED_STEP = timedelta(minutes=5)

_statement: str | None = None


def _sql() -> str:
    """The user's row, the token's id, whether its last use is older than LAST_USED_STEP, and
    one (path, role) per grant on an active unit: one row per grant (one row with no grant)."""
    global _statement
    if _statement is None:
        q = connection.ops.quote_name
        user_columns = ", ".join(f"u.{q(f.column)}" for f in User._meta.concrete_fields)
        token, user = ApiToken._meta, User._meta
        grant, unit = RoleGrant._meta, Unit._meta
        _statement = (
            f"SELECT {user_columns}, t.{q(token.pk.column)} AS token_id, "
            f"(t.{q('last_used_at')} IS NULL OR t.{q('last_used_at')} < %s) AS token_stale, "
            f"un.{q('path')} AS grant_path, g.{q('role')} AS grant_role "
            f"FROM {q(token.db_table)} t "
            f"INNER JOIN {q(user.db_table)} u ON u.{q(user.pk.column)} = t.{q('user_id')} "
            f"LEFT OUTER JOIN {q(grant.db_table)} g ON g.{q('user_id')} = u.{q(user.pk.column)} "
            f"LEFT OUTER JOIN {q(unit.db_table)} un "
            f"ON un.{q(unit.pk.column)} = g.{q('unit_id')} AND un.{q('is_active')} "
            f"WHERE t.{q('digest')} = %s AND t.{q('expires_at')} > %s AND u.{q('is_active')}"
        )
    return _statement


def api_token_resolve(secret: str) -> tuple[User, ApiToken] | None:
    """The user of this token, with his scope already attached (accounts.access.scope_of reads
    it without a query), and the token; None if the token does not work (unknown, expired, or
    its user deactivated). Its use is noted every LAST_USED_STEP."""
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    rows = list(
        User.objects.raw(
            _sql(), [adapt(now - LAST_USED_STEP), ApiToken.digest_of(secret), adapt(now)]
        )
    )
    if not rows:
        return None
    user = rows[0]
    grants = [(r.grant_path, r.grant_role) for r in rows if r.grant_path is not None]
    user._doanvien_scope = Scope(
        is_superuser=user.is_superuser, member_id=user.member_id, grants=grants
    )
    token = ApiToken(pk=user.token_id, user=user)
    if user.token_stale:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user, token
