"""Install the built-in statement formats (a generic CSV, a high-street bank, a prepaid card scheme and a
managed-account provider) and the default classification rules. Both are visible and editable by finance officers;
the loaders add nothing a council already has (formats by name; rules only when there are none)."""

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.payments.classification import rules_install_defaults
    from selfdirect.payments.statements import mappings_install_defaults

    mappings_install_defaults(apps.get_model("payments", "ColumnMapping"))
    rules_install_defaults(apps.get_model("payments", "ClassificationRule"))


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_statement_import_and_monitoring")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
