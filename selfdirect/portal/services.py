"""Every change of state the portal makes: accounts, requests for support, self-assessment answers.

Each runs in one transaction with its audit record. Requests and assessments go through
assessments.services, so the portal and staff pages share one set of rules.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from selfdirect.assessments import services as assessment_services
from selfdirect.assessments.models import Assessment, Question
from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError

from . import tokens

DUPLICATE_EMAIL = "An account with this email address already exists. Sign in or reset your password"
LINK_INVALID = "This link is not valid. Sign in and ask for a new one"
LINK_EXPIRED = "This link has expired: links work for 3 days. Sign in and ask for a new one"


def email_in_use(email: str) -> bool:
    """True if any account, staff or public, already uses this address as its email or username."""
    User = get_user_model()
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists()


def portal_account_create(*, first_name: str, last_name: str, email: str, password: str, request=None):
    """A public account: the email address (lower-case) is the username; no staff role; not yet verified.

    The same refusal for every account that exists already, staff or public, so the page reveals nothing
    about who works for the council.
    """
    User = get_user_model()
    email = email.strip().lower()
    if email_in_use(email):
        raise DomainError(DUPLICATE_EMAIL, field="email")
    try:
        with transaction.atomic():
            user = User(username=email, email=email, first_name=first_name, last_name=last_name, role="")
            user.set_password(password)
            user.save()
            audit_record(
                actor=user,
                action=AuditEvent.Action.CREATE,
                obj=user,
                summary="Portal account created",
                request=request,
            )
    except IntegrityError as exc:  # the same address registered a moment ago in another request
        raise DomainError(DUPLICATE_EMAIL, field="email") from exc
    return user


def verification_email_send(*, user, request) -> None:
    """Email a link that confirms the address. Sent outside any transaction: a rolled-back sign-up sends none."""
    link = request.build_absolute_uri(reverse("portal_verify", args=[tokens.verification_token(user)]))
    context = {
        "user": user,
        "link": link,
        "council_name": settings.COUNCIL_NAME,
        "days": tokens.VERIFY_MAX_AGE.days,
    }
    send_mail(
        subject=f"Confirm your email address – {settings.COUNCIL_NAME} adult social care",
        message=render_to_string("portal/email/verify.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def portal_email_verify(*, token: str, request=None):
    """Mark the account's email as confirmed. Following the same link twice is harmless."""
    try:
        user_id, email = tokens.read_verification_token(token)
    except tokens.TokenExpired as exc:
        raise DomainError(LINK_EXPIRED) from exc
    except tokens.TokenInvalid as exc:
        raise DomainError(LINK_INVALID) from exc
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=user_id, role="", is_active=True).first()
    if user is None or user.email.lower() != email:
        raise DomainError(LINK_INVALID)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        audit_record(
            actor=user,
            action=AuditEvent.Action.UPDATE,
            obj=user,
            summary="Portal email address verified",
            changes={"email_verified_at": [None, str(user.email_verified_at)]},
            request=request,
        )
    return user


# --- Requests for support and self-assessment ------------------------------------------------------


@transaction.atomic
def portal_support_request(
    *,
    user,
    for_self: bool,
    requester: str,
    requester_name: str,
    relationship: str,
    first_name: str,
    last_name: str,
    date_of_birth,
    postcode: str,
    phone: str,
    what_they_need: str,
    immediate_risk: bool,
    request=None,
) -> Assessment:
    """A request for support made online, and the supported self-assessment that starts with it."""
    support_request = assessment_services.request_record(
        actor=user,
        request=request,
        channel="portal",
        route_of_access="Community/Other route",
        requester="self" if for_self else requester,
        requester_name="" if for_self else requester_name,
        requester_contact=user.email,
        portal_user=user,
        subject_first_name=first_name,
        subject_last_name=last_name,
        subject_date_of_birth=date_of_birth,
        subject_postcode=postcode,
        subject_phone=phone,
        what_they_need=what_they_need,
        immediate_risk=immediate_risk,
    )
    return assessment_services.assessment_start(
        actor=user,
        support_request=support_request,
        respondent=Assessment.Respondent.PERSON if for_self else Assessment.Respondent.ON_BEHALF,
        respondent_name=(user.get_full_name() or user.email) if for_self else requester_name,
        respondent_relationship="" if for_self else relationship,
        method="Supported Self-Assessment",
        request=request,
    )


def _require_draft(assessment: Assessment) -> None:
    if assessment.status != Assessment.Status.DRAFT:
        raise DomainError("This self-assessment has been sent to the council, so it can no longer be changed.")


def cleared_answers(form) -> dict:
    """Text answers the person emptied on this page, as {key: ""}.

    SectionForm.payload() leaves out empty answers (so a half-finished page records nothing by accident), but
    that also means deleting what you wrote would never reach the database. Only text questions whose field
    was actually sent are included, so an autosave of one page never clears another page's answers.
    """
    cleared = {}
    for question in form.questions:
        if question.kind != Question.Kind.TEXT or question.key not in form.data:
            continue
        if form.cleaned_data.get(question.key, "") == "":
            cleared[question.key] = ""
    return cleared


def portal_answers_save(*, assessment: Assessment, actor, form, request=None) -> Assessment:
    """Save a valid section form (autosave, "save and continue" and "save and come back later")."""
    _require_draft(assessment)
    outcomes, answers = form.payload()
    answers = cleared_answers(form) | answers
    return assessment_services.assessment_save_answers(
        assessment=assessment, actor=actor, outcomes=outcomes, answers=answers, request=request
    )


@transaction.atomic
def portal_future_hopes_show(*, assessment: Assessment, actor, show: bool, request=None) -> Assessment:
    """Someone answering for the person chooses to see (or hide again) the questions about future hopes."""
    _require_draft(assessment)
    if not assessment.on_behalf:
        raise DomainError("These questions are always shown to the person themselves.")
    old = assessment.show_future_hopes_to_proxy
    if old != show:
        assessment.show_future_hopes_to_proxy = show
        assessment.save(update_fields=["show_future_hopes_to_proxy", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=assessment,
            person_id=assessment.person_id,
            summary="Questions about hopes for the future " + ("shown" if show else "hidden again"),
            changes={"show_future_hopes_to_proxy": [old, show]},
            request=request,
        )
    return assessment


def portal_assessment_submit(*, assessment: Assessment, actor, request=None) -> Assessment:
    _require_draft(assessment)
    return assessment_services.assessment_submit(assessment=assessment, actor=actor, request=request)
