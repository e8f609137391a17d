from django import template
from django.utils.translation import gettext_lazy as _

from doanvien.core import numbers

register = template.Library()

ACTIONS = {
    "unit.created": _("created the unit"),
    "unit.updated": _("changed the unit"),
    "unit.deactivated": _("deactivated the unit"),
    "unit.reactivated": _("reactivated the unit"),
    "unit.moved": _("moved the unit"),
    "unit.merged": _("merged the unit into another"),
    "unit.merged_in": _("merged another unit into this one"),
    "member.created": _("created the record"),
    "member.updated": _("changed the record"),
    "member.moved": _("moved the member to another branch"),
    "member.id_number_viewed": _("viewed the full ID card number"),
    "member.id_number_searched": _("found the member by his full ID card number"),
    "members.id_number_searched": _("searched the members by a full ID card number"),
    "member.duplicate_id_refused": _(
        "entered an ID card number that a record out of his sight holds (refused)"
    ),
    "member.duplicate_id_settled": _("settled the duplicate ID card number"),
    "member.transfer_requested": _("requested a transfer"),
    "member.transfer_accepted": _("accepted the transfer"),
    "member.transfer_rejected": _("rejected the transfer"),
    "member.transfer_cancelled": _("cancelled the transfer request"),
    "transfer.requested": _("requested a transfer"),
    "transfer.accepted": _("accepted the transfer"),
    "transfer.rejected": _("rejected the transfer"),
    "transfer.cancelled": _("cancelled the transfer request"),
    "transfer.ended": _("ended the activity in the other unit"),
    "member.transfer_ended": _("ended the activity in the other unit"),
    "role.granted": _("granted a role"),
    "role.revoked": _("revoked a role"),
    "user.invited": _("invited the user"),
    "user.password_set": _("set a password"),
    "user.password_changed": _("changed the password"),
    "user.password_reset": _("set a new password from a reset link"),
    "user.signed_out": _("logged out everywhere"),
    "registration.saved": _("saved the registration"),
    "registration.submitted": _("submitted the registration"),
    "registration.approved": _("approved the registration"),
    "training.year_closed": _("closed the programme year"),
    "registration.returned": _("returned the registration"),
    "registration.self_assessed": _("self-assessed"),
    "registration.assessed": _("assessed the member"),
    "results.submit": _("submitted the branch's results"),
    "results.recognise": _("recognised the branch's results"),
    "results.return": _("returned the branch's results"),
    "results.reopen": _("reopened the branch's results"),
    "progress.noted": _("added a progress note"),
    "framework.published": _("published the framework"),
    "framework.updated": _("changed the framework"),
    "criterion.added": _("added a criterion"),
    "criterion.updated": _("changed a criterion"),
    "criterion.removed": _("removed a criterion"),
    "deadline.set": _("set a deadline"),
    "member.removed": _("removed the member from the roll"),
    "member.expelled": _("expelled the member"),
    "member.matured_out": _("recorded that the member matured out"),
    "member.reinstated": _("brought the member back on the roll (correction)"),
    "member.admitted": _("admitted the member"),
    "member.honorary_granted": _("recognised the member as an honorary member"),
    "member.honorary_withdrawn": _("withdrew the honorary membership"),
    "member.continues": _("recorded that the member continues past the age limit as a cadre"),
    "member.continues_withdrawn": _(
        "withdrew that the member continues past the age limit as a cadre"
    ),
    "member.kept": _("recorded the branch's decision to keep the member past the age limit"),
    "member.keep_ended": _("ended the branch's decision to keep the member past the age limit"),
    "member_rules.created": _("added membership age rules"),
    "member_rules.changed": _("changed the membership age rules"),
    "member_rules.deleted": _("deleted membership age rules"),
    "member.admission_annulled": _("annulled the admission"),
    "member.card_assigned": _("assigned a member card"),
    "members.imported": _("imported members"),
    "import.undone": _("started an import that was undone (nothing of it is left)"),
    "members.exported": _("exported the members with their ID card numbers"),
    "registrations.imported": _("imported registrations"),
    "admission.proposed": _("proposed an admission"),
    "admission.approved": _("approved the admission"),
    "admission.rejected": _("rejected the admission"),
    "admission.withdrawn": _("withdrew the admission proposal"),
    "admission.annulled": _("annulled the admission"),
    "card_range.allocated": _("allocated a card number range"),
    "card_range.released": _("released a card number range"),
    "unit.card_range_allocated": _("received a card number range"),
    "unit.card_range_released": _("had a card number range released"),
    "committee.created": _("recorded the committee"),
    "committee.approve": _("approved the committee"),
    "committee.reject": _("rejected the committee"),
    "committee.resubmit": _("submitted the committee again"),
    "committee.end": _("ended the committee's term"),
    "committee.post_added": _("added a post to the committee"),
    "committee.post_ended": _("ended a post in the committee"),
    "committee.change_proposed": _("recorded a change mid-term to the committee"),
    "committee.change_approve": _("approved a change mid-term to the committee"),
    "committee.change_reject": _("rejected a change mid-term to the committee"),
    "dues.profile": _("changed the member's dues category"),
    "dues.payment": _("recorded a dues payment"),
    "dues.payment_cancel": _("cancelled a dues payment"),
    "dues.exemption": _("exempted the member from dues"),
    "dues.remittance_send": _("sent dues to the level above"),
    "dues.remittance_confirm": _("confirmed dues received"),
    "dues.remittance_reject": _("marked dues as not received"),
    "evaluation.register": _("registered for the evaluation"),
    "evaluation.self_assess": _("scored the unit itself"),
    "evaluation.add_evidence": _("added evidence"),
    "evaluation.submit": _("submitted the evaluation"),
    "evaluation.assess": _("scored the evaluation"),
    "evaluation.return": _("returned the evaluation"),
    "evaluation.recognise": _("recognised the unit"),
    "evaluation.reopen": _("reopened the evaluation"),
    "evaluation.deadline_set": _("set an evaluation deadline"),
    "evaluation.scheme_publish": _("published an evaluation scheme"),
    "rating.propose": _("proposed the member's yearly rating"),
    "rating.approve": _("approved the member's yearly rating"),
    "rating.reject": _("rejected the member's yearly rating"),
    "rating.policy_set": _("set the members' rating policy"),
    "rating.policy_clear": _("removed its own members' rating policy"),
    "collective_rating.propose": _("proposed the leadership collective's yearly rating"),
    "collective_rating.approve": _("approved the leadership collective's yearly rating"),
    "collective_rating.reject": _("rejected the leadership collective's yearly rating"),
    "party_introduction.propose": _("proposed the member to the Party"),
    "party_introduction.update": _("recorded a step of the Party introduction"),
    "meeting.created": _("recorded a meeting"),
    "meeting.updated": _("changed a meeting"),
    "meeting.attendance": _("recorded attendance"),
    "meeting.theme": _("published a monthly theme"),
    "directive.published": _("published a directive"),
    "directive.drafted": _("saved a directive as a draft"),
    "directive.draft_changed": _("changed a draft directive"),
    "directive.draft_deleted": _("deleted a draft directive"),
    "directive.superseded": _("superseded a directive"),
    "directive.withdrawn": _("withdrew a directive"),
    "directive.reminded": _("reminded the units that have not read a directive"),
    "directive.replied": _("replied to a directive"),
    "meeting.cancelled": _("cancelled a meeting"),
    "meeting.training_step": _("tied a step of the training programme to the meeting"),
    "member.account_closed": _("closed the member's account"),
    "member.account_reopened": _("opened the member's account again"),
    "member.photo_set": _("changed the member's photo"),
    "member.photo_removed": _("removed the member's photo"),
    "member.account_disowned": _("said the account was not his"),
    "member.change_requested": _("asked to change his record"),
    "member.change_approved": _("approved a change of the record"),
    "member.change_rejected": _("rejected a change of the record"),
    "member.code_issued": _("issued an activation code"),
    "member.not_me_closed": _("closed a “this was not me” report"),
    "units.imported": _("imported units"),
    "youth.created": _("recorded a young person"),
    "youth.erased": _("erased a young person's record"),
    "youth_group.created": _("recorded a club, team or group"),
    "youths.imported": _("imported young people and groups"),
    "referral_report.sent": _("sent the yearly “1+1” report"),
    "referral_report.extended": _("extended the deadline of a “1+1” report"),
    "youth_survey.saved": _("recorded the survey of young people in the area"),
    "youth_review.noted": _("noted the six-monthly review of the “1+1” programme"),
    "indicator.target_set": _("set an indicator's target"),
    "indicator.value_set": _("entered an indicator's figure"),
    "referral.introduced": _("introduced a young person"),
    "referral.taking_part": _("recorded that the young person takes part"),
    "referral.joined_federation": _("recorded that the young person joined the Federation"),
    "referral.proposed": _("proposed the young person for admission"),
    "referral.dropped": _("recorded that the referral was dropped"),
    "referral.admitted": _("recorded the young person's admission"),
    "return.saved": _("saved figures of the statistics return"),
    "return.submitted": _("submitted the statistics return"),
    "return.accepted": _("accepted the statistics return"),
    "return.returned": _("returned the statistics return"),
    "return.document_set": _("set the number and signer of the statistics return"),
    "return.reset": _("reset the statistics return to “not reported” (status reset day)"),
    "return_campaign.created": _("asked the units below for a statistics return"),
    "return_campaign.closed": _("closed a statistics return campaign"),
    "activity.published": _("published an activity"),
    "activity.cancelled": _("cancelled an activity"),
    "activity.updated": _("changed an activity"),
    "activity.signed_up": _("signed up for an activity"),
    "activity.checked_in": _("checked members in at an activity"),
    "activity.criterion_linked": _("linked a criterion to an activity"),
    "activity.criterion_unlinked": _("took a criterion's link to an activity away"),
    "yearly_report.saved": _("saved the text of the yearly report"),
    "yearly_report.submitted": _("submitted the yearly report to the level above"),
    "yearly_report.reopened": _("reopened the yearly report"),
    "good_model.created": _("recorded a good model"),
    "good_model.updated": _("changed a good model"),
    "good_model.deleted": _("deleted a good model"),
    "good_model.pulled": _("pulled a good model from a unit under it"),
    "activity.criterion_links_set": _("changed the activities linked to a criterion"),
    "campaign.created": _("launched a campaign"),
    "campaign.updated": _("changed a campaign"),
}


@register.filter
def action_label(code: str) -> str:
    return ACTIONS.get(code, code)


@register.simple_tag(takes_context=True)
def querystring_page(context, page: int) -> str:
    """The current query string with another page number."""
    query = context["request"].GET.copy()
    query["page"] = page
    return "?" + query.urlencode()


@register.filter
def field_label(name: str, model) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return {
            "parent": _("parent unit"),
            "role": _("role"),
            "merged_into": _("merged into"),
            "merged_from": _("merged from"),
        }.get(name, name)


# Counts and shares in reports and statistics, grouped by thousands (core/numbers.py).


@register.filter
def count(value):
    """A count grouped by thousands: 1.355 (vi), 1,355 (en); a decimal keeps its decimals
    (12,5); anything that is not a number (a dash) unchanged."""
    value_number = numbers.as_number(value)
    return value if value_number is None else numbers.grouped(value_number)


@register.filter
def number(value, decimals=2):
    """A number with `decimals` decimals, grouped: 1.234,50 (vi), 1,234.50 (en)."""
    value_number = numbers.as_number(value)
    return value if value_number is None else numbers.grouped(value_number, int(decimals))


@register.filter
def percent(value, decimals=2):
    """A share as a percentage: 70,26 % (vi), 70.26% (en); anything else unchanged."""
    value_number = numbers.as_number(value)
    return value if value_number is None else numbers.percent(value_number, int(decimals))
