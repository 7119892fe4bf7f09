"""End-user self-service: a mailbox owner logs in with the mail password and changes it."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
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

REFUSED = "Unknown address or wrong password."


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
    to = f"Mail to {delivery.address}"
    targets = ", ".join(delivery.targets)
    if not delivery.forwarded:
        if delivery.keeps_copy:
            return f"{to} is delivered to this mailbox."
        return f"{to} is not delivered to this mailbox: ask your postmaster."
    if delivery.keeps_copy:
        return f"{to} is delivered to this mailbox and is also forwarded to {targets}."
    return f"{to} is forwarded to {targets}; no copy is kept in this mailbox."


def source_in_words(source: DeliveringAddress, address: str) -> str:
    """How another address's mail comes to `address`, one `routing.sources` row in words."""
    via = "" if source.to == address else f" (through {source.to})"
    if source.kind == AliasKind.DOMAIN_ALIAS:
        alias_domain, target_domain = source.rule[1:], source.to.partition("@")[2]
        if source.address.startswith("@"):
            return (
                f"Mail to any address at {alias_domain} goes to the same address at "
                f"{target_domain}{via}."
            )
        return (
            f"Mail to {source.address} comes here too: {alias_domain} receives mail for "
            f"the same addresses at {target_domain}{via}."
        )
    if source.kind == AliasKind.CATCH_ALL:
        return (
            f"Mail to {source.label} (one with no mailbox or alias of its own) comes here too{via}."
        )
    return f"Mail to {source.address} comes here too: it is forwarded to {source.to}."


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
                    request, "Your mail password is changed: use the new one in your mail program."
                )
                return redirect("selfservice:account")
    context = {"mailbox": mailbox, "form": form}
    return render(request, "selfservice/password_change.html", context, status=status)


@require_POST
@login_not_required
def logout(request):
    auth.logout(request)
    messages.info(request, "You are logged out.")
    return redirect("selfservice:login")
