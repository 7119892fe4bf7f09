"""Warnings shown before an alias is saved: loops and local dead ends.

They are warnings, not errors: the user may save anyway (e.g. the mailbox is created next).
Lookups follow Postfix's virtual_alias_maps order: the full address, then `@domain`; an
address that expands to itself is delivered, and a domain alias keeps the local part.
"""

from aliases.models import Alias
from domains.models import Domain, Mailbox
from mailadmin.addresses import domain_of

MAX_LOOKUPS = 200


class _Graph:
    def __init__(self, source: str, destinations: list[str]):
        self.proposed = (source, destinations)
        self.lookups = 0

    def row(self, key: str) -> list[str] | None:
        if key == self.proposed[0]:
            return self.proposed[1]
        self.lookups += 1
        destination = Alias.objects.filter(mail=key).values_list("destination", flat=True).first()
        if destination is None:
            return None
        return [d.strip() for d in destination.split(",") if d.strip()]

    def expand(self, address: str) -> tuple[str, list[str]] | None:
        """(the key that matched, what the address becomes), or None when final."""
        targets = self.row(address)
        if targets is not None and not address.startswith("@"):
            return address, targets
        local, _, domain = address.rpartition("@")
        key = f"@{domain}"
        targets = self.row(key) if targets is None else targets
        if targets is None:
            return None
        return key, [f"{local}{t}" if t.startswith("@") else t for t in targets]

    def loops(self, address: str, path: frozenset[str], depth: int = 0) -> bool:
        if depth > 20 or self.lookups > MAX_LOOKUPS:
            return depth > 20
        step = self.expand(address)
        if step is None:
            return False
        key, targets = step
        if key in path:
            return True
        for target in targets:
            if target == address:  # an address that expands to itself is delivered
                continue
            if self.loops(target, path | {key}, depth + 1):
                return True
        return False


def _probe(source: str) -> str:
    """An address the new row applies to: itself, or any local part of `@domain`."""
    return f"*{source}" if source.startswith("@") else source


def alias_warnings(source: str, destinations: list[str]) -> list[str]:
    warnings = []
    locals_ = [d for d in destinations if not d.startswith("@") and d != source]
    hosted = set(
        Domain.objects.filter(domain__in={domain_of(d) for d in locals_}).values_list(
            "domain", flat=True
        )
    )
    for dest in locals_:
        domain = domain_of(dest)
        if domain not in hosted:
            continue
        if Mailbox.objects.filter(address=dest).exists():
            continue
        if Alias.objects.filter(mail__in=[dest, f"@{domain}"]).exists():
            continue
        warnings.append(
            f"{dest} is a local address with no mailbox and no alias: mail to it will bounce."
        )
    if _Graph(source, destinations).loops(_probe(source), frozenset()):
        warnings.append(
            f"Mail for {source} would loop: its destinations lead back to it. Postfix "
            "bounces such mail."
        )
    return warnings
