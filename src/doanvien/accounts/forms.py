from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from .models import Role, User
from .services import password_set

EMAIL_ERRORS = {"invalid": _("Enter a valid e-mail address, such as ten@example.org.")}


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.CharField(
        label=_("User name"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocapitalize": "none"}),
    )


def _role_choices(roles):
    return [(r, Role(r).label) for r in roles]


class RoleGrantForm(TextForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)


class InviteForm(TextForm):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        error_messages=EMAIL_ERRORS,
        help_text=_(
            "The person's own address: the link to set a password is sent there, and only there."
        ),
    )
    member_code = forms.CharField(
        label=_("Member identifier"),
        max_length=20,
        required=False,
        help_text=_("If the person is a member, link the account to the member record."),
    )
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)


class InvitationAcceptForm(TextForm):
    password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class PasswordResetRequestForm(auth_forms.PasswordResetForm):
    """The e-mail address of an account: a link to set a new password goes to it. The page says
    the same whether an account has that address or not."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email):
        """Active accounts with this address, those still waiting for their first password
        included (an invitation that expired); demo accounts never."""
        return (
            u
            for u in User.objects.filter(email__iexact=email, is_active=True, is_demo=False)
            if u.email.casefold() == email.casefold()
        )


class PasswordResetSetForm(auth_forms.SetPasswordForm):
    """The new password, from a reset link."""

    def save(self, commit=True):
        password_set(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            action="user.password_reset",
        )
        return self.user


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The current password, then the new one twice. The current password is checked like a
    log-in: wrong guesses count towards the account's and the address's lockout."""

    def __init__(self, user, request, *args, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.username, password=old_password):
            return old_password
        if getattr(self.request, "axes_locked_out", False):
            # Said on this form rather than by axes' lockout page: the user is logged in.
            self.request.axes_locked_out = False
            raise ValidationError(
                _("Too many wrong passwords. Wait a few minutes and try again."), code="locked"
            )
        raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")

    def save(self, commit=True):
        password_set(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            action="user.password_changed",
            keep_session_key=self.request.session.session_key,
        )
        return self.user
