"""The API's Swagger UI and Redoc render in headless Chromium from this server's files,
with no request leaving the server and no Content-Security-Policy refusal (but Redocly's
own logo, which the policy keeps out)."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("path", "shown"),
    [("/api/v1/docs/", "text=/api/v1/mailboxes/"), ("/api/v1/redoc/", "text=Mailadmin API")],
)
def test_the_api_docs_render_within_the_csp(live_server, page, path, shown):
    refused, outside = [], []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    page.on(
        "request",
        lambda r: (
            not r.url.startswith(live_server.url)
            and not r.url.startswith(("data:", "blob:"))
            and outside.append(r.url)
        ),
    )
    page.goto(live_server.url + path)
    page.wait_for_selector(shown, timeout=15_000)
    # Redoc's sidebar shows Redocly's logo from their CDN: the CSP blocks it, nothing else.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert [m for m in refused if logo not in m] == []
    assert [url for url in outside if url != logo] == []  # asked for, refused by the CSP
