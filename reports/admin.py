from django.contrib import admin

from accounts.admin import ScopedAdminMixin
from accounts.roles import Role, role_of

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["filename", "user", "status", "progress", "rows_total", "created_at", "finished_at"]
    list_filter = ["status", "report"]
    search_fields = ["filename", "user__username"]
    readonly_fields = [f.name for f in ExportJob._meta.fields]

    def get_queryset(self, request):
        # A job names its file's path and the area and period someone asked for: its owner's only
        # (the city administrator sees all, to help).
        queryset = super().get_queryset(request)
        return queryset if role_of(request.user) == Role.CITY_ADMIN else queryset.filter(user=request.user)

    def has_add_permission(self, request):
        return False  # jobs are started from the 报表 page
