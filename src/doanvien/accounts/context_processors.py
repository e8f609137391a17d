from .access import scope_of


def roles(request):
    """Whether the signed-in person holds a role (or is a superuser): a member who holds none
    has no imports or exports, so the header leaves that page out. scope_of is read once per
    request and is the one most pages read anyway."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    return {"holds_a_role": scope.is_superuser or bool(scope.grants)}
