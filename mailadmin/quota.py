"""Courier maildir quota strings: `<bytes>S`, `<count>C`, `<bytes>S,<count>C`, or empty.

Courier silently ignores anything else (`10M` or a bare number means *no quota*), so
forms take human units and this module writes the exact string. Units are binary:
`K`/`KB`/`KiB` = 1024 bytes, `M` = 1024², `G` = 1024³, `T` = 1024⁴.
"""

import re
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import get_language, gettext_lazy, ngettext, override, pgettext
from django.utils.translation import gettext as _

UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
MAX_BYTES = 2**63 - 1
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?$", re.IGNORECASE)
_COUNT = re.compile(r"^(\d+)\s*(?:C|MESSAGES?|MSGS?)$", re.IGNORECASE)
# Translators: the units a quota is typed in (500M, 2 GB, 1.5G, 1000C) are the same in
# every language: only the sentence around them is translated.
HELP = gettext_lazy(
    "Use a size such as 500M, 2 GB or 1.5G, a message count such as 1000C, "
    "both (500M,1000C), or leave empty for unlimited."
)


def _invalid(value: str) -> ValidationError:
    return ValidationError(
        _("%(value)r is not a quota. %(help)s") % {"value": value, "help": HELP},
        code="invalid_quota",
    )


def _zero(value: str) -> ValidationError:
    # A bare 0 once meant unlimited here while 0M was refused; zero is now refused in every
    # spelling so that nobody types "0" meaning "nothing" and gets no limit at all.
    return ValidationError(
        _(
            "%(value)r is not a quota: a quota must be more than zero. "
            "Leave it empty (or write 'unlimited') for no quota."
        )
        % {"value": value},
        code="invalid_quota",
    )


def _too_large(value: str) -> ValidationError:
    return ValidationError(
        _("%(value)r is too large: a quota is at most 8 EB (%(max)s bytes or messages).")
        % {"value": value, "max": MAX_BYTES},
        code="invalid_quota",
    )


def parse(value: str) -> str:
    """Human or Courier input → Courier's exact quota string ('' = unlimited).

    The one quota rule of every entry point (forms, CLI, importer): empty or 'unlimited' means
    no quota; a size or count of zero is refused, never taken as unlimited.
    """
    if value is None:
        return ""
    text = value.strip()
    if not text or text.lower() in ("unlimited", "none"):
        return ""
    if len(text) > 64 or not text.isascii():
        raise _invalid(value[:64])
    if re.fullmatch(r"0+(\.0*)?", text):
        raise _zero(value)
    size = count = None
    for part in (p.strip() for p in text.split(",")):
        courier = re.fullmatch(r"([0-9]+)S", part)
        counted = _COUNT.fullmatch(part)
        human = _SIZE.fullmatch(part)
        if courier and size is None:
            size = int(courier.group(1))
        elif counted and count is None:
            count = int(counted.group(1))
        elif human and size is None and (human.group(2) or part.upper().endswith("B")):
            size = int(float(human.group(1)) * UNITS[human.group(2).upper()])
        else:
            raise _invalid(value)
    if (size is not None and size > MAX_BYTES) or (count is not None and count > MAX_BYTES):
        raise _too_large(value)
    if size == 0 or count == 0:
        raise _zero(value)
    return ",".join(p for p in (size and f"{size}S", count and f"{count}C") if p)


def _courier_limits(value: str) -> tuple[int | None, int | None] | None:
    """(bytes, messages) of a Courier string, or None when Courier would ignore it."""
    size = count = None
    parts = value.split(",")
    if len(parts) > 2:
        return None
    for part in parts:
        match = re.fullmatch(r"([0-9]+)([SC])", part)
        if not match:
            return None
        number = int(match.group(1))
        if match.group(2) == "S" and size is None:
            size = number
        elif match.group(2) == "C" and count is None:
            count = number
        else:
            return None
    return size, count


def is_courier_quota(value: str) -> bool:
    """True when Courier understands the stored string (empty = unlimited)."""
    return not value or _courier_limits(value) is not None


def limits(value: str) -> tuple[int | None, int | None]:
    """(bytes, messages) of a Courier quota string; None means no limit."""
    return (value and _courier_limits(value)) or (None, None)


@lru_cache(maxsize=16)
def _size_words(language: str | None) -> tuple[dict[str, str], str]:
    """The unit symbols and the decimal separator of a language, looked up once: a list of
    fifty mailboxes asks for a size many times. The units stay binary (1 GB = 1024³ bytes)
    whatever their letters: French writes octets (« 1,5 Go »)."""
    units = {
        # Translators: symbols of binary size units; French uses octets (o, Ko, Mo, Go, To).
        "": pgettext("size unit", "B"),
        "K": pgettext("size unit", "KB"),
        "M": pgettext("size unit", "MB"),
        "G": pgettext("size unit", "GB"),
        "T": pgettext("size unit", "TB"),
    }
    return units, get_format("DECIMAL_SEPARATOR", language)


def human_size(size: int, *, exact: bool = False) -> str:
    """'1.5 GB' for 1.5 × 1024³ bytes, in the active language ('1,5 Go' in French).

    `exact`: only a text that `parse` reads back as the same bytes, in the largest unit that
    writes it with at most one decimal, else in bytes ('1288490189 B', not '1.2 GB')."""
    units, decimal = _size_words(get_language())
    for unit in ("T", "G", "M", "K"):
        if size >= UNITS[unit]:
            number = size / UNITS[unit]
            text = f"{number:.0f}" if number.is_integer() else f"{number:.1f}"
            if not exact or int(float(text) * UNITS[unit]) == size:
                return f"{text.replace('.', decimal)} {units[unit]}"
    return f"{size} {units['']}"


def humanize(value: str, *, exact: bool = False) -> str:
    """A stored quota for lists: '524288000S,1000C' → '500 MB, 1000 messages' (`exact`: see
    `human_size`)."""
    if not value:
        return _("unlimited")
    if not is_courier_quota(value):
        return _("%(quota)s (ignored by Courier: no quota)") % {"quota": value}
    size, count = limits(value)
    parts = []
    if size:
        parts.append(human_size(size, exact=exact))
    if count:
        parts.append(ngettext("%(count)s message", "%(count)s messages", count) % {"count": count})
    return ", ".join(parts)


def as_input(value: str, *, exact: bool = False) -> str:
    """A stored quota in the words `parse` reads ('1.5 GB, 1000 messages', 'unlimited'), the
    same in every language: the value of a form's quota field and of the API. `humanize` is
    for reading only: French '1,5 Go' is not a quota `parse` accepts (its comma separates
    size from count).

    A form rounds an odd size ('1.2 MB') and keeps the stored value when that text comes back
    unchanged (domains.forms); the API, where nothing remembers it, asks for `exact` words."""
    with override("en"):
        return humanize(value, exact=exact)
