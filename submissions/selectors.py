"""Reads of provincial review: data-entry progress, submissions beside the live figures, the scoreboard."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from accounts.scoping import code_in_area, scope
from dashboard.catalogue import COMPLETENESS_MISSING, METRICS, metric_records, metric_values, metric_values_by_child
from villages.selectors import CITY, Area

from .models import (CompetitionRound, EnteredScore, ItemKind, Participant, ParticipantKind, ScoringItem,
                     Submission, SubmissionFigures)

COMPLETENESS_KEYS = tuple(key for key in METRICS if key.startswith("completeness."))


def submission_incomplete_areas(*, user, area: Area, year: int, quarter: int) -> dict:
    """The area's completeness figures and the areas one level down (or the area itself, for a village)
    that still miss records: ``{"figures": {key: value}, "areas": [{"code", "name", "missing": {key: n}}]}``."""
    figures = metric_values(user=user, area=area, year=year, quarter=quarter, keys=COMPLETENESS_KEYS)
    rows = metric_values_by_child(user=user, area=area, year=year, quarter=quarter, keys=COMPLETENESS_MISSING) or [
        (area, {key: figures[key] for key in COMPLETENESS_MISSING})]
    areas = [
        {"code": child.code, "name": child.name,
         "missing": {key: values[key] for key in COMPLETENESS_MISSING if values[key]}}
        for child, values in rows if any(values[key] for key in COMPLETENESS_MISSING)
    ]
    return {"figures": figures, "areas": areas}


def submission_list(*, user):
    """Submissions with figures the user may read: their own area's, and the larger areas' that contain it
    (a county sees what the city submitted about the county)."""
    readable = scope(SubmissionFigures.objects.all(), user).values("submission_id")
    return Submission.objects.filter(pk__in=readable).select_related("frozen_by")


def figure_decode(key: str, value):
    """A frozen value as the catalogue computes it (JSON keeps decimals as text)."""
    metric = METRICS.get(key)
    if metric is None or value is None or isinstance(value, dict):
        return value
    if metric.kind in ("money", "pct", "number") or isinstance(value, str):
        return Decimal(str(value))
    return value


def figures_decode(values: dict) -> dict:
    return {key: figure_decode(key, value) for key, value in values.items()}


def submission_figures(*, submission: Submission, area_code: str) -> dict | None:
    row = submission.figures.filter(area_code=area_code).values_list("values", flat=True).first()
    return None if row is None else figures_decode(row)


def _covering(area_code: str, year: int, quarter: int):
    """Frozen figures of the area in the period (from any submission whose area contains it)."""
    return SubmissionFigures.objects.filter(area_code=area_code, submission__year=year,
                                            submission__quarter=quarter)


def submission_latest_figures(*, user, area: Area, year: int, quarter: int) -> SubmissionFigures | None:
    """The figures of the latest submission covering the area and period, inside the user's scope."""
    return scope(_covering(area.code, year, quarter), user).select_related("submission").order_by(
        "-submission__frozen_at", "-submission_id").first()


def submission_previous(*, user, submission: Submission, area_code: str) -> SubmissionFigures | None:
    """The submission before this one covering the area: of an earlier period, or of the same period frozen earlier."""
    earlier = Q(submission__year__lt=submission.year) | Q(submission__year=submission.year,
                                                          submission__quarter__lt=submission.quarter) | Q(
        submission__year=submission.year, submission__quarter=submission.quarter,
        submission__frozen_at__lt=submission.frozen_at)
    return scope(SubmissionFigures.objects.filter(earlier, area_code=area_code), user).select_related(
        "submission").order_by("-submission__year", "-submission__quarter", "-submission__frozen_at").first()


@dataclass
class RecordChanges:
    """The records that entered or left a figure's record list since the freeze (first ``limit`` of each)."""

    entered: list
    left: list
    entered_count: int
    left_count: int
    left_deleted: list = field(default_factory=list)  # ids of records that no longer exist

    @property
    def more_entered(self) -> bool:
        return self.entered_count > len(self.entered)

    @property
    def more_left(self) -> bool:
        return self.left_count > len(self.left) + len(self.left_deleted)


def record_changes(*, user, submission: Submission, area: Area, key: str, limit: int = 20) -> RecordChanges | None:
    metric = METRICS[key]
    record_set = submission.record_sets.filter(list_name=metric.records).values_list("records", flat=True).first()
    if metric.records is None or record_set is None:
        return None
    frozen = {pk for code, pks in record_set.items() if not code or code_in_area(code, area.code) for pk in pks}
    live_qs = metric_records(user=user, key=key, area=area, year=submission.year, quarter=submission.quarter)
    live = set(live_qs.order_by().values_list("pk", flat=True))
    entered, left = sorted(live - frozen, key=str), sorted(frozen - live, key=str)
    model = live_qs.model
    left_found = list(scope(model._default_manager.filter(pk__in=left[:limit]), user))
    found_ids = {obj.pk for obj in left_found}
    return RecordChanges(
        entered=list(scope(model._default_manager.filter(pk__in=entered[:limit]), user)),
        left=left_found, entered_count=len(entered), left_count=len(left),
        left_deleted=[pk for pk in left[:limit] if pk not in found_ids],
    )


@dataclass
class FigureRow:
    metric: object
    frozen: object
    live: object
    previous: object
    changes: RecordChanges | None = None

    @property
    def changed(self) -> bool:
        return self.frozen != self.live

    @property
    def changed_since_previous(self) -> bool:
        return self.previous is not None and self.previous != self.frozen


def submission_compare(*, user, submission: Submission, area: Area) -> dict:
    """Each figure frozen, live and in the previous submission; for each changed figure, the records that
    entered or left it (computed once per record list)."""
    frozen = submission_figures(submission=submission, area_code=area.code) or {}
    live = metric_values(user=user, area=area, year=submission.year, quarter=submission.quarter)
    previous_row = submission_previous(user=user, submission=submission, area_code=area.code)
    previous = figures_decode(previous_row.values) if previous_row else {}
    changes_by_list: dict[str, RecordChanges | None] = {}
    rows = []
    for key, metric in METRICS.items():
        row = FigureRow(metric, frozen.get(key), live.get(key), previous.get(key))
        if row.changed and metric.records:
            if metric.records not in changes_by_list:
                changes_by_list[metric.records] = record_changes(user=user, submission=submission, area=area,
                                                                 key=key)
            row.changes = changes_by_list[metric.records]
        rows.append(row)
    return {"rows": rows, "previous": previous_row.submission if previous_row else None,
            "changed": sum(row.changed for row in rows)}


# ---------------------------------------------------------------- 大比拼

CENT = Decimal("0.01")


def item_score(item: ScoringItem, value) -> Decimal:
    """A computed item's score (0–100) of a figure: linear from ``zero_value`` (0) to ``full_value`` (100)."""
    span = item.full_value - item.zero_value
    ratio = (Decimal(str(value)) - item.zero_value) / span
    return (min(max(ratio, Decimal(0)), Decimal(1)) * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def ranks(totals: list[Decimal]) -> list[int]:
    """Competition ranking: equal totals share a rank and the next rank skips (1, 2, 2, 4)."""
    return [1 + sum(other > total for other in totals) for total in totals]


@dataclass
class ItemCell:
    item: ScoringItem
    value: object = None  # the figure, for a computed item
    score: Decimal | None = None  # 0–100; None = not scored yet
    points: Decimal = Decimal("0.00")  # weight × score / 100
    url: str | None = None  # a computed item's record list (set by the page)


@dataclass
class BoardRow:
    participant: Participant
    cells: list
    total: Decimal
    rank: int = 0
    previous_rank: int | None = None

    @property
    def rank_change(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank


def _board_rows(user, competition: CompetitionRound, kind: str) -> list[BoardRow]:
    participants = list(competition.participants.filter(kind=kind).select_related("county", "unit"))
    items = [item for item in competition.items.all() if item.applies_to == kind]
    computed = [item for item in items if item.kind == ItemKind.COMPUTED]
    figures = {}
    if computed and participants:
        keys = list(dict.fromkeys(item.metric_key for item in computed if item.metric_key in METRICS))
        figures = {area.code: values for area, values in metric_values_by_child(
            user=user, area=CITY, year=competition.year, quarter=competition.quarter, keys=keys)}
    entered = {(s.item_id, s.participant_id): s.score
               for s in EnteredScore.objects.filter(item__round=competition, participant__kind=kind)}
    rows = []
    for participant in participants:
        cells = []
        for item in items:
            cell = ItemCell(item)
            if item.kind == ItemKind.COMPUTED:
                cell.value = figures.get(participant.county_id, {}).get(item.metric_key)
                cell.score = None if cell.value is None else item_score(item, cell.value)
            else:
                cell.score = entered.get((item.pk, participant.pk))
            if cell.score is not None:
                cell.points = (item.weight * cell.score / 100).quantize(CENT, rounding=ROUND_HALF_UP)
            cells.append(cell)
        rows.append(BoardRow(participant, cells, sum((c.points for c in cells), Decimal("0.00"))))
    for row, rank in zip(rows, ranks([row.total for row in rows]), strict=True):
        row.rank = rank
    rows.sort(key=lambda row: (row.rank, row.participant.name))
    return rows


def scoreboard(*, user, competition: CompetitionRound) -> dict:
    """The round's rows by kind of participant (counties, departments), each ranked among its kind, with
    the rank of the same unit in the previous round."""
    previous_round = CompetitionRound.objects.filter(year__lt=competition.year).order_by("-year").first()
    boards = {}
    for kind, label in ParticipantKind.choices:
        rows = _board_rows(user, competition, kind)
        if previous_round and rows:
            before = {(r.participant.county_id, r.participant.unit_id): r.rank
                      for r in _board_rows(user, previous_round, kind)}
            for row in rows:
                row.previous_rank = before.get((row.participant.county_id, row.participant.unit_id))
        if rows:
            boards[kind] = {"label": label, "rows": rows,
                            "items": [cell.item for cell in rows[0].cells]}
    return {"boards": boards, "previous_round": previous_round}


def evaluator_items(*, user, competition: CompetitionRound):
    """The entered items of the round that this user scores."""
    return competition.items.filter(kind=ItemKind.ENTERED, evaluators=user)
