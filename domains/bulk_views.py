"""The bulk-action page of a list (mailboxes, aliases): the selection, its confirmation, then
`confirm=1` applies it through `domains.bulk_actions`. One flow for every list."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from accounts.access import actor_for, is_superuser
from domains import bulk_actions


def over_limit_confirmed(request) -> bool:
    """A superuser ticked the box to pass a domain's limit (`over_limit=1`); never anyone
    else, and never without the box."""
    return is_superuser(request.user) and request.POST.get("over_limit") == "1"


def done(noun: str, action: str, count: int) -> str:
    """The message after a bulk action: one sentence per list and action, the count a plural."""
    sentences = {
        ("mailbox", "enable"): ngettext(
            "%(count)s mailbox: enable done.", "%(count)s mailboxes: enable done.", count
        ),
        ("mailbox", "disable"): ngettext(
            "%(count)s mailbox: disable done.", "%(count)s mailboxes: disable done.", count
        ),
        ("mailbox", "delete"): ngettext(
            "%(count)s mailbox: delete done.", "%(count)s mailboxes: delete done.", count
        ),
        ("alias", "enable"): ngettext(
            "%(count)s alias: enable done.", "%(count)s aliases: enable done.", count
        ),
        ("alias", "disable"): ngettext(
            "%(count)s alias: disable done.", "%(count)s aliases: disable done.", count
        ),
        ("alias", "delete"): ngettext(
            "%(count)s alias: delete done.", "%(count)s aliases: delete done.", count
        ),
    }
    return sentences[noun, action] % {"count": count}


def bulk_page(
    request,
    *,
    queryset: QuerySet,
    field: str,
    column: str,
    apply: Callable,
    list_url: str,
    template: str,
    noun: str,
    nouns: str,
):
    """`field`: the POSTed keys; `column`: where `queryset` holds them."""
    action = request.POST.get("action", "")
    try:
        keys = bulk_actions.selected(request.POST.getlist(field), action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(list_url)
    try:
        rows = bulk_actions.resolve(queryset, column, keys)
    except bulk_actions.OutOfScope:
        raise Http404(f"No such {noun}.") from None
    errors = []
    if request.POST.get("confirm") == "1":
        try:
            apply(keys, action, actor=actor_for(request), over_limit=over_limit_confirmed(request))
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, done(noun, action, len(keys)))
            return redirect(list_url)
    context = {
        "rows": rows,
        "action": action,
        "errors": errors,
        "offer_over_limit": bool(errors) and is_superuser(request.user),
    }
    return render(request, template, context)
