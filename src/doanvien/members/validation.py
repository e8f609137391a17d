"""The rules of a member record, in one place: used by the web forms, the API and imports.

`clean_member_data` takes raw values (text as typed, or already typed values), returns clean
values and raises ValidationError({field: message}) naming every broken rule in the user's
language.
"""

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from doanvien.core.dates import parse_date
from doanvien.core.text import forbidden_character, normalize, strip_invisible, text_fault
from doanvien.units.models import Unit

from .audiences import derived_audience
from .models import Audience, Category, DuplicateIdReport, Member, Position, Sex, Status
from .rules import AgeRules, RulesAlong, age_on, rules_along
from .services.duplicates import id_number_taken, probing_refusal

Source = DuplicateIdReport.Source

TEXT_FIELDS = (
    "full_name",
    "ethnicity",
    "religion",
    "home_town",
    "permanent_address",
    "id_issued_place",
    "education_level",
    "professional_qualification",
    "political_theory_level",
    "it_level",
    "foreign_language_level",
    "admission_resolution_no",
    "occupation",
    "awards",
    "discipline",
)
MULTILINE_FIELDS = ("awards", "discipline")
DATE_FIELDS = ("date_of_birth", "id_issued_on", "joined_union_on", "joined_party_on")
CHOICE_FIELDS = {
    "sex": Sex,
    "category": Category,
    "position": Position,
    "audience": Audience,
    "status": Status,
}
# The stored values of each choice field (an enum's .values builds a new list on every call).
_CHOICE_VALUES = {name: frozenset(choices.values) for name, choices in CHOICE_FIELDS.items()}
BOOL_FIELDS = ("federation_member", "honorary")
OTHER_FIELDS = ("id_number", "card_number", "email", "phone")
EDITABLE_FIELDS = TEXT_FIELDS + DATE_FIELDS + tuple(CHOICE_FIELDS) + BOOL_FIELDS + OTHER_FIELDS
REQUIRED_FIELDS = ("full_name", "date_of_birth", "sex", "id_number", "joined_union_on")
_PHONE = re.compile(r"^0\d{9,10}$")
# An ID number: 12 digits (citizen ID) or 9 (old ID card).
ID_NUMBER_SHAPE = re.compile(r"\d{9}|\d{12}")
_WHITESPACE = re.compile(r"\s")


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def admission_age_message(rules: AgeRules, born: date, on: date) -> str:
    """The admission age rule with its numbers, and the person's age on the admission date."""
    values = {
        "min": rules.admission_min_years,
        "days": rules.admission_min_days,
        "max": rules.admission_max_age,
        "age": age_on(born, on),
        "date": on.strftime("%d/%m/%Y"),
    }
    if not rules.admission_min_days:
        return (
            _(
                "Admission to the Union is from a full %(min)s years of age to the end of the "
                "age of %(max)s; this person is %(age)s on %(date)s."
            )
            % values
        )
    return (
        ngettext(
            "Admission to the Union is from a full %(min)s years and %(days)s day of age to the "
            "end of the age of %(max)s; this person is %(age)s on %(date)s.",
            "Admission to the Union is from a full %(min)s years and %(days)s days of age to the "
            "end of the age of %(max)s; this person is %(age)s on %(date)s.",
            rules.admission_min_days,
        )
        % values
    )


_LABELS: dict[str, dict[str, str]] = {}


def _labels() -> dict[str, str]:
    """The fields' labels in the active language (built once per language: imports call the
    rules once per row)."""
    language = get_language() or ""
    if language not in _LABELS:
        _LABELS[language] = {f.name: capfirst(str(f.verbose_name)) for f in Member._meta.fields}
    return _LABELS[language]


class _Invalid(Exception):
    """A value a field cannot take; the message has %(field)s and %(value)s."""


def _checked(text: str) -> str:
    """`text` if it keeps the text rule (core/text.py); else _Invalid naming the character."""
    if forbidden_character(text) is not None:
        raise _Invalid("%(field)s: " + text_fault(text).replace("%", "%%"))
    return text


@lru_cache(maxsize=8192)
def _normalized(text: str) -> str:
    """normalize(), remembered: most text fields repeat a few values across an import."""
    return normalize(_checked(text))


def _text(raw: Any) -> str:
    return _normalized(raw) if raw.__class__ is str else normalize(_checked(str(raw or "")))


def _multiline(raw: Any) -> str:
    return strip_invisible(_checked(str(raw or ""))).strip()


def _date(raw: Any) -> date | None:
    if raw.__class__ is date:
        return raw
    try:
        return parse_date(raw)
    except ValueError:
        raise _Invalid(_("%(field)s: “%(value)s” is not a date in dd/mm/yyyy form.")) from None


def _choice(values: frozenset[str]) -> Callable[[Any], str]:
    def clean(raw: Any) -> str:
        value = str(raw or "").strip()
        if value and value not in values:
            raise _Invalid(_("%(field)s: choose a value from the list."))
        return value

    return clean


def _bool(raw: Any) -> bool:
    if raw.__class__ is bool:
        return raw
    return bool(raw) and str(raw).lower() not in {"0", "false", "no", "không"}


def _no_spaces(raw: Any) -> str:
    text = _checked(raw if raw.__class__ is str else str(raw or ""))
    return _WHITESPACE.sub("", text) if _WHITESPACE.search(text) else text


# How each field's value is cleaned, looked up once per value (an import calls the rules for
# every row). A cleaner raises _Invalid for a value the field cannot take.
_CLEANERS: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(TEXT_FIELDS, _text),
    **dict.fromkeys(MULTILINE_FIELDS, _multiline),
    **dict.fromkeys(DATE_FIELDS, _date),
    **{name: _choice(values) for name, values in _CHOICE_VALUES.items()},
    **dict.fromkeys(BOOL_FIELDS, _bool),
    "id_number": _no_spaces,
    "card_number": lambda raw: _no_spaces(raw) or None,
    "email": lambda raw: _checked(str(raw or "")).strip().lower(),
    "phone": lambda raw: normalize_phone(_checked(str(raw or ""))),
}
# The stored values the rules that span several fields read, on an edit.
_MERGED_FIELDS = (
    *REQUIRED_FIELDS,
    "joined_party_on",
    "id_issued_on",
    "position",
    "occupation",
)
# Addresses every e-mail validator accepts (a dot-atom of letters, digits and _+- at a domain
# of letters, digits and hyphens): checked with one match; any other address goes to Django's
# validator, which decides.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)


def email_is_valid(email: str) -> bool:
    if len(email) <= 254 and _PLAIN_EMAIL.fullmatch(email):
        return True
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def clean_member_data(
    data: dict[str, Any],
    *,
    instance: Member | None = None,
    today: date | None = None,
    branch: Unit | None = None,
    rules: RulesAlong | None = None,
    actor=None,
    source: str = Source.RECORD,
) -> dict[str, Any]:
    """Validate the given fields (all of them for a new record, some for an edit).

    On an edit, a rule that spans several fields is checked when one of its fields is given:
    a stored record that breaks a newer rule can still have its other fields corrected.

    The admission age is that of the rules of `branch` (by default the instance's branch; the
    national default without either) in force on the admission date; a caller checking many
    records of the same branches passes `rules` (rules.rules_along) to read them once.

    An ID number another record holds is refused naming its branch only if `actor` (the person
    entering it) may see that record's full ID number (services/duplicates.py); otherwise the
    refusal names nobody, and is recorded as entered through `source`."""
    today = today or date.today()
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}

    for name, raw in data.items():
        cleaner = _CLEANERS.get(name)
        if cleaner is None:
            continue
        try:
            clean[name] = cleaner(raw)
        except _Invalid as e:
            errors[name] = e.args[0] % {"field": _labels()[name], "value": raw}

    # The values the record will have once saved: what is given over what is stored.
    if instance is None:
        merged = clean
    else:
        merged = {n: getattr(instance, n) for n in _MERGED_FIELDS}
        merged.update(clean)
    given = clean.keys()

    def touched(*names: str) -> bool:
        return instance is None or not given.isdisjoint(names)

    for name in REQUIRED_FIELDS:
        if (
            name not in errors
            and merged.get(name) in (None, "")
            and (instance is None or name in clean)
        ):
            errors[name] = _("%(field)s is required.") % {"field": _labels()[name]}

    id_number = merged.get("id_number") or ""
    if "id_number" not in errors and "id_number" in clean:
        if not ID_NUMBER_SHAPE.fullmatch(id_number):
            errors["id_number"] = _(
                "The ID card number has 12 digits (citizen ID) or 9 digits (old ID card)."
            )
        elif id_number != getattr(instance, "id_number", None) and (
            refusal := probing_refusal(actor)
        ):
            errors["id_number"] = refusal  # not looked up: too many numbers held elsewhere
        else:
            other = (
                Member.objects.filter(id_number=id_number)
                .exclude(pk=getattr(instance, "pk", None))
                .select_related("branch")
                .first()
            )
            if other:
                entered = branch
                if entered is None and instance is not None and instance.branch_id:
                    entered = instance.branch
                errors["id_number"] = id_number_taken(
                    actor=actor,
                    id_number=id_number,
                    holder=other,
                    entered_unit=entered,
                    entered_member=instance,
                    name=merged.get("full_name") or "",
                    source=source,
                )

    card = clean.get("card_number")
    if (
        card
        and "card_number" not in errors
        and Member.objects.filter(card_number=card)
        .exclude(pk=getattr(instance, "pk", None))
        .exists()
    ):
        errors["card_number"] = _("The member card number %(number)s is already assigned.") % {
            "number": card
        }

    if clean.get("phone") and not _PHONE.match(clean["phone"]):
        errors["phone"] = _(
            "The phone number has 10 or 11 digits and starts with 0 (e.g. 0912345678)."
        )
    if clean.get("email") and not email_is_valid(clean["email"]):
        errors["email"] = _("Enter a valid e-mail address.")

    born, joined = merged.get("date_of_birth"), merged.get("joined_union_on")
    if not isinstance(born, date):
        born = None
    if born is not None and "date_of_birth" not in errors and born >= today:
        errors["date_of_birth"] = _("The date of birth must be in the past.")
    if (
        isinstance(joined, date)
        and "joined_union_on" not in errors
        and touched("date_of_birth", "joined_union_on")
    ):
        if joined > today:
            errors["joined_union_on"] = _("The date joined the Union cannot be in the future.")
        elif born is not None and "date_of_birth" not in errors:
            if rules is None:
                if branch is None and instance is not None and instance.branch_id:
                    branch = instance.branch
                rules = rules_along(branch)
            in_force = rules.on(joined)
            if not in_force.admits(born, joined):
                errors["joined_union_on"] = admission_age_message(in_force, born, joined)
    party = merged.get("joined_party_on")
    if (
        isinstance(party, date)
        and "joined_party_on" not in errors
        and touched("date_of_birth", "joined_party_on")
    ):
        if party > today:
            errors["joined_party_on"] = _("The date joined the Party cannot be in the future.")
        elif born is not None and age_on(born, party) < 18:
            errors["joined_party_on"] = _("A Party member is at least 18 years old.")
    issued = merged.get("id_issued_on")
    if (
        isinstance(issued, date)
        and (issued > today or (born is not None and issued < born))
        and "id_issued_on" not in errors
        and touched("date_of_birth", "id_issued_on")
    ):
        errors["id_issued_on"] = _(
            "The ID card issue date must be after the date of birth and not in the future."
        )

    # The member's group: chosen, or when left empty (and for a new record not given) the one
    # his position and occupation give (audiences.derived_audience).
    new = instance is None or instance.pk is None
    if "audience" not in errors and (
        clean.get("audience") == "" or (new and "audience" not in clean)
    ):
        clean["audience"] = derived_audience(
            position=merged.get("position") or Position.MEMBER,
            occupation=merged.get("occupation") or "",
        )

    if errors:
        raise ValidationError(errors)
    return clean
