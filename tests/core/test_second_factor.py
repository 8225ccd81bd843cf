"""The staff second factor: no staff page opens until a code is confirmed in this session; codes are checked,
one-time and throttled; recovery codes work once; administrators can reset; the demo helper never shows with
DEBUG off; the public portal needs no code."""

from base64 import b32decode, b32encode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.second_factor_demo import (
    DEMO_TOTP_KEY,
    DEMO_TOTP_SECRET,
    demo_second_factor_text,
    seed_demo_second_factors,
)
from selfdirect.core.throttle import LOCKED_MESSAGE, MAX_FAILURES_PER_ACCOUNT
from selfdirect.governance.models import RecoveryCode
from tests.core.test_access_walk import STAFF_ROUTES, _request, _url

# A fixed 20-byte key: its base32 form is what a person would type into their app.
KEY = "3132333435363738393031323334353637383930"  # RFC 6238's own test key, "12345678901234567890"
STEP_SECONDS = 30
STEPS_SELF = {"second_factor", "second_factor_setup"}


def current_code(key_hex: str = KEY, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows now (or `steps_ahead` steps later): RFC 6238 via django-otp's oath module."""
    value = totp(bytes.fromhex(key_hex), step=STEP_SECONDS, t0=-steps_ahead * STEP_SECONDS, digits=6)
    return f"{value:06d}"


def password_signed_in(user) -> Client:
    """A client that has passed the password step only (as after the sign-in form)."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": "password"})
    assert response.status_code == 302
    return client


def with_device(user, key: str = KEY) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", key=key, confirmed=True)


def enter(client: Client, code: str, next_url: str = "/"):
    return client.post(reverse("second_factor"), {"code": code, "next": next_url})


@pytest.fixture
def worker(social_worker):
    with_device(social_worker)
    return social_worker


# --- every staff page refuses an unverified session ---------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER])
def test_every_staff_view_sends_an_unverified_session_to_the_code_step(role, user_of_role):
    """Walk every staff URL after the password alone: each one redirects to the second-factor step (the role's
    permissions are not even revealed), except the second-factor steps themselves."""
    user = user_of_role(role)
    with_device(user)
    client = password_signed_in(user)
    wrong = []
    for route, pattern in STAFF_ROUTES:
        if pattern.name in STEPS_SELF:
            continue
        response = _request(client, _url(route))
        if response.status_code != 302 or not response["Location"].startswith(reverse("second_factor")):
            wrong.append(f"{route}: {response.status_code} {response.get('Location', '')}")
    assert STAFF_ROUTES and not wrong, wrong


def test_with_the_setting_off_the_password_alone_opens_staff_pages(settings, worker, person):
    settings.SECOND_FACTOR_REQUIRED = False
    client = password_signed_in(worker)
    assert client.get(reverse("person_detail", args=[person.pk])).status_code == 200


def test_with_the_setting_on_the_password_alone_does_not(settings, worker, person):
    settings.SECOND_FACTOR_REQUIRED = True
    client = password_signed_in(worker)
    response = client.get(reverse("person_detail", args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/sign-in/second-factor/?next=%2Fpeople%2F{person.pk}%2F"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, person_id=person.pk).exists()


def test_a_fresh_password_sign_in_needs_a_fresh_code(client_as, worker):
    client = client_as(worker)
    assert client.get(reverse("my_caseload")).status_code == 200
    client.force_login(worker)  # signing in again, as the sign-in form does
    assert client.get(reverse("my_caseload")).status_code == 302


def test_portal_users_need_no_code(client, portal_user_account):
    response = client.post(reverse("portal_sign_in"), {"username": "priya@example.com", "password": "password"})
    assert response.status_code == 302
    assert client.get(reverse("portal_home")).status_code == 200


@pytest.fixture
def portal_user_account(user_of_role):
    return user_of_role("", username="priya@example.com", email="priya@example.com", email_verified_at=timezone.now())


# --- codes ---------------------------------------------------------------------------------------------------


def test_the_right_code_opens_staff_pages_and_is_audited(worker, person):
    client = password_signed_in(worker)
    response = enter(client, current_code(), f"/people/{person.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    assert client.get(f"/people/{person.pk}/").status_code == 200
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN, actor=worker).latest("id")
    assert event.summary == "Signed in with a second factor (authenticator app)"


def test_codes_typed_with_spaces_are_accepted(worker):
    code = current_code()
    assert enter(password_signed_in(worker), f"{code[:3]} {code[3:]}").status_code == 302


@pytest.mark.parametrize("typed", ["000000", "12345", "abcdef", "1234567", "<script>", "９９９９９９"])
def test_a_wrong_code_is_refused_clearly_and_audited(worker, typed):
    if typed == current_code():  # one in a million: the wrong code happens to be right
        pytest.skip("the typed code is the current one")
    client = password_signed_in(worker)
    response = enter(client, typed)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode() and "The code is not right" in response.content.decode()
    assert client.get(reverse("my_caseload")).status_code == 302
    failed = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert failed.object_id == worker.username and "second-factor" in failed.summary


def test_an_empty_code_asks_for_one(worker):
    response = enter(password_signed_in(worker), "  ")
    assert "Enter the 6-digit code from your authenticator app, or a recovery code" in response.content.decode()


def test_a_code_cannot_be_used_twice(worker):
    """A code seen over someone's shoulder is useless once used: the next sign-in needs a newer one."""
    code = current_code()
    assert enter(password_signed_in(worker), code).status_code == 302
    second = password_signed_in(worker)
    response = enter(second, code)
    assert response.status_code == 200 and "The code is not right" in response.content.decode()
    # The next time step's code (the app's next one) still works.
    assert enter(second, current_code(steps_ahead=1)).status_code == 302


def test_five_wrong_codes_lock_the_account_even_for_the_right_code(worker):
    client = password_signed_in(worker)
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        enter(client, "000001" if current_code() != "000001" else "000002")
    response = enter(client, current_code())
    assert response.status_code == 200 and LOCKED_MESSAGE in response.content.decode()
    assert client.get(reverse("my_caseload")).status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, actor=worker).exists()


def test_wrong_codes_and_wrong_passwords_share_one_lock(client, worker):
    """Failures of either kind count together, so mixing them gives no more guesses."""
    for _ in range(MAX_FAILURES_PER_ACCOUNT - 1):
        client.post(reverse("login"), {"username": worker.username, "password": "not-it"})
    signed_in = password_signed_in(worker)
    enter(signed_in, "000001" if current_code() != "000001" else "000002")
    assert LOCKED_MESSAGE in enter(signed_in, current_code()).content.decode()


# --- setting up ----------------------------------------------------------------------------------------------


def test_setting_up_an_authenticator_app(social_worker):
    """No device: sent to set up, shown a QR code (inline SVG) and the key as text; a wrong code is refused; the
    right one confirms it and shows ten recovery codes once."""
    client = password_signed_in(social_worker)
    response = client.get(reverse("second_factor"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("second_factor_setup"))
    page = client.get(response["Location"]).content.decode()
    device = TOTPDevice.objects.get(user=social_worker, confirmed=False)
    secret = b32encode(bytes.fromhex(device.key)).decode()
    assert "<svg" in page and " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]

    wrong = "000001" if current_code(device.key) != "000001" else "000002"
    refused = client.post(reverse("second_factor_setup"), {"code": wrong, "next": "/"})
    assert refused.status_code == 200 and "The code is not right" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=social_worker, confirmed=True).exists()

    done = client.post(reverse("second_factor_setup"), {"code": current_code(device.key), "next": "/caseload/"})
    assert done.status_code == 302 and done["Location"].startswith(reverse("second_factor_recovery_codes"))
    codes_page = client.get(done["Location"]).content.decode()
    assert codes_page.count("<li>") >= 10 and RecoveryCode.objects.filter(user=social_worker).count() == 10
    assert 'href="/caseload/"' in codes_page
    # Shown once: the page does not show them again.
    assert "shown only once, when they are made" in client.get(reverse("second_factor_recovery_codes")).content.decode()
    assert client.get(reverse("my_caseload")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, actor=social_worker,
                                     summary__contains="authenticator app").exists()  # fmt: skip


def test_someone_with_an_app_cannot_replace_it_without_a_code(worker):
    client = password_signed_in(worker)
    response = client.get(reverse("second_factor_setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("second_factor"))


# --- recovery codes ------------------------------------------------------------------------------------------


def _recovery_codes(client, user) -> list[str]:
    client.post(reverse("second_factor_manage"))
    page = client.get(reverse("second_factor_recovery_codes")).content.decode()
    listed = page.split('id="recovery-codes"', 1)[1].split("</ul>", 1)[0]
    return [item.split("</li>", 1)[0].strip() for item in listed.split("<li>")[1:]]


def test_recovery_codes_work_once_and_are_kept_only_hashed(client_as, worker):
    codes = _recovery_codes(client_as(worker), worker)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(user=worker).values_list("code_hash", flat=True))
    assert not {c.replace("-", "") for c in codes} & stored and not set(codes) & stored

    first = password_signed_in(worker)
    assert enter(first, codes[0].upper()).status_code == 302  # as typed from paper, any case
    assert first.get(reverse("my_caseload")).status_code == 200
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN, actor=worker).latest("id")
    assert event.summary == "Signed in with a second factor (recovery code used; 9 left)"

    again = password_signed_in(worker)
    assert "The code is not right" in enter(again, codes[0]).content.decode()
    assert enter(again, codes[1]).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client_as, worker):
    client = client_as(worker)
    old = _recovery_codes(client, worker)
    new = _recovery_codes(client, worker)
    assert not set(old) & set(new)
    assert "The code is not right" in enter(password_signed_in(worker), old[2]).content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, actor=worker,
                                     summary__startswith="Made new recovery codes").count() == 2  # fmt: skip


# --- an administrator resets a lost phone --------------------------------------------------------------------


def test_an_administrator_resets_someones_second_factor(client_as, user_of_role, worker):
    admin = user_of_role(Role.ADMINISTRATOR)
    client = client_as(admin)
    listing = client.get(reverse("second_factor_staff")).content.decode()
    assert worker.username in listing
    response = client.post(reverse("second_factor_reset", args=[worker.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=worker).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, actor=admin)
    assert event.summary == f"Reset the second factor of {worker.username}" and event.object_id == str(worker.pk)
    # At the next sign-in the worker sets up a new app.
    assert (
        password_signed_in(worker).get(reverse("second_factor"))["Location"].startswith(reverse("second_factor_setup"))
    )


def test_only_administrators_reset(client_as, user_of_role, worker):
    for role in (Role.TEAM_MANAGER, Role.DATA_PROTECTION_OFFICER, Role.SOCIAL_WORKER):
        assert client_as(user_of_role(role)).post(reverse("second_factor_reset", args=[worker.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=worker).exists()


# --- the demo helper -----------------------------------------------------------------------------------------


@pytest.fixture
def demo_worker(user_of_role):
    user = user_of_role(Role.SOCIAL_WORKER, username="social.worker", email="social.worker@staff.northmoor.example")
    assert seed_demo_second_factors() == 1
    return user


def test_demo_accounts_get_the_published_secret(demo_worker):
    device = TOTPDevice.objects.get(user=demo_worker, confirmed=True)
    assert device.key == DEMO_TOTP_KEY == b32decode(DEMO_TOTP_SECRET).hex()
    assert DEMO_TOTP_SECRET in demo_second_factor_text()
    assert seed_demo_second_factors() == 1 and TOTPDevice.objects.filter(user=demo_worker).count() == 1


def test_with_debug_on_the_code_page_shows_a_demo_accounts_code(settings, demo_worker):
    settings.DEBUG = True
    client = password_signed_in(demo_worker)
    page = client.get(reverse("second_factor")).content.decode()
    shown = current_code(DEMO_TOTP_KEY)
    assert "Demo only" in page and (shown in page or current_code(DEMO_TOTP_KEY, steps_ahead=1) in page)


def test_with_debug_off_the_demo_code_is_never_shown(settings, demo_worker):
    settings.DEBUG = False
    page = password_signed_in(demo_worker).get(reverse("second_factor")).content.decode()
    assert "Demo only" not in page and current_code(DEMO_TOTP_KEY) not in page


def test_the_demo_helper_ignores_accounts_that_are_not_seeded_demo_accounts(settings, user_of_role):
    """Even with DEBUG on and the demo secret, an account outside the seeded demo set sees no code."""
    settings.DEBUG = True
    user = user_of_role(Role.SOCIAL_WORKER, username="social.worker", email="priya@council.example")
    with_device(user, DEMO_TOTP_KEY)
    page = password_signed_in(user).get(reverse("second_factor")).content.decode()
    assert "Demo only" not in page
