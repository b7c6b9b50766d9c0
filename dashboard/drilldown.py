"""The record lists behind the figures (drill-down, 点数字看明细).

Each list is the queryset of the records a figure counts, for an area and a period, built from the same
conditions as the source that computes the figure (for a count metric the list's count *is* the figure;
the tests check that for every one), and the columns the drill-down page and its Excel export show.
``dashboard.catalogue.metric_records`` passes the queryset through the scoping function.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.scoping import in_area
from villages.selectors import Area

from .completeness import (
    completeness_attendance_q,
    completeness_income_q,
    completeness_issue_q,
    completeness_measure_q,
)
from .periods import Period


@dataclass(frozen=True)
class RecordList:
    name: str
    title: str  # what the records are, e.g. 监测户
    build: Callable[[Area, Period], QuerySet]
    columns: tuple[tuple[str, str], ...]  # (accessor, Chinese heading)
    detail_url: str | None = None  # a URL name taking the record's pk, when the owning app has a page

    def queryset(self, *, area: Area, period: Period) -> QuerySet:
        return self.build(area, period)


# ---------------------------------------------------------------- the registry

HOUSEHOLD_COLUMNS = (
    ("code", "户编号"), ("head_name", "户主姓名"), ("village.county.name", "区县"), ("village.township.name", "乡镇"),
    ("village.name", "行政村"), ("size", "家庭人口数"), ("household_type_display", "户类型"),
    ("is_relocated", "易地搬迁户"),
)
MEMBER_COLUMNS = (
    ("household.code", "户编号"), ("name", "姓名"), ("sex", "性别"), ("birth_date", "出生日期"),
    ("get_relation_display", "与户主关系"), ("get_labour_skill_display", "劳动技能"),
    ("household.village.county.name", "区县"), ("household.village.name", "行政村"),
)


def _households(queryset):
    return queryset.select_related("village__county", "village__township").order_by("village_id", "code")


def _members(queryset):
    return queryset.select_related("household__village__county").order_by("household__village_id", "household_id", "id")


def _identified(period):
    from monitoring.models import MonitoringRecord

    return MonitoringRecord.objects.identified_as_of(period.end)


def _open_records(period):
    from monitoring.models import MonitoringRecord

    return MonitoringRecord.objects.open_as_of(period.end)


def monitored_households(area, period):
    from monitoring.models import Household

    return _households(in_area(Household.objects.filter(pk__in=_identified(period).values("household_id")),
                             "village__code", area.code))


def eliminated_households(area, period):
    return monitored_households(area, period).exclude(pk__in=_open_records(period).values("household_id"))


def at_risk_households(area, period):
    return monitored_households(area, period).filter(pk__in=_open_records(period).values("household_id"))


def at_risk_labour_households(area, period):
    return at_risk_households(area, period).with_labour(period.end)


def monitored_persons(area, period):
    from monitoring.models import Member

    return _members(in_area(Member.objects.filter(household__in=_identified(period).values("household_id")),
                          "household__village__code", area.code))


def eliminated_persons(area, period):
    return monitored_persons(area, period).exclude(household__in=_open_records(period).values("household_id"))


INCOME_COLUMNS = (
    ("household.code", "户编号"), ("household.head_name", "户主姓名"), ("household.village.county.name", "区县"),
    ("household.village.name", "行政村"), ("persons", "计算人口数"), ("net_income", "纯收入(元)"),
    ("per_capita_income", "人均纯收入(元)"),
)


def income_households(area, period):
    from monitoring.models import IncomeRecord

    return in_area(
        IncomeRecord.objects.filter(year=period.year, quarter=period.quarter, household__is_poverty_alleviated=True),
        "household__village__code", area.code,
    ).select_related("household__village__county").order_by("household__village_id", "household_id")


def relocated_income_households(area, period):
    return income_households(area, period).filter(household__is_relocated=True)


def below_threshold_households(area, period):
    from monitoring.models import Household, IncomeRecord, MonitoringThreshold

    from .village_summaries import below_threshold_q

    threshold = MonitoringThreshold.objects.filter(year=period.year).values_list("amount", flat=True).first()
    if threshold is None:
        return Household.objects.none()
    incomes = IncomeRecord.objects.filter(year=period.year, quarter=period.quarter).filter(
        below_threshold_q(period, threshold))
    return _households(in_area(Household.objects.filter(pk__in=incomes.values("household_id")), "village__code", area.code))


def labour_force(area, period):
    from monitoring.models import Member

    return _members(in_area(Member.objects.labour_force(period.end).filter(household__is_poverty_alleviated=True),
                            "household__village__code", area.code))


def migrant_workers(area, period):
    from monitoring.models import Member

    return labour_force(area, period).filter(Member.objects.working_outside_q(period.year))


def relocated_jobless_households(area, period):
    from monitoring.models import Employment, Household

    return _households(in_area(Household.objects.filter(is_relocated=True).with_labour(period.end), "village__code",
                               area.code).exclude(
        pk__in=Employment.objects.filter(year=period.year).values("member__household_id")))


def employment_targets(area, period):
    from monitoring.models import EmploymentTarget

    return in_area(EmploymentTarget.objects.filter(year=period.year), "area_code", area.code).order_by("area_code")


# ---------------------------------------------------------------- assistance


def workshops(area, period):
    from assistance.models import Workshop

    return in_area(Workshop.objects.operating_between(period.quarter_start, period.end), "village__code",
                   area.code).select_related("village__county").order_by("village_id", "name")


def workshop_jobs(area, period):
    from assistance.models import WorkshopEmployee

    return in_area(WorkshopEmployee.objects.employed_between(period.quarter_start, period.end),
                   "workshop__village__code", area.code).select_related("workshop__village__county").order_by(
        "workshop__village_id", "workshop_id", "id")


def workshop_poverty_jobs(area, period):
    return workshop_jobs(area, period).of_registry()


def pv_stations(area, period):
    from assistance.models import PVStation

    return in_area(PVStation.objects.connected_by(period.end), "village__code", area.code).select_related(
        "village__county").order_by("village_id", "name")


def pv_incomes(area, period):
    from assistance.models import PVIncome

    return in_area(PVIncome.objects.filter(year=period.year), "station__village__code", area.code).select_related(
        "station__village__county").order_by("station__village_id", "station_id")


def pv_beneficiaries(area, period):
    from assistance.models import PVEmployee
    from monitoring.models import Member

    posts = in_area(PVEmployee.objects.beneficiaries(period.year), "station__village__code", area.code)
    return _members(Member.objects.filter(pk__in=posts.values("member_id")))


def _projects(area, period):
    from assistance.models import AssistanceProject

    return in_area(AssistanceProject.objects.of_year(period.year), "area_code", area.code).select_related("county", "village").order_by("area_code", "name")


def linkage_projects(area, period):
    from assistance.models import FundingSource

    return _projects(area, period).filter(funding_source=FundingSource.LINKAGE)


def unit_projects_all(area, period):
    from assistance.models import FundingSource

    return _projects(area, period).filter(funding_source=FundingSource.UNIT)


def unit_projects(area, period):
    from assistance.models import UNIT_PROJECT_MIN

    return unit_projects_all(area, period).filter(amount__gte=UNIT_PROJECT_MIN)


def consumption_sales(area, period):
    from assistance.models import ConsumptionSale

    return in_area(ConsumptionSale.objects.up_to(period.year, period.quarter), "county__code", area.code).select_related(
        "platform", "county").order_by("county_id", "platform_id", "year", "quarter", "month")


def consumption_platforms(area, period):
    from assistance.models import ConsumptionPlatform

    return ConsumptionPlatform.objects.filter(pk__in=consumption_sales(area, period).values("platform_id"))


def _collective(area, period):
    from villages.models import VillageCollectiveEconomy

    return in_area(VillageCollectiveEconomy.objects.filter(year=period.year), "village__code", area.code).select_related(
        "village__county").order_by("village_id")


def collective_over_100k(area, period):
    from villages.models import COLLECTIVE_100K

    return _collective(area, period).filter(income__gte=COLLECTIVE_100K)


def collective_over_300k(area, period):
    from villages.models import COLLECTIVE_300K

    return _collective(area, period).filter(income__gte=COLLECTIVE_300K)


def collective_cooperatives(area, period):
    return _collective(area, period).filter(party_branch_cooperatives__gt=0)


def collective_trusteeship(area, period):
    return _collective(area, period).filter(trusteeship_services__gt=0)


# ---------------------------------------------------------------- resident teams


def teams(area, period):
    from resident_teams.models import WorkTeam

    return in_area(WorkTeam.objects.active_on(period.end), "station_code", area.code).select_related(
        "county", "village", "township", "relocation_site").order_by("station_code", "code")


def team_members(area, period):
    from resident_teams.models import TeamMember, WorkTeam

    return in_area(TeamMember.objects.serving_on(period.end).filter(team__in=WorkTeam.objects.active_on(period.end)),
                 "team__station_code", area.code).select_related("team__county").order_by("team__station_code", "team_id",
                                                                                       "id")


def attendance_weeks(area, period):
    from resident_teams.models import AttendanceWeek

    return in_area(AttendanceWeek.objects.starting_between(period.quarter_start, period.end),
                   "member__team__station_code", area.code).select_related("member__team__county").order_by(
        "-week_start", "member__team__station_code", "member_id")


def trainings(area, period):
    from resident_teams.models import TrainingSession

    return in_area(TrainingSession.objects.filter(held_on__gte=period.start, held_on__lte=period.end),
                 "area_code", area.code).order_by("-held_on", "id")


def peer_sessions(area, period):
    from resident_teams.models import TrainingKind

    return trainings(area, period).filter(kind=TrainingKind.PEER)


def inspection_reports(area, period):
    from resident_teams.models import Inspection

    return in_area(Inspection.objects.filter(notification_issued=True, notified_on__gte=period.start,
                                           notified_on__lte=period.end), "area_code", area.code).select_related(
        "team").order_by("-notified_on", "id")


# ---------------------------------------------------------------- rectification


def issues(area, period):
    from rectification.models import Issue

    return in_area(Issue.objects.found_between(period.start, period.end), "area_code", area.code).select_related(
        "county", "village", "aspect", "category", "responsible_unit").order_by("number")


def screening_issues(area, period):
    from rectification.models import IssueSource

    return issues(area, period).exclude(source=IssueSource.INSPECTION)


def inspection_issues(area, period):
    from rectification.models import IssueSource

    return issues(area, period).filter(source=IssueSource.INSPECTION)


def rectified_issues(area, period):
    from rectification.models import IssueQuerySet

    return issues(area, period).filter(IssueQuerySet.closed_q(period.end))


def in_progress_issues(area, period):
    from rectification.models import IssueQuerySet

    return issues(area, period).filter(IssueQuerySet.open_q(period.end))


def overdue_issues(area, period):
    from rectification.models import IssueQuerySet

    return issues(area, period).filter(IssueQuerySet.overdue_q(period.end))


def letters(area, period):
    from rectification.models import SupervisionLetter

    return in_area(SupervisionLetter.objects.filter(issued_date__gte=period.start, issued_date__lte=period.end),
                 "area_code", area.code).select_related("addressee_county", "addressee_unit").order_by("-issued_date", "id")


# ---------------------------------------------------------------- data-entry progress: what is missing


def income_missing_households(area, period):
    from monitoring.models import Household

    due, done = completeness_income_q(period)
    return _households(in_area(Household.objects.filter(due).exclude(done), "village__code", area.code))


def measure_missing_households(area, period):
    from monitoring.models import Household

    due, done = completeness_measure_q(period)
    return _households(in_area(Household.objects.filter(due).exclude(done), "village__code", area.code))


def attendance_missing_teams(area, period):
    from resident_teams.models import WorkTeam

    due, done = completeness_attendance_q(period)
    return in_area(WorkTeam.objects.filter(due).exclude(done), "station_code", area.code).select_related(
        "county", "village", "township", "relocation_site").order_by("station_code", "code")


def issues_without_update(area, period):
    from rectification.models import Issue

    due, done = completeness_issue_q(period)
    return in_area(Issue.objects.filter(due).exclude(done), "area_code", area.code).select_related(
        "county", "village", "aspect", "category", "responsible_unit").order_by("number")

# ---------------------------------------------------------------- screening


def screening_warnings(area, period):
    from screening.models import ScreeningWarning

    warnings = in_area(ScreeningWarning.objects.in_year_to(period.end), "household__village_id", area.code)
    return warnings.select_related("household__village__county", "event").order_by(
        "household__village_id", "raised_on", "id")


def screening_warnings_verified(area, period):
    from screening.models import ScreeningWarning

    return screening_warnings(area, period).filter(ScreeningWarning.objects.verified_q(period.end))


def screening_warnings_to_monitoring(area, period):
    from screening.models import WarningStatus

    return screening_warnings_verified(area, period).filter(status=WarningStatus.IDENTIFIED)


def screening_warnings_overdue(area, period):
    from screening.models import ScreeningWarning

    return screening_warnings(area, period).filter(ScreeningWarning.objects.overdue_q(period.end))


ISSUE_COLUMNS = (
    ("number", "问题编号"), ("get_source_display", "问题来源"), ("county.name", "区县"), ("aspect.name", "问题方面"),
    ("category.name", "问题类别"), ("responsible_unit.name", "责任单位"), ("found_date", "发现日期"),
    ("deadline", "整改时限"), ("closed_date", "销号日期"), ("get_status_display", "整改状态"),
)
WARNING_COLUMNS = (
    ("household.code", "户编号"), ("household.head_name", "户主姓名"), ("household.village.county.name", "区县"),
    ("household.village.name", "行政村"), ("event.name", "预警人员"), ("get_event_type_display", "事件类型"),
    ("event_date", "事件日期"), ("event.departments", "推送部门"), ("raised_on", "预警日期"),
    ("get_status_display", "核实状态"), ("verified_on", "核实日期"),
)
TEAM_COLUMNS = (
    ("code", "工作队编号"), ("name", "工作队名称"), ("county.name", "区县"), ("get_station_kind_display", "派驻地类别"),
    ("station", "派驻地"), ("dispatch_unit", "派出单位"), ("get_dispatch_level_display", "派出层级"),
    ("arrived_on", "进驻日期"),
)
PROJECT_COLUMNS = (
    ("name", "项目名称"), ("county.name", "区县"), ("village.name", "实施行政村"),
    ("get_funding_source_display", "资金来源"), ("amount", "金额(元)"), ("unit_name", "帮扶单位"),
    ("get_status_display", "状态"),
)
COLLECTIVE_COLUMNS = (
    ("village.county.name", "区县"), ("village.name", "行政村"), ("year", "年度"), ("income", "集体经济收入(元)"),
    ("party_branch_cooperatives", "党支部领办合作社"), ("trusteeship_services", "托管服务"),
)
WORKSHOP_EMPLOYEE_COLUMNS = (
    ("workshop.name", "帮扶车间"), ("workshop.village.county.name", "区县"), ("workshop.village.name", "行政村"),
    ("name", "姓名"), ("hired_on", "入职日期"), ("left_on", "离职日期"),
)
TRAINING_COLUMNS = (("title", "培训主题"), ("get_kind_display", "培训类型"), ("held_on", "培训日期"),
                    ("organizer", "组织单位"), ("attendees", "参训人数"))

_LISTS = [
    RecordList("monitored_households", "监测户", monitored_households, HOUSEHOLD_COLUMNS),
    RecordList("monitored_persons", "监测对象", monitored_persons, MEMBER_COLUMNS),
    RecordList("eliminated_households", "风险已消除户", eliminated_households, HOUSEHOLD_COLUMNS),
    RecordList("eliminated_persons", "风险已消除人员", eliminated_persons, MEMBER_COLUMNS),
    RecordList("at_risk_households", "风险未消除户", at_risk_households, HOUSEHOLD_COLUMNS),
    RecordList("at_risk_labour_households", "有劳动能力的风险未消除户", at_risk_labour_households, HOUSEHOLD_COLUMNS),
    RecordList("income_households", "脱贫户收入", income_households, INCOME_COLUMNS),
    RecordList("relocated_income_households", "易地搬迁脱贫户收入", relocated_income_households, INCOME_COLUMNS),
    RecordList("below_threshold_households", "人均纯收入低于监测范围的户", below_threshold_households,
               HOUSEHOLD_COLUMNS),
    RecordList("labour_force", "脱贫劳动力", labour_force, MEMBER_COLUMNS),
    RecordList("migrant_workers", "外出务工脱贫劳动力", migrant_workers, MEMBER_COLUMNS),
    RecordList("relocated_jobless_households", "有劳动能力但无人稳定就业的搬迁户", relocated_jobless_households,
               HOUSEHOLD_COLUMNS),
    RecordList("employment_targets", "外出务工目标", employment_targets,
               (("area_code", "区域代码"), ("year", "年度"), ("migrant_target", "外出务工目标(人)"))),
    RecordList("workshops", "帮扶车间", workshops,
               (("name", "车间名称"), ("village.county.name", "区县"), ("village.name", "行政村"),
                ("operator", "经营主体"), ("industry", "主营产业"), ("operating_since", "投产日期"))),
    RecordList("workshop_jobs", "帮扶车间务工人员", workshop_jobs, WORKSHOP_EMPLOYEE_COLUMNS),
    RecordList("workshop_poverty_jobs", "帮扶车间务工的脱贫劳动力", workshop_poverty_jobs, WORKSHOP_EMPLOYEE_COLUMNS),
    RecordList("pv_stations", "村级光伏电站", pv_stations,
               (("name", "电站名称"), ("village.county.name", "区县"), ("village.name", "行政村"),
                ("capacity_kw", "装机容量(千瓦)"), ("connected_on", "并网日期"))),
    RecordList("pv_incomes", "光伏电站年度收益", pv_incomes,
               (("station.name", "电站名称"), ("station.village.county.name", "区县"), ("station.village.name", "行政村"),
                ("year", "年度"), ("income", "收益(元)"), ("posts", "设置岗位数"))),
    RecordList("pv_beneficiaries", "光伏岗位上的脱贫户监测户成员", pv_beneficiaries, MEMBER_COLUMNS),
    RecordList("linkage_projects", "衔接资金项目", linkage_projects, PROJECT_COLUMNS),
    RecordList("unit_projects_all", "帮扶单位投入项目", unit_projects_all, PROJECT_COLUMNS),
    RecordList("unit_projects", "万元以上帮扶项目", unit_projects, PROJECT_COLUMNS),
    RecordList("consumption_platforms", "消费帮扶销售平台", consumption_platforms,
               (("name", "平台名称"), ("get_kind_display", "平台类型"), ("operator", "运营单位"))),
    RecordList("consumption_sales", "消费帮扶销售", consumption_sales,
               (("platform.name", "销售平台"), ("county.name", "区县"), ("period_label", "期间"),
                ("amount", "销售额(元)"), ("beneficiaries", "受益脱贫人口"))),
    RecordList("collective_over_100k", "集体经济收入10万元以上的村", collective_over_100k, COLLECTIVE_COLUMNS),
    RecordList("collective_over_300k", "集体经济收入30万元以上的村", collective_over_300k, COLLECTIVE_COLUMNS),
    RecordList("collective_cooperatives", "有党支部领办合作社的村", collective_cooperatives, COLLECTIVE_COLUMNS),
    RecordList("collective_trusteeship", "有农业生产托管服务的村", collective_trusteeship, COLLECTIVE_COLUMNS),
    RecordList("teams", "驻村工作队", teams, TEAM_COLUMNS),
    RecordList("team_members", "第一书记和工作队员", team_members,
               (("name", "姓名"), ("get_role_display", "职务"), ("team.name", "工作队"), ("team.county.name", "区县"),
                ("unit", "工作单位"), ("joined_on", "到岗日期"))),
    RecordList("attendance_weeks", "五天四夜考勤（队员周）", attendance_weeks,
               (("member.name", "队员"), ("member.team.name", "工作队"), ("member.team.county.name", "区县"),
                ("week_start", "周起始日"), ("days_on_station", "在岗天数"), ("nights_on_station", "驻村夜数"),
                ("is_compliant", "达标"))),
    RecordList("trainings", "培训", trainings, TRAINING_COLUMNS),
    RecordList("peer_sessions", "“书记讲给书记听”", peer_sessions, TRAINING_COLUMNS),
    RecordList("inspection_reports", "暗访通报", inspection_reports,
               (("group", "暗访组"), ("inspected_on", "暗访日期"), ("area_code", "区域代码"), ("team.name", "工作队"),
                ("findings_count", "发现问题数"), ("notification_no", "通报文号"), ("notified_on", "通报日期"))),
    RecordList("issues", "问题", issues, ISSUE_COLUMNS),
    RecordList("screening_issues", "排查发现的问题", screening_issues, ISSUE_COLUMNS),
    RecordList("inspection_issues", "暗访发现的问题", inspection_issues, ISSUE_COLUMNS),
    RecordList("rectified_issues", "已整改销号的问题", rectified_issues, ISSUE_COLUMNS),
    RecordList("in_progress_issues", "整改中的问题", in_progress_issues, ISSUE_COLUMNS),
    RecordList("overdue_issues", "逾期未整改的问题", overdue_issues, ISSUE_COLUMNS),
    RecordList("letters", "工作督办函", letters,
               (("number", "督办函编号"), ("title", "标题"), ("issued_date", "发函日期"), ("addressee", "受函对象"),
                ("reply_deadline", "回复期限"), ("reply_date", "回复日期"))),
    # 录入进度: the records still missing
    RecordList("income_missing_households", "本季度未录入收入的脱贫户和监测户", income_missing_households,
               HOUSEHOLD_COLUMNS),
    RecordList("measure_missing_households", "未录入帮扶措施的风险未消除户", measure_missing_households,
               HOUSEHOLD_COLUMNS),
    RecordList("attendance_missing_teams", "本季度有队员缺填考勤周的工作队", attendance_missing_teams, TEAM_COLUMNS),
    RecordList("issues_without_update", "逾期且期限后无进展更新的问题", issues_without_update, ISSUE_COLUMNS),

    *(RecordList(name, title, build, WARNING_COLUMNS) for name, title, build in (
        ("screening_warnings", "部门筛查预警", screening_warnings),
        ("screening_warnings_verified", "已入户核实的预警", screening_warnings_verified),
        ("screening_warnings_to_monitoring", "纳入监测识别的预警", screening_warnings_to_monitoring),
        ("screening_warnings_overdue", "核实逾期的预警", screening_warnings_overdue),
    )),
]

RECORD_LISTS: dict[str, RecordList] = {record_list.name: record_list for record_list in _LISTS}
