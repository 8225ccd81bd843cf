"""Portal pages for the person and their family. Views stay thin: access check, selector or service, template.

Every page except the start, account and sign-in pages needs a signed-in portal account with a confirmed email
address. Staff accounts get 403 here (they have their own pages), and records are always fetched through a
selector filtered by the signed-in account, so someone else's id in a URL is simply not found.
"""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from selfdirect.assessments.forms import section_form, unanswered
from selfdirect.assessments.models import Assessment
from selfdirect.core.access import public
from selfdirect.core.services import DomainError

from . import selectors, services, tokens
from .forms import (
    CreateAccountForm,
    PortalAuthenticationForm,
    PortalPasswordResetForm,
    SupportRequestForm,
    WhoForForm,
)

RESEND_INTERVAL_SECONDS = 60
SIGNED_OUT_MESSAGE = "You have been signed out. Your answers are kept on this device: sign in again to save them"


# --- Access -----------------------------------------------------------------------------------------


def portal_user_required(view=None, *, verified: bool = True):
    """Signed-in public account only (staff get 403); with verified=True, a confirmed email address too."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url=reverse("portal_sign_in"))
            if not user.is_portal_user:
                raise PermissionDenied("These pages are for members of the public. Staff use the staff pages.")
            if verified and user.email_verified_at is None:
                return redirect("portal_check_email")
            return view(request, *args, **kwargs)

        wrapped.access = "portal"
        return wrapped

    return decorator(view) if view is not None else decorator


def portal_json_required(view):
    """As portal_user_required, but answers in JSON (autosave must never get a sign-in page back)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return JsonResponse({"saved": False, "signed_out": True, "message": SIGNED_OUT_MESSAGE}, status=403)
        if not user.is_portal_user or user.email_verified_at is None:
            return JsonResponse(
                {"saved": False, "signed_out": False, "message": "This account cannot save these answers."},
                status=403,
            )
        return view(request, *args, **kwargs)

    wrapped.access = "portal"
    return wrapped


def _url_or(name: str, fallback: str | None) -> str | None:
    """Public pages other apps provide, linked only if they exist (or at their agreed address)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def _emergency_phone() -> str:
    return getattr(settings, "COUNCIL_EMERGENCY_PHONE", "")


# --- Accounts ---------------------------------------------------------------------------------------


@public
def start(request):
    return render(
        request,
        "portal/start.html",
        {
            "eligibility_checker_url": _url_or("eligibility_checker", "/eligibility-checker/"),
            "information_url": _url_or("information", None),
            "emergency_phone": _emergency_phone(),
        },
    )


@public
def create_account(request):
    if request.user.is_authenticated and request.user.is_portal_user:
        return redirect("portal_home")
    form = CreateAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.portal_account_create(
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password1"],
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            services.verification_email_send(user=user, request=request)
            login(request, user)
            request.session["portal_verify_sent_at"] = timezone.now().timestamp()
            return redirect("portal_check_email")
    return render(request, "portal/create_account.html", {"form": form})


@portal_user_required(verified=False)
def check_email(request):
    """An account whose email is not confirmed sees only this page, with a button to send the link again."""
    if request.user.email_verified_at is not None:
        return redirect("portal_home")
    resent = False
    if request.method == "POST":
        last = request.session.get("portal_verify_sent_at", 0)
        now = timezone.now().timestamp()
        if now - last < RESEND_INTERVAL_SECONDS:
            messages.success(request, "We sent you an email less than a minute ago. Check your inbox and spam folder")
        else:
            services.verification_email_send(user=request.user, request=request)
            request.session["portal_verify_sent_at"] = now
            resent = True
        return redirect(reverse("portal_check_email") + ("?resent=1" if resent else ""))
    return render(
        request,
        "portal/check_email.html",
        {"resent": request.GET.get("resent") == "1", "days": tokens.VERIFY_MAX_AGE.days},
    )


@public
def verify(request, token):
    try:
        user = services.portal_email_verify(token=token, request=request)
    except DomainError as error:
        return render(request, "portal/verify_failed.html", {"message": error.message}, status=400)
    if request.user.is_authenticated and request.user.pk == user.pk:
        messages.success(request, "Your email address is confirmed")
        return redirect("portal_home")
    return render(request, "portal/verified.html", {"verified_user": user})


@public
class PortalSignInView(auth_views.LoginView):
    form_class = PortalAuthenticationForm
    template_name = "portal/sign_in.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_portal_user:
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self):
        return reverse("portal_home")


@public
@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, "You have signed out")
    return redirect("portal_sign_in")


@public
class PortalPasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "portal/password_reset.html"
    email_template_name = "portal/email/password_reset.txt"
    subject_template_name = "portal/email/password_reset_subject.txt"
    success_url = reverse_lazy("portal_password_reset_sent")
    extra_email_context = {"council_name": settings.COUNCIL_NAME}


@public
class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal_password_reset_done")


# --- Dashboard and requests for support -------------------------------------------------------------


@portal_user_required
def home(request):
    requests = selectors.requests_for_portal_user(user=request.user)
    return render(request, "portal/home.html", {"support_requests": requests})


@portal_user_required
def request_new(request):
    """Ask for support in two steps: who it is for (a one-question page), then about them and what would help.

    The first answer travels as ?for_whom= and then as a hidden field, so nothing is kept in the session.
    """
    choice = request.POST.get("for_whom") if request.method == "POST" else request.GET.get("for_whom")
    if choice not in {"myself", "someone_else"}:
        # Unanswered radios are not sent at all, so the hidden "step" says the question was submitted.
        submitted = "step" in request.GET or request.method == "POST"
        who = WhoForForm({"for_whom": choice or ""} if submitted else None)
        who.is_valid()
        return render(request, "portal/request_who.html", {"form": who})
    for_self = choice == "myself"
    data = request.POST if request.method == "POST" else None
    form = SupportRequestForm(data, user=request.user, for_self=for_self)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.portal_support_request(user=request.user, request=request, **form.service_fields())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Your request for support has been sent to the council")
            return redirect("portal_assessment", pk=assessment.pk)
    context = {"form": form, "for_self": for_self, "emergency_phone": _emergency_phone()}
    return render(request, "portal/request_form.html", context)


# --- Self-assessment --------------------------------------------------------------------------------


def _heading(assessment: Assessment) -> str:
    if assessment.on_behalf and assessment.request:
        return f"Self-assessment for {assessment.request.subject_name}"
    return "Your self-assessment"


@portal_user_required
def assessment_detail(request, pk):
    """The task list while the self-assessment is being completed; its status and outcome once sent."""
    assessment = selectors.assessment_get_for_portal_user(user=request.user, pk=pk)
    summaries = selectors.answers_by_section(assessment)
    context = {
        "assessment": assessment,
        "support_request": assessment.request,
        "heading": _heading(assessment),
        "summaries": summaries,
        "emergency_phone": _emergency_phone(),
    }
    if assessment.status == Assessment.Status.DRAFT:
        context["completed_count"] = sum(s.status == selectors.Status.COMPLETED for s in summaries)
        return render(request, "portal/task_list.html", context)
    context["changes"] = selectors.answer_changes_for(assessment)
    context["statement"] = selectors.budget_statement_for(assessment)
    return render(request, "portal/assessment_status.html", context)


@require_POST
@portal_user_required
def future_hopes(request, pk):
    assessment = selectors.assessment_get_for_portal_user(user=request.user, pk=pk)
    show = request.POST.get("show") == "yes"
    try:
        services.portal_future_hopes_show(assessment=assessment, actor=request.user, show=show, request=request)
    except DomainError:
        return redirect("portal_assessment", pk=assessment.pk)
    if show:
        messages.success(request, "The questions about their hopes for the future have been added to the list")
        hopes = selectors.future_hopes_sections(assessment)
        anchor = f"#section-{selectors.section_number(assessment, hopes[0])}" if hopes else ""
        return redirect(reverse("portal_assessment", args=[assessment.pk]) + anchor)
    messages.success(request, "The questions about their hopes for the future have been hidden")
    return redirect("portal_assessment", pk=assessment.pk)


def _section_context(assessment, number, name, form):
    names = selectors.visible_sections(assessment)
    position = names.index(name)
    on_behalf = assessment.on_behalf
    sign_in = reverse("portal_sign_in") + "?next=" + reverse("portal_section", args=[assessment.pk, number])
    return {
        "assessment": assessment,
        "heading": _heading(assessment),
        "form": form,
        "number": number,
        "title": selectors.section_title(name, on_behalf=on_behalf),
        "position": position + 1,
        "total": len(names),
        "autosave_url": reverse("portal_section_autosave", args=[assessment.pk, number]),
        "storage_key": f"selfdirect-autosave:{assessment.pk}:{number}",
        "last_saved_ms": int(assessment.updated_at.timestamp() * 1000),
        "server_now_ms": int(timezone.now().timestamp() * 1000),
        "sign_in_url": sign_in,
    }


@portal_user_required
def section(request, pk, number):
    assessment = selectors.assessment_get_for_portal_user(user=request.user, pk=pk)
    if assessment.status != Assessment.Status.DRAFT:
        return redirect("portal_assessment", pk=assessment.pk)
    name = selectors.section_by_number(assessment, number)
    form = section_form(
        assessment, name, on_behalf=assessment.on_behalf, data=request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.portal_answers_save(assessment=assessment, actor=request.user, form=form, request=request)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if request.POST.get("action") == "later":
                messages.success(request, "Your answers have been saved. You can come back and finish at any time")
                return redirect("portal_assessment", pk=assessment.pk)
            names = selectors.visible_sections(assessment)
            following = names[names.index(name) + 1 :]
            if following:
                number = selectors.section_number(assessment, following[0])
                return redirect("portal_section", pk=assessment.pk, number=number)
            return redirect("portal_check", pk=assessment.pk)
    # Invalid: the bound form re-renders with everything typed, so nothing is lost.
    return render(request, "portal/section.html", _section_context(assessment, number, name, form))


@require_POST
@portal_json_required
def section_autosave(request, pk, number):
    """Save whatever is on the page so far. JSON in every case, never a redirect to a sign-in page."""
    try:
        assessment = selectors.assessment_get_for_portal_user(user=request.user, pk=pk)
        name = selectors.section_by_number(assessment, number)
    except Http404:
        return JsonResponse({"saved": False, "errors": {"__all__": ["There is no such page."]}}, status=404)
    if assessment.status != Assessment.Status.DRAFT:
        message = "This self-assessment has been sent to the council, so it can no longer be changed."
        return JsonResponse({"saved": False, "errors": {"__all__": [message]}}, status=409)
    form = section_form(assessment, name, on_behalf=assessment.on_behalf, data=request.POST)
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return JsonResponse({"saved": False, "errors": errors}, status=400)
    try:
        saved = services.portal_answers_save(assessment=assessment, actor=request.user, form=form, request=request)
    except DomainError as error:
        return JsonResponse({"saved": False, "errors": {"__all__": [error.message]}}, status=400)
    local = timezone.localtime(saved.updated_at)  # shown GOV.UK style: "10:42am"
    return JsonResponse(
        {
            "saved": True,
            "saved_at": saved.updated_at.isoformat(),
            "saved_at_display": f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}",
            "saved_at_ms": int(saved.updated_at.timestamp() * 1000),
        }
    )


class SubmitForm(forms.Form):
    """No fields: a place for the submission's error message."""


@portal_user_required
def check_answers(request, pk):
    assessment = selectors.assessment_get_for_portal_user(user=request.user, pk=pk)
    if assessment.status != Assessment.Status.DRAFT:
        return redirect("portal_assessment", pk=assessment.pk)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.portal_assessment_submit(assessment=assessment, actor=request.user, request=request)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your self-assessment has been sent to the council")
            return redirect("portal_assessment", pk=assessment.pk)
    on_behalf = assessment.on_behalf
    missing = [
        {"title": selectors.section_title(n, on_behalf=on_behalf), "number": selectors.section_number(assessment, n)}
        for n in unanswered(assessment)
    ]
    context = {
        "assessment": assessment,
        "heading": _heading(assessment),
        "summaries": selectors.answers_by_section(assessment),
        "missing": missing,
        "form": form,
    }
    return render(request, "portal/check_answers.html", context)
