from django.contrib import admin

from accounts.admin import ScopedAdminMixin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["filename", "user", "status", "progress", "rows_total", "created_at", "finished_at"]
    list_filter = ["status", "report"]
    search_fields = ["filename", "user__username"]
    readonly_fields = [f.name for f in ExportJob._meta.fields]

    def has_add_permission(self, request):
        return False  # jobs are started from the 报表 page
