"""Calibrate the resource allocation table on approved personal budgets, and check it for equity.

    python manage.py ras_calibrate [--table VERSION] [--apply] [--user USERNAME]

Fits the price per point by least squares through the origin to each person's current approved weekly cost
(PersonalBudget.weekly_total_cost) against the points of their latest indicative budget, reports the fit (n,
price, R², residual spread), and for each primary support reason × age band the median and interquartile
range of indicative ÷ approved, flagging groups the RAS under-funds (median below 0.9 with at least 5 cases).
The same report is the /ras/equity/ page. With --apply, makes a new DRAFT version with the fitted price for an
administrator to check and publish. Method and choices: docs/ras.md.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from selfdirect.core.progress import Progress
from selfdirect.core.services import DomainError
from selfdirect.money import ras_selectors, ras_services
from selfdirect.money.models import RasTable
from selfdirect.rules.allocation import money


class Command(BaseCommand):
    help = "Fit the price per point to approved personal budgets and report equity by group."

    def add_arguments(self, parser):
        parser.add_argument("--table", type=int, help="Table version to calibrate (default: latest published)")
        parser.add_argument("--apply", action="store_true", help="Make a new draft version with the fitted price")
        parser.add_argument("--user", help="Username to record in the audit log for --apply")

    def handle(self, *args, table=None, apply=False, user=None, **options):
        chosen = None
        if table is not None:
            chosen = RasTable.objects.filter(version=table).first()
            if chosen is None:
                raise CommandError(f"There is no RAS table version {table}.")
        report = ras_selectors.ras_equity(
            table=chosen,
            progress=lambda total: Progress(
                total=total, label="Scoring cases", stream=self.stderr, enabled=options.get("verbosity", 1) > 0
            ),
        )
        if report is None:
            raise CommandError("No RAS table has been published yet.")
        out = self.stdout
        t = report.table
        out.write(f"RAS table version {t.version}: {t.name} ({'published' if t.published_at else 'draft'})")
        out.write(
            f"Cases: {report.cases} people with a current approved budget and an indicative budget"
            f" ({report.rescored} scored again with this version; {report.excluded} left out: approved £0)"
        )
        fit = report.fit
        if fit is None:
            out.write("Nothing to fit: nobody has both an approved personal budget and points above zero.")
        else:
            r2 = "n/a" if fit.r_squared is None else f"{fit.r_squared:.3f}"
            prices = ", ".join(
                f"{money(p.price_per_point)}/point" if p.price_per_point else f"{money(p.weekly_amount)}/week"
                for p in t.prices.all()
            )
            out.write(
                f"Fit (least squares through the origin): n={fit.n}, price per point {money(fit.price_per_point)} "
                f"(table: {prices}), R²={r2}, residual SD {money(fit.residual_sd)} a week, "
                f"residual IQR {money(fit.residual_q25)} to {money(fit.residual_q75)}"
            )
        if report.groups:
            out.write("")
            out.write("Indicative ÷ approved by primary support reason and age band:")
            width = max(len(g.primary_support_reason) for g in report.groups)
            out.write(f"  {'primary support reason'.ljust(width)}  {'age':<5} {'n':>3}  median  IQR          finding")
            for g in report.groups:
                finding = (
                    "UNDER-FUNDED BY THE RAS" if g.under_funded else ("too few to judge" if not g.enough_cases else "")
                )
                out.write(
                    f"  {g.primary_support_reason.ljust(width)}  {g.age_band:<5} {g.n:>3}  {g.median_ratio:6.2f}"
                    f"  {g.q25_ratio:.2f}–{g.q75_ratio:.2f}    {finding}".rstrip()
                )
            flagged = report.flagged
            if flagged:
                out.write(
                    self.style.WARNING(
                        f"{len(flagged)} group(s) under-funded by the RAS (median below "
                        f"{ras_selectors.UNDER_FUNDED_RATIO}, at least {ras_selectors.MIN_GROUP_SIZE} cases): "
                        + "; ".join(g.label for g in flagged)
                    )
                )
            else:
                out.write("No group is under-funded by the RAS at the median.")
        if apply:
            if fit is None:
                raise CommandError("--apply needs a fit, and there is none.")
            actor = None
            if user:
                actor = get_user_model().objects.filter(username=user).first()
                if actor is None:
                    raise CommandError(f"No user called {user!r}.")
            try:
                draft = ras_services.ras_table_draft_with_price(
                    table=t,
                    price_per_point=fit.price_per_point,
                    actor=actor,
                    note=f"Fitted on {fit.n} cases (R²={'n/a' if fit.r_squared is None else f'{fit.r_squared:.3f}'}).",
                )
            except DomainError as error:
                raise CommandError(error.message) from None
            out.write(
                self.style.SUCCESS(
                    f"Draft version {draft.version} made with {money(fit.price_per_point)} per point. "
                    "Check it in the admin, then publish it."
                )
            )
