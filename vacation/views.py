"""Out-of-office pages: the owner's (self-service) and staff's for a mailbox in their scope.
Both show the setting, who changed it last, and switch it on (the form) or off."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.access import actor_for, get_mailbox_for_user, staff_only
from audit.services import Actor
from selfservice import auth, throttle
from vacation import services
from vacation.forms import VacationForm


def _page(request, address: str, actor: Actor, template: str, done: str, context: dict):
    vacation = services.vacation_of(address)
    if request.method == "POST" and "off" in request.POST:
        if services.turn_off(address, actor=actor):
            messages.success(
                request,
                _("Vacation off: mail to %(address)s gets no more replies.") % {"address": address},
            )
        return redirect(done)
    form = VacationForm.for_vacation(vacation, request.POST or None)
    if request.method == "POST" and form.is_valid() and form.save(address, actor):
        messages.success(
            request, _("Vacation on: mail to %(address)s is answered.") % {"address": address}
        )
        return redirect(done)
    context.update(
        form=form,
        vacation=vacation,
        active=vacation is not None and services.routed(vacation, services.today()),
        by_someone_else=vacation is not None and vacation.changed_by not in ("", address),
    )
    return render(request, template, context)


@never_cache
@auth.mailbox_required
@require_http_methods(["GET", "POST"])
def own(request):
    mailbox = request.mailbox
    actor = Actor(mailbox.address, throttle.client_ip(request))
    context = {"mailbox": mailbox}
    return _page(request, mailbox.address, actor, "vacation/own.html", "vacation:own", context)


@staff_only
@require_http_methods(["GET", "POST"])
def for_mailbox(request, address):
    mailbox = get_mailbox_for_user(request.user, address)
    context = {"mailbox": mailbox}
    done = request.path
    return _page(
        request, mailbox.address, actor_for(request), "vacation/mailbox.html", done, context
    )
