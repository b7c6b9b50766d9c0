"""问题整改台账 workbook (sheet 问题), keyed by 问题编号.

A new issue is registered (with the 登记 transition, as ``rectification.services.issue_register`` does);
an existing one is updated field by field. The status is taken as given by the file (the county's own
ledger); a status change is logged as a transition noting the import. Closed issues need a 完成日期;
their 销号日期 is the extra column 销号日期 when present, else the 完成日期.
"""

from __future__ import annotations

import re
from functools import partial

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.scoping import code_in_area
from rectification.models import (
    ISSUE_NUMBER_REGEX,
    Aspect,
    Category,
    Issue,
    IssueSource,
    IssueStatus,
    IssueTransition,
    ResponsibleUnit,
    TransitionAction,
)
from villages.models import County, Village

from ..reading import CellError, clean_text, parse_choice, parse_code, parse_date
from .base import Col, Importer, SheetDef
from .households import BATCH, _fetch, _len


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
    Col("问题方面", "aspect", _len(50), required=True, help="须为系统中已有的问题方面"),
    Col("问题类别", "category", _len(60), required=True, help="须为该问题方面下已有的类别"),
    Col("区县代码", "county", partial(parse_code, digits=(6,)), required=True, help="6 位区县代码"),
    Col("行政村代码", "village", partial(parse_code, digits=(12,)), help="问题落在某村时填写"),
    Col("问题描述", "description", clean_text, required=True, width=40),
    Col("责任单位", "unit", _len(100), help="须为系统中已登记的责任单位"),
    Col("责任人", "person", _len(50)),
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
    fields = ("source", "aspect_id", "category_id", "county_id", "village_id", "description", "responsible_unit_id",
              "responsible_person", "found_date", "deadline", "status", "measures", "completed_date", "closed_date")

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
        existing = {i.number: i for i in _fetch(Issue.objects.all(), "number", {r.values["number"] for r in rows
                                                                                if r.values.get("number")})}
        self.new, self.changed, self.transitions = [], [], []
        seen = {}
        now = timezone.now()
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
            closed = v.get("closed_date")
            if v["status"] == IssueStatus.CLOSED:
                if not v.get("completed_date"):
                    self.error(row, "完成日期", "已销号的问题须填写完成日期")
                    ok = False
                closed = closed or v.get("completed_date")
            else:
                closed = None
            current = existing.get(number)
            if current is not None and not code_in_area(current.area_code, area):
                self.error(row, "问题编号", "该问题编号已登记在您管辖范围以外")
                ok = False
            if not ok:
                continue
            fields = dict(
                source=v["source"], aspect_id=aspect.pk, category_id=category.pk, county_id=v["county"],
                village_id=v.get("village") or None, description=v["description"],
                responsible_unit_id=unit.pk if unit else None, responsible_person=v.get("person") or "",
                found_date=v["found_date"], deadline=v["deadline"], status=v["status"],
                measures=v.get("measures") or "", completed_date=v.get("completed_date"), closed_date=closed,
            )
            if current is None:
                issue = Issue(number=number, **fields)
                issue.sync_area_code()
                self.new.append(issue)
                self.change("问题", number, "新增", IssueStatus(v["status"]).label)
                continue
            diff = [k for k, val in fields.items() if getattr(current, k) != val]
            if not diff:
                self.change("问题", number, "不变")
                continue
            if current.status != fields["status"]:
                self.transitions.append(IssueTransition(
                    issue=current, action=TransitionAction.REGISTER, from_status=current.status,
                    to_status=fields["status"], user=user, at=now, note="Excel 导入更新整改状态"))
            for k in diff:
                setattr(current, k, fields[k])
            current.sync_area_code()
            self.changed.append(current)
            self.change("问题", number, "修改",
                        "、".join(Issue._meta.get_field(k.removesuffix("_id")).verbose_name for k in diff))

    def write(self):
        history = dict(default_user=self.user, default_change_reason="Excel 导入")
        now = timezone.now()
        if self.new:
            bulk_create_with_history(self.new, Issue, batch_size=BATCH, **history)
            if any(i.pk is None for i in self.new):
                ids = dict(Issue.objects.filter(number__in=[i.number for i in self.new]).values_list("number", "id"))
                for issue in self.new:
                    issue.pk = issue.id = ids[issue.number]
            self.transitions += [
                IssueTransition(issue=i, action=TransitionAction.REGISTER, from_status="", to_status=i.status,
                                user=self.user, at=now, note="Excel 导入")
                for i in self.new
            ]
        if self.changed:
            bulk_update_with_history(self.changed, Issue, [f for f in self.fields] + ["area_code"],
                                     batch_size=BATCH, **history)
        if self.transitions:
            IssueTransition.objects.bulk_create(self.transitions, batch_size=BATCH)
