"""Administrators confirm the code lists the reference leaves UNCONFIRMED; the page says which are."""

from django.urls import reverse

from selfdirect.core.models import AuditEvent, CodeListConfirmation
from selfdirect.core.roles import Role
from selfdirect.rules import cld, cld_return

# The code lists the reference leaves open, and what the CLD return writes where the reference is silent.
TO_CONFIRM = len(cld.UNCONFIRMED_LISTS) + len(cld_return.UNCONFIRMED)


def test_page_lists_unconfirmed_code_lists_for_administrators(user_of_role, client_as):
    html = client_as(user_of_role(Role.ADMINISTRATOR)).get(reverse("code_lists")).content.decode()
    assert html.count("UNCONFIRMED</strong>") == TO_CONFIRM
    assert "Primary Support Reason" in html and "Confirmed by the reference" in html
    assert "Client Funding Status (in the return)" in html and "dd/mm/yyyy" in html


def test_administrator_confirms_a_list_with_an_audit_record(user_of_role, client_as):
    admin = user_of_role(Role.ADMINISTRATOR)
    client = client_as(admin)
    response = client.post(reverse("code_lists"), {"list_name": "GENDERS", "note": "Checked against CLD v5"})
    assert response.status_code == 302
    assert CodeListConfirmation.objects.get(list_name="GENDERS").confirmed_by == admin
    assert AuditEvent.objects.filter(object_type="core.codelistconfirmation", actor=admin).exists()
    html = client.get(reverse("code_lists")).content.decode()
    assert html.count("UNCONFIRMED</strong>") == TO_CONFIRM - 1


def test_confirmed_or_unknown_lists_cannot_be_confirmed(user_of_role, client_as):
    """Lists the reference confirms, and made-up names, are refused; nothing is recorded."""
    client = client_as(user_of_role(Role.ADMINISTRATOR))
    for name in ["PRIMARY_SUPPORT_REASONS", "NOT_A_LIST"]:
        client.post(reverse("code_lists"), {"list_name": name})
    assert not CodeListConfirmation.objects.exists()


def test_other_roles_cannot_confirm(social_worker, client_as):
    assert client_as(social_worker).post(reverse("code_lists"), {"list_name": "GENDERS"}).status_code == 403
    assert not CodeListConfirmation.objects.exists()
