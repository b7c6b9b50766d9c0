import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .models import WorkTeam
from .selectors import team_rule_problems

_NUM = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class WorkTeamTable(tables.Table):
    code = tables.Column(verbose_name="编号", linkify=("resident_teams:team_detail", {"pk": tables.A("pk")}))
    name = tables.Column(verbose_name="工作队", linkify=("resident_teams:team_detail", {"pk": tables.A("pk")}))
    county = tables.Column(verbose_name="区县", order_by=("county_id",))
    station = tables.Column(verbose_name="派驻地", empty_values=(), orderable=False)
    station_types = tables.Column(verbose_name="派驻类型", empty_values=(), orderable=False)
    dispatch_level = tables.Column(verbose_name="派出层级")
    dispatch_unit = tables.Column(verbose_name="派出单位")
    member_count = tables.Column(verbose_name="在岗人数", attrs=_NUM)
    compliance = tables.Column(verbose_name="五天四夜达标率", empty_values=(), order_by=("compliant_weeks",), attrs=_NUM)
    rule = tables.Column(verbose_name="人员配备", empty_values=(), orderable=False)

    class Meta:
        model = WorkTeam
        fields = ["code", "name", "county", "station", "station_types", "dispatch_level", "dispatch_unit",
                  "member_count", "compliance", "rule"]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "team-table"}

    def render_station(self, record):
        return str(record.station)

    def render_station_types(self, record):
        return "、".join(record.station_types)

    def render_compliance(self, record):
        if not record.member_weeks:
            return mark_safe('<span class="text-muted">无记录</span>')
        pct = 100 * record.compliant_weeks / record.member_weeks
        css = "text-success" if record.compliant_weeks == record.member_weeks else "text-danger" if pct < 80 else ""
        return format_html('<span class="{}">{}%</span> <small class="text-muted">({}/{})</small>',
                           css, f"{pct:.1f}", record.compliant_weeks, record.member_weeks)

    def render_rule(self, record):
        problems = team_rule_problems(record)
        if not problems:
            return mark_safe('<span class="badge text-bg-success">符合</span>')
        return format_html('<span class="badge text-bg-danger" title="{}">不符合</span>', "；".join(problems))
