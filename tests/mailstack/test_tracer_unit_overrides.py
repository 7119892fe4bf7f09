"""The tracer with proposed rows (`overrides`), and the expansion limit checked where
cleanup checks it (no mail server needed)."""

from aliases.models import Alias
from mailstack import tracer
from mailstack.tracer import DEFERRED, DELIVERED, FORWARDED


def outcomes(result) -> list[tuple[str, str]]:
    return [(r.address, r.outcome) for r in result.expansion]


def test_an_override_is_an_enabled_row_read_before_the_database(guide_data):
    overrides = {"Karl@Blobber.org": "xandros@blobber.org"}
    result = tracer.trace("karl@blobber.org", overrides=overrides)
    assert outcomes(result) == [("xandros@blobber.org", DELIVERED)]
    assert outcomes(tracer.trace("karl@blobber.org")) == [("karl.vovianda@gmail.com", FORWARDED)]
    assert Alias.objects.get(mail="karl@blobber.org").destination == "karl.vovianda@gmail.com"


def test_an_override_can_be_a_new_catch_all_or_domain_alias(guide_data):
    result = tracer.trace("nobody@blobber.org", overrides={"@blobber.org": "x@example.net"})
    assert outcomes(result) == [("x@example.net", FORWARDED)]
    result = tracer.trace("xandros@lala.com", overrides={"@lala.com": "@blobber.org"})
    assert outcomes(result) == [("xandros@blobber.org", DELIVERED)]


def test_an_override_can_close_a_loop(guide_data):
    result = tracer.trace(
        "xandros@blobber.org", overrides={"xandros@blobber.org": "karl@blobber.org"}
    )
    assert outcomes(result) == [("karl.vovianda@gmail.com", FORWARDED)]
    result = tracer.trace(
        "karl@blobber.org",
        overrides={"karl@blobber.org": "a@blobber.org", "a@blobber.org": "karl@blobber.org"},
    )
    assert outcomes(result) == [("karl@blobber.org", DEFERRED)]
    assert result.steps[-1].kind == "loop"


def test_a_loop_that_fans_out_reaches_the_nesting_limit_first(guide_data):
    # cleanup checks the expansion size before each address, not after each lookup
    fan_out = {f"f{n}@blobber.org": "a@blobber.org" for n in range(5)}
    result = tracer.trace(
        "a@blobber.org", overrides={"a@blobber.org": ",".join(fan_out), **fan_out}
    )
    assert result.steps[-1].kind == "loop"
    assert "alias loop: a@blobber.org → f0@blobber.org → a@blobber.org" in result.deferred


def test_too_many_recipients_without_a_loop(guide_data):
    rows = {"big@blobber.org": ",".join(f"m{n}@blobber.org" for n in range(40))}
    rows |= {
        f"m{n}@blobber.org": ",".join(f"x{n}-{k}@example.net" for k in range(30)) for n in range(40)
    }
    result = tracer.trace("big@blobber.org", overrides=rows)
    assert result.steps[-1].kind == "limit"
    assert result.deferred == "4.6.0 Alias expansion error (too many recipients)"
