"""What each finding says: one whole sentence of the catalogues per case, with named
placeholders, and the key it is stored under (imports nothing of the project but the
pure helpers, so `audit.models` can render a stored finding).

A finding keeps its texts and their params. Its English `message` (the `mail check` output,
`--json`, the API and the stored column) is the sentence in no language, its `explanation`
the sentence in the active one. A stored finding keeps the keys and params beside its
English message, so the findings page can say it in the reader's language. A key is stored:
never rename or reuse one; give a text new placeholders under a new key.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy, ngettext_lazy, override

from mailadmin import quota

TEXTS: dict[str, "Text"] = {}


@dataclass(frozen=True)
class Text:
    key: str
    message: Promise  # gettext_lazy, or ngettext_lazy(..., "count") where a number decides
    shown: Callable[[dict], dict] | None = None  # params -> the values, in the active language

    def render(self, params: dict) -> str:
        """The sentence in the active language."""
        return str(self.message % (self.shown(params) if self.shown else params))

    def english(self, params: dict) -> str:
        with override(None):
            return self.render(params)

    def __reduce__(self):
        # A live run is cached (audit.live), pickled: its texts are found again by key.
        return (text_of, (self.key,))


def text_of(key: str) -> Text:
    return TEXTS[key]


def _text(key: str, message: Promise, shown: Callable[[dict], dict] | None = None) -> Text:
    assert key not in TEXTS, key
    TEXTS[key] = text = Text(key, message, shown)
    return text


def explain(keys: str, params: dict | None, stored: str) -> str:
    """A stored finding in the active language: its sentences (`keys`, space-separated) from
    its params, or its stored English when it has none (stored before the texts were kept)
    or a key is no longer known."""
    texts = [TEXTS.get(key) for key in keys.split()]
    if params is None or not texts or None in texts:
        return stored
    return " ".join(text.render(params) for text in texts)


def _usage(params: dict) -> dict:
    return {
        **params,
        "size": quota.human_size(params["size"]),
        "quota": quota.humanize(params["quota"]),
    }


def _ago(params: dict) -> dict:
    measured = datetime.fromisoformat(params["measured"])
    return {**params, "ago": timesince(measured, datetime.fromisoformat(params["checked"]))}


# --- dead-end ----------------------------------------------------------------------------------
DEAD_DISABLED_DOMAIN = _text(
    "dead-end.disabled-domain",
    gettext_lazy(
        # Translators: %(source)s is an alias (an address or @domain) that sends mail to
        # %(address)s (the arrow); "it" is that mail.
        "%(source)s → %(address)s is in disabled domain %(domain)s: Postfix relays it out."
    ),
)
DEAD_NO_MAILBOX = _text(
    "dead-end.no-mailbox",
    # Translators: %(source)s is an alias (an address or @domain) that sends mail to
    # %(address)s (the arrow).
    gettext_lazy("%(source)s → %(address)s has no mailbox and no alias: the mail bounces."),
)
DEAD_DISABLED_MAILBOX = _text(
    "dead-end.disabled-mailbox",
    # Translators: %(source)s is an alias (an address or @domain) that sends mail to
    # mailbox %(address)s (the arrow).
    gettext_lazy("%(source)s → mailbox %(address)s is disabled: the mail bounces."),
)
DEAD_DOMAIN_ALIAS_DISABLED = _text(
    "dead-end.domain-alias-disabled",
    gettext_lazy(
        # Translators: %(alias)s is @domain, %(target)s is @%(domain)s.
        "Domain alias %(alias)s → %(target)s: %(domain)s is disabled, so Postfix relays "
        "its mail out."
    ),
)
DEAD_DOMAIN_ALIAS_ELSEWHERE = _text(
    "dead-end.domain-alias-elsewhere",
    gettext_lazy(
        # Translators: %(alias)s is @%(name)s, %(target)s is @%(domain)s.
        "Domain alias %(alias)s → %(target)s: %(domain)s is not hosted here, so Postfix "
        "relays all mail of %(name)s out to it. Right only if %(domain)s is hosted elsewhere."
    ),
)
DEAD_SELF_NO_MAILBOX = _text(
    "dead-end.self-no-mailbox",
    gettext_lazy("%(address)s → itself, but there is no mailbox %(address)s: the mail bounces."),
)
DEAD_SELF_DISABLED = _text(
    "dead-end.self-disabled",
    gettext_lazy(
        "Mailbox %(address)s is disabled but its own alias row is enabled: Postfix accepts "
        "its mail, then bounces it."
    ),
)

# --- loop --------------------------------------------------------------------------------------
LOOP = _text(
    "loop",
    gettext_lazy(
        # Translators: %(route)s is the addresses of the loop joined by arrows (a → b → a);
        # 4.6.0 is Postfix's status code.
        "Mail loops: %(route)s. Postfix refuses the message (4.6.0 alias expansion error)."
    ),
)

# --- swallowed-mailbox, receives-nothing, backscatter -----------------------------------------
SWALLOWED = _text(
    "swallowed-mailbox",
    gettext_lazy(
        # Translators: %(address)s → %(address)s is the self-alias row the mailbox lacks;
        # @%(domain)s is a catch-all or a domain alias.
        "Mailbox %(address)s has no enabled alias row %(address)s → %(address)s: the "
        "catch-all or domain alias @%(domain)s takes all its mail."
    ),
)
RECEIVES_NOTHING = _text(
    "receives-nothing",
    gettext_lazy(
        # Translators: %(targets)s is a comma-separated list of addresses.
        "Mailbox %(address)s receives nothing: its own alias row sends its mail to "
        "%(targets)s and keeps no copy, so no mail reaches its maildir."
    ),
)
RECEIVES_NOTHING_NOWHERE = _text(
    "receives-nothing.nowhere",
    gettext_lazy(
        "Mailbox %(address)s receives nothing: its own alias row sends its mail to nowhere "
        "and keeps no copy, so no mail reaches its maildir."
    ),
)
BACKSCATTER = _text(
    "backscatter",
    gettext_lazy(
        # Translators: %(alias)s and %(target)s are @domain; "any unknown user%(alias)s" reads
        # "any unknown user@alias.example". RCPT is the SMTP command; keep the code as it is.
        "Domain alias %(alias)s → %(target)s with the guide's alias map: mail for any "
        "unknown user%(alias)s is accepted, then bounced (backscatter). The no-backscatter "
        "map style (`mail config postfix --style no-backscatter`) refuses it at RCPT."
    ),
)

# --- domain-state ------------------------------------------------------------------------------
DOMAIN_MISSING = _text(
    "domain-state.missing",
    gettext_lazy(
        # Translators: two counts in one sentence, so no plural form is chosen: say them in a
        # way that reads right for any number (e.g. "mailboxes: 3").
        "%(mailboxes)s mailbox(es) and %(aliases)s alias(es) of %(domain)s, which is not in "
        "the domains table: Postfix does not host them and the panel cannot manage them. "
        "Add the domain or remove the rows."
    ),
)
DOMAIN_MISSING_EMPTY = _text(
    "domain-state.missing-empty",
    gettext_lazy(
        # Translators: rows whose address has an empty domain part. Two counts in one
        # sentence, so no plural form is chosen: say them in a way that reads right for any
        # number (e.g. "mailboxes: 3").
        "%(mailboxes)s mailbox(es) and %(aliases)s alias(es) of (no domain), which is not in "
        "the domains table: Postfix does not host them and the panel cannot manage them. "
        "Add the domain or remove the rows."
    ),
)
DOMAIN_DISABLED = _text(
    "domain-state.disabled",
    gettext_lazy(
        # Translators: two counts in one sentence, so no plural form is chosen: say them in a
        # way that reads right for any number (e.g. "mailboxes: 3"). 454 is an SMTP reply code.
        "Domain %(domain)s is disabled: its %(mailboxes)s mailbox(es) and %(aliases)s "
        "alias(es) are inert (outside mail gets 454; locally submitted mail is still "
        "rewritten by its aliases)."
    ),
)

# --- passwords ---------------------------------------------------------------------------------
DEFAULT_PASSWORD = _text(
    "default-password",
    gettext_lazy(
        # Translators: %(hash)s is the hash itself; "ChangeMe" is the password, keep it as is.
        "Mailbox %(address)s still has the guide's default hash %(hash)s "
        '(the password "ChangeMe"): anyone can log in. Set a password.'
    ),
)
NOT_A_HASH = _text(
    "weak-password.not-a-hash",
    gettext_lazy(
        # Translators: crypt is the column of the users table, keep it as is.
        "Mailbox %(address)s has a crypt value that is no password hash the mail servers "
        "accept: nobody can log in. Set a password."
    ),
)
DES_CRYPT = _text(
    "weak-password.des-crypt",
    gettext_lazy(
        # Translators: des_crypt is the name of the hash scheme.
        "Mailbox %(address)s has a legacy des_crypt hash, which reads only the first 8 "
        "characters of a password (so a self-service login with a longer one cannot upgrade "
        "it): ask the owner to set a new password."
    ),
)
WEAK_SCHEME = _text(
    "weak-password.weak-scheme",
    gettext_lazy(
        # Translators: %(scheme)s is the name of the hash scheme, e.g. md5_crypt.
        "Mailbox %(address)s has a weak %(scheme)s hash: set a new password (or let the "
        "owner log in to self-service, which upgrades it)."
    ),
)
EMPTY_PASSWORD = _text(
    "empty-password",
    gettext_lazy("Mailbox %(address)s has an empty crypt column: set a password."),
)
PLAINTEXT_PASSWORD = _text(
    "plaintext-password",
    gettext_lazy(
        # Translators: clear is the column of the users table, keep it as is.
        "Mailbox %(address)s has a plain-text password in the clear column. Setting a "
        "password through the panel empties it."
    ),
)

# --- bad-quota, mailbox-full, usage-stale ------------------------------------------------------
BAD_QUOTA = _text(
    "bad-quota",
    gettext_lazy(
        # Translators: %(quota)s is the stored value, quoted; 524288000S is a quota string as
        # Courier reads it, keep it as is.
        "Mailbox %(address)s has quota %(quota)s, which Courier ignores (no quota at all). "
        "Use e.g. 524288000S for 500 MB."
    ),
)
OVER_QUOTA = _text(
    "mailbox-full.over",
    ngettext_lazy(
        # Translators: %(size)s is a size (1.5 GB), %(quota)s the quota (500 MB, 1000 messages).
        # The English keeps "messages" for any count; the translations choose the plural form.
        "Mailbox %(address)s is over its quota (%(size)s and %(messages)s messages of "
        "%(quota)s): new mail bounces.",
        "Mailbox %(address)s is over its quota (%(size)s and %(messages)s messages of "
        "%(quota)s): new mail bounces.",
        "messages",
    ),
    _usage,
)
NEARLY_FULL = _text(
    "mailbox-full.nearly",
    ngettext_lazy(
        # Translators: %(percent)s%% is how full it is (90%); %(size)s is a size (1.5 GB),
        # %(quota)s the quota (500 MB, 1000 messages). The English keeps "messages" for any
        # count; the translations choose the plural form.
        "Mailbox %(address)s is %(percent)s%% full (%(size)s and %(messages)s messages of "
        "%(quota)s).",
        "Mailbox %(address)s is %(percent)s%% full (%(size)s and %(messages)s messages of "
        "%(quota)s).",
        "messages",
    ),
    _usage,
)
USAGE_STALE = _text(
    "usage-stale",
    ngettext_lazy(
        # Translators: %(ago)s is a duration (2 days, 3 hours); `mail usage collect` is a
        # command, keep it as is.
        "The usage of %(count)s mailbox of %(domain)s was last measured %(ago)s ago: is "
        "`mail usage collect` running (cron or its systemd timer)?",
        "The usage of %(count)s mailboxes of %(domain)s was last measured %(ago)s ago: is "
        "`mail usage collect` running (cron or its systemd timer)?",
        "count",
    ),
    _ago,
)

# --- maildir -----------------------------------------------------------------------------------
MAILDIR_OUTSIDE = _text(
    "maildir.outside",
    gettext_lazy(
        # Translators: %(maildir)s is the maildir column's value, quoted; virtual_mailbox_base
        # is Postfix's setting, keep it as is.
        "Mailbox %(address)s has maildir %(maildir)s, which is absolute or climbs out of "
        "virtual_mailbox_base: its mail is written outside the mail store."
    ),
)
MAILDIR_OTHER_DOMAIN = _text(
    "maildir.other-domain",
    gettext_lazy(
        # Translators: %(maildir)s is the maildir column's value, quoted.
        "Mailbox %(address)s has maildir %(maildir)s, in the directory of domain "
        "%(domain)s: its mail is stored among that domain's."
    ),
)
MAILDIR_SAME = _text(
    "maildir.same",
    gettext_lazy(
        # Translators: two mailboxes whose maildirs overlap; %(maildir)s is the maildir,
        # quoted.
        "Mailbox %(address)s has maildir %(maildir)s, the same maildir as %(other)s: each "
        "can read and expunge the other's mail."
    ),
)
MAILDIR_SAME_HIDDEN = _text(
    "maildir.same-hidden",
    gettext_lazy(
        # Translators: two mailboxes whose maildirs overlap; %(maildir)s is the maildir,
        # quoted.
        "Mailbox %(address)s has maildir %(maildir)s, the same maildir as a mailbox of "
        "another domain: each can read and expunge the other's mail."
    ),
)
MAILDIR_INSIDE = _text(
    "maildir.inside",
    gettext_lazy(
        # Translators: two mailboxes whose maildirs overlap; %(maildir)s is the maildir,
        # quoted.
        "Mailbox %(address)s has maildir %(maildir)s, inside the maildir of %(other)s: each "
        "can read and expunge the other's mail."
    ),
)
MAILDIR_INSIDE_HIDDEN = _text(
    "maildir.inside-hidden",
    gettext_lazy(
        # Translators: two mailboxes whose maildirs overlap; %(maildir)s is the maildir,
        # quoted.
        "Mailbox %(address)s has maildir %(maildir)s, inside the maildir of a mailbox of "
        "another domain: each can read and expunge the other's mail."
    ),
)
MAILDIR_HOLDS = _text(
    "maildir.holds",
    gettext_lazy(
        # Translators: two mailboxes whose maildirs overlap; %(maildir)s is the maildir,
        # quoted.
        "Mailbox %(address)s has maildir %(maildir)s, which holds the maildir of %(other)s: "
        "each can read and expunge the other's mail."
    ),
)
MAILDIR_HOLDS_HIDDEN = _text(
    "maildir.holds-hidden",
    gettext_lazy(
        # Translators: two mailboxes whose maildirs overlap; %(maildir)s is the maildir,
        # quoted.
        "Mailbox %(address)s has maildir %(maildir)s, which holds the maildir of a mailbox "
        "of another domain: each can read and expunge the other's mail."
    ),
)
MAILDIR_BY_HAND = _text(
    "maildir.by-hand",
    gettext_lazy(
        # Translators: follows a maildir finding; users and aliases are the tables' names.
        "The panel does not take this address as stored: fix or remove its users and "
        "aliases rows by hand."
    ),
)

# --- case --------------------------------------------------------------------------------------
CASE_TWINS = {
    "domain": _text(
        "case.twins.domain",
        ngettext_lazy(
            # Translators: %(values)s is a comma-separated list of the rows' values. The
            # English keeps "rows" for any count; the translations choose the plural form.
            "%(count)s domain rows differ only by case: %(values)s. Lookups may find either.",
            "%(count)s domain rows differ only by case: %(values)s. Lookups may find either.",
            "count",
        ),
    ),
    "mailbox": _text(
        "case.twins.mailbox",
        ngettext_lazy(
            # Translators: %(values)s is a comma-separated list of the rows' values. The
            # English keeps "rows" for any count; the translations choose the plural form.
            "%(count)s mailbox rows differ only by case: %(values)s. Lookups may find either.",
            "%(count)s mailbox rows differ only by case: %(values)s. Lookups may find either.",
            "count",
        ),
    ),
    "alias": _text(
        "case.twins.alias",
        ngettext_lazy(
            # Translators: %(values)s is a comma-separated list of the rows' values. The
            # English keeps "rows" for any count; the translations choose the plural form.
            "%(count)s alias rows differ only by case: %(values)s. Lookups may find either.",
            "%(count)s alias rows differ only by case: %(values)s. Lookups may find either.",
            "count",
        ),
    ),
}
CASE_CAPITALS = {
    "domain": _text(
        "case.capitals.domain",
        ngettext_lazy(
            # Translators: %(examples)s lists up to five of the rows' values. The English keeps
            # "row(s)" for any count; the translations choose the plural form.
            "%(count)s domain row(s) stored with capitals (e.g. %(examples)s): the mail "
            "servers look addresses up in lower case, which only a case-insensitive "
            "collation matches.",
            "%(count)s domain row(s) stored with capitals (e.g. %(examples)s): the mail "
            "servers look addresses up in lower case, which only a case-insensitive "
            "collation matches.",
            "count",
        ),
    ),
    "mailbox": _text(
        "case.capitals.mailbox",
        ngettext_lazy(
            # Translators: %(examples)s lists up to five of the rows' values. The English keeps
            # "row(s)" for any count; the translations choose the plural form.
            "%(count)s mailbox row(s) stored with capitals (e.g. %(examples)s): the mail "
            "servers look addresses up in lower case, which only a case-insensitive "
            "collation matches.",
            "%(count)s mailbox row(s) stored with capitals (e.g. %(examples)s): the mail "
            "servers look addresses up in lower case, which only a case-insensitive "
            "collation matches.",
            "count",
        ),
    ),
    "alias": _text(
        "case.capitals.alias",
        ngettext_lazy(
            # Translators: %(examples)s lists up to five of the rows' values. The English keeps
            # "row(s)" for any count; the translations choose the plural form.
            "%(count)s alias row(s) stored with capitals (e.g. %(examples)s): the mail "
            "servers look addresses up in lower case, which only a case-insensitive "
            "collation matches.",
            "%(count)s alias row(s) stored with capitals (e.g. %(examples)s): the mail "
            "servers look addresses up in lower case, which only a case-insensitive "
            "collation matches.",
            "count",
        ),
    ),
}

# --- role-address ------------------------------------------------------------------------------
ROLE_ADDRESS = _text(
    "role-address",
    # Translators: %(address)s is postmaster@ or abuse@ the domain; RFC 2142 names them.
    gettext_lazy("Domain %(domain)s has no %(address)s (RFC 2142): add an alias."),
)
