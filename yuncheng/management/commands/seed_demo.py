from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.services import users_flag_demo
from villages.models import PROVINCE_CODE, SHANXI_CITIES, platform_area_code
from yuncheng.province import PROVINCE_AFTER, province_copy, province_logins
from yuncheng.seeding import DEMO_PASSWORD, SEED_ORDER, SeedContext


def _check_province(cities):
    if connection.vendor != "postgresql":
        raise CommandError("--province 需要 PostgreSQL（DATABASE_URL=postgres://…）：数据以 COPY 写入")
    if platform_area_code() != PROVINCE_CODE:
        raise CommandError("--province 需要 PLATFORM_AREA=140000：否则运城市的管理员会看到全省的数据")
    unknown = [code for code in cities if code not in SHANXI_CITIES]
    if unknown:
        raise CommandError(f"未知的市代码：{'、'.join(unknown)}（可用：{'、'.join(sorted(SHANXI_CITIES))}）")


class Command(BaseCommand):
    help = "生成演示数据：运城市 13 个区县、2,172 个行政村及各业务数据（确定性、可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="规模（1 = 全市实际规模；0.05 = 测试用小城市）")
        parser.add_argument("--seed", type=int, default=2023, help="随机种子")
        parser.add_argument("--only", nargs="*", help="只运行这些应用的 seed（调试用）")
        parser.add_argument("--province", action="store_true",
                            help="模拟山西省：运城演示数据复制为全省 11 个市（需 PostgreSQL 与 PLATFORM_AREA=140000）")
        parser.add_argument("--cities", nargs="*", default=sorted(SHANXI_CITIES),
                            help="与 --province 同用：只生成这些市（代码如 140100），默认全部 11 个市")

    def handle(self, *args, scale, seed, only, province, cities, **options):
        if not 0 < scale <= 1:
            raise CommandError("--scale 须在 0 与 1 之间")
        if province:
            _check_province(cities)
        ctx = SeedContext(scale=scale, seed=seed, stdout=self.stdout)
        for app in SEED_ORDER:
            if only and app not in only:
                continue
            if province and app == PROVINCE_AFTER:
                with ctx.timed("全省复制（COPY）"):
                    province_copy(city_codes=cities, log=ctx.log)
                    province_logins(ctx, city_codes=cities)
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
