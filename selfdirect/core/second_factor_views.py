"""The second sign-in step for staff: set up an authenticator app, enter its code (or a recovery code), see new
recovery codes once, and, for administrators, reset someone's second factor when they lose their phone."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from . import second_factor_services as services
from .permissions import Action, staff_required
from .second_factor import is_second_factor_verified, second_factor_required
from .second_factor_demo import demo_code_for
from .second_factor_forms import SecondFactorCodeForm
from .services import DomainError

NEW_CODES_KEY = "selfdirect_new_recovery_codes"


def staff_before_second_factor(view):
    """Signed-in staff who may not have confirmed their code yet: only the second-factor steps use this."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff_member:
            raise PermissionDenied("This page is for council staff.")
        return view(request, *args, **kwargs)

    wrapped.required_action = None
    wrapped.access = "staff"
    return wrapped


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


def _done(request):
    return not second_factor_required() or is_second_factor_verified(request)


@staff_before_second_factor
def second_factor(request):
    if _done(request):
        return redirect(_next(request))
    if services.confirmed_device(request.user) is None:
        return redirect(_with_next("second_factor_setup", request))
    form = SecondFactorCodeForm(
        request.POST or None,
        hint="Open the authenticator app on your phone and enter the 6-digit code it shows for selfdirect. "
        "If you cannot use your phone, enter one of your recovery codes instead.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            used = services.second_factor_verify(user=request.user, code=form.cleaned_data["code"], request=request)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if used == "recovery":
                left = services.unused_recovery_codes(request.user)
                messages.warning(request, f"You used a recovery code. You have {left} left: make new ones if you "
                                          "are running out (the Your second factor page).")  # fmt: skip
            return redirect(_next(request))
    context = {"form": form, "next": _next(request), "demo_code": demo_code_for(request.user)}
    return render(request, "core/second_factor.html", context)


@staff_before_second_factor
def second_factor_setup(request):
    if services.confirmed_device(request.user) is not None:
        return redirect(_with_next("second_factor", request))
    device = services.device_for_setup(request.user)
    form = SecondFactorCodeForm(request.POST or None, hint="The 6-digit code the app shows after you add selfdirect")
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.second_factor_confirm_setup(
                user=request.user, code=form.cleaned_data["code"], request=request
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            request.session[NEW_CODES_KEY] = codes
            return redirect(_with_next("second_factor_recovery_codes", request))
    import segno

    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title="QR code to add selfdirect to an authenticator app"
    )
    secret = services.device_secret(device)
    return render(request, "core/second_factor_setup.html",
                  {"form": form, "next": _next(request), "qr_svg": qr, "secret": secret})  # fmt: skip


@staff_required()
def second_factor_recovery_codes(request):
    """New recovery codes, shown once: they are only kept hashed, so leaving this page loses them."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    return render(request, "core/second_factor_codes.html", {"codes": codes, "next": _next(request)})


@staff_required()
def second_factor_manage(request):
    if request.method == "POST":
        request.session[NEW_CODES_KEY] = services.recovery_codes_regenerate(user=request.user, request=request)
        return redirect(_with_next("second_factor_recovery_codes", request))
    context = {
        "device": services.confirmed_device(request.user),
        "unused": services.unused_recovery_codes(request.user),
        "total": services.RECOVERY_CODE_COUNT,
    }
    return render(request, "core/second_factor_manage.html", context)


@staff_required(Action.STAFF_MANAGE)
def second_factor_staff(request):
    staff = get_user_model().objects.exclude(role="").filter(is_active=True).order_by("last_name", "first_name")
    with_device = set(services.TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    rows = [(user, user.pk in with_device) for user in staff]
    return render(request, "core/second_factor_staff.html", {"rows": rows})


@staff_required(Action.STAFF_MANAGE)
@require_POST
def second_factor_reset(request, pk):
    user = get_object_or_404(get_user_model().objects.exclude(role=""), pk=pk)
    try:
        services.second_factor_reset(actor=request.user, user=user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{user} sets up a new authenticator app at their next sign-in")
    return redirect("second_factor_staff")
