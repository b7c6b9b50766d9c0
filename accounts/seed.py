"""Demo users, one per role of the foundation: the city administrator, a city leader, 平陆县's
county reviewer, a township clerk and a village officer in 平陆县. Later apps add their own roles."""

from villages.models import Township, Village
from yuncheng.seeding import DEMO_PASSWORD

from .roles import CITY_CODE, Role
from .services import user_create

PINGLU = "140829"


def demo_township_code() -> str:
    return Township.objects.filter(county_id=PINGLU).order_by("code").values_list("code", flat=True)[0]


def demo_village_code() -> str:
    return Village.objects.filter(township_id=demo_township_code()).order_by("code").values_list("code", flat=True)[0]


def seed(ctx):
    township, village = demo_township_code(), demo_village_code()
    demo = [
        ("city_admin", Role.CITY_ADMIN, CITY_CODE, "市乡村振兴局管理员"),
        ("city_leader", Role.LEADER, CITY_CODE, "市领导"),
        ("pinglu_leader", Role.LEADER, PINGLU, "平陆县领导"),
        ("pinglu_reviewer", Role.COUNTY_REVIEWER, PINGLU, "平陆县审核员"),
        ("pinglu_clerk", Role.TOWNSHIP_CLERK, township, "乡镇录入员"),
        ("pinglu_officer", Role.VILLAGE_OFFICER, village, "村级信息员"),
    ]
    for username, role, area, full_name in demo:
        user = user_create(username=username, password=DEMO_PASSWORD, role=role, area_code=area, full_name=full_name)
        ctx.logins.append((username, Role(role).label, user.profile.area_name))
