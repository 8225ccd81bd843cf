"""DEMO ONLY: the seeded demo accounts share a published authenticator secret, so people trying the demo can sign
in without a phone. With DEBUG on, the code page shows the current code for those accounts; with DEBUG off
(every real deployment) it never does, and the secret is only useful against the seeded demo accounts.
"""

from base64 import b32decode
from binascii import hexlify

from django.conf import settings
from django_otp.oath import TOTP

DEMO_TOTP_SECRET = "SELFDIRECTDEMOKEYSELFDIRECTDEMO2"  # noqa: S105 - published on purpose, demo accounts only
DEMO_TOTP_KEY = hexlify(b32decode(DEMO_TOTP_SECRET)).decode()
DEMO_DEVICE_NAME = "Demo authenticator (published secret)"


def _is_seeded_demo_account(user) -> bool:
    from selfdirect.people.seeding import DEMO_USERS, STAFF_EMAIL_DOMAIN

    return user.username in {d.username for d in DEMO_USERS} and (user.email or "").lower().endswith(
        f"@{STAFF_EMAIL_DOMAIN}"
    )


def demo_code_for(user) -> str | None:
    """The code the demo account's authenticator would show now, or None (always None unless DEBUG)."""
    if not settings.DEBUG or not getattr(user, "is_authenticated", False) or not _is_seeded_demo_account(user):
        return None
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True, key=DEMO_TOTP_KEY).first()
    if device is None:
        return None
    return next_code(device)


def next_code(device) -> str:
    """The code `device` accepts now: the current step's, or the next step's (within the one-step tolerance) when the
    current one was already used, since a used code is refused as a replay."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = (device.last_t + 1 - device.drift) * device.step + device.t0
    return f"{totp.token():0{device.digits}d}"


def seed_demo_second_factors() -> int:
    """Give every seeded demo account the published demo secret (replacing any device it had). Safe to re-run."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from selfdirect.people.seeding import DEMO_USERS

    users = [u for u in get_user_model().objects.filter(username__in=[d.username for d in DEMO_USERS])
             if _is_seeded_demo_account(u)]  # fmt: skip
    TOTPDevice.objects.filter(user__in=users).delete()
    TOTPDevice.objects.bulk_create(
        [TOTPDevice(user=u, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True) for u in users]
    )
    return len(users)


def demo_second_factor_text() -> str:
    """The lines `make demo-logins` adds under the demo sign-ins."""
    return (
        f"Second factor: every demo account uses the authenticator secret {DEMO_TOTP_SECRET} (add it to any "
        "authenticator app), and with DEBUG on the code page shows the current code. Demo accounts only."
    )
