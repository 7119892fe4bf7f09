"""Which addresses deliver to a mailbox: `routing.rules.lookup` walked backwards.

From the mailbox, a few hops deep: forwards listing an address that arrives here,
catch-alls (`@domain` → address) and domain aliases (`@alias` → `@target`, which keep the
local part). Only enabled alias rows count, as in the guide's maps. A domain alias does not
apply to an address that has an alias row of its own (the lookup finds that row first).
With a recipient delimiter (`routing.extensions`), a forward listing `user+tag@domain`
delivers to `user@domain` too, unless `user+tag@domain` has an alias row of its own.

The rows are read by destination, one hop at a time (two queries a hop), not through
`routing.tables`: those read forwards, by source.
"""

from dataclasses import dataclass

from django.db.models import Q

from aliases.models import Alias, AliasKind, is_domain_source
from routing.extensions import recipient_delimiter, split_extension
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


def _query(frontier: list[str], delimiter: str) -> Q:
    query = Q()
    for target in frontier:
        local, domain = split_address(target)
        if not target.startswith("@"):
            # LIKE for one mailbox's handful of targets; matches are checked exactly below.
            query |= Q(destination__contains=target)
            for character in delimiter:  # local+tag@domain
                query |= Q(destination__contains=local + character) & Q(
                    destination__contains="@" + domain
                )
        query |= Q(destination="@" + domain)
    return query


def sources_of(address: str, delimiter: str | None = None) -> list[DeliveringAddress]:
    """The addresses whose mail reaches `address`; `delimiter`: the recipient delimiter
    assumed (default MAILADMIN_RECIPIENT_DELIMITER)."""
    delimiter = recipient_delimiter() if delimiter is None else delimiter

    def arrives(destination: str, targets: set[str]) -> bool:
        split = split_extension(destination, delimiter)
        return destination in targets or (split is not None and split[0] in targets)

    found: list[DeliveringAddress] = []
    seen = {address}
    frontier = [address]
    for _ in range(MAX_HOPS):
        if not frontier:
            break
        targets = set(frontier)
        direct: list[DeliveringAddress] = []
        via_domain_alias: list[DeliveringAddress] = []
        for alias in Alias.objects.filter(_query(frontier, delimiter), enabled=True).order_by(
            "mail"
        ):
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
            hits = [d for d in alias.destinations if arrives(d, targets) and d != alias.mail]
            if hits:
                kind = AliasKind.CATCH_ALL if is_domain_source(alias.mail) else AliasKind.FORWARD
                direct.append(DeliveringAddress(alias.mail, kind, alias.mail, hits[0]))
        candidates = [s.address for s in via_domain_alias if not s.address.startswith("@")]
        # An extension address with a row of its own goes there, not to the mailbox.
        candidates += [s.to for s in direct if s.to not in targets]
        own_rows = set(
            Alias.objects.filter(mail__in=candidates, enabled=True).values_list("mail", flat=True)
        )
        frontier = []
        for source in direct + via_domain_alias:
            if source.address in seen or source.address in own_rows:
                continue
            if source.to in own_rows and source.to not in targets:
                continue
            seen.add(source.address)
            found.append(source)
            frontier.append(source.address)
        frontier = frontier[:MAX_FRONTIER]
    return found
