"""Load the council's plain-English list of kinds of service and the information guides
(selfdirect/directory/reference_data.py). The loader adds only what is missing, so staff edits are kept."""

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.directory.reference_data import load_guides, load_taxonomy

    load_taxonomy(apps.get_model("directory", "Taxonomy"))
    load_guides(apps.get_model("directory", "InformationPage"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
