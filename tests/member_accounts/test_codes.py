"""Activation codes: enough entropy not to be guessed, forgiving to type, never stored."""

import math

from hypothesis import given
from hypothesis import strategies as st

from doanvien.member_accounts import codes


def test_a_code_carries_at_least_40_bits():
    assert codes.BITS >= 40
    assert len(codes.ALPHABET) ** codes.LENGTH >= 2**40
    assert math.log2(len(set(codes.ALPHABET))) * codes.LENGTH == codes.BITS


def test_codes_are_drawn_from_the_whole_alphabet_and_do_not_repeat():
    drawn = [codes.new_code() for _ in range(2000)]
    assert len(set(drawn)) == len(drawn)
    assert set("".join(drawn)) == set(codes.ALPHABET)


@given(st.text(alphabet=codes.ALPHABET, min_size=codes.LENGTH, max_size=codes.LENGTH))
def test_a_code_reads_back_however_it_is_typed(code):
    shown = codes.display(code)
    assert codes.normalize(shown) == code
    assert codes.normalize(f"  {shown.lower()} ") == code
    assert codes.normalize(shown.replace("-", " ")) == code
    assert codes.digest_of(shown.lower()) == codes.digest_of(code)


def test_letters_that_look_like_digits_are_read_as_the_digits():
    assert codes.normalize("O1234-56789") == "0123456789"
    assert codes.normalize("o1234-5678i") == codes.normalize("01234-5678l") == "0123456781"


def test_what_cannot_be_a_code_is_never_one():
    for typed in ["", "12345", "0123456789A", "ABCDE-FGHIU", "ABCDE FGHI!"]:
        assert codes.normalize(typed) == ""


def test_the_stored_digest_does_not_hold_the_code():
    code = codes.new_code()
    digest = codes.digest_of(code)
    assert code not in digest and len(digest) == 64
    assert codes.digest_of(codes.new_code()) != digest
