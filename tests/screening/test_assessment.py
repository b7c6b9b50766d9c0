"""模拟国考: a reproducible, proportional draw from the chosen counties; field sheets out and answers back,
each failed indicator a rectification issue linked to its household; the results page."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from monitoring.models import Household
from rectification.models import Issue, IssueSource
from screening import services
from screening.models import AssessmentAnswer, Indicator, SampleHousehold, Stratum

SHARES = {"share_poverty": Decimal("50"), "share_monitored": Decimal("30"), "share_general": Decimal("20")}


@pytest.fixture
def villages_with_households(geo):
    """Each of 甲一村, 甲二村, 乙一村 (平陆) and 丙一村 (夏县): 10 脱贫户, 5 监测户 (3 of them also 脱贫户), 5 一般农户."""
    rows = []
    for village in (geo.jia1, geo.jia2, geo.yi1, geo.bing1):
        for n in range(20):
            rows.append(Household(
                code=f"{village.code}{n:04d}", village=village, head_name=f"户主{n}",
                is_poverty_alleviated=n < 10 or n in (10, 11, 12), is_monitored=10 <= n < 15,
            ))
    Household.objects.bulk_create(rows)
    return geo


def _round(users, geo, *, seed=20231, counties=None, size=20, villages=2, name=None):
    return services.round_create(user=users.city_admin, name=name or f"第{seed}轮", year=2023, seed=seed,
                                 counties=counties or [geo.pinglu], sample_size=size, villages_per_county=villages,
                                 **SHARES)


def _sample(assessment):
    return sorted(SampleHousehold.objects.filter(round=assessment).values_list("household__code", "stratum"))


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(users, villages_with_households):
    geo = villages_with_households
    first, same, other = (_round(users, geo, seed=s, name=n) for s, n in ((7, "一"), (7, "二"), (8, "三")))
    for assessment in (first, same, other):
        services.round_draw(user=users.city_admin, assessment=assessment)
    assert _sample(first) == _sample(same)
    assert _sample(first) != _sample(other)


def test_draw_is_proportional_has_no_household_twice_and_stays_in_the_chosen_counties(users,
                                                                                      villages_with_households):
    geo = villages_with_households
    assessment = _round(users, geo, size=20, villages=2)
    shortfall = services.round_draw(user=users.city_admin, assessment=assessment)
    samples = list(SampleHousehold.objects.filter(round=assessment).select_related("household"))
    assert shortfall == {}
    assert len(samples) == 20
    assert len({s.household_id for s in samples}) == 20
    assert {s.household.village_id[:6] for s in samples} == {"140829"}
    assert len({s.household.village_id for s in samples}) == 2  # villages are drawn first
    counts = {stratum: sum(1 for s in samples if s.stratum == stratum) for stratum in Stratum}
    assert counts == {Stratum.POVERTY: 10, Stratum.MONITORED: 6, Stratum.GENERAL: 4}
    for sample in samples:
        h = sample.household
        expected = Stratum.MONITORED if h.is_monitored else Stratum.POVERTY if h.is_poverty_alleviated else Stratum.GENERAL
        assert sample.stratum == expected


@pytest.mark.parametrize("size", [1, 7, 13, 100, 330, 331])
def test_each_stratum_is_within_one_household_of_its_share(size):
    shares = {Stratum.POVERTY: Decimal("45"), Stratum.MONITORED: Decimal("35"), Stratum.GENERAL: Decimal("20")}
    targets = services.stratum_targets(size=size, shares=shares)
    assert sum(targets.values()) == size
    for stratum, share in shares.items():
        assert abs(targets[stratum] - Decimal(size) * share / 100) < 1


def test_a_round_is_drawn_once_and_only_by_the_city_administrator(users, villages_with_households):
    assessment = _round(users, villages_with_households)
    with pytest.raises(PermissionDenied):
        services.round_draw(user=users.pinglu_reviewer, assessment=assessment)
    services.round_draw(user=users.city_admin, assessment=assessment)
    with pytest.raises(ValidationError):
        services.round_draw(user=users.city_admin, assessment=assessment)


def test_shares_must_add_up_to_one_hundred(users, geo):
    with pytest.raises(ValidationError):
        services.round_create(user=users.city_admin, name="错", year=2023, seed=1, counties=[geo.pinglu],
                              share_poverty=Decimal("50"), share_monitored=Decimal("30"), share_general=Decimal("10"))


@pytest.fixture
def drawn(users, villages_with_households):
    geo = villages_with_households
    assessment = _round(users, geo, counties=[geo.pinglu, geo.xia], size=6, villages=1)
    services.round_draw(user=users.city_admin, assessment=assessment)
    assert assessment.samples.count() == 12
    return assessment


def _field_sheets(client, assessment) -> openpyxl.Workbook:
    response = client.get(f"/reports/assessments/{assessment.pk}/fieldsheets/")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _answer_all(book, *, failed_household=None, failed_header="住房安全有保障", value="否"):
    for ws in book.worksheets[1:]:
        headers = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            for cell, header in zip(row, headers):
                if header in Indicator.labels:
                    cell.value = "是"
            if row[0].value == failed_household:
                row[headers.index(failed_header)].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "answers.xlsx"
    return buffer


def test_field_sheets_have_one_sheet_per_village_with_the_households_filled_in(users, client_for, drawn):
    book = _field_sheets(client_for(users.city_admin), drawn)
    villages = {s.household.village_id for s in drawn.samples.select_related("household")}
    assert book.sheetnames[0] == "说明" and len(book.sheetnames) == 1 + len(villages)
    ws = book.worksheets[1]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["户编号", "户主姓名"] and header[-1] == "备注"
    assert [h for h in header if h in Indicator.labels] == list(Indicator.labels)
    first = [c.value for c in ws[2]]
    assert first[0] in set(drawn.samples.values_list("household__code", flat=True))
    assert all(first[header.index(label)] is None for label in Indicator.labels)


def test_answers_import_raises_one_linked_issue_per_failed_indicator_and_a_reimport_none(users, client_for, drawn):
    client = client_for(users.city_admin)
    target = drawn.samples.select_related("household").order_by("household__code").first().household
    upload = _answer_all(_field_sheets(client, drawn), failed_household=target.code)
    response = client.post(f"/reports/assessments/{drawn.pk}/answers/", {"file": upload}, follow=True)
    assert "生成整改问题 1 个" in response.content.decode()
    issue = Issue.objects.get()
    assert (issue.source, issue.household, issue.village_id, issue.county_id, issue.category.name) == (
        IssueSource.MOCK_ASSESSMENT, target, target.village_id, target.village_id[:6], "住房安全保障有短板")
    answer = AssessmentAnswer.objects.get(passed=False)
    assert (answer.indicator, answer.sample.household, answer.issue) == (Indicator.HOUSING, target, issue)
    assert AssessmentAnswer.objects.count() == 12 * len(Indicator)
    upload.seek(0)
    client.post(f"/reports/assessments/{drawn.pk}/answers/", {"file": upload})
    assert Issue.objects.count() == 1


def test_a_wrong_answer_cell_refuses_the_whole_file(users, client_for, drawn):
    client = client_for(users.city_admin)
    target = drawn.samples.select_related("household").first().household
    upload = _answer_all(_field_sheets(client, drawn), failed_household=target.code, value="不清楚")
    html = client.post(f"/reports/assessments/{drawn.pk}/answers/", {"file": upload}, follow=True).content.decode()
    assert "只能填“是”或“否”" in html and "未写入任何数据" in html
    assert AssessmentAnswer.objects.count() == 0


def test_county_reviewer_imports_only_answers_of_their_county(users, client_for, drawn):
    book = _field_sheets(client_for(users.city_admin), drawn)  # both counties' sheets
    upload = _answer_all(book)
    html = client_for(users.xia_reviewer).post(f"/reports/assessments/{drawn.pk}/answers/", {"file": upload},
                                               follow=True).content.decode()
    assert "该户不在您的管辖范围内" in html
    assert AssessmentAnswer.objects.count() == 0
    own = _field_sheets(client_for(users.xia_reviewer), drawn)
    assert {ws.cell(2, 1).value[:6] for ws in own.worksheets[1:]} == {"140828"}


def test_results_page_shows_pass_rates_worst_villages_and_the_issues(users, client_for, drawn):
    client = client_for(users.city_admin)
    target = drawn.samples.select_related("household__village").order_by("household__code").first().household
    client.post(f"/reports/assessments/{drawn.pk}/answers/",
                {"file": _answer_all(_field_sheets(client, drawn), failed_household=target.code)})
    html = client_for(users.city_leader).get(f"/screening/assessments/{drawn.pk}/").content.decode()
    assert "91.7%" in html  # 住房安全有保障: 11 of 12
    assert target.village.name in html
    assert Issue.objects.get().number in html


def test_results_page_needs_a_fixed_number_of_queries(users, client_for, drawn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users.city_admin)
    client.post(f"/reports/assessments/{drawn.pk}/answers/", {"file": _answer_all(_field_sheets(client, drawn))})
    client.get(f"/screening/assessments/{drawn.pk}/")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/screening/assessments/{drawn.pk}/")
    # session, user with profile, the user's and the groups' permissions (scope); the round; samples by
    # county and stratum; its counties; sample total; pass rates by indicator, by county and indicator;
    # worst villages; the issues' count and the issues
    assert len(queries) == 13, "\n".join(q["sql"][:120] for q in queries)
