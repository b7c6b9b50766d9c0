from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand, CommandError

from accounts.services import users_flag_demo
from yuncheng.seeding import DEMO_PASSWORD, SEED_ORDER, SeedContext


class Command(BaseCommand):
    help = "生成演示数据：运城市 13 个区县、2,172 个行政村及各业务数据（确定性、可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="规模（1 = 全市实际规模；0.05 = 测试用小城市）")
        parser.add_argument("--seed", type=int, default=2023, help="随机种子")
        parser.add_argument("--only", nargs="*", help="只运行这些应用的 seed（调试用）")

    def handle(self, *args, scale, seed, only, **options):
        if not 0 < scale <= 1:
            raise CommandError("--scale 须在 0 与 1 之间")
        ctx = SeedContext(scale=scale, seed=seed, stdout=self.stdout)
        for app in SEED_ORDER:
            if only and app not in only:
                continue
            if find_spec(f"{app}.seed") is None:
                continue
            module = import_module(f"{app}.seed")
            with ctx.timed(app):
                module.seed(ctx)
        if ctx.logins:
            # Their password is printed below: outside DEBUG they must change it at first login.
            users_flag_demo(usernames=[username for username, _, _ in ctx.logins])
            self.stdout.write("\n演示账号（密码均为 %s）：" % DEMO_PASSWORD)
            for username, role, area in ctx.logins:
                self.stdout.write(f"  {username:<20} {role:<8} {area}")
