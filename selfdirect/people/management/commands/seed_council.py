"""Seed a synthetic council (people, teams, staff and demo sign-ins, and people at every step of the
pathway). The work is in people/seeding.py and assessments/seeding.py."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from selfdirect.api.seeding import reset_api_tokens, seed_api_tokens
from selfdirect.assessments.seeding import PORTAL_DEMO_EMAIL, reset_assessment_pathway, seed_assessment_pathway
from selfdirect.core.second_factor_demo import seed_demo_second_factors
from selfdirect.directory.seeding import reset_directory, seed_directory
from selfdirect.governance.seeding import reset_governance, seed_governance
from selfdirect.market.seeding import reset_market, seed_market
from selfdirect.money.seeding import reset_money, seed_money
from selfdirect.payments.seeding import reset_direct_payments, seed_direct_payments
from selfdirect.payments.seeding_commitments import reset_commitments, seed_commitments
from selfdirect.people.seeding import AlreadySeeded, SeedError, demo_logins_text, seed_council
from selfdirect.planning.seeding import reset_planning, seed_plans
from selfdirect.planning.seeding_history import reset_service_history, seed_service_history
from selfdirect.planning.seeding_panel import seed_planning_organisations_and_panels, seed_planning_referrals
from selfdirect.reablement.seeding import reset_short_term, seed_short_term
from selfdirect.reviews.seeding import reset_reviews, seed_reviews
from selfdirect.reviews.seeding_failures import reset_failed_arrangements, seed_failed_arrangements
from selfdirect.safeguarding.seeding import reset_safeguarding, seed_safeguarding
from selfdirect.workforce.seeding import reset_workforce, seed_workforce

WHERE_TO_LOOK = f"""
Where to look (http://127.0.0.1:8000):
  social.worker  Home: your caseload; Assessments: some ready to sign off, one waiting for an advocate
  assessor       Requests: open requests for support, some with no record yet; match or create the record
  manager        Assessments: submitted self-assessments waiting for a worker (complex ones flagged);
                 Teams: each team's caseload; a person's "Who has looked at this record"
  finance        a person's Money: financial assessment and letter, personal budget statement; Charging figures
  analyst        Home: are indicative budgets fair to every group? (the RAS equity page)
  safeguarding   restricted records (red tag in search); Safeguarding: concerns to triage (two overdue),
                 enquiries with the person's desired outcomes, the break-glass report
  anyone         /raise-a-concern/: the public safeguarding form (no sign-in)
  manager        Plans to decide: plans within budget waiting for a manager; Funding panel: the next meeting's
                 agenda; Where the time went: time on plans by team, month and who held them
  broker         Providers and Personal assistants (checks lapsing; Dana Lapsed's DBS has lapsed); an approved
                 plan's "Arrange" links to put support in place
  commissioner   Providers (CQC registration and ratings, rates from a date), Support-planning organisations
                 (capacity and waiting times), Checks lapsing
  social.worker  Tasks: one list of what is due; Reviews on a person; a failed arrangement with emergency cover
  manager        Reviews due: overdue reviews by team and worker, people never reviewed
  finance        Payments: payment runs and their export file; a person's Direct payments (schedule, ledger,
                 agreement PDF); Invoices: a provider's invoice with a mid-week rate rise to decide
  admin          /settings/: the council's own choices (manager's limit, panel quorum, PA checks policy)
  {PORTAL_DEMO_EMAIL}  the public portal (/portal/): a daughter half-way through her mother's self-assessment
  anyone         /eligibility-checker/ and /information/ need no sign-in
  social.worker  Short-term support: reablement under way and closed, 91-day follow-ups due; a person's
                 "Individual budget" (other public money, an NHS share of a jointly funded plan)
  manager        Reports: ASCOF 3D over time and by group, waiting times, panel, reviews, PA checks, direct-payment
                 findings (CSV/XLSX); short-term support (STS001, STS002a/b, still at home at 91 days). About a
                 fifth of people have support migrated from the council's previous system (care homes, home
                 support, direct payments, carers): a migrated person's timeline says "Migrated service history"
  analyst        CLD return: the last complete quarter validated by rule (a few records left incomplete on
                 purpose), and its CSV download
  manager        Workforce: training needs by topic and team, readiness survey results beside the 2008-2010
                 figures, peer groups and mentoring; the allocation check (complex work held by unqualified staff)
  social.worker  /readiness-survey/: answer this year's anonymous survey; /my-development/: training and needs
  anyone         /directory/: lunch clubs, befriending, advocacy near a postcode (try NM1 2AB);
                 /openreferral/services: the same as Open Referral UK JSON
  commissioner   Directory: entries by review date (some overdue), mark as checked, email an organisation its link
  admin          API tokens: integration tokens (one in use, one revoked, one expired); /api/docs
  dpo            Subject access (a person's records as JSON and PDF), Retention (records due a decision)
  manager        Unusual access: workers opening many records outside their caseload, flagged records read
"""


class Command(BaseCommand):
    help = (
        "Create a synthetic council for demos and tests: people, contacts, notes, teams, demo staff, requests "
        "and assessments."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=2000, help="How many people to create (default 2000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same council.")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the existing synthetic people, teams and demo staff first."
        )
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            default=None,
            help="The date the council is seeded as of, YYYY-MM-DD (default: the first of this month).",
        )
        parser.add_argument(
            "--people-only", action="store_true", help="Skip the requests and assessments (for benchmarks)."
        )
        parser.add_argument(
            "--demo-database",
            action="store_true",
            help="Confirm this is a demo or test database (needed unless DEBUG is on): demo accounts have a "
            "published password.",
        )

    def handle(self, *args, people, seed, reset, as_of, people_only, demo_database, verbosity, **options):
        if not (settings.DEBUG or demo_database):
            raise CommandError(
                "seed_council creates demo accounts whose password is published. Run it only on a demo or test "
                "database: with DEBUG=1, or with --demo-database."
            )
        try:
            with transaction.atomic():
                if reset:
                    reset_governance()
                    reset_api_tokens()  # tokens protect their users from deletion
                    reset_directory()
                    reset_workforce()
                    reset_short_term()  # episodes and other funding refer to plans, requests and people
                    reset_direct_payments()  # agreements refer to plans, budgets, contacts and providers
                    reset_commitments()
                    reset_safeguarding()
                    reset_failed_arrangements()
                    reset_reviews()  # reviews refer to plans and people
                    reset_service_history()  # the migrated plans; clears the dates of death it set
                    reset_planning()  # plans refer to budgets, assessments and people
                    reset_market()  # PA checks refer to the demo staff
                    reset_money()  # budgets and financial assessments refer to assessments and people
                    reset_assessment_pathway()
                result = seed_council(
                    people=people,
                    seed=seed,
                    reset=reset,
                    as_of=as_of,
                    progress_stream=self.stderr if verbosity > 0 else None,
                )
                # Demo staff need their authenticator to sign in, even in a people-only council.
                governance = seed_governance(seed=seed)
                pathway = {} if people_only else seed_assessment_pathway(seed=seed)
                money = {} if people_only else seed_money(seed=seed)
                planning = {}
                if not people_only:
                    planning = seed_market(seed=seed) | seed_planning_organisations_and_panels(seed=seed)
                    planning |= seed_plans(seed=seed)
                    planning |= seed_planning_referrals(seed=seed)
                    planning |= seed_reviews(seed=seed)
                    planning |= seed_failed_arrangements(seed=seed)
                    planning |= seed_direct_payments(seed=seed) | seed_commitments(seed=seed)
                    planning |= seed_safeguarding(seed=seed)
                    planning |= seed_short_term(seed=seed)
                    planning |= seed_service_history(seed=seed)  # after every step that picks people
                    planning |= seed_workforce(seed=seed)
                    planning |= seed_directory(seed=seed)  # after the market and planning organisations: it lists them
                    planning |= seed_api_tokens(seed=seed)
        except AlreadySeeded as exc:
            # Not an error: `make demo` can be run again safely. A council seeded before staff needed a second
            # factor gets the demo authenticators now.
            seed_demo_second_factors()
            self.stdout.write(exc.message)
            self.stdout.write(WHERE_TO_LOOK)
            return
        except SeedError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(result.summary_text())
        if pathway:
            self.stdout.write("Pathway: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in pathway.items()))
        if money:
            self.stdout.write("Money: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in money.items()))
        if governance:
            self.stdout.write("Governance: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in governance.items()))
        if planning:
            self.stdout.write("Planning: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in planning.items()))
        self.stdout.write("")
        self.stdout.write(demo_logins_text())
        self.stdout.write(WHERE_TO_LOOK)
