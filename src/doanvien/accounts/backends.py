from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from .tokens import user_with_scope


class AccountBackend(ModelBackend):
    """The usual password check, except that demo accounts work only in demo mode."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id):
        """A session's user, with his scope read by the same query (accounts.tokens)."""
        user = user_with_scope(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
