from hypothesis import given
from hypothesis import strategies as st

from doanvien.core.text import fold, given_name_key, normalize

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)


def test_it_folds_diacritics_case_and_d():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("  TRẦN   thị  Ánh ") == "tran thi anh"


def test_it_folds_decomposed_text_like_composed_text():
    decomposed = "Nguye\u0302\u0303n"
    assert fold(decomposed) == fold("Nguyễn") == "nguyen"
    assert normalize(decomposed) == "Nguyễn"


def test_the_given_name_comes_first_in_the_sort_key():
    assert given_name_key("Nguyễn Văn An") == "an nguyen van"
    assert given_name_key("Lê Bình") < given_name_key("Nguyễn Văn Cường")


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " ", max_size=40))
def test_folding_gives_plain_ascii_and_is_stable(text):
    folded = fold(text)
    assert folded.isascii()
    assert fold(folded) == folded
    assert folded == folded.lower()


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " \u0300\u0301\u0303\u0309\u0323ÆøßİǅΩ"))
def test_the_fast_fold_is_the_unicode_fold(text):
    from doanvien.core.text import _fold_slowly

    assert fold(text) == _fold_slowly(text)


@given(st.text())
def test_the_fast_fold_is_the_unicode_fold_for_any_text(text):
    from doanvien.core.text import _fold_slowly

    assert fold(text) == _fold_slowly(text)


@given(st.text(alphabet=VIETNAMESE + " \t\n\u00a0\u2003\u0300\u0323Aa"))
def test_normalize_is_nfc_with_single_spaces(text):
    import re
    import unicodedata

    expected = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    assert normalize(text) == expected


BLANKS_AND_INVISIBLES = " \t\n\r\x0b\x0c\x1c\x85\u00a0\u2003\u3000\u200b\u00ad\ufeff\u2060"


@given(st.text(alphabet=VIETNAMESE + BLANKS_AND_INVISIBLES + "Aa"))
def test_text_checked_tidy_has_nothing_the_searches_would_find(text):
    import re

    from doanvien.core.spreadsheets.reading import _UNTIDY as _UNTIDY_CELL
    from doanvien.core.text import _UNTIDY, is_spaced_tidily

    if is_spaced_tidily(text):
        assert _UNTIDY.search(text) is None
        assert _UNTIDY_CELL.search(text) is None
        assert re.sub(r"\s+", " ", text).strip() == text


def test_the_tidy_check_says_no_to_every_kind_of_untidy_text():
    from doanvien.core.text import is_spaced_tidily

    assert is_spaced_tidily("Nguyễn Văn A")
    for text in (" A", "A ", "A  B", "A\tB", "A\u00a0B", "A\u200bB", "A\u00adB", "A\nB"):
        assert not is_spaced_tidily(text), text
