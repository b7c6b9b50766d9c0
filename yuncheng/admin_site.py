from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class YunchengAdminSite(admin.AdminSite):
    """数据录入 site: only users with a role (and staff status) may enter it."""

    site_header = "运城市巩固衔接工作平台 · 数据录入"
    site_title = "数据录入"
    index_title = "数据录入"

    def has_permission(self, request):
        from accounts.roles import role_of

        return super().has_permission(request) and role_of(request.user) is not None


class YunchengAdminConfig(AdminConfig):
    default_site = "yuncheng.admin_site.YunchengAdminSite"
