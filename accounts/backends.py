from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .roles import Role


class ProfileModelBackend(ModelBackend):
    """Django's backend, loading the user's profile (role and area) with the user in one query:
    every page needs both."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        return with_superuser_profile(user) if user is not None else None

    def get_user(self, user_id):
        UserModel = get_user_model()
        try:
            user = UserModel._default_manager.select_related("profile").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        return with_superuser_profile(user)


def with_superuser_profile(user):
    """A superuser made with ``createsuperuser`` has no profile; without a role every page would refuse
    them. They are the city administrator of the platform's whole area — the city, or the province (an unsaved
    stand-in: nothing is written on their behalf)."""
    if user.is_superuser and not hasattr(user, "profile"):
        from villages.selectors import platform_area

        from .models import Profile

        area = platform_area()
        user.profile = Profile(role=Role.CITY_ADMIN, area_code=area.code, area_name=area.name)
    return user
