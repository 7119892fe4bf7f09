"""Staff two-factor pages: enrol an authenticator, give the code after the password, turn it off."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts import twofactor
from accounts.access import actor_for, staff_only
from accounts.twofactor_forms import TokenForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@never_cache
@staff_only
def setup(request):
    user = request.user
    device = twofactor.confirmed_device(user)
    if device is not None and not user.is_verified():
        return redirect("twofactor:verify")
    if device is not None:
        required = user.is_superuser and settings.MAILADMIN_REQUIRE_2FA_FOR_SUPERUSERS
        context = {"enabled": True, "form": TokenForm(), "required": required}
        return render(request, "twofactor/setup.html", context)
    key = twofactor.enrolment_key(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.confirm_enrolment(
            user, key, form.cleaned_data["token"], actor=actor_for(request)
        )
        if device is not None:
            request.session.pop(twofactor.SESSION_NEW_KEY, None)
            request.session.pop(twofactor.SESSION_STEP_KEY, None)
            otp_login(request, device)
            messages.success(request, _("Two-factor login is on: keep your phone at hand."))
            return redirect(_next(request))
        form.add_error("token", _("That code does not fit. Check the time on your phone."))
    uri = twofactor.otpauth_uri(user, key)
    context = {
        "enabled": False,
        "form": form,
        "uri": uri,
        "qr": twofactor.qr_data_uri(uri),
        "secret": twofactor.base32_secret(key),
        "next": _next(request),
        "must_enrol": request.session.get(twofactor.SESSION_STEP_KEY) == twofactor.ENROL,
    }
    return render(request, "twofactor/setup.html", context)


@never_cache
@staff_only
def verify(request):
    user = request.user
    device = twofactor.confirmed_device(user)
    if device is None:
        return redirect("twofactor:setup")
    if user.is_verified():
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        allowed, details = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes: wait a few seconds, then try again."))
            status = 429
        elif device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            request.session.pop(twofactor.SESSION_STEP_KEY, None)
            return redirect(_next(request))
        else:
            form.add_error("token", _("That code is not correct, or was already used."))
    context = {"form": form, "next": _next(request)}
    return render(request, "twofactor/verify.html", context, status=status)


@require_POST
@staff_only
def disable(request):
    user = request.user
    device = twofactor.confirmed_device(user)
    if device is None or not user.is_verified():
        return redirect("twofactor:setup")
    if user.is_superuser and settings.MAILADMIN_REQUIRE_2FA_FOR_SUPERUSERS:
        messages.error(request, _("Two-factor login is required for superusers here."))
        return redirect("twofactor:setup")
    form = TokenForm(request.POST)
    if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
        twofactor.remove_devices(user, actor=actor_for(request), message="two-factor login off")
        messages.success(request, _("Two-factor login is off."))
    else:
        messages.error(request, _("That code is not correct: two-factor login stays on."))
    return redirect("twofactor:setup")
