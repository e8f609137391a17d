"""A bearer token's user and scope, read together by one SQL statement on every API call (and a
browser session's user and scope, the same way on every page).

Nothing is kept between calls: a revoked or expired token, a deactivated user, a withdrawn role
or a deactivated unit is refused (or narrows the scope) on the very next call, in every server
process, with no cache to clear. The statement is written once per process; a call only runs it.
"""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from doanvien.core.rows import Columns
from doanvien.units.models import Unit

from .access import Scope
from .models import ApiToken, RoleGrant, User

# The time of a token's last use is written again only after this long (one write every few
# minutes per token, not one per call).
LAST_USED_STEP = timedelta(minutes=5)

_statements: dict[str, str] = {}
# Every column of the user (his password's hash included: a session checks it).
_USER = Columns(User, tuple(f.name for f in User._meta.concrete_fields))


def _sql(of: str) -> str:
    """The user's row and one (path, role) per grant on an active unit: one row per grant (one
    row with no grant), for a token (`of="token"`: with the token's id and whether its last use
    is older than LAST_USED_STEP) or for a user id (`of="user"`)."""
    if of not in _statements:
        q = connection.ops.quote_name
        user_columns = _USER.sql("u")
        token, user = ApiToken._meta, User._meta
        grant, unit = RoleGrant._meta, Unit._meta
        grants = (
            f"LEFT OUTER JOIN {q(grant.db_table)} g ON g.{q('user_id')} = u.{q(user.pk.column)} "
            f"LEFT OUTER JOIN {q(unit.db_table)} un "
            f"ON un.{q(unit.pk.column)} = g.{q('unit_id')} AND un.{q('is_active')} "
        )
        grant_columns = f"un.{q('path')} AS grant_path, g.{q('role')} AS grant_role"
        if of == "token":
            _statements[of] = (
                f"SELECT {user_columns}, {grant_columns}, t.{q(token.pk.column)} AS token_id, "
                f"(t.{q('last_used_at')} IS NULL OR t.{q('last_used_at')} < %s) AS token_stale "
                f"FROM {q(token.db_table)} t "
                f"INNER JOIN {q(user.db_table)} u ON u.{q(user.pk.column)} = t.{q('user_id')} "
                f"{grants}"
                f"WHERE t.{q('digest')} = %s AND t.{q('expires_at')} > %s AND u.{q('is_active')}"
            )
        else:
            _statements[of] = (
                f"SELECT {user_columns}, {grant_columns} FROM {q(user.db_table)} u {grants}"
                f"WHERE u.{q(user.pk.column)} = %s"
            )
    return _statements[of]


def _run(of: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_sql(of), params)
        return cursor.fetchall()


def _with_scope(rows: list[tuple]) -> User:
    """The user of these rows (his columns, then a grant's path and role), his scope attached
    (accounts.access.scope_of reads it)."""
    n = len(_USER)
    user = _USER.make(rows[0][:n])
    grants = [(path, role) for path, role in (r[n : n + 2] for r in rows) if path is not None]
    user._doanvien_scope = Scope(
        is_superuser=user.is_superuser, member_id=user.member_id, grants=grants
    )
    return user


def user_with_scope(user_id) -> User | None:
    """The user with this id and his scope, by one query (a browser session's user: the
    authentication backend's get_user); None if there is none."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    if not 0 < user_id < 2**63:
        return None
    rows = _run("user", [user_id])
    return _with_scope(rows) if rows else None


def api_token_resolve(secret: str) -> tuple[User, ApiToken] | None:
    """The user of this token, with his scope already attached (accounts.access.scope_of reads
    it without a query), and the token; None if the token does not work (unknown, expired, or
    its user deactivated). Its use is noted every LAST_USED_STEP."""
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    rows = _run("token", [adapt(now - LAST_USED_STEP), ApiToken.digest_of(secret), adapt(now)])
    if not rows:
        return None
    user = _with_scope(rows)
    token_id, stale = rows[0][len(_USER) + 2 :]
    token = ApiToken(pk=token_id, user=user)
    if stale:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user, token
