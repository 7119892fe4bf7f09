"""Superusers manage the other staff accounts (domain admins, limited to some domains, and
superusers); every staff account changes its own password; the staff login."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import services
from accounts.access import actor_for, is_staff, staff_only, superuser_only
from accounts.forms import (
    AdminCreateForm,
    AdminEditForm,
    AdminSetPasswordForm,
    StaffLoginForm,
    StaffPasswordChangeForm,
)
from accounts.models import DomainAssignment
from domains.list_filters import paginate


def _get_admin(pk: int):
    try:
        return services.domain_admins().get(pk=pk)
    except services.User.DoesNotExist:
        raise Http404("No such domain admin.") from None


def _get_account(request, pk: int):
    """Another staff account (a superuser does not edit their own here: 404)."""
    try:
        return services.managed_by(request.user).get(pk=pk)
    except services.User.DoesNotExist:
        raise Http404("No such staff account.") from None


class StaffLoginView(LoginView):
    """Django's login; the language the account chose in the menu comes back with it."""

    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = services.chosen_language(form.get_user())
        if language:
            _set_language_cookie(response, language)
        return response


staff_login = StaffLoginView.as_view()


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_not_required
@require_POST
def set_language(request):
    """The language menu: Django's set_language (the cookie, back to the page); a staff
    account also keeps the choice for its next logins."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if is_staff(request.user) and language in dict(settings.LANGUAGES):
        services.remember_language(request.user, language)
    return response


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@staff_only
def password_change(request):
    """A staff account's own password; its other sessions end, this one stays logged in."""
    form = StaffPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(actor_for(request))
        update_session_auth_hash(request, user)
        messages.success(
            request, _("Your password is changed; your other sessions are logged out.")
        )
        return redirect("dashboard")
    return render(request, "accounts/password_change.html", {"form": form})


@superuser_only
def admin_list(request):
    assignments = DomainAssignment.objects.select_related("domain").order_by("domain__domain")
    queryset = services.managed_by(request.user).prefetch_related(
        Prefetch("domain_assignments", queryset=assignments)
    )
    listing = paginate(
        request,
        queryset,
        search=["username", "email"],
        sorts={"username": "username", "email": "email", "active": "is_active"},
        default_sort="username",
    )
    return render(request, "accounts/admin_list.html", {"listing": listing})


@sensitive_post_parameters("password1", "password2")
@superuser_only
def admin_create(request):
    form = AdminCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        admin = form.save(actor_for(request))
        if admin:
            messages.success(
                request, _("Domain admin %(username)s created.") % {"username": admin.username}
            )
            return redirect("accounts:list")
    return render(request, "accounts/admin_form.html", {"form": form, "creating": True})


@superuser_only
def admin_edit(request, pk: int):
    admin = _get_account(request, pk)
    form = AdminEditForm(request.POST or None, admin=admin)
    if request.method == "POST" and form.is_valid() and form.save(actor_for(request)):
        if form.cleaned_data["superuser"]:
            saved = _("Superuser %(username)s saved.")
        else:
            saved = _("Domain admin %(username)s saved.")
        messages.success(request, saved % {"username": admin.username})
        return redirect("accounts:list")
    return render(request, "accounts/admin_form.html", {"form": form, "admin": admin})


@sensitive_post_parameters("password1", "password2")
@superuser_only
def admin_password(request, pk: int):
    admin = _get_admin(pk)
    form = AdminSetPasswordForm(request.POST or None, admin=admin)
    if request.method == "POST" and form.is_valid() and form.save(actor_for(request)):
        messages.success(
            request, _("New password set for %(username)s.") % {"username": admin.username}
        )
        return redirect("accounts:list")
    context = {"form": form, "admin": admin, "password": True}
    return render(request, "accounts/admin_form.html", context)


@superuser_only
def admin_delete(request, pk: int):
    admin = _get_admin(pk)
    if request.method == "POST":
        services.remove_domain_admin(admin.pk, actor=actor_for(request))
        messages.success(
            request, _("Domain admin %(username)s removed.") % {"username": admin.username}
        )
        return redirect("accounts:list")
    domains = [a.domain for a in admin.domain_assignments.select_related("domain")]
    return render(request, "accounts/admin_delete.html", {"admin": admin, "domains": domains})
