"""The header's link to the person's imports and exports (issue 15, "smaller"): named for what
it is, and left out for a member who holds no role (he has none)."""

from django.urls import reverse


def test_a_member_without_a_role_has_no_imports_and_exports_link(client, world):
    jobs = f'href="{reverse("jobs:job-list")}"'
    client.force_login(world.member_user)
    html = client.get(reverse("members:member-detail", args=[world.member.pk])).content.decode()
    assert jobs not in html
    client.force_login(world.secretary)
    html = client.get(reverse("units:unit-detail", args=[world.branch.pk])).content.decode()
    assert jobs in html and "Nhập, xuất dữ liệu của tôi" in html
    assert "Tác vụ của tôi" not in html
