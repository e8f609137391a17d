"""The member card's verification token: the QR code of a card carries the address of the public
verification page with a token signed with the site's key (Django's signing), so nothing is
stored per card and nobody can make a token for a record he has not been given.

The token names the record only (its id); the verification page reads the record as it is when
the card is scanned, so a member who left is answered as no longer a member, and a token altered
by one character is refused."""

from django.core import signing

from .models import Member, Status

SALT = "doanvien.members.card"


class BadToken(Exception):
    """The token was not signed by this site (altered, cut, or made up)."""


def card_token(member: Member) -> str:
    """The same token for the same record every time (a printed card stays valid)."""
    return signing.Signer(salt=SALT).sign(str(member.pk))


def member_of_token(token: str) -> Member | None:
    """The record the token names (None when it was deleted since); BadToken when the token is
    not one this site signed."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        raise BadToken from None
    if not value.isdigit():
        raise BadToken
    member_id = int(value)
    return Member.objects.select_related("branch").filter(pk=member_id).first()


def base_union_of(branch):
    """The base union a branch belongs to: the unit above it, or the branch itself when it is a
    branch reporting directly to a district-level unit (chi đoàn cơ sở, level `base`)."""
    if branch.level.code == "base":
        return branch
    return branch.parent()


def card_status(member: Member) -> str:
    """What the verification page says: `active`, or `not_member` for one who left the roll."""
    return "active" if member.status == Status.ACTIVE else "not_member"
