"""问题整改台账 workbook (sheet 问题), keyed by 问题编号.

The import is a face of ``rectification.services``: it never moves an issue along the workflow by itself.
A new issue is registered (``issue_register``, status 待整改) and, when the file names a 责任单位, handed
to it (``issue_assign``) — what a reviewer does on the page; a file that says it is already 整改中 or
已销号 is refused. On an existing issue the only status changes a file may make are the reviewer's own
steps on a rectified issue: 已销号 (``issue_verify``, never by the person who reported it rectified) or
back to 整改中 (``issue_return``). A 责任单位 must be a city unit or one of the issue's county, and is set
only on a pending issue (交办). A closed issue is not changed by a file.
"""

from __future__ import annotations

import re
from functools import partial

from accounts.scoping import code_in_area
from rectification.models import (
    ISSUE_NUMBER_REGEX,
    Aspect,
    Category,
    Issue,
    IssueSource,
    IssueStatus,
    ResponsibleUnit,
)
from rectification.services import (
    issue_assign,
    issue_register,
    issue_return,
    issue_update_fields,
    issue_verify,
    last_rectifier_id,
)
from villages.models import County, Village

from ..reading import CellError, clean_text, parse_choice, parse_code, parse_date
from .base import Col, Importer, SheetDef, fetch, text_of


def parse_number(value) -> str:
    text = clean_text(value).upper()
    if not re.match(ISSUE_NUMBER_REGEX, text):
        raise CellError("问题编号格式应为 YC-2023-0001")
    return text


def _labels(choices):
    return tuple(label for _, label in choices)


ISSUE_SHEET = SheetDef("问题", (
    Col("问题编号", "number", parse_number, required=True, help="如 YC-2023-0001，全市唯一"),
    Col("问题来源", "source", partial(parse_choice, choices=IssueSource.choices), required=True,
        choices=_labels(IssueSource.choices)),
    Col("问题方面", "aspect", text_of(50), required=True, help="须为系统中已有的问题方面"),
    Col("问题类别", "category", text_of(60), required=True, help="须为该问题方面下已有的类别"),
    Col("区县代码", "county", partial(parse_code, digits=(6,)), required=True, help="6 位区县代码"),
    Col("行政村代码", "village", partial(parse_code, digits=(12,)), help="问题落在某村时填写"),
    Col("问题描述", "description", clean_text, required=True, width=40),
    Col("责任单位", "unit", text_of(100), help="须为系统中已登记的责任单位"),
    Col("责任人", "person", text_of(50)),
    Col("发现日期", "found_date", parse_date, required=True, kind="date"),
    Col("整改时限", "deadline", parse_date, required=True, kind="date"),
    Col("整改状态", "status", partial(parse_choice, choices=IssueStatus.choices), required=True,
        choices=_labels(IssueStatus.choices)),
    Col("整改措施", "measures", clean_text, width=40),
    Col("完成日期", "completed_date", parse_date, kind="date"),
    # An extra column after the contract's, written by the export so that a closed issue round-trips.
    Col("销号日期", "closed_date", parse_date, kind="date", optional=True, help="可选；已销号问题的销号日期，留空取完成日期"),
), help="每个问题一行")


class IssueImporter(Importer):
    key = "issues"
    title = "问题整改台账"
    sheets = (ISSUE_SHEET,)

    def plan(self):
        user = self.user
        area = user.profile.area_code
        if not (user.has_perm("rectification.add_issue") and user.has_perm("rectification.change_issue")):
            self.error(None, "", "您的角色无权导入问题整改台账", sheet="问题")
            return
        rows = self.rows["问题"]
        aspects = {a.name: a for a in Aspect.objects.all()}
        categories = {(c.aspect_id, c.name): c for c in Category.objects.all()}
        units = {u.name: u for u in ResponsibleUnit.objects.all()}
        counties = set(County.objects.values_list("code", flat=True))
        villages = set(Village.objects.filter(code__in={r.values["village"] for r in rows if r.values.get("village")})
                       .values_list("code", flat=True))
        existing = {i.number: i for i in fetch(Issue.objects.all(), "number", {r.values["number"] for r in rows
                                                                                if r.values.get("number")})}
        self.new, self.changed = [], []
        seen = {}
        for row in rows:
            v = row.values
            number = v.get("number")
            if number in seen:
                self.error(row, "问题编号", f"问题编号重复（与第 {seen[number]} 行相同）")
                continue
            seen[number] = row.number
            if row.bad:
                continue
            ok = True
            aspect = aspects.get(v["aspect"])
            category = categories.get((aspect.pk, v["category"])) if aspect else None
            if aspect is None:
                self.error(row, "问题方面", "系统中没有这个问题方面")
                ok = False
            elif category is None:
                self.error(row, "问题类别", f"问题方面“{aspect.name}”下没有这个类别")
                ok = False
            if v["county"] not in counties:
                self.error(row, "区县代码", "区县代码不存在")
                ok = False
            if v.get("village"):
                if v["village"] not in villages:
                    self.error(row, "行政村代码", "行政村代码不存在")
                    ok = False
                elif not v["village"].startswith(v["county"]):
                    self.error(row, "行政村代码", "行政村不在所填区县内")
                    ok = False
            area_code = v.get("village") or v["county"]
            if ok and not code_in_area(area_code, area):
                self.error(row, "区县代码", "该问题不在您的管辖范围内")
                ok = False
            unit = None
            if v.get("unit"):
                unit = units.get(v["unit"])
                if unit is None:
                    self.error(row, "责任单位", "系统中没有这个责任单位")
                    ok = False
            if v["deadline"] < v["found_date"]:
                self.error(row, "整改时限", "整改时限不能早于发现日期")
                ok = False
            if v.get("completed_date") and v["completed_date"] < v["found_date"]:
                self.error(row, "完成日期", "完成日期不能早于发现日期")
                ok = False
            current = existing.get(number)
            if current is not None and not code_in_area(current.area_code, area):
                self.error(row, "问题编号", "该问题编号已登记在您管辖范围以外")
                ok = False
            if unit is not None and not unit.serves(v["county"]):
                self.error(row, "责任单位", f"责任单位“{unit.name}”不属于所填区县，也不是本市市直单位")
                ok = False
            if not ok:
                continue
            fields = dict(
                source=v["source"], aspect_id=aspect.pk, category_id=category.pk, county_id=v["county"],
                village_id=v.get("village") or None, description=v["description"],
                responsible_person=v.get("person") or "", found_date=v["found_date"], deadline=v["deadline"],
                measures=v.get("measures") or "", completed_date=v.get("completed_date"),
            )
            if current is None:
                if v["status"] != IssueStatus.PENDING:
                    self.error(row, "整改状态", "新登记的问题整改状态只能为“待整改”：整改进展由责任单位在系统中报告，"
                                             "销号须经核验")
                    continue
                self.new.append((number, fields, unit))
                self.change("问题", number, "新增", f"登记{'并交办至' + unit.name if unit else ''}")
                continue
            self._plan_existing(row, current, fields, unit, v["status"], v.get("closed_date"))

    def _plan_existing(self, row, current: Issue, fields: dict, unit, status: str, closed_date):
        number = current.number
        if status == current.status and status == IssueStatus.CLOSED and closed_date:
            fields["closed_date"] = closed_date
        diff = [k for k, val in fields.items() if getattr(current, k) != val]
        unit_changes = (unit.pk if unit else None) != current.responsible_unit_id
        if not diff and not unit_changes and status == current.status:
            self.change("问题", number, "不变")
            return
        if current.status == IssueStatus.CLOSED:
            self.error(row, "整改状态", "该问题已销号，不能通过导入修改")
            return
        step = None
        if status != current.status:
            step = {(IssueStatus.RECTIFIED, IssueStatus.CLOSED): "verify",
                    (IssueStatus.RECTIFIED, IssueStatus.IN_PROGRESS): "return"}.get((current.status, status))
            if step is None:
                self.error(row, "整改状态", f"整改状态不能由导入从“{current.get_status_display()}”改为"
                                         f"“{IssueStatus(status).label}”，请在系统中办理")
                return
            if step == "verify" and last_rectifier_id(current) == self.user.pk:
                self.error(row, "整改状态", "不能对本人报告整改完成的问题核验销号，须由其他角色核验")
                return
        if unit_changes:
            if current.status != IssueStatus.PENDING or unit is None:
                self.error(row, "责任单位", "只有“待整改”的问题可以交办（改变责任单位），请在系统中办理")
                return
        details = [str(Issue._meta.get_field(k.removesuffix("_id")).verbose_name) for k in diff]
        if unit_changes:
            details.append(f"交办至{unit.name}")
        if step:
            details.append(f"整改状态：{current.get_status_display()} → {IssueStatus(status).label}")
        for k in diff:
            setattr(current, k, fields[k])
        current.sync_area_code()
        self.changed.append((current, diff, unit if unit_changes else None, step, closed_date))
        self.change("问题", number, "修改", "、".join(details))

    def write(self):
        user = self.user
        for number, fields, unit in self.new:
            issue = issue_register(
                user=user, number=number, source=fields["source"], aspect=Aspect.objects.get(pk=fields["aspect_id"]),
                category=Category.objects.get(pk=fields["category_id"]), county_id=fields["county_id"],
                village_id=fields["village_id"], description=fields["description"], found_date=fields["found_date"],
                deadline=fields["deadline"])
            if unit is not None:
                issue = issue_assign(issue=issue, user=user, unit=unit, person=fields["responsible_person"])
            extra = {k: fields[k] for k in ("responsible_person", "measures", "completed_date") if fields[k]}
            if extra:
                issue_update_fields(issue=issue, user=user, **extra)
        for issue, diff, unit, step, closed_date in self.changed:
            if diff:
                issue_update_fields(issue=issue, user=user, **{k: getattr(issue, k) for k in diff})
            if unit is not None:
                issue_assign(issue=issue, user=user, unit=unit, person=issue.responsible_person)
            if step == "verify":
                issue_verify(issue=issue, user=user, note="Excel 导入", closed_date=closed_date or issue.completed_date)
            elif step == "return":
                issue_return(issue=issue, user=user, reason="Excel 导入：退回整改")
