"""What a member may propose to change in his own record, and which changes need a reason.

The national app lets members update their data for the branch to approve ("Duyệt thông tin
đoàn viên từ app"): contact details, address, education and qualification, ethnicity, religion
and the ID number; a new name or date of birth changes who he is on paper, so it comes with the
reason (a civil-status change, an error in the record)."""

from django.utils.translation import gettext_lazy as _

# The record's fields a member may propose, in the order the form shows them.
REQUESTABLE_FIELDS = (
    "phone",
    "email",
    "permanent_address",
    "education_level",
    "professional_qualification",
    "ethnicity",
    "religion",
    "id_number",
    "full_name",
    "date_of_birth",
)
# Fields whose change needs a reason.
REASON_FIELDS = ("full_name", "date_of_birth")

NOT_REQUESTABLE = _("This field is not changed through a request: ask your branch committee.")
