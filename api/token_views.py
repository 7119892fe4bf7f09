"""/tokens/: a staff user's own API tokens (create, see last use, revoke)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.access import actor_for, staff_only
from api import tokens
from api.forms import TokenForm


def _page(request, form, secret=None):
    rows = [(t, tokens.state(t)) for t in tokens.tokens_of(request.user)]
    return render(request, "api/tokens.html", {"form": form, "rows": rows, "secret": secret})


@sensitive_variables("created")
@staff_only
def token_list(request):
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    try:
        created = tokens.create(
            request.user,
            form.cleaned_data["name"],
            actor=actor_for(request),
            read_only=form.cleaned_data["read_only"],
            expires_days=form.cleaned_data["expires"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _page(request, form)
    # Shown once, in this answer only (never stored, never in a redirect's session).
    return _page(request, TokenForm(), secret=created.secret)


@staff_only
def token_revoke(request, prefix):
    try:
        token = tokens.get_by_prefix(prefix, user=request.user)
    except ValidationError:
        raise Http404("No such token.") from None
    if request.method == "POST":
        tokens.revoke(token, actor=actor_for(request))
        messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
        return redirect("tokens")
    return render(request, "api/token_revoke.html", {"token": token})
