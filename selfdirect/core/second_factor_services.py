"""The staff second factor: an authenticator app (TOTP, RFC 6238, through django-otp's TOTPDevice) and ten
one-time recovery codes. Every success, failure, recovery-code use, new set of codes and reset is audited.

django-otp gives the tested parts that matter: the code check with one step of clock tolerance, and refusing a
code already used (`last_t`). Failed codes count towards the same lock-out as failed passwords (core/throttle.py,
counted from the audit log), so guessing codes is as slow as guessing passwords. Recovery codes are our own model
(governance.RecoveryCode) because django-otp's static tokens are stored in plain text; ours keep only a keyed hash.
"""

import secrets
from base64 import b32encode

from django.contrib.auth import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record, client_ip
from .models import AuditEvent
from .second_factor import clear_second_factor, mark_second_factor_verified
from .services import DomainError
from .throttle import LOCKED_MESSAGE, sign_in_locked

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are copied from paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
DEVICE_NAME = "Authenticator app"
WRONG_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now, or a recovery code"
NO_CODE = "Enter the 6-digit code from your authenticator app, or a recovery code"


class SecondFactorError(DomainError):
    def __init__(self, message: str):
        super().__init__(message, field="code")


@receiver(user_logged_in)
def _fresh_sign_in_needs_a_fresh_code(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        clear_second_factor(request.session)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def device_for_setup(user) -> TOTPDevice:
    """The unconfirmed device being set up (made once, so reloading the page keeps the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def device_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app that cannot scan: base32, in groups of four."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _normalise(code: str) -> str:
    return "".join(ch for ch in str(code).lower() if ch.isalnum())


def _hash(code: str) -> str:
    return salted_hmac("selfdirect.recovery-code", _normalise(code)).hexdigest()


def _new_recovery_codes(user) -> list[str]:
    from selfdirect.governance.models import RecoveryCode

    RecoveryCode.objects.filter(user=user).delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH)) for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash(code)) for code in codes])
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def unused_recovery_codes(user) -> int:
    from selfdirect.governance.models import RecoveryCode

    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _use_recovery_code(user, code: str) -> bool:
    """One time only: the update that marks it used succeeds for exactly one request."""
    from selfdirect.governance.models import RecoveryCode

    return bool(
        RecoveryCode.objects.filter(user=user, code_hash=_hash(code), used_at__isnull=True).update(
            used_at=timezone.now()
        )
    )


def _refuse_if_locked(*, user, request) -> None:
    if sign_in_locked(username=user.username, ip=client_ip(request)):
        audit_record(actor=user, action=AuditEvent.Action.DENIED, obj=user, request=request,
                     summary="Second factor refused: too many failed attempts")  # fmt: skip
        raise SecondFactorError(LOCKED_MESSAGE)


def _record_failure(*, user, request) -> None:
    # Counted with failed passwords by core/throttle.py (same action, same account key).
    audit_record(
        actor=None,
        action=AuditEvent.Action.SIGN_IN_FAILED,
        object_type="core.user",
        object_id=user.username.strip().lower()[:40],
        summary=f"Wrong second-factor code for {user.username!r}",
        request=request,
    )


def _verified(*, user, request, summary: str) -> None:
    request.session.cycle_key()  # a new session id once fully signed in (as Django does after the password)
    mark_second_factor_verified(request.session, user)
    audit_record(actor=user, action=AuditEvent.Action.SIGN_IN, obj=user, summary=summary, request=request)


def second_factor_verify(*, user, code: str, request) -> str:
    """Check an authenticator code or a recovery code; on success the session counts as verified.

    Returns "app" or "recovery". Raises SecondFactorError (and audits the failure) otherwise.
    """
    _refuse_if_locked(user=user, request=request)
    if not _normalise(code):
        raise SecondFactorError(NO_CODE)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        digits = _normalise(code)
        if device is not None and digits.isdigit() and len(digits) == device.digits and device.verify_token(digits):
            _verified(user=user, request=request, summary="Signed in with a second factor (authenticator app)")
            return "app"
        if len(digits) == RECOVERY_LENGTH and _use_recovery_code(user, digits):
            left = unused_recovery_codes(user)
            _verified(user=user, request=request,
                      summary=f"Signed in with a second factor (recovery code used; {left} left)")  # fmt: skip
            return "recovery"
    _record_failure(user=user, request=request)
    raise SecondFactorError(WRONG_CODE)


def second_factor_confirm_setup(*, user, code: str, request) -> list[str]:
    """Confirm the new authenticator app with its first code: returns the ten recovery codes (shown once)."""
    _refuse_if_locked(user=user, request=request)
    if not _normalise(code):
        raise SecondFactorError("Enter the 6-digit code your authenticator app shows")
    with transaction.atomic():
        if confirmed_device(user) is not None:
            raise SecondFactorError("Your authenticator app is already set up: enter a code from it instead")
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is not None and device.verify_token(_normalise(code)):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _new_recovery_codes(user)
            audit_record(actor=user, action=AuditEvent.Action.CREATE, obj=device, request=request,
                         summary="Set up an authenticator app and made 10 recovery codes")  # fmt: skip
            _verified(user=user, request=request, summary="Signed in with a second factor (new authenticator app)")
            return codes
    _record_failure(user=user, request=request)
    raise SecondFactorError("The code is not right. Check the app shows selfdirect and enter the code it shows now")


@transaction.atomic
def recovery_codes_regenerate(*, user, request=None) -> list[str]:
    """Replace every recovery code (used or not) with ten new ones."""
    codes = _new_recovery_codes(user)
    audit_record(actor=user, action=AuditEvent.Action.UPDATE, obj=user, request=request,
                 summary="Made new recovery codes (the old ones no longer work)")  # fmt: skip
    return codes


@transaction.atomic
def second_factor_reset(*, actor, user, request=None) -> None:
    """An administrator removes someone's authenticator app and recovery codes (a lost phone): they set up a new
    one at their next sign-in."""
    from selfdirect.governance.models import RecoveryCode

    if not user.role:
        raise DomainError("Only staff accounts have a second factor.")
    devices = TOTPDevice.objects.filter(user=user).delete()[0]
    RecoveryCode.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        request=request,
        summary=f"Reset the second factor of {user.username}",
        changes={"devices_removed": devices},
    )
