"""Reference data every installation starts with (editable afterwards by the city administrator)."""

from decimal import Decimal

from django.db import migrations

RISK_TYPES = [
    ("illness", "因病"),
    ("disability", "因残"),
    ("schooling", "因学"),
    ("disaster", "因自然灾害"),
    ("accident", "因意外事故"),
    ("industry_failure", "因产业项目失败"),
    ("unstable_work", "因务工就业不稳"),
    ("no_labour", "缺劳动力"),
    ("housing", "住房安全"),
    ("water", "饮水安全"),
    ("other", "其他"),
]
# 监测范围 defaults (domain.md; values after 2021 unverified, hence editable).
THRESHOLDS = {2021: 6000, 2022: 6600, 2023: 7100, 2024: 7500}
# 运城市农村低保标准 (the 2023 report: 6,007 → 6,237).
DIBAO = {2022: 6007, 2023: 6237}


def load(apps, schema_editor):
    RiskType = apps.get_model("monitoring", "RiskType")
    MonitoringThreshold = apps.get_model("monitoring", "MonitoringThreshold")
    DibaoStandard = apps.get_model("monitoring", "DibaoStandard")
    for order, (code, name) in enumerate(RISK_TYPES, start=1):
        RiskType.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
    for year, amount in THRESHOLDS.items():
        MonitoringThreshold.objects.get_or_create(year=year, defaults={"amount": Decimal(amount), "note": "默认值"})
    for year, amount in DIBAO.items():
        DibaoStandard.objects.get_or_create(year=year, defaults={"amount": Decimal(amount), "note": "运城市"})


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
