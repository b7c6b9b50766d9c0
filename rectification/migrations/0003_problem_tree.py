from django.db import migrations


def load(apps, schema_editor):
    from rectification.reference import tree_load

    tree_load(apps.get_model("rectification", "Aspect"), apps.get_model("rectification", "Category"))


class Migration(migrations.Migration):
    dependencies = [("rectification", "0002_issue_household_inspection")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
