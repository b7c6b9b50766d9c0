from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .forms import LoginForm
from .roles import AREA_ROLES, Role, role_of
from .scoping import scope
from .selectors import failure_limit, lockouts_list
from .services import account_unlock, user_password_change


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class RoleRequiredMixin(LoginRequiredMixin):
    """A page for users with a role; ``allowed_roles`` narrows it (default: every area role)."""

    allowed_roles = AREA_ROLES

    @classmethod
    def user_may_open(cls, user) -> bool:
        """The page's rule; the menu (``yuncheng.navigation``) asks it too, so it offers only pages that open."""
        return role_of(user) in cls.allowed_roles

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.user_may_open(request.user):
            raise PermissionDenied("您的角色无权访问此页面")
        return super().dispatch(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own form (old password + validators, messages in Chinese); the write goes through
    the service, which also lifts the must-change flag of a demo account."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("dashboard:home")

    def form_valid(self, form):
        user_password_change(user=self.request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, "密码已修改。")
        return redirect(self.get_success_url())


class LockoutListView(RoleRequiredMixin, TemplateView):
    """Usernames locked out after too many wrong passwords; a city administrator sees and unlocks those of
    the accounts in their area (in a province, their city's; the platform's administrator also those of
    usernames that are no account)."""

    allowed_roles = {Role.CITY_ADMIN}
    template_name = "accounts/lockouts.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": "账号锁定", "attempts": lockouts_list(user=self.request.user),
                "limit": failure_limit(), "cooloff": settings.AXES_COOLOFF_TIME}

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if account_unlock(user=request.user, username=username):
            messages.success(request, f"已解锁账号 {username}。")
        else:
            messages.info(request, f"账号 {username} 未被锁定。")
        return redirect("accounts:lockouts")


class ScopedListView(RoleRequiredMixin, SingleTableMixin, FilterView):
    """The list page of every app: the queryset through the scoping function, a FilterSet and a Table.

    A subclass declares ``model`` (or overrides ``get_queryset`` with a selector over ``scope(...)``),
    ``filterset_class``, ``table_class``, ``template_name`` and ``title``. The table paginates — one COUNT;
    the view itself never paginates (``paginate_by`` stays None), or the rows would be counted twice."""

    table_pagination = {"per_page": 50}
    paginate_by = None
    title = ""

    def get_queryset(self):
        return scope(self.model.objects.all(), self.request.user)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.title)
        return super().get_context_data(**kwargs)
