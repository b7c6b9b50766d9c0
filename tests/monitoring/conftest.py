import datetime
from decimal import Decimal

import pytest

from monitoring import services
from monitoring.models import Relation

from .factories import id_number


@pytest.fixture
def family(users, geo):
    """A 脱贫户 of 甲一村 entered by its village officer: two adults and an income record of Q3 2023."""
    officer = users.jia1_officer
    household = services.household_create(user=officer, code="1408291002000001", village=geo.jia1,
                                          head_name="王大山", is_poverty_alleviated=True)
    services.member_add(user=officer, household=household, name="王大山", relation=Relation.HEAD,
                        id_number=id_number(born=datetime.date(1975, 3, 9), male=True))
    services.member_add(user=officer, household=household, name="李小花", relation=Relation.SPOUSE,
                        id_number=id_number(born=datetime.date(1978, 8, 1), male=False))
    services.income_record_save(user=officer, household=household, year=2023, quarter=3,
                                wage_income=Decimal("9000"), business_income=Decimal("3000"),
                                transfer_income=Decimal("1000"), production_expense=Decimal("1000"))
    household.refresh_from_db()
    return household


@pytest.fixture
def draft(users, family):
    """A draft identification of the family, with a six-day public notice."""
    return services.monitoring_create(
        user=users.jia1_officer, household=family, category="marginal", risk_types=["illness"], channel="cadre",
        identified_month=datetime.date(2023, 3, 1), notice_start=datetime.date(2023, 3, 6),
        notice_end=datetime.date(2023, 3, 11),
    )


@pytest.fixture
def approved(users, draft):
    """The family's identification, through 乡镇审核 and 县级审定."""
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    services.monitoring_township_review(user=users.jia_clerk, record=draft)
    return services.monitoring_county_approve(user=users.pinglu_reviewer, record=draft)
