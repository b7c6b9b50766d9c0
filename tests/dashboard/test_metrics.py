"""Each metric of the catalogue on the hand-built city of conftest.py, 2023 Q3; the expected numbers
are worked out by hand in the comments (never by calling the catalogue)."""

from decimal import Decimal
from pathlib import Path

import pytest

from dashboard.catalogue import METRICS, metric_values, metric_values_by_child
from villages.selectors import area_get

D = Decimal

CITY_2023Q3 = {
    # H1, H2, H6 (H4 identified after the period, H5 not approved)
    "monitoring.households": 3,
    "monitoring.persons": 7,  # 3 + 2 + 2
    "monitoring.households_eliminated": 1,  # H2
    "monitoring.persons_eliminated": 2,
    "monitoring.households_at_risk": 2,  # H1, H6
    "monitoring.by_category": {"脱贫不稳定户": 1, "边缘易致贫户": 1, "突发严重困难户": 1},
    "monitoring.by_channel": {"农户自主申报": 1, "基层干部排查": 1, "部门筛查预警": 1, "舆情信访预警": 0},
    # at risk with labour: H1 (甲 40) and H6 (壬 45); only H1 has a development measure
    "monitoring.measure_coverage_pct": D("50.00"),
    # (30000 + 24000 + 5000 + 16000) / 8 = 9375; a year before 62000 / 8 = 7750 → +20.97 %
    "income.per_capita": D("9375.00"),
    "income.per_capita_growth_pct": D("20.97"),
    # relocated H2 + H3: 29000 / 3 against 24000 / 3 → +20.83 %
    "income.relocated_growth_pct": D("20.83"),
    # H3: 5000 × 4 / 3 = 6666.67 < 7100 (H4's 1000 does not count: neither 脱贫户 nor monitored by Q3)
    "income.below_threshold_households": 1,
    # 甲, 丁, 戊, 己, 壬 (乙 is 70, 丙 10, 癸 lost labour; 庚 and 辛 are not of 脱贫户)
    "employment.labor_force": 5,
    "employment.migrant_workers": 1,  # 丁 (壬 works in the county; 己's job was in 2022)
    "employment.migrant_target": 2,
    "employment.migrant_completion_pct": D("50.00"),
    "employment.workshops": 1,  # 丙一车间 stopped in May
    "employment.workshop_jobs": 2,  # 赵六 left in June
    "employment.workshop_poverty_jobs": 1,  # 甲
    "employment.pv_stations": 1,
    "employment.pv_income": D("12345.67"),
    "employment.pv_posts": 3,
    "employment.pv_beneficiaries": 1,  # 己
    "employment.relocated_households_jobless": 1,  # H3 (H2's 丁 works)
    "funds.linkage": D("1000000.00"),  # the cancelled and last year's projects do not count
    "funds.unit_assistance": D("55000.00"),
    "funds.unit_projects": 1,  # the 5,000 元 one is below 1万
    "consumption.platforms": 2,
    "consumption.sales": D("150000.00"),  # Q4 sale excluded
    "consumption.beneficiaries": 15,
    "collective.villages_over_100k_pct": D("75.00"),  # 3 of 4 villages
    "collective.villages_over_300k": 1,
    "collective.villages_over_300k_pct": D("25.00"),
    "collective.cooperatives": 3,
    "collective.trusteeship_services": 1,
    "policy.dibao_standard": D("6237.00"),
    "teams.count": 2,  # T2 left in June
    "teams.members": 5,  # 队员三 left in May
    "teams.by_station": {"脱贫村": 2, "易地搬迁安置点": 0, "重点乡镇": 0, "乡村振兴示范村": 1},
    "teams.attendance_pct": D("50.00"),  # 2 of 4 member-weeks of Q3 (4d4n and 5d3n fail)
    "teams.training_person_times": 50,
    "teams.peer_sessions": 1,
    "teams.inspection_reports": 1,
    "teams.inspection_issues": 1,
    "issues.total": 4,
    "issues.screening": 3,
    "issues.aspects": 2,
    "issues.categories": 3,
    "issues.letters": 2,
    "issues.rectified": 1,
    "issues.in_progress": 3,
    "issues.overdue": 2,  # I2, and I4 closed only in October
    "issues.rectified_pct": D("25.00"),
    "issues.avg_days": D("69.00"),
}

PINGLU_2023Q3 = {
    "monitoring.households": 2,
    "monitoring.persons": 5,
    "monitoring.households_eliminated": 1,
    "income.per_capita": D("9833.33"),  # 59000 / 6
    "income.below_threshold_households": 1,
    "employment.labor_force": 4,
    "employment.migrant_workers": 1,
    "employment.migrant_target": 1,
    "employment.migrant_completion_pct": D("100.00"),
    "consumption.platforms": 1,
    "collective.villages_over_300k_pct": D("33.33"),
    "teams.count": 1,
    "teams.members": 3,
    "teams.training_person_times": 20,  # the city's own session is not 平陆's
    "issues.total": 2,
    "issues.letters": 1,
    "policy.dibao_standard": D("6237.00"),
}


def _shared_reference(name: str) -> Path:
    """The design's reference file: ``shared/`` lies beside the clone (CI), or beside a folder above the
    working tree (a git worktree of the clone)."""
    for folder in Path(__file__).resolve().parents:
        found = folder / "shared" / "reference" / name
        if found.is_file():
            return found
    pytest.skip(f"shared/reference/{name} is not beside this clone (CI has it): the catalogue's order is not checked")


def test_every_key_of_the_reference_catalogue_is_declared_in_order():
    keys = [line.split("|")[1].strip() for line in _shared_reference("metrics.md").open(encoding="utf-8")
            if line.startswith("| ") and "." in line.split("|")[1] and not line.startswith("| key")]
    # Keys beyond the reference (筛查预警 ``screening.``, 录入进度 ``completeness.``) come after it.
    assert [key for key in METRICS if key in set(keys)] == keys
    assert [key for key in METRICS if key not in set(keys)] == [
        key for key in METRICS if key.startswith(("screening.", "completeness."))]


def test_city_leader_sees_every_figure_of_the_city(city, users):
    values = metric_values(user=users.city_leader, area=None, year=2023, quarter=3)
    assert set(values) == set(METRICS)
    for key, expected in CITY_2023Q3.items():
        assert values[key] == expected, key
    assert values["monitoring.by_risk"]["因病"] == 2  # H1 and H2; a household counts once per type
    assert values["monitoring.by_risk"]["因残"] == 1
    assert values["monitoring.by_risk"]["住房安全"] == 1


def test_county_figures_count_only_the_county(city, users):
    values = metric_values(user=users.pinglu_leader, area=area_get(code="140829"), year=2023, quarter=3)
    for key, expected in PINGLU_2023Q3.items():
        assert values[key] == expected, key


def test_children_rows_add_up_to_the_parent(city, users):
    keys = [key for key, metric in METRICS.items() if metric.additive and not metric.is_breakdown]
    rows = metric_values_by_child(user=users.city_leader, area=None, year=2023, quarter=3, keys=keys)
    assert len(rows) == 13
    by_code = {area.code: values for area, values in rows}
    assert by_code["140829"]["monitoring.households"] == 2
    assert by_code["140828"]["monitoring.households"] == 1
    assert by_code["140802"]["monitoring.households"] == 0
    city_values = metric_values(user=users.city_leader, area=None, year=2023, quarter=3, keys=keys)
    for key in keys:
        assert sum(values[key] for values in by_code.values()) == city_values[key], key


def test_township_rows_of_a_county(city, users):
    rows = metric_values_by_child(user=users.pinglu_leader, area=area_get(code="140829"), year=2023, quarter=3,
                                  keys=["monitoring.households", "employment.labor_force"])
    assert [(area.name, values["monitoring.households"], values["employment.labor_force"]) for area, values in rows] == [
        ("甲镇", 2, 4), ("乙镇", 0, 0)]


def test_an_earlier_quarter_counts_what_was_known_then(city, users):
    values = metric_values(user=users.city_leader, area=None, year=2023, quarter=2,
                           keys=["monitoring.households", "monitoring.households_eliminated", "issues.total"])
    # H2 (2022-11) and H1 (2023-03) and H6 (2023-06); H2 eliminated only in August
    assert values == {"monitoring.households": 3, "monitoring.households_eliminated": 0, "issues.total": 4}
    values = metric_values(user=users.city_leader, area=None, year=2023, quarter=1,
                           keys=["monitoring.households", "issues.total"])
    assert values == {"monitoring.households": 2, "issues.total": 2}


def test_unknown_key_is_refused(city, users):
    with pytest.raises(KeyError):
        metric_values(user=users.city_leader, area=None, year=2023, quarter=3, keys=["no.such"])
