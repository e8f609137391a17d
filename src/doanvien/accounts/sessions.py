"""Browser sessions (SESSION_ENGINE): Django's database sessions in a table whose rows name their
user, so that a user can list his log-ins and end any of them.

A session ends after SESSION_COOKIE_AGE without a request: a request saves it and so moves its
end (SESSION_SAVE_EVERY_REQUEST), except that a request that would move it by less than
SAVE_STEP, and changed nothing in the session, writes nothing (most pages cost no write; a
session may end up to SAVE_STEP early).
models.py imports the model from here."""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER_AGENT = "_doanvien_user_agent"
LOGGED_IN_AT = "_doanvien_logged_in_at"


class Session(AbstractBaseSession):
    """A browser's log-in: whose it is, from which browser, when it began and was last used."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    user_agent = models.CharField(max_length=200, blank=True, default="")
    logged_in_at = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractBaseSession.Meta):
        app_label = "accounts"
        verbose_name = _("session")
        verbose_name_plural = _("sessions")


# A session unchanged by a request is saved again (its end moved) only when its end would move
# by at least this much.
SAVE_STEP = timedelta(minutes=5)


class SessionStore(DatabaseSessionStore):
    _expire_date = None

    @classmethod
    def get_model_class(cls):
        return Session

    def _get_session_from_db(self):
        session = super()._get_session_from_db()
        self._expire_date = session.expire_date if session else None
        return session

    def save(self, must_create=False):
        if not must_create and not self.modified and self.session_key is not None:
            self._get_session()  # loads the row, and when it ends
            if self._expire_date and self._expire_date > self.get_expiry_date() - SAVE_STEP:
                return
        super().save(must_create)

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        user_id = str(data.get(SESSION_KEY) or "")
        session.user_id = int(user_id) if user_id.isdigit() else None
        session.user_agent = str(data.get(USER_AGENT, ""))[:200]
        try:
            session.logged_in_at = datetime.fromisoformat(data[LOGGED_IN_AT])
        except (KeyError, TypeError, ValueError):
            session.logged_in_at = None
        session.last_seen = timezone.now()
        return session


@receiver(user_logged_in, dispatch_uid="doanvien.accounts.sessions.remember_login")
def remember_login(sender, request, user, **kwargs) -> None:
    """Note the browser and the time in the session that `login()` made (a token sign-in has
    none)."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return
    session[USER_AGENT] = request.META.get("HTTP_USER_AGENT", "")[:200]
    session[LOGGED_IN_AT] = timezone.now().isoformat()


def session_ref(session_key: str) -> str:
    """A session's name in pages and the API: never its key, which is the cookie itself."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:20]


def sessions_of(user) -> list[Session]:
    """The user's sessions that have not ended, the latest used first."""
    return list(
        Session.objects.filter(user=user, expire_date__gt=timezone.now()).order_by(
            "-last_seen", "-logged_in_at"
        )
    )
