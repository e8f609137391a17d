"""Member-card numbers (số thẻ đoàn viên): ranges allocated down the tree, numbers assigned from
them, automatically or by hand, never twice.

A card number is a string of CARD_DIGITS (10) digits, zero-padded, compared as a number:
"0000012345" is 12345. A range is a block [first, last] held by a unit:
- the root unit's ranges are created by a superuser or a cadre of the root;
- any other range is carved out of a range of the unit's parent, by a cadre above the receiving
  unit; the ranges carved out of one range never overlap, so two ranges are either disjoint or
  one inside the other. Branches hold no ranges: their members' numbers come from the units above.

The number a member gets automatically comes from the nearest unit above his branch that holds
a range with a free number (the unit's ranges in increasing order): the first number at or after
the range's `next_free` that is neither inside a range handed down nor already on a member. A
number typed by hand must lie in a range whose holder is the branch or a unit above it (the
innermost range containing the number decides) and be unused.

Never twice: Member.card_number is unique in the database, every assignment checks the number is
free, and assignments in one range are serialised by locking the range's row (select_for_update;
SQLite serialises every write transaction anyway). A number stays with the member for good, even
when he leaves the roll.

An allocation is corrected only by a recorded release: a range with no number used and nothing
handed down from it goes back to the range it came from.
"""

import bisect
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.transactions import atomic
from doanvien.units.models import Unit

from ..models import CARD_DIGITS, CardRange, Member, format_card
from ..selectors import covering_ranges

CARD_MAX = 10**CARD_DIGITS - 1
# How many numbers automatic assignment examines per query for hand-typed numbers in its way.
_WINDOW = 500


def parse_card(value, field: str = "card_number") -> int:
    """A card number from text or an int: 1 to CARD_DIGITS digits (spaces ignored)."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = re.sub(r"\s", "", str(value or ""))
    if not text:
        raise ValidationError({field: _("Enter a member card number.")})
    if not text.isdigit() or len(text) > CARD_DIGITS or int(text) < 1:
        raise ValidationError(
            {
                field: _("A member card number has at most %(digits)s digits (not all zeros).")
                % {"digits": CARD_DIGITS}
            }
        )
    return int(text)


def _used_cards(first: int, last: int) -> QuerySet[Member]:
    """Members whose card number lies in [first, last] (numbers of another width are ignored:
    compared as text, fixed-width numbers order like the numbers)."""
    return Member.objects.annotate(card_len=Length("card_number")).filter(
        card_len=CARD_DIGITS,
        card_number__gte=format_card(first),
        card_number__lte=format_card(last),
    )


# --- Who may do what --------------------------------------------------------------------------


# --- Reads ------------------------------------------------------------------------------------


def innermost_range(number: int) -> CardRange | None:
    """The smallest active range containing the number (ranges nest, so it is the deepest)."""
    return (
        CardRange.objects.filter(is_active=True, first__lte=number, last__gte=number)
        .select_related("unit")
        .order_by(F("last") - F("first"), "-pk")
        .first()
    )


class RangeHolders:
    """Which unit holds the range a number falls in, for many numbers at once (an import): the
    active ranges are read once (a few per province and district), sorted by first number, and
    each number finds its innermost range by bisection instead of one query."""

    def __init__(self):
        rows = CardRange.objects.filter(is_active=True).values_list(
            "first", "last", "unit__path", "unit__name"
        )
        # Nested ranges share a first number at most with their parent: the inner one (smaller
        # last) sorts after it, so a backward walk meets it first.
        self.ranges = sorted(rows, key=lambda r: (r[0], -r[1]))
        self.firsts = [r[0] for r in self.ranges]

    def holder(self, number: int) -> tuple[str, str] | None:
        """(unit path, unit name) of the innermost active range containing `number`."""
        i = bisect.bisect_right(self.firsts, number)
        while i > 0:
            i -= 1
            first, last, path, name = self.ranges[i]
            if last >= number:
                return path, name
        return None


def check_card_for_branch(number: int, branch: Unit, holders: RangeHolders) -> None:
    """A card number given with a member (an import): a number inside an allocated range must
    come from a range above the member's branch. Numbers in no range were issued before the
    ranges were recorded here and are kept as they are."""
    found = holders.holder(number)
    if found and not branch.path.startswith(found[0]):
        raise ValidationError(
            {
                "card_number": _(
                    "The number %(number)s belongs to the range of %(unit)s, which is not above "
                    "this member's branch."
                )
                % {"number": format_card(number), "unit": found[1]}
            }
        )


def imported_card(value) -> str:
    """A card number as an import keeps it: digits are written with their CARD_DIGITS digits (a
    spreadsheet drops leading zeros); a number of another shape, issued before this numbering
    (letters and digits), is kept as it is written, without spaces."""
    text = re.sub(r"\s", "", str(value or ""))
    if text.isdigit() and len(text) <= CARD_DIGITS and int(text):
        return format_card(int(text))
    return text


def free_blocks(card_range: CardRange) -> list[tuple[int, int]]:
    """The parts of the range not handed down to a unit below (numbers may be used)."""
    blocks, start = [], card_range.first
    for child in card_range.children.filter(is_active=True).order_by("first"):
        if child.first > start:
            blocks.append((start, child.first - 1))
        start = max(start, child.last + 1)
    if start <= card_range.last:
        blocks.append((start, card_range.last))
    return blocks


def used_count(card_range: CardRange) -> int:
    """Numbers of the range that are on a member, including the ranges handed down."""
    return _used_cards(card_range.first, card_range.last).count()


def first_free(card_range: CardRange) -> int | None:
    """The number automatic assignment would take from this range, or None when it is full."""
    children = list(
        card_range.children.filter(is_active=True).order_by("first").values_list("first", "last")
    )
    number = card_range.next_free
    while number <= card_range.last:
        inside = next(((f, la) for f, la in children if f <= number <= la), None)
        if inside:
            number = inside[1] + 1
            continue
        # The next child range (if any) bounds the stretch of numbers to check at once.
        upper = min(
            [card_range.last, number + _WINDOW - 1] + [f - 1 for f, _la in children if f > number]
        )
        used = {
            int(c)
            for c in _used_cards(number, upper).values_list("card_number", flat=True)
            if c.isdigit()
        }
        for candidate in range(number, upper + 1):
            if candidate not in used:
                return candidate
        number = upper + 1
    return None


# --- Writes -----------------------------------------------------------------------------------


def _locked(card_range: CardRange) -> CardRange:
    return CardRange.objects.select_for_update().get(pk=card_range.pk)


def _overlapping(qs: QuerySet[CardRange], first: int, last: int) -> CardRange | None:
    return (
        qs.filter(is_active=True, first__lte=last, last__gte=first).select_related("unit").first()
    )


@atomic
def card_range_allocate(*, actor, unit: Unit, first, last, note: str = "") -> CardRange:
    """Give `unit` the range [first, last]: out of a range of its parent, or, for a root unit, a
    new block of the country's numbers. The permission is checked by the caller."""
    unit = Unit.objects.get(pk=unit.pk)
    errors: dict[str, str] = {}
    numbers = {}
    for name, value in (("first", first), ("last", last)):
        try:
            numbers[name] = parse_card(value, field=name)
        except ValidationError as e:
            errors.update({k: " ".join(v) for k, v in e.message_dict.items()})
    if unit.is_branch:
        errors["unit"] = _("A branch holds no range: its numbers come from the units above.")
    elif not unit.is_active:
        errors["unit"] = _("This unit is inactive.")
    if errors:
        raise ValidationError(errors)
    first, last = numbers["first"], numbers["last"]
    if last < first:
        raise ValidationError({"last": _("The last number must not be below the first.")})
    parent_unit = unit.parent()
    if parent_unit is None:
        parent = None
        clash = _overlapping(CardRange.objects.filter(parent__isnull=True), first, last)
    else:
        parent = (
            CardRange.objects.filter(
                unit=parent_unit, is_active=True, first__lte=first, last__gte=last
            )
            .order_by("first")
            .first()
        )
        if parent is None:
            raise ValidationError(
                {
                    "first": _(
                        "The range must lie inside a range held by %(unit)s; allocate one "
                        "to it first."
                    )
                    % {"unit": parent_unit.name}
                }
            )
        parent = _locked(parent)
        clash = _overlapping(parent.children.all(), first, last)
    if clash is not None:
        raise ValidationError(
            {
                "first": _("The range overlaps %(range)s, held by %(unit)s.")
                % {"range": str(clash), "unit": clash.unit.name}
            }
        )
    card_range = CardRange.objects.create(
        unit=unit,
        parent=parent,
        first=first,
        last=last,
        next_free=first,
        note=(note or "").strip()[:200],
        allocated_by=actor if getattr(actor, "pk", None) else None,
    )
    summary = _("Card numbers %(range)s allocated to %(unit)s") % {
        "range": str(card_range),
        "unit": unit.name,
    }
    changes = {"first": [None, format_card(first)], "last": [None, format_card(last)]}
    audit.record(
        actor=actor,
        action="card_range.allocated",
        target=card_range,
        unit_path=unit.path,
        summary=summary,
        changes=changes,
    )
    audit.record(
        actor=actor,
        action="unit.card_range_allocated",
        target=unit,
        unit_path=unit.path,
        summary=summary,
        changes=changes,
    )
    return card_range


@atomic
def card_range_release(*, actor, card_range: CardRange, reason: str) -> CardRange:
    """Undo an allocation: the range goes back to the one it came from. Only a range with no
    number on a member and no range handed down from it; the reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for releasing the range.")})
    parent = _locked(card_range.parent) if card_range.parent_id else None
    card_range = _locked(card_range)
    if not card_range.is_active:
        raise ValidationError(_("This range was already released."), code="illegal_transition")
    if card_range.children.filter(is_active=True).exists():
        raise ValidationError(_("Release the ranges handed down from this one first."))
    if _used_cards(card_range.first, card_range.last).exists():
        raise ValidationError(_("Numbers of this range are on members: it cannot be released."))
    card_range.is_active = False
    card_range.released_by = actor if getattr(actor, "pk", None) else None
    card_range.released_at = timezone.now()
    card_range.release_reason = reason
    card_range.save()
    if parent is not None and parent.next_free > card_range.first:
        # Its numbers are the parent's to hand out again.
        parent.next_free = card_range.first
        parent.save(update_fields=["next_free"])
    unit = card_range.unit
    summary = _("Card numbers %(range)s released by %(unit)s: %(reason)s") % {
        "range": str(card_range),
        "unit": unit.name,
        "reason": reason,
    }
    for target, action in ((card_range, "card_range.released"), (unit, "unit.card_range_released")):
        audit.record(
            actor=actor,
            action=action,
            target=target,
            unit_path=unit.path,
            summary=summary,
            changes={"is_active": [True, False]},
        )
    return card_range


def _write_card(*, actor, member: Member, number: int, how: str) -> Member:
    card = format_card(number)
    try:
        with transaction.atomic():
            updated = Member.objects.filter(
                Q(card_number__isnull=True) | Q(card_number=""), pk=member.pk
            ).update(card_number=card, updated_at=timezone.now())
    except IntegrityError:  # assigned by someone else at the same moment
        raise ValidationError(
            {
                "card_number": _("The member card number %(number)s is already assigned.")
                % {"number": card}
            }
        ) from None
    if not updated:
        raise ValidationError({"card_number": _("This member already has a card number.")})
    member.card_number = card
    audit.record(
        actor=actor,
        action="member.card_assigned",
        target=member,
        unit_path=member.unit_path,
        summary=_("Member card number %(number)s (%(how)s)") % {"number": card, "how": how},
        changes={"card_number": [None, card]},
    )
    return member


@atomic
def card_assign(*, actor, member: Member, number=None) -> Member:
    """Give the member a card number: the next free one of the nearest range above his branch,
    or `number` typed by hand (checked against the ranges). Errors are on "card_number"."""
    member = Member.objects.select_related("branch").get(pk=member.pk)
    if member.card_number:
        raise ValidationError({"card_number": _("This member already has a card number.")})
    if number not in (None, ""):
        return _assign_by_hand(actor=actor, member=member, number=parse_card(number))
    for card_range in covering_ranges(member.branch):
        card_range = _locked(card_range)
        if not card_range.is_active:
            continue
        found = first_free(card_range)
        card_range.next_free = card_range.last + 1 if found is None else found + 1
        card_range.save(update_fields=["next_free"])
        if found is not None:
            return _write_card(
                actor=actor,
                member=member,
                number=found,
                how=_("automatic, from %(unit)s") % {"unit": card_range.unit.name},
            )
    raise ValidationError(
        {
            "card_number": _(
                "No range above %(branch)s has a free card number: ask the level above for a "
                "range, or type a number by hand."
            )
            % {"branch": member.branch.name}
        }
    )


def _assign_by_hand(*, actor, member: Member, number: int) -> Member:
    card = format_card(number)
    owner = None
    for _attempt in range(3):
        candidate = innermost_range(number)
        if candidate is None:
            break
        _locked(candidate)
        # A range handed down meanwhile may now be the innermost one: check again under the lock.
        owner = innermost_range(number)
        if owner is not None and owner.pk == candidate.pk:
            break
    if owner is not None:
        _locked(owner)
    if owner is None:
        raise ValidationError(
            {"card_number": _("The number %(number)s is in no allocated range.") % {"number": card}}
        )
    if not member.branch.path.startswith(owner.unit.path):
        raise ValidationError(
            {
                "card_number": _(
                    "The number %(number)s belongs to the range of %(unit)s, which is not above "
                    "this member's branch."
                )
                % {"number": card, "unit": owner.unit.name}
            }
        )
    if Member.objects.filter(card_number=card).exists():
        raise ValidationError(
            {
                "card_number": _("The member card number %(number)s is already assigned.")
                % {"number": card}
            }
        )
    if owner.next_free == number:
        CardRange.objects.filter(pk=owner.pk).update(next_free=number + 1)
    return _write_card(actor=actor, member=member, number=number, how=_("typed by hand"))
