from django import template
from django.utils.translation import gettext_lazy as _

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
    "party_introduction.propose": _("proposed the member to the Party"),
    "party_introduction.update": _("recorded a step of the Party introduction"),
    "meeting.created": _("recorded a meeting"),
    "meeting.updated": _("changed a meeting"),
    "meeting.attendance": _("recorded attendance"),
    "meeting.theme": _("published a monthly theme"),
    "member.account_closed": _("closed the member's account"),
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
    "indicator.target_set": _("set an indicator's target"),
    "indicator.value_set": _("entered an indicator's figure"),
    "referral.introduced": _("introduced a young person"),
    "referral.taking_part": _("recorded that the young person takes part"),
    "referral.joined_federation": _("recorded that the young person joined the Federation"),
    "referral.proposed": _("proposed the young person for admission"),
    "referral.dropped": _("recorded that the referral was dropped"),
    "referral.admitted": _("recorded the young person's admission"),
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
