from decimal import Decimal

from django.db import migrations


def add_rule(apps, schema_editor):
    """A starting rule for large medical costs (the city administrator adjusts it); the other event
    types have no rule, so each of their events warns."""
    WarningRule = apps.get_model("screening", "WarningRule")
    WarningRule.objects.get_or_create(
        event_type="medical",
        defaults={"min_amount": Decimal("20000"), "income_share_pct": Decimal("50"),
                  "note": "初始规则：个人自付达到 2 万元或家庭年纯收入的一半即预警，可由市级管理员调整"},
    )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_screening_warnings_and_mock_assessment")]

    operations = [migrations.RunPython(add_rule, migrations.RunPython.noop)]
