from django.views.generic import TemplateView

from accounts.views import RoleRequiredMixin


class PlaceholderView(RoleRequiredMixin, TemplateView):
    """Stands for a page that a later issue builds, so that the navigation resolves meanwhile."""

    template_name = "placeholder.html"
    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)
