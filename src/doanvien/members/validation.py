"""The rules of a member record, in one place: used by the web forms, the API and imports.

`clean_member_data` takes raw values (text as typed, or already typed values), returns clean
values and raises ValidationError({field: message}) naming every broken rule in the user's
language.
"""

import re
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from doanvien.core.text import normalize

from .models import Category, Member, Position, Sex, Status

ADMISSION_AGE_MIN = 16
ADMISSION_AGE_MAX = 35

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
CHOICE_FIELDS = {"sex": Sex, "category": Category, "position": Position, "status": Status}
# The stored values of each choice field (an enum's .values builds a new list on every call).
_CHOICE_VALUES = {name: frozenset(choices.values) for name, choices in CHOICE_FIELDS.items()}
BOOL_FIELDS = ("federation_member", "honorary")
OTHER_FIELDS = ("id_number", "card_number", "email", "phone")
EDITABLE_FIELDS = TEXT_FIELDS + DATE_FIELDS + tuple(CHOICE_FIELDS) + BOOL_FIELDS + OTHER_FIELDS
REQUIRED_FIELDS = ("full_name", "date_of_birth", "sex", "id_number", "joined_union_on")
# How clean_member_data treats each field, looked up once per value (an import calls it for
# every row).
_KIND = {
    **dict.fromkeys(TEXT_FIELDS, "text"),
    **dict.fromkeys(MULTILINE_FIELDS, "multiline"),
    **dict.fromkeys(DATE_FIELDS, "date"),
    **dict.fromkeys(CHOICE_FIELDS, "choice"),
    **dict.fromkeys(BOOL_FIELDS, "bool"),
    **{name: name for name in OTHER_FIELDS},
}

_PHONE = re.compile(r"^0\d{9,10}$")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d")


def parse_date(value: Any) -> date | None:
    """A date from a date, a datetime or text in dd/mm/yyyy (or ISO yyyy-mm-dd)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


_LABELS: dict[str, dict[str, str]] = {}


def _labels() -> dict[str, str]:
    """The fields' labels in the active language (built once per language: imports call the
    rules once per row)."""
    language = get_language() or ""
    if language not in _LABELS:
        _LABELS[language] = {f.name: capfirst(str(f.verbose_name)) for f in Member._meta.fields}
    return _LABELS[language]


def clean_member_data(
    data: dict[str, Any], *, instance: Member | None = None, today: date | None = None
) -> dict[str, Any]:
    """Validate the given fields (all of them for a new record, some for an edit).

    On an edit, a rule that spans several fields is checked when one of its fields is given:
    a stored record that breaks a newer rule can still have its other fields corrected."""
    today = today or date.today()
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    labels = _labels()

    for name, raw in data.items():
        kind = _KIND.get(name)
        if kind is None:
            continue
        if kind == "text":
            clean[name] = normalize(str(raw or ""))
        elif kind == "multiline":
            clean[name] = str(raw or "").strip()
        elif kind == "date":
            try:
                clean[name] = parse_date(raw)
            except ValueError:
                errors[name] = _("%(field)s: “%(value)s” is not a date in dd/mm/yyyy form.") % {
                    "field": labels[name],
                    "value": raw,
                }
        elif kind == "choice":
            value = str(raw or "").strip()
            if value and value not in _CHOICE_VALUES[name]:
                errors[name] = _("%(field)s: choose a value from the list.") % {
                    "field": labels[name]
                }
            clean[name] = value
        elif kind == "bool":
            clean[name] = bool(raw) and str(raw).lower() not in {"0", "false", "no", "không"}
        elif name == "id_number":
            clean[name] = re.sub(r"\s", "", str(raw or ""))
        elif name == "card_number":
            clean[name] = re.sub(r"\s", "", str(raw or "")) or None
        elif name == "email":
            clean[name] = str(raw or "").strip().lower()
        elif name == "phone":
            clean[name] = normalize_phone(str(raw or ""))

    # The values the record will have once saved: what is given over what is stored.
    merged = {n: getattr(instance, n) for n in EDITABLE_FIELDS} if instance else {}
    merged.update(clean)

    def touched(*names: str) -> bool:
        return instance is None or any(n in clean for n in names)

    for name in REQUIRED_FIELDS:
        if touched(name) and name not in errors and merged.get(name) in (None, ""):
            errors[name] = _("%(field)s is required.") % {"field": labels[name]}

    id_number = merged.get("id_number") or ""
    if "id_number" not in errors and "id_number" in clean:
        if not re.fullmatch(r"\d{9}|\d{12}", id_number):
            errors["id_number"] = _(
                "The ID card number has 12 digits (citizen ID) or 9 digits (old ID card)."
            )
        else:
            other = (
                Member.objects.filter(id_number=id_number)
                .exclude(pk=getattr(instance, "pk", None))
                .select_related("branch")
                .first()
            )
            if other:
                errors["id_number"] = _(
                    "The ID card number %(number)s is already on a member of %(branch)s."
                ) % {"number": id_number, "branch": other.branch.name}

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
    if clean.get("email"):
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")

    born, joined = merged.get("date_of_birth"), merged.get("joined_union_on")
    if isinstance(born, date) and "date_of_birth" not in errors and born >= today:
        errors["date_of_birth"] = _("The date of birth must be in the past.")
    if (
        touched("date_of_birth", "joined_union_on")
        and isinstance(joined, date)
        and ("joined_union_on" not in errors)
    ):
        if joined > today:
            errors["joined_union_on"] = _("The date joined the Union cannot be in the future.")
        elif isinstance(born, date) and "date_of_birth" not in errors:
            age = age_on(born, joined)
            if not ADMISSION_AGE_MIN <= age <= ADMISSION_AGE_MAX:
                errors["joined_union_on"] = _(
                    "A member is admitted between %(min)s and %(max)s years of age; "
                    "on this date the person was %(age)s."
                ) % {"min": ADMISSION_AGE_MIN, "max": ADMISSION_AGE_MAX, "age": age}
    party = merged.get("joined_party_on")
    if (
        touched("date_of_birth", "joined_party_on")
        and isinstance(party, date)
        and ("joined_party_on" not in errors)
    ):
        if party > today:
            errors["joined_party_on"] = _("The date joined the Party cannot be in the future.")
        elif isinstance(born, date) and age_on(born, party) < 18:
            errors["joined_party_on"] = _("A Party member is at least 18 years old.")
    issued = merged.get("id_issued_on")
    bad_issue_date = isinstance(issued, date) and (
        issued > today or (isinstance(born, date) and issued < born)
    )
    if touched("date_of_birth", "id_issued_on") and bad_issue_date and "id_issued_on" not in errors:
        errors["id_issued_on"] = _(
            "The ID card issue date must be after the date of birth and not in the future."
        )

    if errors:
        raise ValidationError(errors)
    return clean
