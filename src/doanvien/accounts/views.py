import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, grantable_roles, require, visible_root_units
from doanvien.core.forms import apply_errors
from doanvien.member_accounts.selectors import notice_pending
from doanvien.members.access import members_visible_to

from .forms import (
    InvitationAcceptForm,
    InviteForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    PasswordResetSetForm,
    RoleGrantForm,
)
from .lockout import wait_for
from .models import RoleGrant, User
from .services import (
    api_token_revoke,
    api_tokens_of,
    invitation_accept,
    invitation_find,
    role_grant,
    role_revoke,
    session_end,
    sign_out_everywhere,
    user_invite,
)
from .sessions import session_ref as ref_of
from .sessions import sessions_of


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


def lockout_response(request, original_response, credentials):
    """AXES_LOCKOUT_CALLABLE: the page for a log-in refused while its account or address waits,
    with how long, and the password reset, which is never locked."""
    seconds = max(1, math.ceil(wait_for(request, credentials).total_seconds()))
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": math.ceil(seconds / 60)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response


@login_required
def home(request):
    if request.user.member_id and notice_pending(request.user):
        return redirect("member_accounts:notice")
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
    """Create an account for a person and grant it a role on this unit. The invitation link is
    e-mailed to the person: whoever invites never sees it."""
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
                user = user_invite(
                    actor=request.user,
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    unit=unit,
                    role=data["role"],
                    member=member,
                    site_url=request.build_absolute_uri("/"),
                )
            except ValidationError as e:
                apply_errors(form, e)
            else:
                return render(request, "accounts/invited.html", {"unit": unit, "invited": user})
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


# --- One's own account: password, sessions, tokens ----------------------------------------------


@login_required
def account_view(request):
    """The signed-in user's account: his browser sessions and API tokens, each of which he can
    end, and his password."""
    current = request.session.session_key or ""
    sessions = [
        {"ref": ref_of(s.session_key), "session": s, "current": s.session_key == current}
        for s in sessions_of(request.user)
    ]
    return render(
        request,
        "accounts/account.html",
        {
            "sessions": sessions,
            "tokens": api_tokens_of(request.user),
            "idle_hours": max(1, round(settings.SESSION_COOKIE_AGE / 3600)),
        },
    )


@login_required
def password_change_view(request):
    form = PasswordChangeForm(request.user, request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError as e:
            apply_errors(form, e, default_field="new_password2")
        else:
            update_session_auth_hash(request, request.user)
            messages.success(
                request,
                _("Your password is changed. Your other sessions and API tokens have ended."),
            )
            return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_POST
def session_end_view(request, session_ref: str):
    current = request.session.session_key or ""
    if not session_end(user=request.user, ref=session_ref):
        raise Http404
    if current and ref_of(current) == session_ref:
        logout(request)
        return redirect("login")
    messages.success(request, _("The session has ended."))
    return redirect("accounts:account")


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    if not api_token_revoke(user=request.user, token_id=token_id):
        raise Http404
    messages.success(request, _("The API token is revoked."))
    return redirect("accounts:account")


@login_required
@require_POST
def sign_out_everywhere_view(request):
    sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, _("You are logged out everywhere: every session and API token."))
    return redirect("login")


# --- The password reset (public, never locked) -----------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link by e-mail. The answer is the same whether an account has the address."""

    form_class = PasswordResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the e-mail: set a new password, and be logged in with it (even while the
    account waits after failed log-ins: the link proves who is there)."""

    form_class = PasswordResetSetForm
    template_name = "registration/password_reset_confirm.html"
    post_reset_login = True
    post_reset_login_backend = "doanvien.accounts.backends.AccountBackend"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your new password is set. Your other sessions and API tokens have ended."),
        )
        return response
