"""Hypothesis-generated input for the main staff forms, posted through the Django test client: never a 500.

Each form's fields are read from the page itself (every input, select, textarea and radio a browser would send),
so a field added later is fuzzed too. Values mix what the page offers (its options, its hidden values) with edge
cases a person or a script might type: empty, blank, very long, NUL characters, numbers too big for any column,
NaN, negative amounts, dates that do not exist, other scripts and emoji.
"""

import datetime
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfdirect.core.roles import Role
from selfdirect.planning.models import SupportPlan
from selfdirect.reviews.models import Review
from tests.factories import PersonFactory
from tests.market.factories import approved_line

EDGE = [
    "",
    " ",
    "0",
    "-1",
    "-0.01",
    "1.005",
    "1e309",
    "NaN",
    "Infinity",
    "99999999999999999999999",
    "31",
    "13",
    "29",
    "2",
    "1899",
    "2999",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "'; DROP TABLE people_person; --",
    "£12.50",
    "12,50",
    "٣٤",
    "🙂",
    "x" * 5000,
]
junk = st.one_of(st.sampled_from(EDGE), st.text(max_size=40))


class _FormFields(HTMLParser):
    """The names a browser would submit from each POST form on the page, with the values it offers."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag in ("input", "textarea") and name and name != "csrfmiddlewaretoken":
            if a.get("type") in ("submit", "button"):
                return
            self._form.setdefault(name, [])
            if a.get("value"):
                self._form[name].append(a["value"])
        elif tag == "select" and name:
            self._select = name
            self._form.setdefault(name, [])
        elif tag == "option" and self._select and a.get("value") is not None:
            self._form[self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form":
            self._form = None


def form_fields(client, url) -> dict[str, list[str]]:
    """The page's main form: the POST form with the most fields (not the header's sign-out button)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = _FormFields()
    parser.feed(response.content.decode())
    fields = max(parser.forms, key=len, default={})
    assert len(fields) >= 3, f"no form found on {url}"
    return fields


def submissions(fields: dict[str, list[str]]):
    """A POST body: each field left out, or given one of the page's own values, or junk."""
    per_field = {
        name: st.one_of(st.none(), st.sampled_from(offered) if offered else junk, junk)
        for name, offered in fields.items()
    }
    return st.fixed_dictionaries(per_field).map(lambda d: {k: v for k, v in d.items() if v is not None})


@pytest.fixture
def world(db, user_of_role, client_as):
    worker = user_of_role(Role.SOCIAL_WORKER)
    person = PersonFactory(allocated_worker=worker)
    draft = approved_line(person=person, status=SupportPlan.Status.DRAFT, created_by=worker).plan
    approved = approved_line(person=person, created_by=worker).plan
    review = Review.objects.create(
        person=person,
        plan=approved,
        kind=Review.Kind.ANNUAL,
        reason="Planned",
        due_on=datetime.date.today(),
        assigned_to=worker,
    )
    return {"client": client_as(worker), "person": person, "plan": draft, "review": review}


PAGES = {
    "person create": lambda w: "/people/new/",
    "person edit": lambda w: f"/people/{w['person'].pk}/edit/",
    "case note": lambda w: f"/people/{w['person'].pk}/notes/new/",
    "plan line": lambda w: f"/plans/{w['plan'].pk}/lines/new/",
    "review record": lambda w: f"/reviews/{w['review'].pk}/record/",
}


@pytest.mark.parametrize("page", list(PAGES))
def test_no_generated_input_gives_a_server_error(world, page):
    client = world["client"]
    url = PAGES[page](world)
    fields = form_fields(client, url)
    statuses = []

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(data=submissions(fields))
    def post(data):
        response = client.post(url, data)  # the test client re-raises a view's exception: a 500 fails here
        assert response.status_code < 500, (data, response.status_code)
        statuses.append(response.status_code)

    post()
    # The page answered every submission with itself (errors shown) or a redirect (saved).
    assert statuses and set(statuses) <= {200, 302}
