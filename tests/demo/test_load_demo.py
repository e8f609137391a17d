from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from doanvien.accounts.models import User
from doanvien.members.access import members_visible_to
from doanvien.members.models import Member
from doanvien.units.models import Unit


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)


def test_the_demo_province_has_the_promised_shape_and_logins(demo):
    """One load (it takes seconds), three checks: shape, plausible data, what each login sees."""
    check_shape()
    check_plausible_and_unique()
    check_logins()
    check_training()
    check_member_groups()
    count = Member.objects.count()
    call_command("load_demo", verbosity=0)
    assert Member.objects.count() == count, "loading twice changes nothing"


def check_shape():
    assert Unit.objects.filter(level__code="province").count() == 1
    assert Unit.objects.filter(level__code="district").count() >= 2
    bases = Unit.objects.filter(level__code="base", kind="union")
    assert bases.count() >= 6
    assert {"school", "residential", "public_admin"} <= set(bases.values_list("sector", flat=True))
    assert Unit.objects.filter(kind="branch").count() >= 30
    assert Member.objects.count() >= 1500
    root = Unit.objects.get(level__code="province")
    assert root.member_count == Member.objects.filter(status="active").count()


def check_training():
    from doanvien.training.models import BranchResult, Registration

    done = Registration.objects.filter(year=2026)
    assert done.filter(assessed_at__isnull=False).count() >= 300
    levels = set(done.values_list("level", flat=True))
    assert {"excellent", "good"} <= levels
    assert BranchResult.objects.filter(year=2026, state="recognised").exists()
    assert BranchResult.objects.filter(year=2026, state="submitted").exists()
    states = set(Registration.objects.filter(year=2027).values_list("state", flat=True))
    assert states == {"draft", "submitted", "returned", "approved"}


def check_member_groups():
    """Pupils and students, teachers and Union cadres among the demo's members; the cadres'
    criterion is for cadres, and nobody registered a criterion for another group."""
    from doanvien.training.models import Criterion, RegistrationItem

    groups = Counter(Member.objects.values_list("audience", flat=True))
    assert all(groups[g] >= 20 for g in ("student", "teacher", "cadre", "general")), groups
    assert not Member.objects.exclude(position="member").exclude(audience="cadre").exists()
    secretary = User.objects.get(username="demo-branch").member
    assert secretary.audience == "cadre"
    assert User.objects.get(username="demo-member").member.audience == "student"
    cadres = Criterion.objects.get(framework__unit__isnull=True, text__contains="cán bộ Đoàn)")
    assert cadres.audience == "cadre"
    items = RegistrationItem.objects.exclude(criterion__audience="")
    assert items.filter(criterion=cadres).exists()  # cadres registered theirs
    assert not items.exclude(criterion__audience=F("registration__member__audience")).exists()


def check_plausible_and_unique():
    assert not Member.objects.values("id_number").annotate(n=Count("id")).filter(n__gt=1)
    for m in Member.objects.order_by("?")[:50]:
        assert m.full_name != m.name_folded  # has diacritics
        assert len(m.id_number) == 12


def check_logins():
    branch = User.objects.get(username="demo-branch")
    outsider = User.objects.get(username="demo-outsider")
    member = User.objects.get(username="demo-member")
    base = User.objects.get(username="demo-base")
    secretary_branch = branch.roles.get().unit
    assert secretary_branch.name == "Chi đoàn 12A1"
    assert base.roles.get().unit.path == secretary_branch.path[: -Unit.steplen]
    outsider_branch = outsider.roles.get().unit
    assert not outsider_branch.path.startswith(base.roles.get().unit.path)
    assert member.member.branch == secretary_branch
    assert list(members_visible_to(member)) == [member.member]
    assert not members_visible_to(outsider).filter(branch=secretary_branch).exists()
    assert all(u.is_demo for u in User.objects.all())


def test_there_is_no_demo_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not User.objects.exists()
