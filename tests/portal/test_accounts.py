"""Portal accounts: sign-up, email verification, sign-in and sign-out, kept apart from staff sign-in."""

import re
import time
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from selfdirect.core.models import AuditEvent, User
from selfdirect.core.roles import Role
from selfdirect.portal import services, tokens
from selfdirect.portal.forms import STAFF_REFUSED

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def sign_up(client, **overrides):
    data = {
        "first_name": "Asha",
        "last_name": "Shah",
        "email": "Asha.Shah@Example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post(reverse("portal_create_account"), data | overrides)


def link_in(message) -> str:
    match = re.search(r"https?://[^\s]+/portal/verify/[^\s]+/", message.body)
    assert match, message.body
    return match.group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def errors_of(response) -> str:
    html = response.content.decode()
    start = html.find("govuk-error-summary")
    return html[start : html.find("</ul>", start)] if start >= 0 else ""


def test_start_page_links_to_accounts_and_the_eligibility_checker(client):
    """The public start page needs no account and links to create an account, sign in and the checker."""
    response = client.get(reverse("portal_start"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("portal_create_account") in html
    assert reverse("portal_sign_in") in html
    assert 'href="/eligibility-checker/"' in html
    assert 'href="/people/' not in html  # no staff links for the public


def test_sign_up_sends_one_email_whose_link_verifies_the_account(client, mailoutbox):
    """Creating an account stores the email in lower case as the username, signs the person in, sends exactly
    one email, and following its link marks the address verified (audited both times)."""
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_check_email")
    user = User.objects.get(email="asha.shah@example.com")
    assert user.username == "asha.shah@example.com"
    assert user.role == ""
    assert user.email_verified_at is None
    assert user.check_password(PASSWORD)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["asha.shah@example.com"]
    assert "3 days" in mailoutbox[0].body

    response = client.get(path_of(link_in(mailoutbox[0])))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_home")
    user.refresh_from_db()
    assert user.email_verified_at is not None
    summaries = list(AuditEvent.objects.filter(actor=user).values_list("summary", flat=True))
    assert "Portal account created" in summaries
    assert "Portal email address verified" in summaries


def test_verification_link_works_when_signed_out(client, mailoutbox):
    """The link works in another browser (not signed in): it confirms the address and asks them to sign in."""
    sign_up(client)
    link = path_of(link_in(mailoutbox[0]))
    client.post(reverse("portal_sign_out"))
    response = client.get(link)
    assert response.status_code == 200
    assert "Email address confirmed" in response.content.decode()
    assert User.objects.get(username="asha.shah@example.com").email_verified_at is not None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: "x" + t,  # payload changed
        lambda t: "not-a-token",
    ],
)
def test_tampered_verification_token_is_refused(client, portal_user, tamper):
    """Any change to the token is refused with a 400 page, and the account stays unverified."""
    user = portal_user(email_verified_at=None)
    response = client.get(reverse("portal_verify", args=[tamper(tokens.verification_token(user))]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_verification_token_expires_after_three_days(client, portal_user):
    """A token signed 3 days and a minute ago is refused as expired; one 2 days old still works."""
    user = portal_user(email_verified_at=None)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 3 * 86400 - 60):
        old = tokens.verification_token(user)
    response = client.get(reverse("portal_verify", args=[old]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None

    with mock.patch("django.core.signing.time.time", return_value=time.time() - 2 * 86400):
        recent = tokens.verification_token(user)
    assert client.get(reverse("portal_verify", args=[recent])).status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_token_for_an_old_email_address_is_refused(client, portal_user):
    """If the account's email changes, links sent to the old address no longer verify it."""
    user = portal_user(email="old@example.com", email_verified_at=None)
    token = tokens.verification_token(user)
    user.email = "new@example.com"
    user.save()
    assert client.get(reverse("portal_verify", args=[token])).status_code == 400
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_verification_token_cannot_verify_a_staff_account(client, user_of_role):
    """A token naming a staff account (never sent by the portal) does not touch it."""
    staff = user_of_role(Role.SOCIAL_WORKER)
    assert client.get(reverse("portal_verify", args=[tokens.verification_token(staff)])).status_code == 400
    staff.refresh_from_db()
    assert staff.email_verified_at is None


@pytest.mark.parametrize(
    "name",
    ["portal_home", "portal_request_new"],
)
def test_unverified_account_only_sees_check_your_email(client_as, portal_user, name):
    """Signed in but unverified: every portal page sends them to "check your email"."""
    client = client_as(portal_user(email_verified_at=None))
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_check_email")
    page = client.get(reverse("portal_check_email"))
    assert page.status_code == 200
    assert "Send the email again" in page.content.decode()


def test_unverified_account_cannot_open_an_assessment_or_autosave(client_as, portal_user, self_assessment):
    """An unverified account is kept out of self-assessment pages, and autosave refuses with 403 JSON."""
    user = portal_user()
    assessment = self_assessment(user)
    user.email_verified_at = None
    user.save()
    client = client_as(user)
    assert client.get(reverse("portal_assessment", args=[assessment.pk]))["Location"] == reverse("portal_check_email")
    response = client.post(reverse("portal_section_autosave", args=[assessment.pk, 1]), {"what_matters": "x"})
    assert response.status_code == 403
    assert response.json()["saved"] is False


def test_resend_sends_another_link_but_not_twice_a_minute(client, mailoutbox):
    """The resend button sends a new email, but not within a minute of the last one."""
    sign_up(client)
    assert len(mailoutbox) == 1
    client.post(reverse("portal_check_email"))
    assert len(mailoutbox) == 1  # too soon after the first

    session = client.session
    session["portal_verify_sent_at"] = session["portal_verify_sent_at"] - 61
    session.save()
    response = client.post(reverse("portal_check_email"))
    assert response["Location"] == reverse("portal_check_email") + "?resent=1"
    assert len(mailoutbox) == 2
    assert "We have sent you another email" in client.get(response["Location"]).content.decode()


def test_verified_account_is_sent_on_from_check_your_email(client_as, portal_user):
    """Once verified, the check-your-email page sends them to their dashboard."""
    response = client_as(portal_user()).get(reverse("portal_check_email"))
    assert response["Location"] == reverse("portal_home")


@pytest.mark.parametrize("email", ["taken@example.com", "TAKEN@example.com", " Taken@Example.com "])
def test_duplicate_email_is_refused_without_sending_anything(client, portal_user, mailoutbox, email):
    """An address already registered (in any case) is refused with the neutral message; no account, no email."""
    portal_user(email="taken@example.com")
    response = sign_up(client, email=email)
    assert response.status_code == 200
    assert "An account with this email address already exists. Sign in or reset your password" in errors_of(response)
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    assert mailoutbox == []


def test_staff_email_gets_the_same_duplicate_message(client, user_of_role, mailoutbox):
    """A staff member's address is refused with exactly the same words, so staff accounts are not revealed."""
    user_of_role(Role.SOCIAL_WORKER, email="sam.worker@northmoor.example")
    response = sign_up(client, email="sam.worker@northmoor.example")
    errors = errors_of(response)
    assert "An account with this email address already exists. Sign in or reset your password" in errors
    assert "staff" not in errors.lower()
    assert mailoutbox == []


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"password1": "short", "password2": "short"}, "too short"),
        ({"password1": "password12345", "password2": "password12345"}, "too common"),
        ({"password2": "something else entirely"}, "The passwords do not match"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"first_name": ""}, "Enter your first name"),
        ({"first_name": "<script>"}, "Names must only include letters"),
    ],
)
def test_sign_up_validation(client, mailoutbox, overrides, message):
    """Django's password validators and the GOV.UK field messages apply; nothing is created on error."""
    response = sign_up(client, **overrides)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not User.objects.filter(email="asha.shah@example.com").exists()
    assert mailoutbox == []


def test_portal_sign_in_with_email_in_any_case(client, portal_user):
    """The public sign in with their email address, whatever its case, and land on their dashboard."""
    portal_user(email="priya@example.com")
    response = client.post(reverse("portal_sign_in"), {"username": "Priya@Example.COM", "password": "password"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_home")
    assert client.get(reverse("portal_home")).status_code == 200


def test_portal_sign_in_refuses_staff(client, user_of_role):
    """A staff account with the right password is refused on the public sign-in and pointed to /sign-in/."""
    staff = user_of_role(Role.SOCIAL_WORKER)
    response = client.post(reverse("portal_sign_in"), {"username": staff.username, "password": "password"})
    assert response.status_code == 200
    assert STAFF_REFUSED in response.content.decode()
    assert SESSION_KEY not in client.session


def test_staff_sign_in_refuses_portal_users(client, portal_user):
    """A public account with the right password is refused on the staff sign-in."""
    user = portal_user(email="priya@example.com")
    response = client.post(reverse("login"), {"username": user.username, "password": "password"})
    assert response.status_code == 200
    # The staff sign-in template shows a fixed message for every non-field error, so check the form itself.
    assert any("This sign-in is for council staff" in e for e in response.context["form"].non_field_errors())
    assert SESSION_KEY not in client.session


def test_wrong_password_is_refused(client, portal_user):
    """A wrong password gives the neutral message and no session."""
    portal_user(email="priya@example.com")
    response = client.post(reverse("portal_sign_in"), {"username": "priya@example.com", "password": "nope"})
    assert "Enter a correct email address and password" in errors_of(response)
    assert SESSION_KEY not in client.session


def test_sign_out_needs_post_and_ends_the_session(client_as, portal_user):
    """GET does not sign out; POST does, and portal pages then ask to sign in again."""
    client = client_as(portal_user())
    assert client.get(reverse("portal_sign_out")).status_code == 405
    assert client.get(reverse("portal_home")).status_code == 200
    response = client.post(reverse("portal_sign_out"))
    assert response["Location"] == reverse("portal_sign_in")
    response = client.get(reverse("portal_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal_sign_in") + "?next=")


def test_anonymous_is_sent_to_the_portal_sign_in(client):
    """Portal pages send the public to the portal's sign-in (not the staff one), remembering the page."""
    response = client.get(reverse("portal_request_new"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_sign_in") + "?next=" + reverse("portal_request_new")


def test_staff_get_403_on_portal_pages(client_as, user_of_role):
    """Staff accounts cannot use the public portal pages."""
    client = client_as(user_of_role(Role.TEAM_MANAGER))
    assert client.get(reverse("portal_home")).status_code == 403
    assert client.get(reverse("portal_request_new")).status_code == 403


def test_password_reset_emails_only_public_accounts(client, portal_user, user_of_role, mailoutbox):
    """The reset page says the same for every address, but only a public account is sent a link."""
    user_of_role(Role.SOCIAL_WORKER, email="staff@northmoor.example")
    portal_user(email="priya@example.com")
    for email in ("staff@northmoor.example", "nobody@example.com", "priya@example.com"):
        response = client.post(reverse("portal_password_reset"), {"email": email})
        assert response["Location"] == reverse("portal_password_reset_sent")
    assert [m.to for m in mailoutbox] == [["priya@example.com"]]
    assert "/portal/reset-password/" in mailoutbox[0].body


def test_password_reset_link_sets_a_new_password(client, portal_user, mailoutbox):
    """Following the emailed reset link lets the person choose a new password (validated) and sign in with it."""
    portal_user(email="priya@example.com")
    client.post(reverse("portal_password_reset"), {"email": "priya@example.com"})
    link = path_of(re.search(r"https?://\S+/portal/reset-password/\S+/", mailoutbox[0].body).group(0))
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert "too short" in weak.content.decode()
    done = client.post(set_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done["Location"] == reverse("portal_password_reset_done")
    response = client.post(reverse("portal_sign_in"), {"username": "priya@example.com", "password": PASSWORD})
    assert response["Location"] == reverse("portal_home")


def test_account_create_service_refuses_a_race_on_the_same_email(portal_user):
    """The service refuses an address that exists already, even if the form's check was passed."""
    portal_user(email="priya@example.com")
    with pytest.raises(services.DomainError, match="already exists"):
        services.portal_account_create(
            first_name="Priya", last_name="Shah", email="PRIYA@example.com", password=PASSWORD
        )
