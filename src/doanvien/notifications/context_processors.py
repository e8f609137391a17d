from .services import unread_count


def bell(request):
    """The unread count for the header's bell (one indexed count, at most 100 rows)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
