"""The tracer's route as a small inline SVG: the address, one box per hop that changed it, then
each final recipient coloured by its outcome and labelled in words (colour is never the only
signal). Built here, not in the template, so every text is escaped in one place: addresses are
user data. Only presentation attributes (fill=, stroke=): the CSP forbids inline style."""

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mailstack.tracer import outcome_label

MAX_BOXES = 30
WIDTH = 560
BOX_HEIGHT = 34
GAP = 18
MAX_CHARS = 70

# outcome → (fill, stroke); the words are the tracer's (mailstack.tracer.outcome_label)
_OUTCOMES = {
    "delivered": ("#d1e7dd", "#198754"),
    "forwarded": ("#cfe2ff", "#0d6efd"),
    "relayed": ("#cfe2ff", "#0d6efd"),
    "bounced": ("#f8d7da", "#dc3545"),
    "rejected": ("#f8d7da", "#dc3545"),
    "deferred": ("#fff3cd", "#b07d00"),
    "autoreply": ("#e2e3e5", "#6c757d"),
}
_PLAIN = ("#f8f9fa", "#6c757d")


def _short(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def _boxes(address: str, steps, recipients) -> list[tuple[str, str, str]]:
    """(text, fill, stroke) per box, top to bottom, before the bound is applied."""
    boxes = [(_("address: %(address)s") % {"address": address}, *_PLAIN)]
    for step in steps:
        if step is None:
            boxes.append((_("(steps in a domain you do not administer)"), *_PLAIN))
        elif step.found and step.result:
            boxes.append((f"{step.label}: {step.address} → {', '.join(step.result)}", *_PLAIN))
    for recipient in recipients:
        fill, stroke = _OUTCOMES.get(recipient.outcome, _PLAIN)
        words = outcome_label(recipient.outcome)
        boxes.append((f"{words.upper()}: {recipient.address}", fill, stroke))
    return boxes


def route_svg(address: str, steps, recipients) -> SafeString:
    """An inline <svg> of the route; at most MAX_BOXES boxes, then '… and N more'."""
    boxes = _boxes(address, steps, recipients)
    more = len(boxes) - MAX_BOXES
    if more > 0:
        boxes = boxes[:MAX_BOXES]
    count = len(boxes) + (1 if more > 0 else 0)
    height = count * BOX_HEIGHT + (count - 1) * GAP + 4
    outcomes = ", ".join(f"{r.address} {outcome_label(r.outcome)}" for r in recipients)
    label = ngettext(
        "Route of mail for %(address)s: %(count)s final recipient. %(outcomes)s",
        "Route of mail for %(address)s: %(count)s final recipients. %(outcomes)s",
        len(recipients),
    ) % {"address": address, "count": len(recipients), "outcomes": outcomes}
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="route-diagram" id="route-diagram"'
            ' role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%"'
            ' preserveAspectRatio="xMinYMin meet">',
            _short(label) if len(label) > 500 else label,
            WIDTH,
            height,
        ),
        format_html("<title>{}</title>", label),
    ]
    y = 2
    for index, (text, fill, stroke) in enumerate(boxes):
        if index:
            top = y - GAP
            parts.append(
                format_html(
                    '<line x1="20" y1="{}" x2="20" y2="{}" stroke="#6c757d" stroke-width="1.5"/>'
                    '<polygon points="15,{} 25,{} 20,{}" fill="#6c757d"/>',
                    top,
                    y - 5,
                    y - 6,
                    y - 6,
                    y,
                )
            )
        parts.append(
            format_html(
                '<g><title>{}</title><rect x="2" y="{}" width="{}" height="{}" rx="5"'
                ' fill="{}" stroke="{}" stroke-width="1.5"/>'
                '<text x="12" y="{}" font-size="13" font-family="sans-serif" fill="#212529">'
                "{}</text></g>",
                text,
                y,
                WIDTH - 4,
                BOX_HEIGHT,
                fill,
                stroke,
                y + 22,
                _short(text),
            )
        )
        y += BOX_HEIGHT + GAP
    if more > 0:
        parts.append(
            format_html(
                '<text x="12" y="{}" font-size="13" font-family="sans-serif" fill="#212529">'
                "{}</text>",
                y + 22,
                ngettext("… and %(count)s more", "… and %(count)s more", more) % {"count": more},
            )
        )
    return format_html("{}" * len(parts) + "</svg>", *parts)
