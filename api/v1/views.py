"""/api/v1/: domains, mailboxes, aliases, a domain's limits and a mailbox's vacation,
through the panel's scopes and services.

Objects are fetched through the token owner's scoped querysets (accounts.access): another
domain's object is a 404. Writes go through the same services as the panel and the `mail`
command, in one transaction, audited as "<user> via API token <name>". `ETag` is the row's
fingerprint (the one edit forms carry); a PUT or PATCH with a stale `If-Match` changes
nothing, 412. A PUT replaces the whole object (a field not sent takes its default) and,
for domains, mailboxes and aliases, creates one that does not exist (provisioning scripts
can repeat it); a PATCH changes only the fields sent, and never creates.

A domain's limit is passed only knowingly: a superuser adds `?over_limit=true` to the
write, as the panel's forms ask them to tick a box; nobody else can.
"""

from contextlib import contextmanager
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from aliases import services as alias_services
from aliases.forms import AliasFormBase
from aliases.models import AliasKind, kind_q
from api import tokens
from api.v1 import schema  # noqa: F401  (the bearer scheme's description)
from api.v1 import serializers as s
from api.v1.pagination import paginate
from domains import services as domain_services
from domains.forms import DomainCreateForm, DomainLimitsForm, MailboxCreateForm, MailboxEditForm
from limits import services as limits
from limits.services import OVER_LIMIT
from mailadmin import fingerprint
from mailadmin.addresses import domain_of, normalize_address
from mailadmin.client import client_address
from vacation import services as vacation
from vacation.forms import FIELD_OF_CODE as VACATION_FIELDS

LIST_PARAMS = [
    OpenApiParameter("cursor", str, description="the `next` link's cursor"),
    OpenApiParameter("limit", int, description="rows per page, 1 to 1000"),
    OpenApiParameter("prefix", str, description="keys starting with this text"),
    OpenApiParameter("enabled", bool),
]
DOMAIN_PARAM = OpenApiParameter("domain", str, description="one of your domains")
IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, description="the ETag you read; stale: 412"
)
OVER_LIMIT_PARAM = OpenApiParameter(
    "over_limit",
    bool,
    description=(
        "true: a superuser passes the domain's limits knowingly (audited as such); without "
        "it a write past a limit is refused (400). Not honoured for anyone else."
    ),
)


def refusal_fields(form, **api_names) -> dict[str, str | None]:
    """Which field each service refusal (its ValidationError code) belongs to: the form's
    own `error_fields`, the one home of that rule, with its fields in the API's names."""
    return {
        code: api_names.get(field, field) if field else None
        for code, field in form.error_fields.items()
    }


# The API has no backup-MX flag or RFC 2142 mailbox: those refusals are about the transport
# and the request. A limit is refused as a whole (the form asks to confirm instead).
DOMAIN_FIELDS = refusal_fields(
    DomainCreateForm, name="domain", backup_mx="transport", rfc2142_mailbox=None
)
NEW_MAILBOX_FIELDS = {**refusal_fields(MailboxCreateForm, local_part="address"), OVER_LIMIT: None}
MAILBOX_FIELDS = {**refusal_fields(MailboxEditForm), "invalid": None, OVER_LIMIT: None}
ALIAS_FIELDS = {
    **refusal_fields(AliasFormBase, source="mail", destinations="destination"),
    OVER_LIMIT: None,
}
LIMITS_FIELDS = refusal_fields(DomainLimitsForm)


@contextmanager
def fields(mapping: dict[str, str], default: str | None = None):
    """A service's ValidationError with each message under its field (unknown codes under
    `default`, else `non_field_errors`); a stale fingerprint stays as it is (412)."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict") or any(e.code == "stale" for e in error.error_list):
            raise
        by_field: dict[str, list] = {}
        for item in error.error_list:
            name = mapping.get(item.code or "", default) or "non_field_errors"
            by_field.setdefault(name, []).append(item)
        raise ValidationError(by_field) from None


def _actor(request):
    return tokens.actor_for(request.auth, client_address(request))


def _if_match(request) -> str | None:
    value = request.headers.get("If-Match", "").strip()
    if not value or value == "*":
        return None
    return value.removeprefix("W/").strip('"')


def _with_etag(response: Response, tag: str) -> Response:
    response["ETag"] = f'"{tag}"'
    return response


def _precondition(request, current: str, kind: str, name: str) -> None:
    """A stale `If-Match` refuses the write (mailadmin.fingerprint, the edit forms' rule),
    checked against the row locked for the write's transaction."""
    fingerprint.check(current, _if_match(request), kind, name)


def _valid(serializer_class, request, *, partial: bool = False):
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _flag(request, name: str) -> bool | None:
    raw = request.query_params.get(name, "")
    if raw in ("true", "1"):
        return True
    if raw in ("false", "0"):
        return False
    if raw:
        message = _("%(name)s is true or false.") % {"name": name}
        raise serializers.ValidationError({name: [message]})  # a parameter, not a field
    return None


def _enabled_filter(request, queryset):
    enabled = _flag(request, "enabled")
    return queryset if enabled is None else queryset.filter(enabled=enabled)


def _over_limit(request) -> bool:
    """`?over_limit=true` from a superuser: the forms' confirmation box (ServiceForm)."""
    return bool(_flag(request, "over_limit")) and access.is_superuser(request.user)


@contextmanager
def _limits_told(request):
    """A superuser refused by a domain's limit hears how to pass it knowingly, as the form
    offers them its box."""
    try:
        yield
    except ValidationError as error:
        refused = not hasattr(error, "error_dict") and any(
            e.code == OVER_LIMIT for e in error.error_list
        )
        if not (refused and access.is_superuser(request.user)):
            raise
        hint = _("As a superuser you may pass it: repeat the request with ?over_limit=true.")
        raise ValidationError([*error.error_list, ValidationError(hint, code=OVER_LIMIT)]) from None


def _prefix(request) -> str:
    return request.query_params.get("prefix", "").strip().lower()


def _require_own_domain(user, name: str) -> None:
    """A create in a domain that is not the user's is refused like one in a domain that
    is not hosted, so that it tells nothing about other domains."""
    if not access.is_superuser(user) and not access.may_use_domain(user, name):
        raise ValidationError(
            _("Domain %(domain)s is not hosted here.") % {"domain": name}, code="no_domain"
        )


def _require_scope_to_create(user, name: str) -> None:
    """A PUT creating an object in another admin's domain: 404, as its existing objects."""
    if not access.is_superuser(user):
        access.require_domain(user, name)


# --- domains ---------------------------------------------------------------------------


def _domain_response(domain, status=200) -> Response:
    response = Response(s.domain_out(domain), status=status)
    return _with_etag(response, domain_services.domain_fingerprint(domain))


class DomainList(APIView):
    @extend_schema(parameters=LIST_PARAMS, responses=s.DomainOut(many=True))
    def get(self, request):
        queryset = _enabled_filter(request, access.domains_for(request.user))
        if prefix := _prefix(request):
            queryset = queryset.filter(domain__istartswith=prefix)
        return paginate(request, queryset, "domain", s.domain_out)

    @extend_schema(request=s.DomainIn, responses={201: s.DomainOut})
    @fields(DOMAIN_FIELDS)
    def post(self, request):
        access.require_superuser(request.user)
        data = _valid(s.DomainIn, request)
        domain = domain_services.create_domain(
            data["domain"],
            actor=_actor(request),
            transport=data["transport"],
            enabled=data["enabled"],
        )
        return _domain_response(domain, 201)


class DomainDetail(APIView):
    @extend_schema(responses=s.DomainOut)
    def get(self, request, domain):
        return _domain_response(access.get_domain_for_user(request.user, domain))

    @extend_schema(
        request=s.DomainPut, responses={200: s.DomainOut, 201: s.DomainOut}, parameters=[IF_MATCH]
    )
    @fields(DOMAIN_FIELDS)
    def put(self, request, domain):
        try:
            current = access.get_domain_for_user(request.user, domain)
        except Http404:
            if not access.is_superuser(request.user):
                raise
            current = None
        access.require_superuser(request.user)
        data = _valid(s.DomainPut, request)
        if current is None:
            created = domain_services.create_domain(
                domain, actor=_actor(request), transport=data["transport"], enabled=data["enabled"]
            )
            return _domain_response(created, 201)
        return _update_domain(request, current.domain, data)

    @extend_schema(request=s.DomainPut, responses=s.DomainOut, parameters=[IF_MATCH])
    @fields(DOMAIN_FIELDS)
    def patch(self, request, domain):
        current = access.get_domain_for_user(request.user, domain)
        access.require_superuser(request.user)
        return _update_domain(request, current.domain, _valid(s.DomainPut, request, partial=True))

    @extend_schema(responses={204: None})
    def delete(self, request, domain):
        current = access.get_domain_for_user(request.user, domain)
        access.require_superuser(request.user)
        domain_services.remove_domain(current.domain, actor=_actor(request))
        return Response(status=204)


@transaction.atomic
def _update_domain(request, name: str, data) -> Response:
    """The fields in `data` (all of a PUT's, those a PATCH sent) through the services."""
    actor = _actor(request)
    current = domain_services.get_domain(name, for_update=True)
    _precondition(request, domain_services.domain_fingerprint(current), "domain", name)
    if "transport" in data:
        domain_services.update_domain(name, actor=actor, transport=data["transport"])
    if "enabled" in data and data["enabled"] != current.enabled:
        domain_services.set_domain_enabled(name, data["enabled"], actor=actor)
    return _domain_response(domain_services.get_domain(name))


# --- mailboxes -------------------------------------------------------------------------


def _mailbox_response(mailbox, status=200) -> Response:
    response = Response(s.mailbox_out(mailbox), status=status)
    return _with_etag(response, domain_services.mailbox_etag(mailbox))


class MailboxList(APIView):
    @extend_schema(parameters=[*LIST_PARAMS, DOMAIN_PARAM], responses=s.MailboxOut(many=True))
    def get(self, request):
        queryset = _enabled_filter(request, access.mailboxes_for(request.user))
        if name := access.domain_filter(request.user, request.query_params.get("domain", "")):
            queryset = queryset.filter(domain_name=name)
        if prefix := _prefix(request):
            queryset = queryset.filter(address__istartswith=prefix)
        return paginate(request, queryset, "address", s.mailbox_out)

    @extend_schema(
        request=s.MailboxIn, responses={201: s.MailboxOut}, parameters=[OVER_LIMIT_PARAM]
    )
    def post(self, request):
        data = _valid(s.MailboxIn, request)
        return _create_mailbox(request, data["address"], data)


@fields(NEW_MAILBOX_FIELDS, "password")
def _create_mailbox(request, address: str, data) -> Response:
    address = normalize_address(address)
    _require_own_domain(request.user, domain_of(address))
    if not data.get("password"):
        raise ValidationError({"password": [_("A new mailbox needs a password.")]})
    with _limits_told(request):
        mailbox = domain_services.create_mailbox(
            address,
            data["password"],
            actor=_actor(request),
            name=data["name"],
            quota_text=data["quota"],
            enabled=data["enabled"],
            over_limit=_over_limit(request),
        )
    return _mailbox_response(mailbox, 201)


class MailboxDetail(APIView):
    @extend_schema(responses=s.MailboxOut)
    def get(self, request, address):
        return _mailbox_response(access.get_mailbox_for_user(request.user, address))

    @extend_schema(
        request=s.MailboxPut,
        responses={200: s.MailboxOut, 201: s.MailboxOut},
        parameters=[IF_MATCH, OVER_LIMIT_PARAM],
    )
    @fields(MAILBOX_FIELDS, "password")
    def put(self, request, address):
        data = _valid(s.MailboxPut, request)
        with transaction.atomic():
            current = (
                access.mailboxes_for(request.user)
                .filter(address=normalize_address(address))
                .first()
            )
            if current is None:
                _require_scope_to_create(request.user, domain_of(normalize_address(address)))
                return _create_mailbox(request, address, data)
            return _update_mailbox(request, current.address, data)

    @extend_schema(
        request=s.MailboxPut, responses=s.MailboxOut, parameters=[IF_MATCH, OVER_LIMIT_PARAM]
    )
    @fields(MAILBOX_FIELDS, "password")
    def patch(self, request, address):
        mailbox = access.get_mailbox_for_user(request.user, address)
        data = _valid(s.MailboxPut, request, partial=True)
        return _update_mailbox(request, mailbox.address, data)

    @extend_schema(responses={204: None})
    def delete(self, request, address):
        mailbox = access.get_mailbox_for_user(request.user, address)
        domain_services.remove_mailbox(mailbox.address, actor=_actor(request))
        return Response(status=204)


@transaction.atomic
def _update_mailbox(request, address: str, data) -> Response:
    """The fields in `data` (all of a PUT's, those a PATCH sent) through the services."""
    actor = _actor(request)
    over_limit = _over_limit(request)
    current = domain_services.get_mailbox(address, for_update=True)
    _precondition(request, domain_services.mailbox_etag(current), "mailbox", address)
    with _limits_told(request):
        domain_services.update_mailbox(
            address,
            actor=actor,
            name=data.get("name"),
            quota_text=data.get("quota"),
            over_limit=over_limit,
        )
        if data.get("password"):
            domain_services.set_mailbox_password(address, data["password"], actor=actor)
        if "enabled" in data and data["enabled"] != bool(current.enabled):
            domain_services.set_mailbox_enabled(
                address, data["enabled"], actor=actor, over_limit=over_limit
            )
    return _mailbox_response(domain_services.get_mailbox(address))


class MailboxForward(APIView):
    """The mailbox's forward: its own alias row (aliases.services.forward_mailbox)."""

    @extend_schema(request=s.ForwardPut, responses=s.AliasOut, parameters=[IF_MATCH])
    @fields(ALIAS_FIELDS, "destination")
    @method_decorator(transaction.atomic)
    def put(self, request, address):
        mailbox = access.get_mailbox_for_user(request.user, address)
        data = _valid(s.ForwardPut, request)
        if _if_match(request) is not None:
            # The ETag of the mailbox's own alias row (`_alias_response`), locked in the
            # order forward_mailbox locks: the mailbox, then its row.
            domain_services.get_mailbox(mailbox.address, for_update=True)
            try:
                row = alias_services.get_alias(mailbox.address, for_update=True)
                current = alias_services.alias_etag(row)
            except ValidationError:
                current = ""  # no row of its own yet (an adopted mailbox): no ETag matches
            _precondition(request, current, "alias", mailbox.address)
        row = alias_services.forward_mailbox(
            mailbox.address, data["destination"], actor=_actor(request), keep_copy=data["keep_copy"]
        )
        return _alias_response(row)

    @extend_schema(responses=s.AliasOut)
    def delete(self, request, address):
        mailbox = access.get_mailbox_for_user(request.user, address)
        row = alias_services.stop_forwarding_mailbox(mailbox.address, actor=_actor(request))
        return _alias_response(row)


# --- aliases ---------------------------------------------------------------------------


def _alias_response(alias, status=200) -> Response:
    response = Response(s.alias_out(alias), status=status)
    return _with_etag(response, alias_services.alias_etag(alias))


class AliasList(APIView):
    @extend_schema(
        parameters=[
            *LIST_PARAMS,
            DOMAIN_PARAM,
            OpenApiParameter("kind", str, enum=[k.value for k in AliasKind]),
        ],
        responses=s.AliasOut(many=True),
    )
    def get(self, request):
        queryset = _enabled_filter(request, access.aliases_for(request.user))
        if name := access.domain_filter(request.user, request.query_params.get("domain", "")):
            queryset = queryset.filter(domain_name=name)
        if kind := request.query_params.get("kind", ""):
            if kind not in AliasKind.values:
                kinds = ", ".join(AliasKind.values)
                raise ValidationError(_("kind is one of %(kinds)s.") % {"kinds": kinds})
            queryset = queryset.filter(kind_q(kind))
        if prefix := _prefix(request):
            queryset = queryset.filter(mail__istartswith=prefix)
        return paginate(request, queryset, "mail", s.alias_out)

    @extend_schema(request=s.AliasIn, responses={201: s.AliasOut}, parameters=[OVER_LIMIT_PARAM])
    def post(self, request):
        data = _valid(s.AliasIn, request)
        return _create_alias(request, data["mail"], data)


@fields(ALIAS_FIELDS, "destination")
def _create_alias(request, mail: str, data) -> Response:
    source = alias_services.normalize_source(mail)
    _require_own_domain(request.user, domain_of(source))
    with _limits_told(request):
        alias = alias_services.create_alias(
            source,
            data["destination"],
            actor=_actor(request),
            enabled=data["enabled"],
            over_limit=_over_limit(request),
        )
    return _alias_response(alias, 201)


class AliasDetail(APIView):
    @extend_schema(responses=s.AliasOut)
    def get(self, request, mail):
        return _alias_response(access.get_alias_for_user(request.user, mail))

    @extend_schema(
        request=s.AliasPut,
        responses={200: s.AliasOut, 201: s.AliasOut},
        parameters=[IF_MATCH, OVER_LIMIT_PARAM],
    )
    @fields(ALIAS_FIELDS, "destination")
    def put(self, request, mail):
        data = _valid(s.AliasPut, request)
        with transaction.atomic():
            source = alias_services.normalize_source(mail)
            current = access.aliases_for(request.user).filter(mail=source).first()
            if current is None:
                _require_scope_to_create(request.user, domain_of(source))
                return _create_alias(request, source, data)
            return _update_alias(request, source, data)

    @extend_schema(
        request=s.AliasPut, responses=s.AliasOut, parameters=[IF_MATCH, OVER_LIMIT_PARAM]
    )
    @fields(ALIAS_FIELDS, "destination")
    def patch(self, request, mail):
        alias = access.get_alias_for_user(request.user, mail)
        return _update_alias(request, alias.mail, _valid(s.AliasPut, request, partial=True))

    @extend_schema(responses={204: None})
    def delete(self, request, mail):
        alias = access.get_alias_for_user(request.user, mail)
        alias_services.remove_alias(alias.mail, actor=_actor(request))
        return Response(status=204)


@transaction.atomic
def _update_alias(request, source: str, data) -> Response:
    """The fields in `data` (all of a PUT's, those a PATCH sent) through the services."""
    actor = _actor(request)
    current = alias_services.get_alias(source, for_update=True)
    _precondition(request, alias_services.alias_etag(current), "alias", source)
    if "destination" in data:
        alias_services.replace_alias(source, data["destination"], actor=actor)
    if "enabled" in data and data["enabled"] != bool(current.enabled):
        with _limits_told(request):
            alias_services.set_alias_enabled(
                source, data["enabled"], actor=actor, over_limit=_over_limit(request)
            )
    return _alias_response(alias_services.get_alias(source))


# --- a domain's limits -----------------------------------------------------------------


def _limits_response(name: str, row, lines=None) -> Response:
    response = Response(s.limits_out(name, row, lines))
    return _with_etag(response, limits.limits_fingerprint(row))


class DomainLimits(APIView):
    """A domain's limits and their use (the domain page's lines); superusers set them, as
    on the panel's limits page and with `mail domain limits`. Lowering one below the use is
    allowed: nothing is removed, and `over` names the limits the domain is now over."""

    @extend_schema(responses=s.LimitsOut)
    def get(self, request, domain):
        name = access.get_domain_for_user(request.user, domain).domain
        return _limits_response(name, limits.limits_of(name))

    @extend_schema(request=s.LimitsPut, responses=s.LimitsOut, parameters=[IF_MATCH])
    def put(self, request, domain):
        return self._set(request, domain, partial=False)

    @extend_schema(request=s.LimitsPut, responses=s.LimitsOut, parameters=[IF_MATCH])
    def patch(self, request, domain):
        return self._set(request, domain, partial=True)

    @fields(LIMITS_FIELDS)
    def _set(self, request, domain, *, partial: bool) -> Response:
        name = access.get_domain_for_user(request.user, domain).domain
        access.require_superuser(request.user)
        data = _valid(s.LimitsPut, request, partial=partial)
        row, lines = limits.set_limits(
            name, actor=_actor(request), expected=_if_match(request), **data
        )
        return _limits_response(name, row, lines)


# --- a mailbox's vacation --------------------------------------------------------------


def _vacation_response(address: str) -> Response:
    setting = vacation.vacation_of(address)
    response = Response(s.vacation_out(address, setting))
    return _with_etag(response, vacation.vacation_fingerprint(setting))


class MailboxVacation(APIView):
    """A mailbox's out-of-office reply, as its vacation page: PUT or PATCH switch it on
    with the form's fields, DELETE switches it off (vacation.services)."""

    @extend_schema(responses=s.VacationOut)
    def get(self, request, address):
        return _vacation_response(access.get_mailbox_for_user(request.user, address).address)

    @extend_schema(request=s.VacationPut, responses=s.VacationOut, parameters=[IF_MATCH])
    def put(self, request, address):
        return self._set(request, address, partial=False)

    @extend_schema(request=s.VacationPut, responses=s.VacationOut, parameters=[IF_MATCH])
    def patch(self, request, address):
        return self._set(request, address, partial=True)

    @extend_schema(responses=s.VacationOut)
    def delete(self, request, address):
        mailbox = access.get_mailbox_for_user(request.user, address)
        vacation.turn_off(mailbox.address, actor=_actor(request))
        return _vacation_response(mailbox.address)

    @fields(VACATION_FIELDS)
    def _set(self, request, address, *, partial: bool) -> Response:
        mailbox = access.get_mailbox_for_user(request.user, address)
        data = _valid(s.VacationPut, request, partial=partial)
        with transaction.atomic():
            current = vacation.vacation_of(mailbox.address, for_update=True)
            kept = vacation.setting_of(current) if partial and current else None
            setting = replace(kept or vacation.Setting("", ""), **data)
            vacation.set_vacation(
                mailbox.address, setting, actor=_actor(request), expected=_if_match(request)
            )
        return _vacation_response(mailbox.address)
