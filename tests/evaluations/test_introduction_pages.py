"""The Party introductions page: the branch committee proposes (members rated excellent first,
another one with a reason), the units above record the later steps in order, the counts come
from the roll-ups; out of scope is 404."""

from django.urls import reverse

from doanvien.evaluations import ratings
from doanvien.evaluations.models import PartyIntroduction

from .conftest import YEAR


def page(unit):
    return reverse("evaluations:introductions", args=[unit.pk, YEAR])


def proposal(member, **extra):
    return {
        "new-member": member.pk,
        "new-branch_resolution_no": "03-NQ/CĐ",
        "new-branch_resolution_date": f"01/03/{YEAR}",
        "new-votes_for": "12",
        "new-present": "14",
        **extra,
    }


def test_the_branch_proposes_and_the_base_union_records_the_steps(client, world):
    rating = ratings.rating_propose(
        actor=None, member=world.member2, year=YEAR, level="excellent", reason="Gương mẫu"
    )
    ratings.rating_decide(actor=None, rating=rating, approve=True)
    client.force_login(world.secretary)
    shown = client.get(page(world.branch)).content.decode()
    # The member rated excellent is offered first.
    assert shown.index(world.member2.full_name) < shown.index(world.member.full_name)
    propose = reverse("evaluations:introduction-propose", args=[world.branch.pk, YEAR])
    refused = client.post(propose, proposal(world.member))
    assert refused.status_code == 400 and not PartyIntroduction.objects.exists()
    assert client.post(propose, proposal(world.member2)).status_code == 302
    introduction = PartyIntroduction.objects.get(member=world.member2)
    step = reverse("evaluations:introduction-step", args=[world.branch.pk, YEAR, introduction.pk])
    assert client.post(step, {}).status_code == 403
    assert client.get(step).status_code == 403
    assert step not in client.get(page(world.branch)).content.decode()
    client.force_login(world.base_cadre)
    # The list links to the step page; the form is there, not on every row.
    from_base = reverse(
        "evaluations:introduction-step", args=[world.base.pk, YEAR, introduction.pk]
    )
    assert from_base in client.get(page(world.base)).content.decode()
    assert f'name="step{introduction.pk}-course_on"' in client.get(step).content.decode()
    prefix = f"step{introduction.pk}-"
    # Out of order: refused with the reason, what was typed kept in the form, nothing saved.
    refused = client.post(step, {prefix + "probationary_on": f"01/09/{YEAR}"})
    assert refused.status_code == 400
    assert f'value="01/09/{YEAR}"' in refused.content.decode()
    assert 'role="alert"' in refused.content.decode()
    assert PartyIntroduction.objects.get(pk=introduction.pk).probationary_on is None
    saved = client.post(
        step,
        {
            prefix + "introduction_no": "16-NQ/ĐTN",
            prefix + "introduced_on": f"01/04/{YEAR}",
            prefix + "course_on": f"10/05/{YEAR}",
            prefix + "probationary_on": f"01/09/{YEAR}",
        },
    )
    assert saved.status_code == 302
    assert PartyIntroduction.objects.get(pk=introduction.pk).probationary_on.month == 9
    counts = client.get(page(world.base)).content.decode().split('id="counts"')[1]
    assert counts.count("<dd>1</dd>") == 3


def test_out_of_scope_is_404(client, world):
    client.force_login(world.outsider)
    assert client.get(page(world.branch)).status_code == 404
    propose = reverse("evaluations:introduction-propose", args=[world.branch.pk, YEAR])
    assert client.post(propose, proposal(world.member)).status_code == 404
    client.force_login(world.secretary)
    # A member of another branch cannot be chosen.
    answer = client.post(propose, proposal(world.member_in_branch2, **{"new-override_reason": "x"}))
    assert answer.status_code == 400 and not PartyIntroduction.objects.exists()
