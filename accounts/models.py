from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from simple_history import register
from simple_history.models import HistoricalRecords

from .roles import Role


class Profile(models.Model):
    """What a user is on the platform: a role and the area (official code) the role covers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name="用户"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    area_code = models.CharField(
        "管辖区域代码",
        max_length=12,
        help_text="市 140800；县 6 位；乡镇 9 位；村 12 位统计用区划代码",
    )
    area_name = models.CharField("管辖区域", max_length=100, blank=True)
    unit_name = models.CharField("所在单位", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    must_change_password = models.BooleanField(
        "须修改密码",
        default=False,
        help_text="演示账号等使用公开密码的账号：在生产环境首次登录时须先修改密码",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"
        ordering = ["area_code", "user__username"]
        indexes = [models.Index(fields=["role", "area_code"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area_code__regex=r"^[0-9]{6}([0-9]{3}){0,2}$"),
                name="profile_area_code_digits",
                violation_error_message="区域代码须为 6、9 或 12 位数字",
            ),
        ]

    def __str__(self):
        return f"{self.user.get_username()}（{self.get_role_display()} · {self.area_name or self.area_code}）"


# The user's own row (name, active, staff, password changed) keeps its history too; the history table
# lives in this app. last_login is left out: a login is not a change (accounts.apps keeps it off history).
register(get_user_model(), app=__package__, excluded_fields=["password", "last_login"],
         table_name="accounts_historicaluser")
