"""Writes of provincial review: freezing a submission, entering a competition score.

A submission is only ever created: :func:`submission_freeze` stores, in one transaction, every catalogue
figure of every area inside the submitted area, the record ids behind each record list, the report
workbooks and the completeness at that moment. There is no service that changes one afterwards.
"""

import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Value
from django.utils import timezone

from accounts.roles import Role, role_of
from accounts.scoping import user_covers_area
from dashboard.catalogue import METRICS, metric_records, metric_values, metric_values_by_level
from reports.exports import BACKGROUND_ROWS, REPORTS, report_context, report_rows, report_write
from villages.selectors import Area, area_children

from .models import (EnteredScore, ItemKind, Participant, ScoringItem, Submission, SubmissionFigures,
                     SubmissionRecordSet, SubmissionReport)
from .selectors import submission_incomplete_areas


@dataclass
class SubmissionIncomplete(Exception):
    """Some areas have not finished entering the period's data; freezing needs a confirmation."""

    incomplete: list[dict]

    def __str__(self):
        return f"{len(self.incomplete)} 个区域录入尚未完成，请确认后再冻结"


def submission_may_freeze(user, area: Area) -> bool:
    """The city administrator freezes any area of the city; a county reviewer the county's own figures."""
    if not user.has_perm("submissions.add_submission"):
        return False
    role = role_of(user)
    if role == Role.CITY_ADMIN:
        return user_covers_area(user, area.code)
    return role == Role.COUNTY_REVIEWER and area.code == user.profile.area_code


def _areas_and_figures(user, area: Area, year: int, quarter: int):
    """The area's figures, then those of every area inside it, level by level (one catalogue pass per level)."""
    yield area, metric_values(user=user, area=area, year=year, quarter=quarter)
    level = [area]
    while level := [child for parent in level for child in area_children(area=parent)]:
        yield from metric_values_by_level(user=user, area=area, year=year, quarter=quarter, areas=level)


def _record_ids(user, area: Area, year: int, quarter: int) -> dict[str, dict[str, list]]:
    """{record list: {area code: [pk, ...]}} for every record list behind a figure."""
    keys_by_list = {}
    for metric in METRICS.values():
        if metric.records:
            keys_by_list.setdefault(metric.records, metric.key)
    result = {}
    for list_name, key in keys_by_list.items():
        queryset = metric_records(user=user, key=key, area=area, year=year, quarter=quarter)
        lookup = queryset.model.AREA_LOOKUP
        rows = queryset.order_by().values_list("pk", lookup if lookup else Value(""))
        by_code: dict[str, list] = {}
        for pk, code in rows.iterator(chunk_size=5000):
            by_code.setdefault(code or "", []).append(pk)
        result[list_name] = by_code
    return result


def _freeze_reports(submission: Submission, user, area: Area, year: int, quarter: int) -> list[str]:
    """Write each report as it stands and keep its bytes; the titles of reports too large to write here."""
    skipped = []
    for key, report in REPORTS.items():
        ctx = report_context(user=user, area=area, year=year, quarter=quarter)
        if report_rows(report, ctx) > BACKGROUND_ROWS:
            skipped.append(report.title)
            continue
        buffer = io.BytesIO()
        report_write(report, ctx, buffer)
        content = buffer.getvalue()
        stored = SubmissionReport(
            submission=submission, report=key, title=report.title, filename=report.filename(ctx),
            size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        )
        stored.file.save(f"{key}.xlsx", ContentFile(content), save=False)
        stored.full_clean()
        stored.save()
    return skipped


@transaction.atomic
def submission_freeze(*, user, area: Area, year: int, quarter: int, confirm_incomplete: bool = False,
                      note: str = "") -> Submission:
    """Freeze the period for the area: figures, record ids, reports and completeness, as they are now."""
    if not submission_may_freeze(user, area):
        raise PermissionDenied("只有市级管理员或本县审核员可以冻结报送")
    incomplete = submission_incomplete_areas(user=user, area=area, year=year, quarter=quarter)
    if incomplete["areas"] and not confirm_incomplete:
        raise SubmissionIncomplete(incomplete["areas"])
    submission = Submission(
        year=year, quarter=quarter, area_code=area.code, area_name=area.name, frozen_by=user,
        frozen_at=timezone.now(), completeness=incomplete, confirmed_incomplete=bool(incomplete["areas"]),
        note=note,
    )
    submission.full_clean()
    submission.save()
    SubmissionFigures.objects.bulk_create(
        [SubmissionFigures(submission=submission, area_code=a.code, area_name=a.name, values=values)
         for a, values in _areas_and_figures(user, area, year, quarter)],
        batch_size=500,
    )
    SubmissionRecordSet.objects.bulk_create(
        [SubmissionRecordSet(submission=submission, list_name=name, records=records)
         for name, records in _record_ids(user, area, year, quarter).items()]
    )
    skipped = _freeze_reports(submission, user, area, year, quarter)
    if skipped:
        submission.note = "；".join(filter(None, [note, f"未随报送冻结（行数过多，请另行导出）：{'、'.join(skipped)}"]))
        submission.save(update_fields=["note"])
    return submission


# ---------------------------------------------------------------- 大比拼


@transaction.atomic
def score_enter(*, user, item: ScoringItem, participant: Participant, score: Decimal, note: str = "") -> EnteredScore:
    """An evaluator scores a participant on one of *their own* entered items (0–100)."""
    if item.kind != ItemKind.ENTERED:
        raise ValidationError("按指标计算的项目由系统计分，不能手工打分")
    if not item.evaluators.filter(pk=user.pk).exists():
        raise PermissionDenied("您不是该项目的评分人")
    if participant.round_id != item.round_id or participant.kind != item.applies_to:
        raise ValidationError("该单位不参加此项目的评分")
    entered = EnteredScore.objects.filter(item=item, participant=participant).first() or EnteredScore(
        item=item, participant=participant)
    entered.score, entered.note, entered.entered_by = score, note, user
    entered.full_clean()
    entered.save()
    return entered


