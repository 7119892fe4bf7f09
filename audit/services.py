"""Writing audit entries; every service mutation calls `record` inside its transaction."""

from dataclasses import dataclass

from audit.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who performs a change: a staff username, a mailbox address or `cli:<login>`."""

    name: str
    ip: str | None = None

    def __str__(self) -> str:
        return self.name


SYSTEM = Actor("system")


def record(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str,
    *,
    domain: str = "",
    before: dict | None = None,
    after: dict | None = None,
    message: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor.name[:150],
        ip=actor.ip,
        action=action,
        object_type=object_type,
        object_id=object_id[:128],
        domain=domain[:128],
        before=before,
        after=after,
        message=message[:255],
    )
