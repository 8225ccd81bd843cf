"""Signed, expiring tokens for the links the portal emails (confirming an email address).

A token names the account and the email address it was sent to, signed with SECRET_KEY and a salt of its
own (so no other signed value in the project can stand in for one). Changing the account's email address
invalidates every token sent to the old one. Nothing is stored: the signature is the proof.
"""

import datetime

from django.core import signing

VERIFY_SALT = "selfdirect.portal.verify-email"
VERIFY_MAX_AGE = datetime.timedelta(days=3)


class TokenInvalid(Exception):
    """The link was altered, was never ours, or names an account it does not match."""


class TokenExpired(TokenInvalid):
    """The link was genuine but is older than VERIFY_MAX_AGE."""


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=VERIFY_SALT)


def verification_token(user) -> str:
    """A URL-safe token proving that whoever holds it received the email sent to user.email."""
    return _signer().sign_object({"u": user.pk, "e": user.email.lower()}, compress=False)


def read_verification_token(token: str, *, max_age: datetime.timedelta = VERIFY_MAX_AGE) -> tuple[int, str]:
    """(user id, email) from a token, or TokenExpired / TokenInvalid."""
    try:
        data = _signer().unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenExpired("This link has expired.") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise TokenInvalid("This link is not valid.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        raise TokenInvalid("This link is not valid.")
    return data["u"], data["e"]
