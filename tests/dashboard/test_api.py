"""GET /api/metrics/: every key for an area inside the user's scope; numbers, not strings; errors in Chinese."""

import pytest

from dashboard.catalogue import METRICS


def _get(client, **params):
    return client.get("/api/metrics/", params)


def test_city_leader_reads_every_key_of_the_city_as_numbers(city, users, client_for):
    response = _get(client_for(users.city_leader), year=2023, quarter=3)
    assert response.status_code == 200
    body = response.json()
    assert body["area"] == {"code": "140800", "name": "运城市", "level": "city"}
    assert body["period"] == {"year": 2023, "quarter": 3}
    assert set(body["metrics"]) == set(METRICS)
    assert body["metrics"]["monitoring.households"] == 3
    assert body["metrics"]["income.per_capita"] == 9375.0  # a JSON number, not "9375.00"
    assert body["metrics"]["employment.pv_income"] == 12345.67
    assert body["metrics"]["monitoring.by_category"]["突发严重困难户"] == 1


def test_county_leader_reads_their_county(city, users, client_for):
    body = _get(client_for(users.pinglu_leader), year=2023, quarter=3, area="140829").json()
    assert body["area"]["name"] == "平陆县"
    assert body["metrics"]["monitoring.households"] == 2


def test_county_leader_without_area_gets_their_own_county_not_the_city(city, users, client_for):
    body = _get(client_for(users.pinglu_leader), year=2023, quarter=3).json()
    assert body["area"]["code"] == "140829"
    assert body["metrics"]["monitoring.households"] == 2


def test_county_leader_is_refused_the_city_and_other_counties(city, users, client_for):
    client = client_for(users.pinglu_leader)
    for area in ("140800", "140828", "140828100", "140828100200"):
        response = _get(client, year=2023, quarter=3, area=area)
        assert response.status_code == 403
        assert "metrics" not in response.json()
        assert "管辖范围" in response.json()["error"]


def test_township_clerk_reads_a_village_of_the_township(city, users, client_for):
    body = _get(client_for(users.jia_clerk), year=2023, quarter=3, area="140829100200").json()
    assert body["metrics"]["monitoring.households"] == 2  # H1, H2 in 甲一村


@pytest.mark.parametrize("params, message", [
    ({"year": "abc", "quarter": "3"}, "年份无效"),
    ({"year": "2023", "quarter": "5"}, "季度无效"),
    ({"year": "2023"}, "请同时指定年份和季度"),
    ({"year": "1900", "quarter": "1"}, "年份超出范围"),
    ({"year": "2023", "quarter": "3", "area": "999999"}, "区域代码不存在"),
    ({"year": "2023", "quarter": "3", "area": "14082910"}, "区域代码不存在"),
])
def test_bad_period_or_unknown_area_is_400_with_a_chinese_message(users, client_for, params, message):
    response = _get(client_for(users.city_leader), **params)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_anonymous_user_is_refused(db, client):
    response = _get(client, year=2023, quarter=3)
    assert response.status_code == 401
    assert response.json()["error"] == "请先登录"


def test_unit_user_has_no_area_figures(users, client_for):
    assert _get(client_for(users.unit_user), year=2023, quarter=3).status_code == 403
