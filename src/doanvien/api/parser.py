"""How the API reads request bodies and query strings: ninja's JSON parser with the text rule
of the whole product (core/text.py), as the forms and the imports keep it. Every string the
client sends loses its invisible characters; a string holding a control character (NUL
among them) or a bidirectional override is refused before any view runs, with the field it
is in (errors.TextRefused, answered 422). A password is read as it is typed."""

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from doanvien.core.text import forbidden_character, strip_invisible, text_fault

from .errors import TextRefused

# Keys whose values are secrets, taken as typed.
_AS_TYPED = {"password"}


def checked(value: Any, loc: tuple) -> Any:
    """`value` (parsed JSON or form values) with the text rule applied to every string in it;
    TextRefused at `loc` (the path to the first string it refuses)."""
    if isinstance(value, str):
        if forbidden_character(value) is not None:
            raise TextRefused(loc, text_fault(value))
        return strip_invisible(value)
    if isinstance(value, dict):
        return {
            key: item if key in _AS_TYPED else checked(item, (*loc, key))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [checked(item, (*loc, i)) for i, item in enumerate(value)]
    return value


class TextRuleParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        # A refusal raised here reaches errors.py as the cause of ninja's "Cannot parse".
        return checked(super().parse_body(request), ("body",))

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        return checked(super().parse_querydict(data, list_fields, request), ("query",))
