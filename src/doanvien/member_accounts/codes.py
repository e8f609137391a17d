"""Activation codes: how they are made, typed and stored.

A code is 10 characters of Crockford's base-32 alphabet (no I, L, O, U): 50 bits of entropy,
well above the 40 bits issue 14 asks for, and short enough to type from a paper slip. It is
shown as two groups of five (`7KQ2M-XW9TD`). Typing is forgiving: case, spaces and dashes do not
matter, and O, I and L are read as 0, 1 and 1. Only an HMAC of the code (keyed with the site's
SECRET_KEY) is stored: a copy of the database does not give the codes away, not even by trying
every one of them.
"""

import secrets

from django.utils.crypto import salted_hmac

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
BITS = LENGTH * 5  # 32 symbols: 5 bits each
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(raw: str) -> str:
    """The code as stored, from what a person typed ("" if it cannot be a code)."""
    text = "".join(ch for ch in (raw or "").upper() if ch.isalnum()).translate(_READ_AS)
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return ""
    return text


def display(code: str) -> str:
    """`7KQ2MXW9TD` → `7KQ2M-XW9TD`."""
    half = LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def digest_of(raw: str) -> str:
    """What is stored (and looked up) for a typed code; any input gives a digest, so a
    malformed code costs a look-up like any other and is simply never found."""
    return salted_hmac(
        "doanvien.member_accounts.code", normalize(raw) or raw, algorithm="sha256"
    ).hexdigest()
