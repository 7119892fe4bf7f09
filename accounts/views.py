"""Superusers manage domain admins: staff accounts limited to some domains."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from accounts import services
from accounts.access import actor_for, superuser_only
from accounts.forms import AdminCreateForm, AdminEditForm, AdminSetPasswordForm
from accounts.models import DomainAssignment
from domains.list_filters import paginate


def _get_admin(pk: int):
    try:
        return services.domain_admins().get(pk=pk)
    except services.User.DoesNotExist:
        raise Http404("No such domain admin.") from None


@superuser_only
def admin_list(request):
    assignments = DomainAssignment.objects.select_related("domain").order_by("domain__domain")
    queryset = services.domain_admins().prefetch_related(
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
            messages.success(request, f"Domain admin {admin.username} created.")
            return redirect("accounts:list")
    return render(request, "accounts/admin_form.html", {"form": form, "creating": True})


@superuser_only
def admin_edit(request, pk: int):
    admin = _get_admin(pk)
    form = AdminEditForm(request.POST or None, admin=admin)
    if request.method == "POST" and form.is_valid() and form.save(actor_for(request)):
        messages.success(request, f"Domain admin {admin.username} saved.")
        return redirect("accounts:list")
    return render(request, "accounts/admin_form.html", {"form": form, "admin": admin})


@sensitive_post_parameters("password1", "password2")
@superuser_only
def admin_password(request, pk: int):
    admin = _get_admin(pk)
    form = AdminSetPasswordForm(request.POST or None, admin=admin)
    if request.method == "POST" and form.is_valid() and form.save(actor_for(request)):
        messages.success(request, f"New password set for {admin.username}.")
        return redirect("accounts:list")
    context = {"form": form, "admin": admin, "password": True}
    return render(request, "accounts/admin_form.html", context)


@superuser_only
def admin_delete(request, pk: int):
    admin = _get_admin(pk)
    if request.method == "POST":
        services.remove_domain_admin(admin.pk, actor=actor_for(request))
        messages.success(request, f"Domain admin {admin.username} removed.")
        return redirect("accounts:list")
    domains = [a.domain for a in admin.domain_assignments.select_related("domain")]
    return render(request, "accounts/admin_delete.html", {"admin": admin, "domains": domains})
