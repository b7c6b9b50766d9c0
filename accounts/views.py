from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .forms import LoginForm
from .roles import AREA_ROLES, role_of
from .scoping import scope


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class RoleRequiredMixin(LoginRequiredMixin):
    """A page for users with a role; ``allowed_roles`` narrows it (default: every area role)."""

    allowed_roles = AREA_ROLES

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if role_of(request.user) not in self.allowed_roles:
            raise PermissionDenied("您的角色无权访问此页面")
        return super().dispatch(request, *args, **kwargs)


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
