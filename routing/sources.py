"""Which addresses deliver to a mailbox: `routing.rules.lookup` walked backwards.

From the mailbox, a few hops deep: forwards listing an address that arrives here,
catch-alls (`@domain` → address) and domain aliases (`@alias` → `@target`, which keep the
local part). Only enabled alias rows count, as in the guide's maps. A domain alias does not
apply to an address that has an alias row of its own (the lookup finds that row first).

The rows are read by destination, one hop at a time (two queries a hop), not through
`routing.tables`: those read forwards, by source.
"""

from dataclasses import dataclass

from django.db.models import Q

from aliases.models import Alias, AliasKind, is_domain_source
from routing.rules import is_domain_alias, split_address

MAX_HOPS = 5
MAX_FRONTIER = 200


@dataclass(frozen=True)
class DeliveringAddress:
    """An address whose mail reaches the mailbox, through one alias row."""

    address: str  # a full address, or "@domain" for every other address of that domain
    kind: AliasKind
    rule: str  # the alias row that rewrites it: its `mail`
    to: str  # where that rule sends it, one hop closer to the mailbox

    @property
    def label(self) -> str:
        if self.address.startswith("@"):
            return f"any other address at {self.address[1:]}"
        return self.address


def _query(frontier: list[str]) -> Q:
    query = Q()
    for target in frontier:
        if not target.startswith("@"):
            # LIKE for one mailbox's handful of targets; matches are checked exactly below.
            query |= Q(destination__contains=target)
        query |= Q(destination="@" + split_address(target)[1])
    return query


def sources_of(address: str) -> list[DeliveringAddress]:
    found: list[DeliveringAddress] = []
    seen = {address}
    frontier = [address]
    for _ in range(MAX_HOPS):
        if not frontier:
            break
        targets = set(frontier)
        direct: list[DeliveringAddress] = []
        via_domain_alias: list[DeliveringAddress] = []
        for alias in Alias.objects.filter(_query(frontier), enabled=True).order_by("mail"):
            if is_domain_alias(alias):
                target_domain = alias.destination[1:]
                for target in sorted(targets):
                    local, domain = split_address(target)
                    if domain != target_domain:
                        continue
                    # The lookup keeps the local part: local@alias → local@target.
                    source = f"{local}@{alias.mail[1:]}" if local else alias.mail
                    via_domain_alias.append(
                        DeliveringAddress(source, AliasKind.DOMAIN_ALIAS, alias.mail, target)
                    )
                continue
            hits = [d for d in alias.destinations if d in targets and d != alias.mail]
            if hits:
                kind = AliasKind.CATCH_ALL if is_domain_source(alias.mail) else AliasKind.FORWARD
                direct.append(DeliveringAddress(alias.mail, kind, alias.mail, hits[0]))
        candidates = [s.address for s in via_domain_alias if not s.address.startswith("@")]
        own_rows = set(
            Alias.objects.filter(mail__in=candidates, enabled=True).values_list("mail", flat=True)
        )
        frontier = []
        for source in direct + via_domain_alias:
            if source.address in seen or source.address in own_rows:
                continue
            seen.add(source.address)
            found.append(source)
            frontier.append(source.address)
        frontier = frontier[:MAX_FRONTIER]
    return found
