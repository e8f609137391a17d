from django.utils.text import capfirst
from django.utils.translation import gettext as _

from doanvien.members.models import Member, mask_id_number
from doanvien.profiles.models import ChangeRequest


def _shown(name: str, value, shows_id: bool):
    if name == "id_number" and value and not shows_id:
        return mask_id_number(value)
    if name == "date_of_birth" and value:
        year, month, day = str(value).split("-")
        return f"{day}/{month}/{year}"
    return value


def change_rows(change_request: ChangeRequest, shows_id: bool) -> list[tuple]:
    """(label, value when asked, new value) for each field of the request; the ID number
    masked for those who may not see it."""
    rows = [
        (
            capfirst(Member._meta.get_field(name).verbose_name),
            _shown(name, change_request.before.get(name), shows_id),
            _shown(name, value, shows_id),
        )
        for name, value in change_request.changes.items()
    ]
    if change_request.photo:
        rows.append((capfirst(Member._meta.get_field("photo").verbose_name), "", _("A new photo")))
    return rows
