"""Sign-in lock-out after repeated failures, for staff and portal sign-ins alike."""

from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.core.throttle import LOCKED_MESSAGE, MAX_FAILURES_PER_ACCOUNT


def _fail(client, url, username, times):
    for _ in range(times):
        client.post(url, {"username": username, "password": "not-the-password"})


def test_staff_account_locks_after_five_failures_even_with_the_right_password(client, social_worker):
    """After 5 failures in 15 minutes the right password is refused too, with a message saying why."""
    _fail(client, reverse("login"), social_worker.username, MAX_FAILURES_PER_ACCOUNT)
    response = client.post(reverse("login"), {"username": social_worker.username, "password": "password"})
    assert response.status_code == 200 and LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, object_id=social_worker.username).exists()


def test_four_failures_do_not_lock(client, social_worker):
    _fail(client, reverse("login"), social_worker.username, MAX_FAILURES_PER_ACCOUNT - 1)
    response = client.post(reverse("login"), {"username": social_worker.username, "password": "password"})
    assert response.status_code == 302


def test_other_accounts_are_not_locked(client, social_worker, team_manager):
    """Locking one account does not lock another (unless one address tries many)."""
    _fail(client, reverse("login"), social_worker.username, MAX_FAILURES_PER_ACCOUNT)
    response = client.post(reverse("login"), {"username": team_manager.username, "password": "password"})
    assert response.status_code == 302


def test_portal_sign_in_locks_too(client, user_of_role):
    """The public portal's sign-in has the same lock-out, by email address."""
    from django.utils import timezone

    person = user_of_role("", username="ann@example.org", email="ann@example.org", email_verified_at=timezone.now())
    _fail(client, reverse("portal_sign_in"), "ann@example.org", MAX_FAILURES_PER_ACCOUNT)
    response = client.post(reverse("portal_sign_in"), {"username": person.username, "password": "password"})
    assert LOCKED_MESSAGE in response.content.decode()
