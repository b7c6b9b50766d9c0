"""Official codes are validated: length, digits, and nesting inside the parent's code."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from villages.models import Township, Village

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "code, message",
    [("14082910", "9 位"), ("14082910a", "9 位数字"), ("140828199", "以所属区县代码开头")],
)
def test_township_code_is_validated(geo, code, message):
    township = Township(code=code, county=geo.pinglu, name="新镇")
    with pytest.raises(ValidationError) as error:
        township.full_clean()
    assert message in str(error.value)


def test_village_code_must_start_with_its_township_code(geo):
    village = Village(code="140829101299", township=geo.jia, county=geo.pinglu, name="错村")
    with pytest.raises(ValidationError) as error:
        village.full_clean()
    assert "以所属乡镇代码开头" in str(error.value)


def test_database_refuses_a_village_outside_its_township_even_without_validation(geo):
    with pytest.raises(IntegrityError), transaction.atomic():
        Village.objects.create(code="140828100299", township=geo.jia, county=geo.pinglu, name="错村")


def test_village_code_must_have_12_digits(geo):
    with pytest.raises(ValidationError):
        Village(code="1408291002", township=geo.jia, county=geo.pinglu, name="短").full_clean()


def test_village_county_follows_its_township(geo):
    village = Village(code="140829100299", township=geo.jia, name="新村")
    village.save()
    assert village.county_id == "140829"
