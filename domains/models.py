"""The guide's `domains` and `users` tables, in place.

Postfix (`virtual_mailbox_domains`, `virtual_mailbox_maps`, `virtual_uid_maps`,
`virtual_gid_maps`), Courier (`authmysqlrc`) and Dovecot read these tables directly: table
and column names, types and defaults must stay exactly as the guide creates them.
"""

from django.db import models
from django.db.models.functions import StrIndex, Substr
from django.utils.translation import gettext as _

from mailadmin.fields import UnsignedTinyBooleanField

GUIDE_DEFAULT_CRYPT = "sdtrusfX0Jj66"  # DES crypt of "ChangeMe": the guide's column default
GUIDE_DEFAULT_CLEAR = "ChangeMe"
PASSWORD_COLUMNS = ("crypt", "clear")  # what `Mailbox.set_crypt` writes


def domain_part(field: str) -> models.Expression:
    """The text after the first `@` of an address column (`@domain` gives `domain`)."""
    return Substr(models.F(field), StrIndex(models.F(field), models.Value("@")) + 1)


HOSTED_TRANSPORT = "virtual:"  # the guide's default: the domain's mailboxes are on this server


def relay_nexthop(transport: str) -> tuple[str, str] | None:
    """The one hosted-or-relayed rule. None: a domain hosted here (`virtual:`,
    virtual_mailbox_domains). Else a relay domain (relay_domains, transport_maps) and the
    (service, nexthop) Postfix hands its mail to, e.g. ('smtp', '[10.0.0.5]:25'); an empty
    service is Postfix's default transport, smtp."""
    transport = (transport or "").strip()
    if transport == HOSTED_TRANSPORT:
        return None
    service, _colon, nexthop = transport.partition(":")
    return service or "smtp", nexthop


def relay_words(relay: tuple[str, str]) -> str:
    """'relayed to [10.0.0.5]:25 via smtp': where `relay_nexthop`'s result hands mail to."""
    service, nexthop = relay
    if not nexthop:
        # Translators: what happens to a relay domain's mail, said after "it is" ("mail
        # for x@relay.example is relayed ..."); service is a Postfix transport, e.g. smtp.
        return _("relayed via %(service)s to the domain's own MX hosts") % {"service": service}
    # Translators: as above; nexthop is a host and port, e.g. [10.0.0.5]:25.
    return _("relayed to %(nexthop)s via %(service)s") % {"nexthop": nexthop, "service": service}


class Domain(models.Model):
    """A domain Postfix takes mail for while `enabled = 1`: hosted here when its transport is
    `virtual:`, else relayed to its transport (`relay_nexthop`)."""

    pkid = models.BigAutoField(primary_key=True)
    domain = models.CharField(max_length=120, unique=True, db_default="")
    transport = models.CharField(max_length=120, default="virtual:", db_default="virtual:")
    enabled = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = "domains"
        ordering = ["domain"]
        # The dashboard's disabled count and the disabled domains in the list's order: an
        # index range, not a scan of every domain.
        indexes = [models.Index(fields=["enabled", "domain"], name="domains_enabled_idx")]

    def __str__(self) -> str:
        return self.domain

    @property
    def relay(self) -> tuple[str, str] | None:
        """(service, nexthop) of a relay domain; None when the domain is hosted here."""
        return relay_nexthop(self.transport)


class RelaySetting(models.Model):
    """The panel's own settings of a relay domain (the guide's `domains` columns stay as they
    are). `backup_mx`: this server is a backup MX for the domain and accepts mail for any
    recipient, instead of only the domain's enabled aliases and mailboxes."""

    domain = models.OneToOneField(
        Domain, on_delete=models.CASCADE, primary_key=True, related_name="relay_setting"
    )
    backup_mx = models.BooleanField(default=False)

    class Meta:
        db_table = "mailadmin_relay_settings"

    def __str__(self) -> str:
        return str(self.domain_id)


class Mailbox(models.Model):
    """A mailbox: a row of the guide's `users` table; `id` is the full address."""

    address = models.CharField(max_length=128, primary_key=True, db_column="id", db_default="")
    name = models.CharField(max_length=128, blank=True, default="", db_default="")
    uid = models.PositiveSmallIntegerField(default=5000, db_default=5000)
    gid = models.PositiveSmallIntegerField(default=5000, db_default=5000)
    home = models.CharField(
        max_length=255, default="/var/spool/mail/virtual", db_default="/var/spool/mail/virtual"
    )
    maildir = models.CharField(max_length=255, default="blah/", db_default="blah/")
    enabled = UnsignedTinyBooleanField(default=True, db_default=True)
    # 1: the mailbox owner may change their password in self-service; 0: locked by the
    # postmaster (the owner is told so). Postfix and Courier ignore the column.
    change_password = UnsignedTinyBooleanField(default=True, db_default=True)
    # Plaintext password column of the guide: the panel always empties it.
    clear = models.CharField(max_length=128, default="", db_default=GUIDE_DEFAULT_CLEAR)
    crypt = models.CharField(max_length=128, db_default=GUIDE_DEFAULT_CRYPT)
    # Courier maildir quota string (`<bytes>S[,<count>C]`), empty for unlimited.
    quota = models.CharField(max_length=255, blank=True, default="", db_default="")
    procmailrc = models.CharField(max_length=128, blank=True, default="", db_default="")
    spamassassinrc = models.CharField(max_length=128, blank=True, default="", db_default="")
    domain_name = models.GeneratedField(
        expression=domain_part("address"),
        output_field=models.CharField(max_length=128),
        db_persist=True,
    )

    class Meta:
        db_table = "users"
        ordering = ["address"]
        indexes = [
            models.Index(fields=["domain_name", "address"], name="users_domain_name_idx"),
            # Search by name prefix and the dashboard's disabled count: index ranges; the
            # disabled mailboxes in the list's order, read off the index.
            models.Index(fields=["name"], name="users_name_idx"),
            models.Index(fields=["enabled", "address"], name="users_enabled_id_idx"),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def local_part(self) -> str:
        return self.address.partition("@")[0]

    def set_crypt(self, crypt: str) -> None:
        """Store a password as its hash (`mailadmin.passwords`), never in clear: `crypt`
        set, the guide's plaintext `clear` column emptied (save PASSWORD_COLUMNS)."""
        self.crypt = crypt
        self.clear = ""
