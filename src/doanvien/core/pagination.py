"""Pages of a list: by number (Django's Paginator, for short lists), or by keyset for the long
ones (members of a province or of the nation), where OFFSET would read every row before the page
and COUNT every row of the list."""

import base64
import json
import math
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404

# A long list counts its rows up to this many; past it, it says "more than 1,000".
COUNT_LIMIT = 1000
# Pages reached by their number (an OFFSET) lie within the first COUNT_LIMIT rows; the ones
# after them by following the cursor of the page before.
OFFSET_LIMIT = COUNT_LIMIT


def paginate(request, queryset, per_page: int | None = None, count: int | None = None):
    """The requested page of a queryset; a page that does not exist is a 404. Pass `count`
    when the number of rows is already known (a kept counter), to skip counting them."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    if count is not None:
        paginator.count = count
    try:
        return paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        raise Http404 from None


# --- Keyset pages ------------------------------------------------------------------------------


class BadPage(Exception):
    """A page that does not exist or cannot be reached that way; `field` names the parameter
    ("page" or "cursor")."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        # "missing": after the last page; "too_far": a number past the pages reached by number;
        # "invalid": a cursor this code did not write.
        self.reason = reason


@dataclass
class KeysetPage:
    """One page of a list ordered by unique keys. Reads like Django's Page where it can
    (object_list, number, has_next, has_previous, has_other_pages, and count and num_pages
    through `paginator`, which is the page itself)."""

    object_list: list
    number: int
    per_page: int
    # The number of rows, or None when there are more than `more_than` (not counted further).
    count: int | None
    more_than: int | None = None
    next_cursor: str | None = None
    previous_cursor: str | None = None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def num_pages(self) -> int | None:
        """The number of pages when the rows are counted, else None."""
        if self.count is None:
            return None
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def paginator(self) -> "KeysetPage":
        return self


def _encode(number: int, backwards: bool, values: list) -> str:
    raw = json.dumps(
        [number, "b" if backwards else "a", values], separators=(",", ":"), ensure_ascii=False
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, keys: tuple[str, ...]) -> tuple[int, bool, list]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        number, direction, values = json.loads(raw)
    except (ValueError, TypeError):
        raise BadPage("cursor", "invalid") from None
    if not (
        isinstance(number, int)
        and number >= 1
        and direction in ("a", "b")
        and isinstance(values, list)
        and len(values) == len(keys)
        and all(isinstance(v, str | int) and not isinstance(v, bool) for v in values)
    ):
        raise BadPage("cursor", "invalid")
    return number, direction == "b", values


def _flipped(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


def _beyond(keys: tuple[str, ...], values: list, backwards: bool) -> Q:
    """Rows after (or before) the row with these key values in the order of `keys` (a key
    written "-name" descends), written so that an index on the keys starts at the row:
    `k1 >= v1 AND (k1 > v1 OR (k1 = v1 AND k2 > v2 …))`."""

    def strict(key: str) -> str:
        name, descending = key.lstrip("-"), key.startswith("-")
        return f"{name}__{'lt' if descending != backwards else 'gt'}"

    rest = Q(**{strict(keys[-1]): values[-1]})
    for key, value in zip(keys[-2::-1], values[-2::-1], strict=True):
        rest = Q(**{strict(key): value}) | (Q(**{key.lstrip("-"): value}) & rest)
    if len(keys) == 1:
        return rest
    return Q(**{f"{strict(keys[0])}e": values[0]}) & rest  # lt → lte, gt → gte


def count_up_to(rows: QuerySet, limit: int | None = None) -> int | None:
    """The number of rows when it is at most `limit` (COUNT_LIMIT by default), else None: counts
    no more than limit + 1."""
    limit = COUNT_LIMIT if limit is None else limit
    found = rows.select_related(None).order_by()[: limit + 1].count()
    return found if found <= limit else None


def keyset_page(
    rows: QuerySet,
    *,
    keys: tuple[str, ...],
    page: int = 1,
    cursor: str = "",
    per_page: int | None = None,
    count: int | None = None,
) -> KeysetPage:
    """A page of `rows`, which `keys` order (ascending, or descending when written "-name";
    never null; strings, integers, dates or date-times: a cursor carries them as JSON; the last
    one unique, e.g. "pk"). The rows may be model instances or values() dicts.

    Without a cursor, page `page` by its number: only within the first OFFSET_LIMIT rows
    (BadPage "too_far" beyond; "missing" after the last page). With a cursor (a page's
    `next_cursor` or `previous_cursor`), the page next to the row it names, read from an index
    on the keys whatever its depth. Pass `count` when the number of rows is known (a kept
    counter); otherwise they are counted up to COUNT_LIMIT."""
    per_page = per_page or settings.PAGE_SIZE
    ascending, descending = keys, tuple(_flipped(k) for k in keys)
    if cursor:
        number, backwards, values = _decode(cursor, keys)
        try:
            beyond = rows.filter(_beyond(keys, values, backwards))
        except (ValueError, TypeError):
            raise BadPage("cursor", "invalid") from None
        if backwards:
            found = list(beyond.order_by(*descending)[: per_page + 1])
            if len(found) <= per_page:  # nothing before these: the first page
                return keyset_page(rows, keys=keys, per_page=per_page, count=count)
            shown, has_next = found[:per_page][::-1], True  # the page we came from is next
            number = max(number, 2)
        else:
            found = list(beyond.order_by(*ascending)[: per_page + 1])
            shown, has_next = found[:per_page], len(found) > per_page
    else:
        number = page
        if number < 1:
            raise BadPage("page", "missing")
        start = (number - 1) * per_page
        if start >= OFFSET_LIMIT:
            raise BadPage("page", "too_far")
        found = list(rows.order_by(*ascending)[start : start + per_page + 1])
        if number > 1 and not found:
            raise BadPage("page", "missing")
        shown, has_next = found[:per_page], len(found) > per_page
        if count is None and not has_next:
            count = start + len(shown)  # this is the last page

    def cursor_at(row, to_number: int, backwards: bool) -> str:
        read = row.__getitem__ if isinstance(row, dict) else lambda name: getattr(row, name)
        values = [read(k.lstrip("-")) for k in keys]
        values = [v.isoformat() if isinstance(v, date) else v for v in values]
        return _encode(to_number, backwards, values)

    if shown:
        previous = cursor_at(shown[0], number - 1, True) if number > 1 else None
    else:  # past the end of the list (its last rows went away): back from the cursor's row
        previous = _encode(number - 1, True, values) if number > 1 else None
    more_than = None
    if count is None:
        count = count_up_to(rows)
        more_than = COUNT_LIMIT if count is None else None
    return KeysetPage(
        object_list=shown,
        number=number,
        per_page=per_page,
        count=count,
        more_than=more_than,
        next_cursor=cursor_at(shown[-1], number + 1, False) if has_next else None,
        previous_cursor=previous,
    )


def keyset_page_for(request, rows: QuerySet, *, keys: tuple[str, ...], count=None) -> KeysetPage:
    """keyset_page for a page's query string (`page`, `cursor`); a page that does not exist or
    a cursor this code did not write is a 404."""
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        raise Http404 from None
    try:
        return keyset_page(
            rows, keys=keys, page=number, cursor=request.GET.get("cursor", ""), count=count
        )
    except BadPage:
        raise Http404 from None
