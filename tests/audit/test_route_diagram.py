"""The tracer's route diagram: escaped, labelled in words, bounded."""

from audit.route_diagram import MAX_BOXES, route_svg
from mailstack.tracer import Recipient, Step
from tests.audit.conftest import client_for, staff


def test_a_hostile_address_is_escaped():
    svg = route_svg(
        "<script>@x.org",
        [Step("alias", "<script>@x.org", "t", found=True, result=['"><b>@y.org'])],
        [Recipient('"><b>@y.org', "delivered", "t")],
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;@x.org" in svg
    assert '"><b>' not in svg
    assert "style=" not in svg
    assert svg.startswith("<svg") and svg.endswith("</svg>")


def test_every_outcome_is_in_words():
    outcomes = ["delivered", "forwarded", "bounced", "rejected", "deferred"]
    svg = route_svg("a@x.org", [], [Recipient(f"{o}@x.org", o, "t") for o in outcomes])
    for outcome in outcomes:
        assert f"{outcome.upper()}: {outcome}@x.org" in svg
    assert "<title>" in svg and 'aria-label="' in svg and 'role="img"' in svg


def test_a_hidden_step_is_a_box_of_its_own():
    svg = route_svg("a@x.org", [None], [])
    assert "steps in a domain you do not administer" in svg


def test_the_diagram_is_bounded():
    recipients = [Recipient(f"r{i}@x.org", "delivered", "t") for i in range(200)]
    svg = route_svg("a@x.org", [], recipients)
    assert svg.count("<rect") == MAX_BOXES
    assert f"… and {201 - MAX_BOXES} more" in svg


def test_the_trace_page_draws_the_route(guide_data):
    client = client_for(staff("root", superuser=True))
    response = client.get("/audit/trace/", {"address": "John@Whopper.nu"})
    content = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="route-diagram"' in content
    assert "DELIVERED: xandros@blobber.org" in content
