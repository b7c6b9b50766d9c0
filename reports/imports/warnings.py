"""部门预警 workbook (sheet 部门预警): persons with an event, pushed by a department (医保, 民政, 残联, 应急,
人社 …), keyed by 身份证号 + 事件类型 + 事件日期.

The rows are parsed here; matching, merging and the warning rules are the screening services' (this
importer is one of their faces): ``department_events_plan`` checks without writing, and
``department_events_apply`` writes a clean file in one transaction. Persons not in the registry are
reported in the preview and kept as unmatched events, never dropped.
"""

from __future__ import annotations

from functools import partial

from screening.models import EventType
from screening.services import EventInput, department_events_apply, department_events_plan, group_outcome

from ..reading import parse_choice, parse_date, parse_money
from .base import Col, Importer, SheetDef, parse_id, text_of

WARNING_SHEET = SheetDef("部门预警", (
    Col("身份证号", "id_number", parse_id, required=True, help="18 位；全角数字和小写 x 自动转换"),
    Col("姓名", "name", text_of(50), required=True),
    Col("事件类型", "event_type", partial(parse_choice, choices=EventType.choices), required=True,
        choices=tuple(label for _, label in EventType.choices)),
    Col("事件日期", "event_date", parse_date, required=True, kind="date"),
    Col("金额(元)", "amount", parse_money, kind="money", help="大额医疗自付支出须填写（个人自付部分）"),
    Col("说明", "description", text_of(500), width=40),
    Col("部门", "department", text_of(50), required=True, help="推送部门，如 市医保局"),
), help="每人每个事件一行；同一人同一日期的同类事件（含不同部门报送的）合并为一条")


class WarningImporter(Importer):
    key = "warnings"
    title = "部门筛查预警"
    sheets = (WARNING_SHEET,)

    def plan(self):
        rows = [r for r in self.rows[WARNING_SHEET.name] if not r.bad]
        by_number = {r.number: r for r in rows}
        events = [EventInput(row=r.number, **r.values) for r in rows]
        self._plan = department_events_plan(user=self.user, events=events)
        for number, header, reason in self._plan.errors:
            self.error(by_number.get(number), header, reason, sheet=WARNING_SHEET.name)
        if self.result.errors:
            return
        for group in self._plan.groups:
            id_number, event_type, event_date = group.key
            key = f"{group.name} {EventType(event_type).label} {event_date:%Y-%m-%d}"
            merged = f"（合并第 {'、'.join(str(r.row) for r in group.rows)} 行）" if len(group.rows) > 1 else ""
            detail = f"第 {group.rows[0].row} 行：{group_outcome(group)}{merged}"
            if group.existing is None:
                self.change("事件", key, "新增", detail)
            else:
                self.change("事件", key, "修改" if group.changed else "不变", detail)
            if group.member is None:
                self.result.count("未匹配人员", "新增" if group.existing is None else "不变")

    def write(self):
        department_events_apply(user=self.user, plan=self._plan)
