"""大比拼: weighted scoring on a hand-computed example with ties, evaluators enter only their own items,
the scoreboard page, its Excel export and who may see it.

Round 2023 (figures of 2023 Q3), counties 平陆, 夏县, 盐湖区, 芮城县; department 市人社局:
  A 逾期未整改数 (computed, 40 分; 4 overdue → 0, 0 → 100): 平陆 has 2 overdue → 50 → 20.00; others 0 → 40.00
  B 实地核查 (entered by city_leader, 60 分): 平陆 100 → 60.00, 夏县 50 → 30.00, 盐湖区 50 → 30.00, 芮城 none
  totals: 平陆 80.00 (1), 夏县 70.00 (2), 盐湖区 70.00 (2), 芮城 40.00 (4)
  C 部门评价 (entered by unit_user, 100 分, departments): 市人社局 90 → 90.00
Round 2022: only B, 夏县 80 → 1st, 平陆 60 → 2nd, so 平陆 rises one place.
"""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from submissions.models import ItemKind, ScoringItem
from submissions.selectors import ranks, scoreboard
from submissions.services import score_enter

D = Decimal


def test_competition_ranking_shares_ranks_and_skips_after_a_tie():
    assert ranks([D(80), D(70), D(70), D(40)]) == [1, 2, 2, 4]


def test_weighted_scores_totals_and_ranks_match_the_hand_computed_example(competition, users):
    board = scoreboard(user=users.city_leader, competition=competition["round"])
    counties = board["boards"]["county"]["rows"]
    assert [(r.participant.name, r.total, r.rank) for r in counties] == [
        ("平陆县", D("80.00"), 1), ("夏县", D("70.00"), 2), ("盐湖区", D("70.00"), 2), ("芮城县", D("40.00"), 4)]
    pinglu = counties[0]
    assert [(c.item.name, c.value, c.score, c.points) for c in pinglu.cells] == [
        ("逾期问题", 2, D("50.00"), D("20.00")), ("实地核查", None, D("100.00"), D("60.00"))]
    assert counties[3].cells[1].score is None  # 芮城 not scored yet: 0 points, shown as 未评分
    assert [(r.participant.name, r.total, r.rank) for r in board["boards"]["department"]["rows"]] == [
        ("市人社局", D("90.00"), 1)]


def test_rank_change_against_the_previous_round(competition, users):
    rows = scoreboard(user=users.city_leader, competition=competition["round"])["boards"]["county"]["rows"]
    assert [(r.participant.name, r.rank_change) for r in rows] == [
        ("平陆县", 1), ("夏县", -1), ("盐湖区", None), ("芮城县", None)]


def test_evaluator_cannot_score_an_item_of_another_evaluator(competition, users):
    with pytest.raises(PermissionDenied):
        score_enter(user=users.unit_user, item=competition["field"],
                    participant=competition["participants"]["140830"], score=D(99))
    with pytest.raises(PermissionDenied):
        score_enter(user=users.city_leader, item=competition["evaluation"], participant=competition["department"],
                    score=D(10))


def test_score_page_offers_only_the_evaluators_own_items_and_refuses_others(competition, users, client_for):
    client = client_for(users.unit_user)
    page = client.get("/review/competition/2023/scores/").content.decode()
    assert "部门评价" in page and "实地核查" not in page
    response = client.post("/review/competition/2023/scores/",
                           {"item": competition["field"].pk, f"score_{competition['participants']['140830'].pk}": "99"})
    assert response.status_code == 403
    assert not competition["field"].scores.filter(participant=competition["participants"]["140830"]).exists()


def test_evaluator_saves_scores_on_the_score_page(competition, users, client_for):
    rui = competition["participants"]["140830"]
    response = client_for(users.city_leader).post("/review/competition/2023/scores/",
                                                  {"item": competition["field"].pk, f"score_{rui.pk}": "75"})
    assert response.status_code == 302
    assert competition["field"].scores.get(participant=rui).score == D("75.00")


def test_scoreboard_page_shows_ranks_chart_data_and_links_computed_items_to_records(competition, users,
                                                                                     client_for):
    html = client_for(users.city_leader).get("/review/competition/").content.decode()
    assert 'id="chart-data"' in html and 'data-testid="scoreboard-chart-county"' in html
    assert "<script>" not in html.replace('<script id="chart-data" type="application/json">', "")
    assert "/dashboard/records/issues.overdue/?year=2023&amp;quarter=3&amp;area=140829" in html
    row = html[html.index('data-participant="盐湖区"'):]
    assert '<td data-testid="rank">2</td>' in row[:row.index("</tr>")]


def test_scoreboard_exports_to_excel(competition, users, client_for):
    response = client_for(users.city_admin).get("/review/competition/2023/export/")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    names = [row[1] for row in values if row and row[1] in ("平陆县", "夏县", "盐湖区", "芮城县")]
    assert response.status_code == 200
    assert names == ["平陆县", "夏县", "盐湖区", "芮城县"]
    assert [row[6] for row in values if row and row[1] == "平陆县"] == [80]


def test_county_reviewer_cannot_see_the_city_scoreboard(competition, users, client_for):
    assert client_for(users.pinglu_reviewer).get("/review/competition/").status_code == 403


def test_computed_item_must_name_a_catalogue_figure(competition):
    from django.core.exceptions import ValidationError

    item = ScoringItem(round=competition["round"], name="预警核实", kind=ItemKind.COMPUTED, weight=10,
                       metric_key="screening.warnings_verified_pct", zero_value=0, full_value=100)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "指标目录中没有可计分的指标" in str(error.value)
