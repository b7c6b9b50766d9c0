from .roles import role_of


def user_scope(request):
    """The signed-in user's role and area for the page header."""
    user = getattr(request, "user", None)
    if role_of(user) is None:
        return {"current_profile": None}
    return {"current_profile": user.profile}
