"""Load test (issue 9 item 6): 25 members of staff searching, opening records and saving case notes and support plans
for 2 minutes against gunicorn on 127.0.0.1, with a 100,000-person PostgreSQL database seeded by seed_council.

    .venv/bin/python bench/bench_load.py [--people 100000] [--users 25] [--duration 120] [--workers 4]

With DATABASE_URL set (`make bench` sets it) that database is migrated and its synthetic council REPLACED
(seed_council --reset): point it at a scratch database. Without it, a throwaway PostgreSQL is started
(scripts/pg.sh) and removed afterwards. Then: collectstatic, load-test accounts with an authenticator each,
gunicorn, locust headless (bench/load/locustfile.py, CSV in a temporary directory), and the checks: no 5xx
in gunicorn's access log and every note and plan save the server accepted is in the database. Prints the p95
latency per page as a markdown table; exits non-zero when a check fails.
"""

import argparse
import csv
import datetime
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LOAD_USER_PREFIX = "load.user."
EDITABLE_PLAN_STATUSES = ("draft", "returned")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args: str, env: dict) -> None:
    subprocess.run(args, cwd=ROOT, env=env, check=True)


def make_load_accounts(users: int, password: str, totp_key: str, per_user_caseload: int) -> list[int]:
    """Social workers load.user.01.. with an authenticator on `totp_key` (each their own device, so a code used by
    one is no replay for another), each allocated a caseload and, where the seed has enough, a plan of their own.
    Returns the plan ids, one a user (shared round-robin when the council has fewer plans being written)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from selfdirect.core.roles import Role
    from selfdirect.people.models import Person
    from selfdirect.planning.models import SupportPlan
    from selfdirect.workforce.models import Team

    User = get_user_model()
    User.objects.filter(username__startswith=LOAD_USER_PREFIX).delete()
    team = Team.objects.order_by("pk").first()
    hashed = make_password(password)
    plans = list(
        SupportPlan.objects.filter(status__in=EDITABLE_PLAN_STATUSES, person__is_restricted=False)
        .order_by("pk")
        .values_list("pk", "person_id")[:users]
    )
    people = Person.objects.filter(is_restricted=False, date_of_death__isnull=True).exclude(
        pk__in=[person for _, person in plans]
    )
    free = list(people.order_by("pk").values_list("pk", flat=True)[: users * per_user_caseload])
    for n in range(users):
        user = User.objects.create(
            username=f"{LOAD_USER_PREFIX}{n + 1:02d}",
            first_name="Load",
            last_name=f"Tester {n + 1}",
            email=f"load{n + 1}@example.org",
            role=Role.SOCIAL_WORKER,
            password=hashed,
        )
        user.teams.add(team)
        TOTPDevice.objects.create(user=user, name="Load test", key=totp_key, confirmed=True)
        mine = free[n * per_user_caseload : (n + 1) * per_user_caseload]
        if n < len(plans):
            mine.append(plans[n][1])
        Person.objects.filter(pk__in=mine).update(allocated_worker=user, allocated_team=team)
    return [pk for pk, _ in plans]


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def check_saved(saved_file: Path, plan_versions: dict[int, int]) -> list[str]:
    """Every accepted save is in the database; returns what is missing or wrong."""
    from selfdirect.people.models import CaseNote
    from selfdirect.planning.models import SupportPlan

    notes, plans, refused = [], defaultdict(list), 0
    for line in saved_file.read_text(encoding="utf-8").splitlines() if saved_file.exists() else []:
        kind, key, text = line.split("\t", 2)
        if kind == "note":
            notes.append((int(key), text))
        elif kind == "plan":
            plans[int(key)].append(text)
        else:
            refused += 1
    problems = []
    held = set(CaseNote.objects.filter(subject__in=[t for _, t in notes]).values_list("person_id", "subject"))
    problems += [f"note {text!r} on person {person} is missing" for person, text in notes if (person, text) not in held]
    for plan in SupportPlan.objects.filter(pk__in=list(plans)):
        saves = plans[plan.pk]
        # Every accepted save moved the version on by one (none lost or overwritten unseen), and what is held now
        # is one of them.
        if plan.version - plan_versions[plan.pk] != len(saves):
            problems.append(f"plan {plan.pk}: {len(saves)} saves accepted but the version moved "
                            f"{plan.version - plan_versions[plan.pk]}")  # fmt: skip
        if plan.outcomes not in saves:
            problems.append(f"plan {plan.pk}: holds {plan.outcomes!r}, none of the accepted saves")
    print(f"Saved and found afterwards: {len(notes):,} case notes, {sum(map(len, plans.values())):,} plan saves "
          f"({refused:,} plan saves refused as someone else had saved first, as designed).")  # fmt: skip
    return problems


def report(stats_csv: Path) -> tuple[str, int]:
    rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
    lines = ["| page | requests | failures | median | p95 | p99 | max |", "|---|---:|---:|---:|---:|---:|---:|"]
    failures = 0
    for row in rows:
        name = "**all pages**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        failures += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} | {row['50%']} ms "
            f"| {row['95%']} ms | {row['99%']} ms | {float(row['Max Response Time']):,.0f} ms |"
        )
    return "\n".join(lines), failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument("--duration", type=int, default=120, help="Seconds of load")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-seed", action="store_true", help="Use the council already in the database")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        # A throwaway PostgreSQL for this run only (removed when the shell exits, whatever happens).
        script = 'source scripts/pg.sh && pg_start && "$0" bench/bench_load.py "$@"'  # no exec: the EXIT trap must run
        return subprocess.run(["bash", "-c", script, sys.executable, *sys.argv[1:]], cwd=ROOT).returncode

    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="selfdirect.settings", DEBUG="0", HTTPS="0", PYTHONPATH=str(ROOT),
               ALLOWED_HOSTS="127.0.0.1,localhost")  # fmt: skip
    env["SECRET_KEY"] = env.get("SECRET_KEY") or secrets.token_hex(32)
    env.pop("PYTEST_VERSION", None)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    python = sys.executable
    started = time.perf_counter()
    run(python, "manage.py", "migrate", "--noinput", "-v", "0", env=env)
    run(python, "manage.py", "collectstatic", "--noinput", "-v", "0", env=env)
    if not args.skip_seed:
        run(python, "manage.py", "seed_council", "--people", str(args.people), "--seed", str(args.seed), "--reset",
            "--demo-database", "-v", "0", env=env)  # fmt: skip
    set_up = time.perf_counter() - started

    import django

    django.setup()
    from django.db import connection

    from selfdirect.people.models import Person
    from selfdirect.planning.models import SupportPlan

    password, totp_key = secrets.token_urlsafe(16), secrets.token_hex(20)
    plans = make_load_accounts(args.users, password, totp_key, per_user_caseload=40)
    plan_versions = dict(SupportPlan.objects.filter(pk__in=plans).values_list("pk", "version"))
    people = Person.objects.count()
    connection.close()

    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    port = free_port()
    access_log = work / "access.log"
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "selfdirect.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--timeout", "60", "--access-logfile", str(access_log),
         "--error-logfile", str(work / "error.log")],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/health/", 60)
        load_env = env | {"LOAD_PASSWORD": password, "LOAD_TOTP_KEY": totp_key, "LOAD_SAVED": str(work / "saved.tsv"),
                          "LOAD_PLANS": ",".join(map(str, plans)), "LOAD_USER_PREFIX": LOAD_USER_PREFIX}  # fmt: skip
        subprocess.run(
            [str(VENV_BIN / "locust"), "-f", "bench/load/locustfile.py", "--headless", "-u", str(args.users),
             "-r", str(max(1, args.users // 5)), "-t", f"{args.duration}s", "-H", f"http://127.0.0.1:{port}",
             "--csv", str(work / "load"), "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"],
            cwd=ROOT, env=load_env, check=False,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)

    server_errors = [line for line in access_log.read_text().splitlines() if re.search(r'" 5\d\d ', line)]
    table, failures = report(work / "load_stats.csv")
    problems = check_saved(work / "saved.tsv", plan_versions)
    cpu = os.cpu_count()
    print(f"\n{datetime.date.today()}: {args.users} staff for {args.duration} s against gunicorn ({args.workers} "
          f"workers) on 127.0.0.1, PostgreSQL {connection.pg_version // 10000} holding {people:,} people; "
          f"{cpu} cores shared by the server, the database and locust. Set-up (migrate, collectstatic, seed) "
          f"{set_up:.0f} s.\n")  # fmt: skip
    print(table)
    print(f"\nServer errors (5xx in gunicorn's access log): {len(server_errors)}. Failed requests: {failures}.")
    for problem in problems[:20]:
        print(f"MISSING: {problem}")
    ok = not server_errors and not failures and not problems
    print("Result: " + ("every check passed." if ok else "FAILED."))
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"Logs and CSV kept in {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
