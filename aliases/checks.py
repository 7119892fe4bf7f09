"""Warnings shown before an alias is saved: loops and local dead ends.

They are warnings, not errors: the user may save anyway (e.g. the mailbox is created next).
The routing model (`routing`, the one the address tracer explains and the `mailstack` test
layer checks against real Postfix) follows mail for an address the new row applies to, with
the proposed row read in place of the saved one.
"""

from aliases.models import Alias
from domains.models import Domain, Mailbox
from mailadmin.addresses import domain_of
from routing.rules import BOUNCED, FORWARDED, route
from routing.styles import alias_style
from routing.tables import LazyTables


def _probe(source: str) -> str:
    """An address the new row applies to: itself, or any local part of `@domain`."""
    return f"*{source}" if source.startswith("@") else source


def _dead_ends(source: str, locals_: list[str], expansion: list[tuple[str, str]]) -> list[str]:
    """The local destinations routing bounces (hosted, no enabled alias or mailbox)
    with no mailbox and no alias row at all; `expansion`: (recipient, outcome) pairs."""
    bounced = {r for r, outcome in expansion if outcome == BOUNCED} & set(locals_)
    # Special case: a domain in the table but disabled is not hosted, so Postfix sends
    # its mail out by SMTP, to an MX that is most likely this server, which refuses it.
    forwarded = {r for r, outcome in expansion if outcome == FORWARDED} & set(locals_)
    if forwarded:
        names = {domain_of(d) for d in forwarded}
        disabled = set(Domain.objects.filter(domain__in=names).values_list("domain", flat=True))
        bounced |= {d for d in forwarded if domain_of(d) in disabled}
    if not bounced:
        return []
    # Special case: the text says "no mailbox and no alias", so a disabled row (ignored by
    # Postfix, hence by routing) still silences it; the row being replaced does not.
    rows = {f"@{domain_of(d)}" for d in bounced} | bounced
    exist = set(Mailbox.objects.filter(address__in=bounced).values_list("address", flat=True))
    exist |= set(Alias.objects.filter(mail__in=rows).values_list("mail", flat=True))
    exist.discard(source)
    return [d for d in locals_ if d in bounced and not {d, f"@{domain_of(d)}"} & exist]


def alias_warnings(source: str, destinations: list[str]) -> list[str]:
    tables = LazyTables({source: ",".join(destinations)})
    style = alias_style()

    def follow(address: str):
        return route(tables, address.strip().lower(), style)

    probe, expansion = follow(_probe(source))
    locals_ = [d for d in destinations if not d.startswith("@") and d != source]
    if probe.limit:  # deferred: nothing is delivered; still name each dead end, on its own
        expansion = [r for d in locals_ for r in follow(d)[1]]
    warnings = [
        f"{dest} is a local address with no mailbox and no alias: mail to it will bounce."
        for dest in _dead_ends(source, locals_, expansion)
    ]
    if (
        source in destinations
        and not source.startswith("@")
        and not Mailbox.objects.filter(address=source).exists()
    ):
        warnings.append(
            f"{source} lists itself as a destination but is not a mailbox: that copy will bounce."
        )
    if probe.limit == "loop":
        warnings.append(
            f"Mail for {source} would loop: its destinations lead back to it. Postfix "
            "bounces such mail."
        )
    return warnings
