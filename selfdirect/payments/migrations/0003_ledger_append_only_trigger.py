"""On PostgreSQL the database itself refuses to change or delete ledger transactions and entries: corrections are
reversals (payments.services.ledger_reverse), never edits.

The one exception is resetting a demo database (payments.seeding.reset_direct_payments): it sets the session
setting `selfdirect.allow_ledger_reset = on` with SET LOCAL, inside its own transaction, and only then may rows be
deleted. UPDATE is refused always. TRUNCATE is left to the database owner (test databases are flushed that way);
the application never truncates.
"""

from django.db import migrations

TABLES = ("payments_ledgertransaction", "payments_ledgerentry")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION payments_ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('selfdirect.allow_ledger_reset', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'ledger records are append-only (% on % refused): post a reversal instead', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""
CREATE_TRIGGER = """
CREATE TRIGGER {table}_no_update_delete
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();
"""
DROP_TRIGGER = "DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table};"
DROP_FUNCTION = "DROP FUNCTION IF EXISTS payments_ledger_append_only();"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(CREATE_TRIGGER.format(table=table), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(DROP_TRIGGER.format(table=table), params=None)
        schema_editor.execute(DROP_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_dp_schedule_one_off_link")]
    operations = [migrations.RunPython(forwards, backwards)]
