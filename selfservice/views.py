"""End-user self-service: a mailbox owner logs in with the mail password and changes it."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from aliases.models import Alias, AliasKind
from aliases.services import MailboxDelivery
from audit.services import Actor
from mailadmin.quota import humanize
from routing.sources import DeliveringAddress, sources_of
from selfservice import auth, throttle
from selfservice.forms import MailboxLoginForm, OwnPasswordForm

REFUSED = gettext_lazy("Unknown address or wrong password.")


def _safe_next(request) -> str:
    """`next` only when it is a self-service page of this site; the account page otherwise."""
    home = reverse("selfservice:account")
    target = request.POST.get("next") or request.GET.get("next") or ""
    parts = urlsplit(target)
    if (
        not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        or parts.scheme
        or parts.netloc
        or any(c in target for c in "\\%")
        or ".." in parts.path
    ):
        return home
    try:
        match = resolve(parts.path)
    except Resolver404:
        return home
    if match.namespace != "selfservice" or match.url_name in ("login", "logout"):
        return home
    return target


@sensitive_post_parameters("password")
@never_cache
@login_not_required
def login(request):
    if auth.session_mailbox(request) is not None:
        return redirect(_safe_next(request))
    form = MailboxLoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        address = form.cleaned_data["address"]
        ip = throttle.client_ip(request)
        wait = throttle.seconds_blocked(request, address)
        if wait:
            form.add_error(None, throttle.refusal_message(wait))
            status = 429
        else:
            mailbox = auth.authenticate(address, form.cleaned_data["password"], ip=ip)
            if mailbox is not None:
                auth.login(request, mailbox)
                return redirect(_safe_next(request))
            throttle.record_failure(request, address)
            form.add_error(None, REFUSED)
    context = {"form": form, "next": _safe_next(request)}
    return render(request, "selfservice/login.html", context, status=status)


@never_cache
@auth.mailbox_required
def account(request):
    mailbox = request.mailbox
    sources = sources_of(mailbox.address)
    own_row = Alias.objects.filter(mail=mailbox.address).values_list("destination", flat=True)
    delivery = MailboxDelivery.of(mailbox.address, own_row.first())
    context = {
        "mailbox": mailbox,
        "quota": humanize(mailbox.quota),
        "sources": sources,
        "own_mail": own_mail_in_words(delivery),
        "other_mail": [source_in_words(source, mailbox.address) for source in sources],
    }
    return render(request, "selfservice/account.html", context)


def own_mail_in_words(delivery: MailboxDelivery) -> str:
    """What happens to mail for the mailbox's address, as its own alias row says."""
    words = {"address": delivery.address, "targets": ", ".join(delivery.targets)}
    if not delivery.forwarded:
        if delivery.keeps_copy:
            return _("Mail to %(address)s is delivered to this mailbox.") % words
        return (
            _("Mail to %(address)s is not delivered to this mailbox: ask your postmaster.") % words
        )
    if delivery.keeps_copy:
        sentence = _(
            "Mail to %(address)s is delivered to this mailbox and is also forwarded to %(targets)s."
        )
    else:
        sentence = _(
            "Mail to %(address)s is forwarded to %(targets)s; no copy is kept in this mailbox."
        )
    return sentence % words


def source_in_words(source: DeliveringAddress, address: str) -> str:
    """How another address's mail comes to `address`, one `routing.sources` row in words."""
    # Each sentence is whole in the catalogue, with and without the address it goes through.
    direct = source.to == address
    words = {"address": source.address, "label": source.label, "to": source.to}
    if source.kind == AliasKind.DOMAIN_ALIAS:
        words["alias"] = source.rule[1:]
        words["target"] = source.to.partition("@")[2]
        if source.address.startswith("@"):
            sentence = (
                _("Mail to any address at %(alias)s goes to the same address at %(target)s.")
                if direct
                else _(
                    "Mail to any address at %(alias)s goes to the same address at %(target)s "
                    "(through %(to)s)."
                )
            )
        else:
            sentence = (
                _(
                    "Mail to %(address)s comes here too: %(alias)s receives mail "
                    "for the same addresses at %(target)s."
                )
                if direct
                else _(
                    "Mail to %(address)s comes here too: %(alias)s receives mail "
                    "for the same addresses at %(target)s (through %(to)s)."
                )
            )
    elif source.kind == AliasKind.CATCH_ALL:
        sentence = (
            _("Mail to %(label)s (one with no mailbox or alias of its own) comes here too.")
            if direct
            else _(
                "Mail to %(label)s (one with no mailbox or alias of its own) "
                "comes here too (through %(to)s)."
            )
        )
    else:
        sentence = _("Mail to %(address)s comes here too: it is forwarded to %(to)s.")
    return sentence % words


@sensitive_post_parameters("current_password", "new_password1", "new_password2")
@never_cache
@auth.mailbox_required
def password_change(request):
    mailbox = request.mailbox
    if not mailbox.change_password:
        status = 403 if request.method == "POST" else 200
        context = {"mailbox": mailbox, "locked": auth.LOCKED_MESSAGE}
        return render(request, "selfservice/password_change.html", context, status=status)
    form = OwnPasswordForm(mailbox, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = throttle.seconds_blocked(request, mailbox.address)
        if wait:
            form.add_error(None, throttle.refusal_message(wait))
            status = 429
        else:
            actor = Actor(mailbox.address, throttle.client_ip(request))
            try:
                mailbox = auth.change_own_password(
                    mailbox.address,
                    form.cleaned_data["current_password"],
                    form.cleaned_data["new_password2"],
                    actor=actor,
                )
            except ValidationError as error:
                if error.code == "wrong_password":
                    throttle.record_failure(request, mailbox.address)
                    form.add_error("current_password", error)
                elif error.code == "same_password":
                    form.add_error("new_password2", error)
                else:
                    form.add_error(None, error)
            else:
                auth.update_session_hash(request, mailbox)
                messages.success(
                    request,
                    _("Your mail password is changed: use the new one in your mail program."),
                )
                return redirect("selfservice:account")
    context = {"mailbox": mailbox, "form": form}
    return render(request, "selfservice/password_change.html", context, status=status)


@require_POST
@login_not_required
def logout(request):
    auth.logout(request)
    messages.info(request, _("You are logged out."))
    return redirect("selfservice:login")
