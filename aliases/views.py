"""Panel pages for aliases: forwards, catch-alls, domain aliases and mailbox rows.

Views fetch through the user's scope, let the form validate and call the service (atomic
and audited), then add a message and redirect.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.access import (
    actor_for,
    aliases_for,
    domain_filter,
    get_alias_for_user,
    is_superuser,
    staff_only,
)
from aliases import consequences, services
from aliases.forms import DOMAIN_ALIAS_NOTE, FORMS, AliasEditForm
from aliases.models import AliasKind
from domains import bulk_actions
from domains.bulk_views import bulk_page, over_limit_confirmed
from domains.list_filters import ALIAS_SORTS, filter_domain, filter_state, paginate
from domains.models import Mailbox
from domains.templatetags.mail_tags import unicode_address
from limits.services import OVER_LIMIT
from mailadmin.addresses import domain_of

TITLES = {
    "forward": gettext_lazy("Add a forward"),
    "catch-all": gettext_lazy("Add a catch-all"),
    "domain-alias": gettext_lazy("Add a domain alias"),
}


def _shown(destination: str) -> str:
    return ", ".join(unicode_address(d) for d in destination.split(","))


def _back_to(alias_source: str):
    return redirect("domains:detail", domain=domain_of(alias_source))


@staff_only
def alias_list(request):
    queryset, domain_name = filter_domain(request, filter_state(request, aliases_for(request.user)))
    kind = request.GET.get("kind", "")
    if kind in AliasKind.values:
        queryset = queryset.of_kind(kind)
    listing = paginate(
        request,
        queryset.with_mailbox_flag(),
        search=["mail", "destination"],
        sorts=ALIAS_SORTS,
        default_sort="mail",
    )
    context = {
        "listing": listing,
        "domain_name": domain_name,
        "kind": kind,
        "kinds": AliasKind.choices,
    }
    return render(request, "aliases/alias_list.html", context)


@staff_only
@require_POST
def alias_bulk(request):
    """The selected aliases enabled, disabled or deleted: a confirmation, then `confirm=1`."""
    return bulk_page(
        request,
        queryset=aliases_for(request.user).with_mailbox_flag(),
        field="source",
        column="mail",
        apply=bulk_actions.apply_aliases,
        list_url="aliases:list",
        template="aliases/alias_bulk.html",
        noun="alias",
        nouns="aliases",
    )


@staff_only
def alias_create(request):
    kind = request.GET.get("kind", "forward")
    if kind not in FORMS:
        raise Http404("No such kind of alias.")
    # the domain whose page linked here: one of the user's, else the lists' 404
    domain = domain_filter(request.user, request.GET.get("domain", "")[:255])
    form = FORMS[kind](request.POST or None, user=request.user, domain=domain)
    if request.method == "POST" and form.is_valid():
        alias = form.save(actor_for(request))
        if alias:
            messages.success(
                request,
                _("Alias %(address)s → %(destinations)s saved.")
                % {
                    "address": unicode_address(alias.mail),
                    "destinations": _shown(alias.destination),
                },
            )
            return _back_to(alias.mail)
    context = {"form": form, "kind": kind, "title": TITLES[kind], "note": DOMAIN_ALIAS_NOTE}
    return render(request, "aliases/alias_form.html", context)


@staff_only
def alias_edit(request, source):
    alias = get_alias_for_user(request.user, source)
    is_mailbox = Mailbox.objects.filter(address=alias.mail).exists()
    form = AliasEditForm(
        request.POST or None, user=request.user, alias=alias, is_mailbox=is_mailbox
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(actor_for(request))
        if saved:
            messages.success(
                request,
                _("Alias %(address)s → %(destinations)s saved.")
                % {
                    "address": unicode_address(saved.mail),
                    "destinations": _shown(saved.destination),
                },
            )
            return _back_to(saved.mail)
    context = {"form": form, "alias": alias, "is_mailbox": is_mailbox, "note": DOMAIN_ALIAS_NOTE}
    return render(request, "aliases/alias_edit.html", context)


@staff_only
@require_POST
def alias_set_enabled(request, source, enabled: bool):
    alias = get_alias_for_user(request.user, source)
    try:
        services.set_alias_enabled(
            alias.mail, enabled, actor=actor_for(request), over_limit=over_limit_confirmed(request)
        )
    except ValidationError as error:
        if error.code == OVER_LIMIT:
            context = {
                "alias": alias,
                "change": consequences.alias_change(alias, enabled),
                "note": DOMAIN_ALIAS_NOTE,
                "errors": error.messages,
                "offer_over_limit": is_superuser(request.user),
            }
            return render(request, "aliases/alias_set_enabled.html", context, status=400)
        messages.error(request, " ".join(error.messages))
    else:
        sentence = _("Alias %(address)s enabled.") if enabled else _("Alias %(address)s disabled.")
        messages.success(request, sentence % {"address": unicode_address(alias.mail)})
    return _back_to(alias.mail)


@staff_only
@require_GET
def alias_set_enabled_confirm(request, source, enabled: bool):
    """Before an enable or disable: where the mail the row takes goes then."""
    alias = get_alias_for_user(request.user, source)
    change = consequences.alias_change(alias, enabled)
    context = {"alias": alias, "change": change, "note": DOMAIN_ALIAS_NOTE}
    return render(request, "aliases/alias_set_enabled.html", context)


@staff_only
def alias_delete(request, source):
    alias = get_alias_for_user(request.user, source)
    is_mailbox = Mailbox.objects.filter(address=alias.mail).exists()
    if request.method == "POST":
        try:
            services.remove_alias(alias.mail, actor=actor_for(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Alias %(address)s removed.") % {"address": unicode_address(alias.mail)}
            )
        return _back_to(alias.mail)
    context = {"alias": alias, "is_mailbox": is_mailbox}
    return render(request, "aliases/alias_delete.html", context)
