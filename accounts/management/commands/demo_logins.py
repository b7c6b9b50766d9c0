from django.core.management.base import BaseCommand

from accounts.models import Profile
from yuncheng.seeding import DEMO_PASSWORD


class Command(BaseCommand):
    help = "列出演示账号"

    def handle(self, *args, **options):
        profiles = Profile.objects.select_related("user").filter(user__is_active=True).order_by("role", "area_code")[:30]
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}），登录 http://127.0.0.1:8000/ ：")
        for profile in profiles:
            self.stdout.write(f"  {profile.user.username:<20} {profile.get_role_display():<8} {profile.area_name}")
