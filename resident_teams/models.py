"""驻村帮扶: village-resident work teams, their members, attendance (五天四夜), household visits (走访),
trainings, inspections (暗访) and evaluations (双月评议, 红黑名单, 年度考核).

Every record carries its area through the team's ``station_code`` (the official code of the village or
township the team is stationed at; a relocation site's township), so scoping and per-county figures
are a prefix filter on one indexed column.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import StartsWith
from simple_history.models import HistoricalRecords

from villages.models import County, RelocationSite, Township, Village
from yuncheng.idcard import validate_id_number

# A team has one serving 第一书记 and at least two other members, five people at most.
TEAM_MIN_OTHERS = 2
TEAM_MAX_SIZE = 5

# 五天四夜: a compliant member-week has at least this many days and nights on station.
WEEK_MIN_DAYS = 5
WEEK_MIN_NIGHTS = 4


class StationKind(models.TextChoices):
    VILLAGE = "village", "行政村"
    RELOCATION_SITE = "site", "易地扶贫搬迁安置点"
    TOWNSHIP = "township", "乡镇"


class StationType(models.TextChoices):
    """The four types the report counts teams by (one team may count under two)."""

    POVERTY_VILLAGE = "poverty_village", "脱贫村"
    RELOCATION_SITE = "relocation_site", "易地搬迁安置点"
    KEY_TOWNSHIP = "key_township", "重点乡镇"
    DEMO_VILLAGE = "demo_village", "乡村振兴示范村"


# StationType value → the WorkTeam boolean column that records it.
STATION_TYPE_FIELDS = {
    StationType.POVERTY_VILLAGE: "is_poverty_village_station",
    StationType.RELOCATION_SITE: "is_relocation_site_station",
    StationType.KEY_TOWNSHIP: "is_key_township_station",
    StationType.DEMO_VILLAGE: "is_demo_village_station",
}


class DispatchLevel(models.TextChoices):
    PROVINCE = "province", "省派"
    CITY = "city", "市派"
    COUNTY = "county", "县派"


class WorkTeamQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        """Teams on station on ``day`` (arrived by then, not yet departed)."""
        return self.filter(Q(departed_on__isnull=True) | Q(departed_on__gt=day), arrived_on__lte=day)


class WorkTeam(models.Model):
    """驻村工作队: a team stationed at a village, a relocation site or a township."""

    AREA_LOOKUP = "station_code"
    SCOPE_OWNER_LOOKUPS = {"team_member": "members__user"}

    code = models.CharField("工作队编号", max_length=20, unique=True)
    name = models.CharField("工作队名称", max_length=100)
    station_kind = models.CharField("派驻地类别", max_length=10, choices=StationKind.choices)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="work_teams", verbose_name="派驻行政村"
    )
    relocation_site = models.ForeignKey(
        RelocationSite, on_delete=models.PROTECT, null=True, blank=True, related_name="work_teams",
        verbose_name="派驻安置点",
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, related_name="work_teams", verbose_name="派驻乡镇"
    )
    # The official code the team's records are scoped and grouped by: the village's 12 digits, or the
    # township's 9 (a township station, or the township a relocation site lies in).
    station_code = models.CharField("派驻地代码", max_length=12, db_index=True, editable=False)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="work_teams", verbose_name="所属区县",
                               editable=False)
    is_poverty_village_station = models.BooleanField("脱贫村", default=False)
    is_relocation_site_station = models.BooleanField("易地搬迁安置点", default=False)
    is_key_township_station = models.BooleanField("重点乡镇", default=False)
    is_demo_village_station = models.BooleanField("乡村振兴示范村", default=False)
    dispatch_unit = models.CharField("派出单位", max_length=100)
    dispatch_level = models.CharField("派出层级", max_length=10, choices=DispatchLevel.choices)
    arrived_on = models.DateField("进驻日期")
    departed_on = models.DateField("撤离日期", null=True, blank=True)

    history = HistoricalRecords()
    objects = WorkTeamQuerySet.as_manager()

    class Meta:
        verbose_name = "驻村工作队"
        verbose_name_plural = "驻村工作队"
        ordering = ["station_code", "code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(station_kind=StationKind.VILLAGE, village__isnull=False, relocation_site__isnull=True,
                      township__isnull=True)
                    | Q(station_kind=StationKind.RELOCATION_SITE, village__isnull=True,
                        relocation_site__isnull=False, township__isnull=True)
                    | Q(station_kind=StationKind.TOWNSHIP, village__isnull=True, relocation_site__isnull=True,
                        township__isnull=False)
                ),
                name="workteam_one_station",
                violation_error_message="派驻地须且只能是一个行政村、一个安置点或一个乡镇，并与派驻地类别一致",
            ),
            models.CheckConstraint(
                condition=Q(is_poverty_village_station=True) | Q(is_relocation_site_station=True)
                | Q(is_key_township_station=True) | Q(is_demo_village_station=True),
                name="workteam_has_station_type",
                violation_error_message="至少选择一种派驻类型（脱贫村、易地搬迁安置点、重点乡镇、乡村振兴示范村）",
            ),
            models.CheckConstraint(
                condition=Q(departed_on__isnull=True) | Q(departed_on__gte=F("arrived_on")),
                name="workteam_departure_after_arrival",
                violation_error_message="撤离日期不能早于进驻日期",
            ),
            models.CheckConstraint(
                condition=StartsWith(F("station_code"), F("county_id"))
                & Q(station_code__regex=r"^([0-9]{9}|[0-9]{12})$"),
                name="workteam_station_code_in_county",
                violation_error_message="派驻地代码须为 9 位乡镇或 12 位行政村代码，并在所属区县内",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "arrived_on"], name="workteam_county_arrived_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def station(self):
        return self.village or self.relocation_site or self.township

    @property
    def station_types(self) -> list[str]:
        return [StationType(t).label for t, f in STATION_TYPE_FIELDS.items() if getattr(self, f)]


class MemberRole(models.TextChoices):
    FIRST_SECRETARY = "secretary", "第一书记"
    LEADER = "leader", "队长"
    MEMBER = "member", "队员"


class TeamMemberQuerySet(models.QuerySet):
    def serving_on(self, day: datetime.date):
        """Members on post on ``day`` (arrived by then, not yet off post)."""
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=day), joined_on__lte=day)


class TeamMember(models.Model):
    """驻村队员: the 第一书记, the team leader or a member, with their term on post and any recall (召回)."""

    AREA_LOOKUP = "team__station_code"
    SCOPE_OWNER_LOOKUPS = {"team_member": "user"}

    team = models.ForeignKey(WorkTeam, on_delete=models.CASCADE, related_name="members", verbose_name="工作队")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="team_memberships",
        verbose_name="登录账号", help_text="驻村队员角色的账号，用于本人填报考勤与走访",
    )
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18, validators=[validate_id_number])
    role = models.CharField("职务", max_length=10, choices=MemberRole.choices)
    unit = models.CharField("工作单位", max_length=100)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    joined_on = models.DateField("到岗日期")
    left_on = models.DateField("离岗日期", null=True, blank=True)
    recalled_on = models.DateField("召回日期", null=True, blank=True)
    recall_reason = models.CharField("召回原因", max_length=200, blank=True)

    history = HistoricalRecords()
    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "驻村队员"
        verbose_name_plural = "驻村队员"
        ordering = ["team_id", "role", "joined_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "id_number"], name="teammember_person_once_per_team",
                                    violation_error_message="同一工作队中该身份证号已存在"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="teammember_left_after_joined",
                violation_error_message="离岗日期不能早于到岗日期",
            ),
            models.CheckConstraint(
                condition=Q(recalled_on__isnull=True, recall_reason="")
                | (Q(recalled_on__isnull=False, left_on=F("recalled_on")) & ~Q(recall_reason="")),
                name="teammember_recall_has_reason",
                violation_error_message="召回须填写召回日期和原因，且离岗日期即召回日期",
            ),
        ]
        indexes = [models.Index(fields=["user"], name="teammember_user_idx")]

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"


class AttendanceWeekQuerySet(models.QuerySet):
    # 五天四夜: at least five days and four nights on station in the week.
    COMPLIANT = Q(days_on_station__gte=WEEK_MIN_DAYS, nights_on_station__gte=WEEK_MIN_NIGHTS)

    def starting_between(self, start: datetime.date, end: datetime.date):
        return self.filter(week_start__gte=start, week_start__lte=end)

    def compliant(self):
        return self.filter(self.COMPLIANT)


class AttendanceWeek(models.Model):
    """五天四夜 attendance of one member for one week (Monday–Sunday): days and nights on station,
    and leave with its approval. Compliance (≥ 5 days and ≥ 4 nights) is a database filter,
    ``AttendanceWeekQuerySet.COMPLIANT``."""

    AREA_LOOKUP = "member__team__station_code"
    SCOPE_OWNER_LOOKUPS = {"team_member": "member__user"}

    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="attendance_weeks",
                               verbose_name="队员")
    week_start = models.DateField("周起始日（周一）")
    days_on_station = models.PositiveSmallIntegerField("在岗天数")
    nights_on_station = models.PositiveSmallIntegerField("驻村夜数")
    leave_days = models.PositiveSmallIntegerField("请假天数", default=0)
    leave_approved_by = models.CharField("请假审批人", max_length=50, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_at = models.DateTimeField("填报时间", auto_now=True)

    history = HistoricalRecords()
    objects = AttendanceWeekQuerySet.as_manager()

    class Meta:
        verbose_name = "五天四夜考勤"
        verbose_name_plural = "五天四夜考勤"
        ordering = ["-week_start", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "week_start"], name="attendance_one_per_member_week",
                                    violation_error_message="该队员本周考勤已填报"),
            models.CheckConstraint(
                condition=Q(days_on_station__lte=7, nights_on_station__lte=7),
                name="attendance_at_most_seven",
                violation_error_message="一周在岗天数和驻村夜数都不能超过 7",
            ),
            models.CheckConstraint(
                condition=Q(leave_days__lte=7 - F("days_on_station")),
                name="attendance_leave_fits_week",
                violation_error_message="在岗天数与请假天数之和不能超过 7",
            ),
            models.CheckConstraint(
                condition=Q(leave_days=0) | ~Q(leave_approved_by=""),
                name="attendance_leave_approved",
                violation_error_message="请假须填写审批人",
            ),
        ]
        indexes = [models.Index(fields=["week_start", "member"], name="attendance_week_member_idx")]

    def __str__(self):
        return f"{self.member.name} {self.week_start:%Y-%m-%d} 周"

    @property
    def is_compliant(self) -> bool:
        return self.days_on_station >= WEEK_MIN_DAYS and self.nights_on_station >= WEEK_MIN_NIGHTS


class Visit(models.Model):
    """走访: a member's visit to a household of the registry (到户到人), with what was done."""

    AREA_LOOKUP = "member__team__station_code"
    SCOPE_OWNER_LOOKUPS = {"team_member": "member__user"}

    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="visits", verbose_name="走访队员")
    household = models.ForeignKey("monitoring.Household", on_delete=models.PROTECT, related_name="team_visits",
                                  verbose_name="走访农户")
    visited_on = models.DateField("走访日期")
    content = models.TextField("走访内容")
    recorded_at = models.DateTimeField("填报时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "入户走访"
        verbose_name_plural = "入户走访"
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(content=""), name="visit_has_content",
                                   violation_error_message="请填写走访内容"),
        ]
        indexes = [
            models.Index(fields=["member", "visited_on"], name="visit_member_date_idx"),
            models.Index(fields=["household", "visited_on"], name="visit_household_date_idx"),
        ]

    def __str__(self):
        return f"{self.member.name} 走访 {self.household_id} {self.visited_on:%Y-%m-%d}"


class TrainingKind(models.TextChoices):
    CENTRAL = "central", "集中轮训"
    PEER = "peer", "书记讲给书记听"
    TOPIC = "topic", "专题培训"
    SITE_VISIT = "site_visit", "现场观摩"


class TrainingSession(models.Model):
    """A training session for team members, held by the city or a county (培训人次 = Σ attendees)."""

    AREA_LOOKUP = "area_code"

    title = models.CharField("培训主题", max_length=200)
    kind = models.CharField("培训类型", max_length=20, choices=TrainingKind.choices)
    held_on = models.DateField("培训日期")
    area_code = models.CharField("组织区域代码", max_length=12, db_index=True,
                                 help_text="市级 140800，县级为区县代码")
    organizer = models.CharField("组织单位", max_length=100)
    attendees = models.PositiveIntegerField("参训人数")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "培训"
        verbose_name_plural = "培训"
        ordering = ["-held_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(attendees__gte=1), name="training_has_attendees",
                                   violation_error_message="参训人数至少为 1"),
            models.CheckConstraint(condition=Q(area_code__regex=r"^([0-9]{6}|[0-9]{9}|[0-9]{12})$"),
                                   name="training_area_code_format",
                                   violation_error_message="组织区域代码须为 6、9 或 12 位数字"),
        ]

    def __str__(self):
        return self.title


class Inspection(models.Model):
    """暗访: an inspection group's unannounced visit to a team or an area, its findings and whether a
    notification (通报) was issued. The problems found become rectification issues (source 暗访)."""

    AREA_LOOKUP = "area_code"

    group = models.CharField("暗访组", max_length=100)
    inspected_on = models.DateField("暗访日期")
    team = models.ForeignKey(WorkTeam, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="inspections", verbose_name="被暗访工作队")
    area_code = models.CharField("暗访区域代码", max_length=12, db_index=True, blank=True,
                                 help_text="区县、乡镇或行政村代码；暗访工作队时为其派驻地代码")
    findings = models.TextField("发现问题", blank=True)
    findings_count = models.PositiveIntegerField("发现问题数", default=0)
    notification_issued = models.BooleanField("已通报", default=False)
    notification_no = models.CharField("通报文号", max_length=50, blank=True)
    notified_on = models.DateField("通报日期", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "暗访"
        verbose_name_plural = "暗访"
        ordering = ["-inspected_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notification_issued=False, notified_on__isnull=True)
                | Q(notification_issued=True, notified_on__isnull=False, notified_on__gte=F("inspected_on")),
                name="inspection_notification_dated",
                violation_error_message="已通报须填写通报日期（不早于暗访日期）；未通报不能有通报日期",
            ),
            models.CheckConstraint(condition=Q(area_code__regex=r"^([0-9]{6}|[0-9]{9}|[0-9]{12})$"),
                                   name="inspection_area_code_format",
                                   violation_error_message="暗访区域代码须为 6、9 或 12 位数字"),
        ]
        indexes = [models.Index(fields=["notification_issued", "inspected_on"], name="inspection_notified_idx")]

    def __str__(self):
        return f"{self.group} {self.inspected_on:%Y-%m-%d}"

    def clean(self):
        # An inspection of a team is an inspection of the team's station.
        if self.team_id is not None:
            self.area_code = self.team.station_code
        elif not self.area_code:
            raise ValidationError({"area_code": "请选择被暗访工作队或填写暗访区域代码"})


class EvaluationKind(models.TextChoices):
    BIMONTHLY = "bimonthly", "双月评议"
    ANNUAL = "annual", "年度考核"


class HonourList(models.TextChoices):
    NONE = "", "—"
    RED = "red", "红榜"
    BLACK = "black", "黑榜"


class AnnualGrade(models.TextChoices):
    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


class Evaluation(models.Model):
    """双月评议 of a team (score, 红黑名单) or 年度考核 of a team member (grade)."""

    AREA_LOOKUP = "team__station_code"

    team = models.ForeignKey(WorkTeam, on_delete=models.CASCADE, related_name="evaluations", verbose_name="工作队")
    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="evaluations", verbose_name="队员", help_text="年度考核填写被考核队员")
    kind = models.CharField("评议类型", max_length=10, choices=EvaluationKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    bimonth = models.PositiveSmallIntegerField("双月期次", null=True, blank=True, help_text="1 = 1—2 月 … 6 = 11—12 月")
    score = models.DecimalField("评议得分", max_digits=5, decimal_places=1, null=True, blank=True)
    honour_list = models.CharField("红黑名单", max_length=10, choices=HonourList.choices, blank=True, default="")
    grade = models.CharField("年度等次", max_length=12, choices=AnnualGrade.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评议考核"
        verbose_name_plural = "评议考核"
        ordering = ["-year", "-bimonth", "team_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=EvaluationKind.BIMONTHLY, bimonth__gte=1, bimonth__lte=6, score__isnull=False,
                            score__gte=0, score__lte=100, member__isnull=True, grade="")
                | Q(kind=EvaluationKind.ANNUAL, bimonth__isnull=True, member__isnull=False, honour_list="")
                & ~Q(grade=""),
                name="evaluation_fields_match_kind",
                violation_error_message="双月评议须填期次（1—6）和 0—100 的得分；年度考核须填被考核队员和等次",
            ),
            models.UniqueConstraint(fields=["team", "year", "bimonth"], condition=Q(kind=EvaluationKind.BIMONTHLY),
                                    name="evaluation_bimonthly_once",
                                    violation_error_message="该工作队本期双月评议已存在"),
            models.UniqueConstraint(fields=["member", "year"], condition=Q(kind=EvaluationKind.ANNUAL),
                                    name="evaluation_annual_once",
                                    violation_error_message="该队员本年度考核已存在"),
        ]

    def __str__(self):
        return f"{self.team} {self.year} {self.get_kind_display()}"

    def clean(self):
        if self.member_id is not None and self.team_id is not None and self.member.team_id != self.team_id:
            raise ValidationError({"member": "被考核队员不属于该工作队"})
