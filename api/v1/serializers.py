"""The API's input and output: types only. The rules are the services' (domains.services,
aliases.services, limits.services, vacation.services); a serializer here checks that a field
is there with the right JSON type and refuses fields it does not know. A PATCH validates
the PUT's serializer with `partial=True`: only the fields sent, no defaults."""

from dataclasses import asdict

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aliases.models import Alias
from domains.forms import quota_for_form
from domains.models import Domain, Mailbox
from limits import services as limits
from limits.models import DomainLimits
from mailadmin import quota
from vacation import services as vacation
from vacation.models import Vacation
from vacation.rules import DEFAULT_INTERVAL_DAYS


class StrictChar(serializers.CharField):
    """A JSON string, never a number or a boolean turned into one."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBool(serializers.BooleanField):
    """JSON true or false only."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictInt(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDate(serializers.DateField):
    """A day as a JSON string, YYYY-MM-DD."""

    def __init__(self, **kwargs):
        super().__init__(input_formats=["iso-8601"], **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(data)


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
)
class Destinations(serializers.Field):
    """A comma-separated string or a list of strings (aliases.services.parse_destinations)."""

    def to_internal_value(self, data):
        if isinstance(data, str) or (
            isinstance(data, list) and all(isinstance(i, str) for i in data)
        ):
            return data
        raise serializers.ValidationError(_("A string or a list of strings."))

    def to_representation(self, value):
        return value


class Strict(serializers.Serializer):
    """Unknown fields are refused (400), not ignored."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            message = _("A JSON object expected.")
            raise serializers.ValidationError({"non_field_errors": [message]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class DomainIn(Strict):
    domain = StrictChar(max_length=255, trim_whitespace=False)
    transport = StrictChar(required=False, default="virtual:", trim_whitespace=False)
    enabled = StrictBool(required=False, default=True)


class DomainPut(Strict):
    transport = StrictChar(required=False, default="virtual:", trim_whitespace=False)
    enabled = StrictBool(required=False, default=True)


class MailboxIn(Strict):
    address = StrictChar(max_length=255, trim_whitespace=False)
    password = StrictChar(write_only=True, max_length=1024, trim_whitespace=False)
    name = StrictChar(required=False, default="", allow_blank=True, max_length=1024)
    quota = StrictChar(required=False, default="", allow_blank=True, max_length=255)
    enabled = StrictBool(required=False, default=True)


class MailboxPut(Strict):
    password = StrictChar(write_only=True, required=False, max_length=1024, trim_whitespace=False)
    name = StrictChar(required=False, default="", allow_blank=True, max_length=1024)
    quota = StrictChar(required=False, default="", allow_blank=True, max_length=255)
    enabled = StrictBool(required=False, default=True)


class AliasIn(Strict):
    mail = StrictChar(max_length=255, trim_whitespace=False)
    destination = Destinations()
    enabled = StrictBool(required=False, default=True)


class AliasPut(Strict):
    destination = Destinations()
    enabled = StrictBool(required=False, default=True)


class ForwardPut(Strict):
    destination = Destinations()
    keep_copy = StrictBool(required=False, default=True)


def _count_limit():
    return StrictInt(required=False, default=None, allow_null=True, help_text="null: unlimited")


def _size_limit(help_text: str):
    return StrictChar(
        required=False,
        default=None,
        allow_null=True,
        allow_blank=True,
        trim_whitespace=False,
        help_text=help_text,
    )


class LimitsPut(Strict):
    """A domain's limits as the limits form takes them; a PUT leaves out none (a limit not
    sent is unlimited), a PATCH changes only those sent."""

    mailboxes = _count_limit()
    aliases = _count_limit()
    max_quota = _size_limit("a size such as 2G; null or '': unlimited")
    total_quota = _size_limit("a size such as 100G; null or '': unlimited")
    default_quota = _size_limit("a quota such as 500 MB; null or '': none")


class VacationPut(Strict):
    """The vacation form's fields; a PUT or PATCH switches the vacation on."""

    subject = StrictChar(trim_whitespace=False, allow_blank=True)
    body = StrictChar(trim_whitespace=False, allow_blank=True)
    first_day = StrictDate(required=False, default=None, allow_null=True)
    last_day = StrictDate(required=False, default=None, allow_null=True)
    interval_days = StrictInt(required=False, default=DEFAULT_INTERVAL_DAYS)


# --- output: plain dicts, one function per object --------------------------------------


class DomainOut(serializers.Serializer):
    domain = serializers.CharField()
    transport = serializers.CharField()
    enabled = serializers.BooleanField()


class MailboxOut(serializers.Serializer):
    address = serializers.CharField()
    name = serializers.CharField()
    quota = serializers.CharField(help_text="human units, as the forms take them")
    enabled = serializers.BooleanField()


class AliasOut(serializers.Serializer):
    mail = serializers.CharField()
    destination = serializers.CharField()
    enabled = serializers.BooleanField()
    kind = serializers.CharField()


class LimitsOut(serializers.Serializer):
    domain = serializers.CharField()
    limits = LimitsPut(help_text="sizes in human units, as the limits form shows them")
    use = serializers.DictField(child=serializers.IntegerField())
    lines = serializers.ListField(child=serializers.DictField())
    over = serializers.ListField(
        child=serializers.CharField(), help_text="the limits the domain is over now"
    )


class VacationOut(serializers.Serializer):
    address = serializers.CharField()
    enabled = serializers.BooleanField()
    subject = serializers.CharField(required=False)
    body = serializers.CharField(required=False)
    first_day = serializers.DateField(required=False, allow_null=True)
    last_day = serializers.DateField(required=False, allow_null=True)
    interval_days = serializers.IntegerField(required=False)
    body_chars = serializers.IntegerField(required=False)


def domain_out(domain: Domain) -> dict:
    return {"domain": domain.domain, "transport": domain.transport, "enabled": domain.enabled}


def mailbox_out(mailbox: Mailbox) -> dict:
    return {
        "address": mailbox.address,
        "name": mailbox.name,
        "quota": quota.as_input(mailbox.quota, exact=True),
        "enabled": bool(mailbox.enabled),
    }


def alias_out(alias: Alias) -> dict:
    return {
        "mail": alias.mail,
        "destination": alias.destination,
        "enabled": bool(alias.enabled),
        "kind": str(alias.kind.value),
    }


def limits_values(row: DomainLimits | None) -> dict:
    """The limits as the limits form shows them (and reads them back): counts, exact sizes
    ('1536M'), the default quota in the words quota.parse reads; null: unlimited."""
    if row is None:
        return dict.fromkeys(limits.FIELDS)
    return {
        "mailboxes": row.mailboxes,
        "aliases": row.aliases,
        "max_quota": limits.size_cell(row.max_quota) or None,
        "total_quota": limits.size_cell(row.total_quota) or None,
        "default_quota": quota_for_form(row.default_quota) or None,
    }


def limits_out(name: str, row: DomainLimits | None, lines: list | None = None) -> dict:
    """The limits, their use, and the domain page's lines (`set_limits` returns them)."""
    use = limits.use_of(name)
    if lines is None:
        lines = limits.report(name, row, use)
    return {
        "domain": name,
        "limits": limits_values(row),
        "use": {"mailboxes": use.mailboxes, "aliases": use.aliases},
        "lines": [asdict(line) for line in lines],
        "over": [line.key for line in lines if line.over],
    }


def vacation_out(address: str, setting: Vacation | None) -> dict:
    if setting is None:
        return {"address": address, "enabled": False}
    return {"address": address, **vacation.snapshot(setting), "body": setting.body}
