"""Panel pages for domains and mailboxes.

Views only wire things: fetch through the user's scope (accounts.access), let the form
validate and call the service (atomic + audited), then add a message and redirect.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from accounts.access import (
    actor_for,
    aliases_for,
    domains_for,
    get_domain_for_user,
    get_mailbox_for_user,
    is_superuser,
    mailboxes_for,
    require_superuser,
    staff_only,
    superuser_only,
)
from aliases import consequences
from aliases import services as alias_services
from aliases.forms import AliasEditForm
from aliases.models import Alias, AliasKind, kind_q
from domains import bulk_actions, services
from domains.bulk_views import bulk_page, over_limit_confirmed
from domains.forms import (
    DomainCreateForm,
    DomainDeleteForm,
    DomainEditForm,
    DomainLimitsForm,
    MailboxCreateForm,
    MailboxEditForm,
    MailboxPasswordForm,
)
from domains.list_filters import (
    ALIAS_SORTS,
    MAILBOX_SORTS,
    count_in_domain,
    filter_domain,
    filter_state,
    mark_delivery,
    measured_when_sorted_by_usage,
    paginate,
    with_delivery,
)
from domains.models import Mailbox
from domains.templatetags.mail_tags import unicode_address
from limits import services as limits
from mailadmin.addresses import display_domain
from mailadmin.pagination import BOUND


@staff_only
def domain_list(request):
    queryset = (
        filter_state(request, domains_for(request.user))
        .annotate(
            mailbox_count=count_in_domain(Mailbox),
            alias_count=count_in_domain(Alias),
        )
        .select_related("limits")
    )
    listing = paginate(
        request,
        queryset,
        search=["domain"],
        sorts={
            "domain": "domain",
            "transport": "transport",
            "enabled": "enabled",
            "mailboxes": "mailbox_count",
            "aliases": "alias_count",
        },
        default_sort="domain",
    )
    limited = [d for d in listing.rows if getattr(d, "limits", None) and not d.limits.is_empty]
    uses = limits.uses_of(d.domain for d in limited)
    for domain in listing.rows:
        domain.limit_lines = []
    for domain in limited:
        domain.limit_lines = limits.report(domain.domain, domain.limits, uses[domain.domain])
    return render(request, "domains/domain_list.html", {"listing": listing})


@superuser_only
def domain_create(request):
    form = DomainCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        domain = form.save(actor_for(request))
        if domain:
            messages.success(
                request, _("Domain %(domain)s created.") % {"domain": display_domain(domain.domain)}
            )
            return redirect("domains:detail", domain=domain.domain)
    return render(request, "domains/domain_form.html", {"form": form, "creating": True})


@staff_only
def domain_detail(request, domain):
    domain = get_domain_for_user(request.user, domain)
    mailboxes = paginate(
        request,
        with_delivery(
            measured_when_sorted_by_usage(
                request,
                filter_state(request, Mailbox.objects.filter(domain_name=domain.domain)),
                "m",
            )
        ).select_related("usage"),
        search=["address", "name"],
        sorts=MAILBOX_SORTS,
        default_sort="address",
        prefix="m",
    )
    mark_delivery(mailboxes)
    # The mailboxes' own rows are bookkeeping, not routing choices: hidden unless ?self=1.
    show_self = request.GET.get("self") == "1"
    rows = Alias.objects.filter(domain_name=domain.domain)
    self_count = None
    if not show_self:
        self_count = rows.self_rows().values("pk")[: BOUND + 1].count()
        rows = rows.exclude(kind_q(AliasKind.SELF))
    aliases = paginate(
        request,
        rows.with_mailbox_flag(),
        search=["mail", "destination"],
        sorts=ALIAS_SORTS,
        default_sort="mail",
        prefix="a",
    )
    toggle = request.GET.copy()
    toggle.pop("apage", None)
    if show_self:
        toggle.pop("self", None)
    else:
        toggle["self"] = "1"
    context = {
        "domain": domain,
        "mailboxes": mailboxes,
        "aliases": aliases,
        "show_self": show_self,
        "self_count": self_count,
        "self_count_truncated": self_count is not None and self_count > BOUND,
        "self_toggle": f"?{toggle.urlencode()}#aliases",
        "limit_lines": limits.report(domain.domain, limits.limits_of(domain.domain)),
    }
    return render(request, "domains/domain_detail.html", context)


@staff_only
def domain_limits(request, domain):
    """A domain's limits: superusers set them; lowering one below the use is reported."""
    domain = get_domain_for_user(request.user, domain)
    require_superuser(request.user)
    current = limits.limits_of(domain.domain)
    form = DomainLimitsForm(request.POST or None, limits=current)
    if request.method == "POST" and form.is_valid():
        saved = form.save(domain.domain, actor_for(request))
        if saved:
            messages.success(
                request,
                _("Limits of %(domain)s saved.") % {"domain": display_domain(domain.domain)},
            )
            for line in saved[1]:
                if line.over:
                    messages.warning(
                        request,
                        _("Over the limit now: %(line)s. Nothing was removed.")
                        % {"line": line.text},
                    )
            return redirect("domains:detail", domain=domain.domain)
    context = {
        "form": form,
        "domain": domain,
        "limit_lines": limits.report(domain.domain, current),
    }
    return render(request, "domains/domain_limits.html", context)


@staff_only
def domain_edit(request, domain):
    domain = get_domain_for_user(request.user, domain)
    require_superuser(request.user)
    form = DomainEditForm(request.POST or None, domain=domain)
    if request.method == "POST" and form.is_valid() and form.save(actor_for(request)):
        messages.success(
            request, _("Domain %(domain)s saved.") % {"domain": display_domain(domain.domain)}
        )
        return redirect("domains:detail", domain=domain.domain)
    return render(request, "domains/domain_form.html", {"form": form, "domain": domain})


@staff_only
@require_POST
def domain_set_enabled(request, domain, enabled: bool):
    domain = get_domain_for_user(request.user, domain)
    require_superuser(request.user)
    services.set_domain_enabled(domain.domain, enabled, actor=actor_for(request))
    sentence = _("Domain %(domain)s enabled.") if enabled else _("Domain %(domain)s disabled.")
    messages.success(request, sentence % {"domain": display_domain(domain.domain)})
    return redirect("domains:detail", domain=domain.domain)


@staff_only
@require_GET
def domain_disable_confirm(request, domain):
    """Before a disable: what it stops, and the rows elsewhere that deliver into it."""
    domain = get_domain_for_user(request.user, domain)
    require_superuser(request.user)
    preview = services.removal_preview(domain.domain)
    return render(request, "domains/domain_disable.html", {"domain": domain, "preview": preview})


@staff_only
@require_GET
def domain_enable_confirm(request, domain):
    """Before an enable: what Postfix and the login services take up again."""
    domain = get_domain_for_user(request.user, domain)
    require_superuser(request.user)
    preview = services.removal_preview(domain.domain)
    return render(request, "domains/domain_enable.html", {"domain": domain, "preview": preview})


def _removal_message(name: str, removed: services.Removed) -> str:
    """What the panel says after removing a domain: what went with it, and what became of
    the aliases of other domains that delivered into it."""
    mailboxes, aliases, inbound = removed.mailboxes, removed.aliases, removed.inbound
    words = {
        "domain": display_domain(name),
        # Translators: "removed with 2 mailboxes and 1 alias" (German: dative plural).
        "mailboxes": npgettext(
            "removed with", "%(count)s mailbox", "%(count)s mailboxes", mailboxes
        )
        % {"count": mailboxes},
        "aliases": npgettext("removed with", "%(count)s alias", "%(count)s aliases", aliases)
        % {"count": aliases},
    }
    text = _("Domain %(domain)s removed with %(mailboxes)s and %(aliases)s.") % words
    if not inbound:
        return text
    if removed.inbound_removed:
        more = ngettext(
            "%(count)s alias of other domains delivering into it removed.",
            "%(count)s aliases of other domains delivering into it removed.",
            inbound,
        )
    else:
        more = ngettext(
            "%(count)s alias of other domains delivering into it kept.",
            "%(count)s aliases of other domains delivering into it kept.",
            inbound,
        )
    return f"{text} {more % {'count': inbound}}"


@staff_only
def domain_delete(request, domain):
    domain = get_domain_for_user(request.user, domain)
    require_superuser(request.user)
    preview = services.removal_preview(domain.domain)
    form = DomainDeleteForm(
        request.POST if request.method == "POST" else None, domain=domain, inbound=preview.inbound
    )
    if request.method == "POST" and form.is_valid():
        removed = form.save(actor_for(request))
        if removed:
            messages.success(request, _removal_message(domain.domain, removed))
            return redirect("domains:list")
    context = {"domain": domain, "preview": preview, "form": form}
    return render(request, "domains/domain_delete.html", context)


@staff_only
def mailbox_list(request):
    queryset, domain_name = filter_domain(
        request, filter_state(request, mailboxes_for(request.user))
    )
    listing = paginate(
        request,
        with_delivery(measured_when_sorted_by_usage(request, queryset)).select_related("usage"),
        search=["address", "name"],
        sorts=MAILBOX_SORTS,
        default_sort="address",
    )
    mark_delivery(listing)
    context = {"listing": listing, "domain_name": domain_name}
    return render(request, "domains/mailbox_list.html", context)


@staff_only
@require_POST
def mailbox_bulk(request):
    """The selected mailboxes enabled, disabled or deleted: a confirmation, then `confirm=1`."""
    return bulk_page(
        request,
        queryset=mailboxes_for(request.user),
        field="address",
        column="address",
        apply=bulk_actions.apply_mailboxes,
        list_url="domains:mailbox_list",
        template="domains/mailbox_bulk.html",
        noun="mailbox",
        nouns="mailboxes",
    )


@sensitive_post_parameters("password1", "password2")
@staff_only
def mailbox_create(request, domain):
    domain = get_domain_for_user(request.user, domain)
    form = MailboxCreateForm(request.POST or None, domain=domain, user=request.user)
    if request.method == "POST" and form.is_valid():
        mailbox = form.save(actor_for(request))
        if mailbox:
            messages.success(
                request,
                _("Mailbox %(address)s created.") % {"address": unicode_address(mailbox.address)},
            )
            return redirect("domains:detail", domain=domain.domain)
    domain_limits = limits.limits_of(domain.domain)
    context = {
        "form": form,
        "domain": domain,
        "limit_lines": limits.report(domain.domain, domain_limits) if domain_limits else [],
    }
    return render(request, "domains/mailbox_create.html", context)


def _mailbox_aliases(mailbox: Mailbox, user) -> list[Alias]:
    """Alias rows of the user's domains that deliver to this mailbox (its own row first)."""
    candidates = aliases_for(user).filter(
        Q(mail=mailbox.address) | Q(destination__contains=mailbox.address)
    )[:200]
    rows = [a for a in candidates if a.mail == mailbox.address or mailbox.address in a.destinations]
    return sorted(rows, key=lambda a: (a.mail != mailbox.address, a.mail))


@staff_only
def mailbox_edit(request, address):
    mailbox = get_mailbox_for_user(request.user, address)
    form = MailboxEditForm(request.POST or None, mailbox=mailbox, user=request.user)
    if request.method == "POST" and form.is_valid() and form.save(actor_for(request)):
        messages.success(
            request, _("Mailbox %(address)s saved.") % {"address": unicode_address(mailbox.address)}
        )
        return redirect("domains:mailbox", address=mailbox.address)
    aliases = _mailbox_aliases(mailbox, request.user)
    own = next((a.destination for a in aliases if a.mail == mailbox.address), None)
    context = {
        "form": form,
        "mailbox": mailbox,
        "aliases": aliases,
        "delivery": alias_services.MailboxDelivery.of(mailbox.address, own),
    }
    return render(request, "domains/mailbox_edit.html", context)


@staff_only
def mailbox_forward(request, address):
    """Forward a mailbox's mail, keeping a copy or not: the form edits its own alias row."""
    mailbox = get_mailbox_for_user(request.user, address)
    row = Alias.objects.filter(mail=mailbox.address).first()
    if request.method == "POST" and "stop" in request.POST:
        try:
            alias_services.stop_forwarding_mailbox(mailbox.address, actor=actor_for(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(address)s is delivered to its mailbox only.")
                % {"address": unicode_address(mailbox.address)},
            )
        return redirect("domains:mailbox", address=mailbox.address)
    form = AliasEditForm(
        request.POST or None,
        user=request.user,
        alias=row or Alias(mail=mailbox.address, destination=mailbox.address),
        is_mailbox=True,
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(actor_for(request))
        if saved:
            delivery = alias_services.MailboxDelivery.of(saved.mail, saved.destination)
            messages.success(request, _forward_saved(saved.mail, delivery))
            return redirect("domains:mailbox", address=mailbox.address)
    delivery = alias_services.MailboxDelivery.of(mailbox.address, row and row.destination)
    context = {"form": form, "mailbox": mailbox, "delivery": delivery}
    return render(request, "domains/mailbox_forward.html", context)


def _forward_saved(address: str, delivery: alias_services.MailboxDelivery) -> str:
    """The message after a forward is saved: where the mailbox's mail goes now."""
    words = {
        "address": unicode_address(address),
        "targets": ", ".join(unicode_address(t) for t in delivery.targets),
    }
    if delivery.forwarded and delivery.keeps_copy:
        text = _("%(address)s: forwarded to %(targets)s, copy kept.")
    elif delivery.forwarded:
        text = _("%(address)s: forwarded to %(targets)s, no local copy.")
    elif delivery.keeps_copy:
        text = _("%(address)s: delivered to its mailbox only.")
    else:
        text = _("%(address)s: its own row does not deliver to it.")
    return text % words


@sensitive_post_parameters("password1", "password2")
@staff_only
def mailbox_password(request, address):
    mailbox = get_mailbox_for_user(request.user, address)
    form = MailboxPasswordForm(request.POST or None, mailbox=mailbox)
    if request.method == "POST" and form.is_valid() and form.save(actor_for(request)):
        messages.success(
            request,
            _("New password set for %(address)s.") % {"address": unicode_address(mailbox.address)},
        )
        return redirect("domains:mailbox", address=mailbox.address)
    return render(request, "domains/mailbox_password.html", {"form": form, "mailbox": mailbox})


@staff_only
@require_POST
def mailbox_set_enabled(request, address, enabled: bool):
    mailbox = get_mailbox_for_user(request.user, address)
    try:
        services.set_mailbox_enabled(
            mailbox.address,
            enabled,
            actor=actor_for(request),
            over_limit=over_limit_confirmed(request),
        )
    except ValidationError as error:
        context = {
            "mailbox": mailbox,
            "change": consequences.mailbox_change(mailbox, enabled),
            "errors": error.messages,
            "offer_over_limit": is_superuser(request.user),
        }
        return render(request, "domains/mailbox_set_enabled.html", context, status=400)
    sentence = _("Mailbox %(address)s enabled.") if enabled else _("Mailbox %(address)s disabled.")
    messages.success(request, sentence % {"address": unicode_address(mailbox.address)})
    return redirect("domains:detail", domain=mailbox.domain_name)


@staff_only
@require_GET
def mailbox_set_enabled_confirm(request, address, enabled: bool):
    """Before an enable or disable: what Postfix, Courier and Dovecot do with the mailbox then."""
    mailbox = get_mailbox_for_user(request.user, address)
    change = consequences.mailbox_change(mailbox, enabled)
    context = {"mailbox": mailbox, "change": change}
    return render(request, "domains/mailbox_set_enabled.html", context)


@staff_only
def mailbox_delete(request, address):
    mailbox = get_mailbox_for_user(request.user, address)
    if request.method == "POST":
        removed = services.remove_mailbox(mailbox.address, actor=actor_for(request))
        aliases, lists = removed.aliases, removed.destinations_dropped
        words = {
            "address": unicode_address(mailbox.address),
            "aliases": npgettext("removed with", "%(count)s alias", "%(count)s aliases", aliases)
            % {"count": aliases},
            # Translators: "dropped from 2 destination lists": of other aliases.
            "lists": npgettext(
                "dropped from", "%(count)s destination list", "%(count)s destination lists", lists
            )
            % {"count": lists},
        }
        # Translators: aliases and lists are counts such as "2 aliases", "1 destination list".
        text = _("Mailbox %(address)s removed with %(aliases)s; dropped from %(lists)s.")
        messages.success(request, text % words)
        return redirect("domains:detail", domain=mailbox.domain_name)
    context = {"mailbox": mailbox, "aliases": _mailbox_aliases(mailbox, request.user)}
    return render(request, "domains/mailbox_delete.html", context)
