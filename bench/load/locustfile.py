"""Load scenario (issue 9 item 6): staff searching, opening records, saving case notes and support plans.

Run by bench/bench_load.py, which seeds the database, makes the load-test accounts (load.user.01 ... with an
authenticator on LOAD_TOTP_KEY) and starts gunicorn. By hand, against a server you started on 127.0.0.1:

    LOAD_PASSWORD=... LOAD_TOTP_KEY=<hex> LOAD_PLANS=12,13,... LOAD_SAVED=/tmp/saved.tsv \
        locust -f bench/load/locustfile.py --headless -u 25 -r 5 -t 2m -H http://127.0.0.1:8000

Each simulated member of staff signs in with their password and, when the sign-in asks for it, the code their
authenticator would show (computed from LOAD_TOTP_KEY), then works through a mix of pages with a few seconds'
thought between them. Every note and plan save the server accepted is appended to LOAD_SAVED, so the
orchestrator can check afterwards that each one is in the database. A 5xx is a failure; so is a save the
server did not accept (a form shown again).
"""

import itertools
import os
import random
import re
import uuid
from binascii import unhexlify

from django_otp.oath import TOTP
from locust import HttpUser, between, task

USER_PREFIX = os.environ.get("LOAD_USER_PREFIX", "load.user.")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
TOTP_KEY = os.environ.get("LOAD_TOTP_KEY", "")
PLANS = [int(p) for p in os.environ.get("LOAD_PLANS", "").split(",") if p]
SAVED = os.environ.get("LOAD_SAVED", "")
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright",
            "Walker", "Green", "Hughes", "Clarke", "Khan", "Evans", "Roberts", "Thompson", "White", "Hall"]  # fmt: skip
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
PERSON_LINK = re.compile(r'href="/people/(\d+)/"')
_numbers = itertools.count(1)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    return found.group(1) if found else ""


def record_saved(kind: str, key: int, text: str) -> None:
    if SAVED:
        with open(SAVED, "a", encoding="utf-8") as out:  # one line, appended: safe across simulated users
            out.write(f"{kind}\t{key}\t{text}\n")


class StaffUser(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.number = next(_numbers)
        self.username = f"{USER_PREFIX}{self.number:02d}"
        self.plan = PLANS[(self.number - 1) % len(PLANS)] if PLANS else None
        self.people: list[int] = []
        self.caseload: list[int] = []
        self.sign_in()
        page = self.client.get("/caseload/", name="/caseload/")
        self.caseload = [int(p) for p in PERSON_LINK.findall(page.text)]

    def sign_in(self):
        page = self.client.get("/sign-in/", name="/sign-in/")
        response = self.client.post(
            "/sign-in/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_of(page.text)},
            name="/sign-in/ (POST)",
        )
        if "/sign-in/second-factor/" in response.url:
            if not TOTP_KEY:
                raise RuntimeError("the sign-in asks for a code: set LOAD_TOTP_KEY")
            code = TOTP(unhexlify(TOTP_KEY), step=30, t0=0, digits=6)
            response = self.client.post(
                response.url,
                {"code": f"{code.token():06d}", "csrfmiddlewaretoken": csrf_of(response.text)},
                name="/sign-in/second-factor/ (POST)",
            )
        if "/sign-in/" in response.url:
            raise RuntimeError(f"{self.username} could not sign in (ended on {response.url})")

    @task(4)
    def search(self):
        with self.client.get(
            f"/people/?q={random.choice(SURNAMES)}", name="/people/?q=[surname]", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return
            found = [int(p) for p in PERSON_LINK.findall(response.text)]
            self.people = (found + self.people)[:50]

    @task(4)
    def open_record(self):
        person = random.choice(self.people or self.caseload or [0])
        if not person:
            return
        with self.client.get(f"/people/{person}/", name="/people/[id]/", catch_response=True) as response:
            if response.status_code == 403:
                response.success()  # a restricted record: refused, as the access rules say
            elif response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task(1)
    def my_caseload(self):
        self.client.get("/caseload/", name="/caseload/")

    @task(2)
    def save_note(self):
        if not self.caseload:
            return
        person = random.choice(self.caseload)
        form = self.client.get(f"/people/{person}/notes/new/", name="/people/[id]/notes/new/")
        subject = f"Load note {uuid.uuid4().hex[:12]}"
        with self.client.post(
            f"/people/{person}/notes/new/",
            {"csrfmiddlewaretoken": csrf_of(form.text), "kind": "phone", "occurred_on_0": "2", "occurred_on_1": "3",
             "occurred_on_2": "2026", "subject": subject, "text": "Rang to check the new carers start on Monday."},
            name="/people/[id]/notes/new/ (POST)", catch_response=True, allow_redirects=False,
        ) as response:  # fmt: skip
            if response.status_code == 302:
                record_saved("note", person, subject)
            else:
                response.failure(f"note not saved: status {response.status_code}")

    @task(1)
    def save_plan(self):
        if self.plan is None:
            return
        url = f"/plans/{self.plan}/about/"
        form = self.client.get(url, name="/plans/[id]/about/")
        version = VERSION.search(form.text)
        outcomes = f"Load outcomes {uuid.uuid4().hex[:12]}"
        data = {"csrfmiddlewaretoken": csrf_of(form.text), "version": version.group(1) if version else "",
                "outcomes": outcomes, "what_matters": "Seeing my grandchildren on Sundays"}  # fmt: skip
        with self.client.post(
            url, data, name="/plans/[id]/about/ (POST)", catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code == 302:
                record_saved("plan", self.plan, outcomes)
            elif response.status_code == 200 and "Someone else saved this plan" in response.text:
                # Two of us saved the same plan at once: the second is told, as it should be (not a failure).
                record_saved("plan-refused", self.plan, outcomes)
                response.success()
            else:
                response.failure(f"plan not saved: status {response.status_code}")
