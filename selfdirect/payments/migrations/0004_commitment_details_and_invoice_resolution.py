"""Commitments carry what invoices are checked against (units each time, the rate's note, the rate agreed in the
plan, the arrangement they came from, why they ended); invoice lines carry the units expected and a finance
officer's decision on a variance."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("market", "0002_initial"),
        ("payments", "0003_ledger_append_only_trigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="commitment",
            name="agreed_rate",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True),
        ),
        migrations.AddField(
            model_name="commitment",
            name="arrangement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="commitments",
                to="market.arrangement",
            ),
        ),
        migrations.AddField(
            model_name="commitment",
            name="end_reason",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="commitment",
            name="rate_note",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="commitment",
            name="units_each_time",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Units expected each time (blank: no limit)",
                max_digits=8,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="invoiceline",
            name="resolution",
            field=models.CharField(
                blank=True,
                choices=[
                    ("pay_claimed", "Accepted: pay what was billed"),
                    ("pay_expected", "Pay the expected amount only"),
                    ("queried", "Queried with the provider: not paid yet"),
                ],
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="invoiceline",
            name="resolution_note",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="invoiceline",
            name="resolved_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="invoiceline",
            name="resolved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="invoiceline",
            name="units_expected",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                help_text="The units the commitment expects for this line",
                max_digits=8,
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(fields=["provider", "person", "start_date"], name="payments_co_provide_8bff24_idx"),
        ),
        migrations.AddIndex(
            model_name="invoiceline",
            index=models.Index(fields=["commitment", "service_date"], name="payments_in_commitm_640383_idx"),
        ),
        migrations.AddIndex(
            model_name="providerinvoice",
            index=models.Index(fields=["provider", "sha256"], name="payments_pr_provide_960dda_idx"),
        ),
    ]
