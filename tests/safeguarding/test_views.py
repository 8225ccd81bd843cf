"""Safeguarding pages: raising a concern from a person's record, the triage queue with overdue flags, matching a
public concern, triage into an enquiry, the enquiry's stages, actions, plan and closing, and bad input."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.roles import Role
from selfdirect.people.models import Person
from selfdirect.reviews.models import Task
from selfdirect.safeguarding.models import EnquiryAction, SafeguardingConcern, SafeguardingEnquiry
from tests.factories import PersonFactory
from tests.market.factories import PaFactory, approved_line

STAFF_ANSWERS = {
    "subject_name": "Mary Smith",
    "what_happened": "Her son has been taking her pension.",
    "abuse_types": ["financial"],
    "immediate_risk": "no",
    "person_aware": "yes",
    "raised_by": "worker",
    "raised_by_name": "Sam Worker",
}


def test_every_person_page_links_to_raising_a_concern(client_as, social_worker, allocated, user_of_role):
    """The link is on the person's page for every role that may raise a concern; the summary only for those
    allowed to see safeguarding records."""
    page = client_as(social_worker).get(allocated.get_absolute_url()).content.decode()
    assert reverse("concern_raise_for_person", args=[allocated.pk]) in page
    assert "No safeguarding concerns" in page
    panel = client_as(user_of_role(Role.PANEL_MEMBER)).get(allocated.get_absolute_url()).content.decode()
    assert reverse("concern_raise_for_person", args=[allocated.pk]) in panel
    assert "No safeguarding concerns" not in panel


def test_a_worker_raises_a_concern_from_the_person_page(client_as, social_worker, allocated):
    client = client_as(social_worker)
    url = reverse("concern_raise_for_person", args=[allocated.pk])
    form = client.get(url).content.decode()
    assert 'value="Mary Smith"' in form and "phone 999" in form
    response = client.post(url, STAFF_ANSWERS)
    concern = SafeguardingConcern.objects.get()
    assert response.status_code == 302 and response["Location"] == concern.get_absolute_url()
    assert concern.person == allocated and concern.raised_by_user == social_worker
    assert Person.objects.get(pk=allocated.pk).is_restricted
    page = client.get(allocated.get_absolute_url()).content.decode()
    assert concern.reference in page and "Waiting for triage" in page


def test_a_worker_who_loses_access_by_raising_is_sent_home(client_as, other_worker, allocated):
    """Raising restricts the record: a worker who is not allocated is told the reference on their home page."""
    response = client_as(other_worker).post(reverse("concern_raise_for_person", args=[allocated.pk]), STAFF_ANSWERS)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_concern_can_be_raised_about_a_restricted_record(client_as, other_worker, allocated):
    Person.objects.filter(pk=allocated.pk).update(is_restricted=True)
    client = client_as(other_worker)
    page = client.get(reverse("concern_raise_for_person", args=[allocated.pk])).content.decode()
    assert allocated.council_id in page and allocated.nhs_number_display not in page
    assert client.post(reverse("concern_raise_for_person", args=[allocated.pk]), STAFF_ANSWERS).status_code == 302
    assert SafeguardingConcern.objects.get().person == allocated


def test_staff_can_name_a_pa_who_is_suspended(client_as, social_worker, allocated):
    pa = PaFactory(first_name="Sam", last_name="Jones")
    line = approved_line(pa=pa, support_kind="pa")
    client_as(social_worker).post(
        reverse("concern_raise_for_person", args=[allocated.pk]), STAFF_ANSWERS | {"alleged_pa": pa.pk}
    )
    pa.refresh_from_db()
    line.refresh_from_db()
    assert pa.is_suspended and line.flagged


def test_staff_form_refuses_both_a_pa_and_a_provider(client_as, social_worker, allocated):
    from tests.market.factories import ProviderFactory

    response = client_as(social_worker).post(
        reverse("concern_raise_for_person", args=[allocated.pk]),
        STAFF_ANSWERS | {"alleged_pa": PaFactory().pk, "alleged_provider": ProviderFactory().pk},
    )
    assert response.status_code == 200 and "not both" in response.content.decode()
    assert not SafeguardingConcern.objects.exists()


def test_the_queue_flags_overdue_triage_and_enquiries(client_as, lead, raise_concern, allocated, s42):
    late = raise_concern()
    SafeguardingConcern.objects.filter(pk=late.pk).update(triage_due_at=timezone.now() - datetime.timedelta(hours=1))
    on_time = raise_concern(subject_name="Stanley Oduya")
    enquiry = s42(raise_concern(allocated))
    SafeguardingEnquiry.objects.filter(pk=enquiry.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
    page = client_as(lead).get(reverse("safeguarding_home")).content.decode()
    assert late.reference in page and on_time.reference in page and "Not matched to a record" in page
    assert "1 overdue" in page and page.count(">Overdue<") == 2
    listing = client_as(lead).get(reverse("enquiry_list")).content.decode()
    assert "Mary Smith" in listing and ">Overdue<" in listing


def test_a_worker_sees_only_the_enquiries_they_lead(client_as, raise_concern, s42, social_worker, other_worker):
    mine = s42(raise_concern(PersonFactory(first_name="Ann", last_name="Mine")), enquiry_lead=social_worker)
    s42(raise_concern(PersonFactory(first_name="Bob", last_name="Theirs")), enquiry_lead=other_worker)
    page = client_as(social_worker).get(reverse("enquiry_list")).content.decode()
    assert "Ann Mine" in page and "Bob Theirs" not in page
    assert mine.get_absolute_url() in page


def test_matching_and_triaging_a_public_concern(client_as, lead, raise_concern, allocated, social_worker):
    concern = raise_concern(subject_name="Mary Smith")
    client = client_as(lead)
    # Triage into an enquiry is refused until the concern is matched.
    triage = {
        "has_care_needs": "yes",
        "experiencing_abuse": "yes",
        "cannot_protect_self": "yes",
        "decision": "s42",
        "decision_reasons": "All three criteria met",
        "lead": social_worker.pk,
        "desired_outcomes": "To stay at home and feel safe",
        "needs_advocate": "no",
    }
    refused = client.post(reverse("concern_triage", args=[concern.pk]), triage)
    assert refused.status_code == 200 and "Match the concern" in refused.content.decode()

    search = client.get(reverse("concern_match", args=[concern.pk])).content.decode()
    assert "Mary Smith" in search and allocated.council_id in search  # searched by the name given
    bad = client.post(reverse("concern_match", args=[concern.pk]), {"person": "x"})
    assert bad.status_code == 200 and "Choose the person" in bad.content.decode()
    response = client.post(reverse("concern_match", args=[concern.pk]), {"person": allocated.pk})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.person == allocated

    not_all_three = client.post(reverse("concern_triage", args=[concern.pk]), triage | {"cannot_protect_self": "no"})
    assert not_all_three.status_code == 200
    assert "A section 42 enquiry needs all three criteria to be met" in not_all_three.content.decode()

    response = client.post(reverse("concern_triage", args=[concern.pk]), triage)
    enquiry = SafeguardingEnquiry.objects.get()
    assert response.status_code == 302 and response["Location"] == enquiry.get_absolute_url()
    assert enquiry.lead == social_worker and enquiry.desired_outcomes == "To stay at home and feel safe"
    again = client.get(reverse("concern_triage", args=[concern.pk]))
    assert again.status_code == 302  # already triaged


def test_triage_form_errors(client_as, lead, raise_concern):
    concern = raise_concern()
    response = client_as(lead).post(reverse("concern_triage", args=[concern.pk]), {"decision": "nope"})
    page = response.content.decode()
    assert response.status_code == 200 and "Select the decision" in page
    assert "Select whether the person has needs for care and support" in page


def test_no_further_action(client_as, lead, raise_concern):
    concern = raise_concern()
    response = client_as(lead).post(
        reverse("concern_triage", args=[concern.pk]),
        {"has_care_needs": "no", "experiencing_abuse": "no", "cannot_protect_self": "no", "decision": "nfa",
         "decision_reasons": "Not an adult with care needs"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == reverse("safeguarding_home")
    concern.refresh_from_db()
    assert concern.status == "closed"


def test_working_an_enquiry_to_its_close(client_as, lead, raise_concern, allocated, s42):
    enquiry = s42(raise_concern(allocated), needs_advocate=True)
    client = client_as(lead)
    url = enquiry.get_absolute_url()
    assert "Not arranged yet" in client.get(url).content.decode()

    client.post(reverse("enquiry_stage", args=[enquiry.pk]), {"stage": "gathering"})
    refused = client.post(reverse("enquiry_stage", args=[enquiry.pk]), {"stage": "plan"})
    assert refused.status_code == 200 and "Write the safeguarding plan" in refused.content.decode()

    due = timezone.localdate() + datetime.timedelta(days=5)
    action = {"action": "Speak to the GP", "owner": "Aisha", "due_on_0": due.day, "due_on_1": due.month,
              "due_on_2": due.year}  # fmt: skip
    assert client.post(reverse("enquiry_action_add", args=[enquiry.pk]), action).status_code == 302
    bad_date = client.post(reverse("enquiry_action_add", args=[enquiry.pk]), action | {"due_on_1": "13"})
    assert bad_date.status_code == 200 and "must be a real date" in bad_date.content.decode()
    item = EnquiryAction.objects.get()
    assert client.post(reverse("enquiry_action_done", args=[enquiry.pk, item.pk])).status_code == 302
    again = client.post(reverse("enquiry_action_done", args=[enquiry.pk, item.pk]), follow=True)
    assert "already done" in again.content.decode()

    close = {"outcome": "substantiated", "outcomes_achieved": "fully"}
    refused = client.post(reverse("enquiry_close", args=[enquiry.pk]), close)
    assert refused.status_code == 200 and "independent advocate" in refused.content.decode()

    plan = {"safeguarding_plan": "Daily calls from the agency", "needs_advocate": "yes",
            "advocate_arranged": "Jo Bright, Northmoor Advocacy"}  # fmt: skip
    assert client.post(reverse("enquiry_edit", args=[enquiry.pk]), plan).status_code == 302
    assert client.post(reverse("enquiry_stage", args=[enquiry.pk]), {"stage": "plan"}).status_code == 302
    assert client.post(reverse("enquiry_close", args=[enquiry.pk]), close).status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.stage == "closed" and enquiry.outcomes_achieved == "fully"
    page = client.get(url).content.decode()
    assert "Fully achieved" in page and "Close the enquiry" not in page
    assert not Task.objects.filter(source=f"enquiry:{enquiry.pk}", done_at__isnull=True).exists()
    closed = client.get(reverse("enquiry_list") + "?show=closed").content.decode()
    assert "Mary Smith" in closed


def test_reading_safeguarding_records_is_audited(client_as, lead, raise_concern, allocated):
    from selfdirect.core.models import AuditEvent

    concern = raise_concern(allocated)
    client_as(lead).get(concern.get_absolute_url())
    assert AuditEvent.objects.filter(
        actor=lead, action=AuditEvent.Action.VIEW, person_id=allocated.pk, summary__contains=concern.reference
    ).exists()


@pytest.mark.parametrize("name", ["concern_triage", "concern_match", "safeguarding_concern"])
def test_missing_concerns_are_404(client_as, lead, name):
    assert client_as(lead).get(reverse(name, args=[987654])).status_code == 404
