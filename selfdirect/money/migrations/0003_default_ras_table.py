"""Publish the ILLUSTRATIVE default resource allocation table (money/ras_default.py) as version 1, so
indicative budgets work from day one. Every council must calibrate its own (manage.py ras_calibrate)."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from selfdirect.money.ras_default import create_default

    RasTable = apps.get_model("money", "RasTable")
    if RasTable.objects.exists():
        return  # a council's own tables are already here: never add the default on top
    create_default(
        RasTable,
        apps.get_model("money", "RasRule"),
        apps.get_model("money", "RasPrice"),
        version=1,
        published_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("money", "0002_charging_figures")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
