from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, grantable_roles, require, visible_root_units
from doanvien.core.forms import apply_errors
from doanvien.members.access import members_visible_to

from .forms import InvitationAcceptForm, InviteForm, LoginForm, RoleGrantForm
from .models import RoleGrant, User
from .services import invitation_accept, invitation_find, role_grant, role_revoke, user_invite


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


@login_required
def home(request):
    roots = list(visible_root_units(request.user)[:2])
    if len(roots) >= 1:
        return redirect("units:unit-detail", unit_id=roots[0].pk)
    if request.user.member_id:
        return redirect("members:member-detail", member_id=request.user.member_id)
    return render(request, "accounts/no_access.html")


def _user_for_grant(request, username: str) -> User | None:
    return User.objects.filter(username=username.strip().lower(), is_active=True).first()


@login_required
@require_POST
def role_grant_view(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    roles = grantable_roles(request.user, unit)
    require(bool(roles))
    form = RoleGrantForm(request.POST, roles=roles)
    if form.is_valid():
        user = _user_for_grant(request, form.cleaned_data["username"])
        if user is None:
            messages.error(
                request,
                _("There is no active user named %(name)s.")
                % {"name": form.cleaned_data["username"]},
            )
        else:
            try:
                role_grant(actor=request.user, user=user, unit=unit, role=form.cleaned_data["role"])
                messages.success(request, _("Role granted to %(user)s.") % {"user": user})
            except ValidationError as e:
                messages.error(request, " ".join(e.messages))
    else:
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect(reverse("units:unit-detail", args=[unit.pk]) + "#roles")


@login_required
@require_POST
def role_revoke_view(request, grant_id: int):
    grant = get_object_or_404(RoleGrant.objects.select_related("unit", "user"), pk=grant_id)
    unit = get_unit_for(request.user, grant.unit_id)
    require(grant.role in grantable_roles(request.user, unit))
    role_revoke(actor=request.user, grant=grant)
    messages.success(request, _("Role revoked."))
    return redirect(reverse("units:unit-detail", args=[unit.pk]) + "#roles")


@login_required
def user_invite_view(request, unit_id: int):
    """Create an account for a person, grant a role on this unit and show the invitation link."""
    unit = get_unit_for(request.user, unit_id)
    roles = grantable_roles(request.user, unit)
    require(bool(roles))
    form = InviteForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = None
        if data["member_code"]:
            member = (
                members_visible_to(request.user)
                .filter(member_code=data["member_code"].strip().upper())
                .first()
            )
            if member is None:
                form.add_error("member_code", _("No member with this identifier in your units."))
        if not form.errors:
            try:
                user, secret = user_invite(
                    actor=request.user,
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    member=member,
                )
                role_grant(actor=request.user, user=user, unit=unit, role=data["role"])
            except ValidationError as e:
                apply_errors(form, e)
            else:
                link = request.build_absolute_uri(
                    reverse("accounts:invitation-accept", args=[secret])
                )
                return render(
                    request, "accounts/invited.html", {"unit": unit, "invited": user, "link": link}
                )
    return render(request, "accounts/invite.html", {"unit": unit, "form": form})


def invitation_accept_view(request, secret: str):
    invitation = invitation_find(secret)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(invitation=invitation, password=form.cleaned_data["password1"])
        except ValidationError as e:
            apply_errors(form, e, default_field="password1")
        else:
            messages.success(request, _("Your password is set. You can log in now."))
            return HttpResponseRedirect(reverse("login"))
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invited": invitation.user}
    )
