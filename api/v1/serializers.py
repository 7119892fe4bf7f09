"""The API's input and output: types only. The rules are the services' (domains.services,
aliases.services); a serializer here checks that a field is there with the right JSON type
and refuses fields it does not know. A PATCH validates the PUT's serializer with
`partial=True`: only the fields sent, no defaults."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aliases.models import Alias
from domains.models import Domain, Mailbox
from mailadmin import quota


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
        raise serializers.ValidationError("A string or a list of strings.")

    def to_representation(self, value):
        return value


class Strict(serializers.Serializer):
    """Unknown fields are refused (400), not ignored."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["A JSON object expected."]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
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


def domain_out(domain: Domain) -> dict:
    return {"domain": domain.domain, "transport": domain.transport, "enabled": domain.enabled}


def mailbox_out(mailbox: Mailbox) -> dict:
    return {
        "address": mailbox.address,
        "name": mailbox.name,
        "quota": quota.as_input(mailbox.quota),
        "enabled": bool(mailbox.enabled),
    }


def alias_out(alias: Alias) -> dict:
    return {
        "mail": alias.mail,
        "destination": alias.destination,
        "enabled": bool(alias.enabled),
        "kind": str(alias.kind.value),
    }
