"""The OpenAPI schema documents every API route and method and is a valid OpenAPI 3
document; Swagger UI and Redoc come from this server (drf-spectacular-sidecar), within the
site's Content-Security-Policy."""

import re

import yaml
from django.test import Client
from openapi_spec_validator import validate

from tests.api.test_permission_matrix import api_routes, methods_of

DOCS_ONLY = {"api:schema", "api:docs", "api:redoc"}


def _schema(db) -> dict:
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_validates(db):
    validate(_schema(db))


def test_the_schema_documents_every_route_and_method(db):
    paths = _schema(db)["paths"]
    documented = {
        (re.sub(r"\{[^}]+\}", "{}", path), method)
        for path, operations in paths.items()
        for method in operations
        if method in ("get", "put", "post", "delete", "patch")
    }
    expected = {
        (route, method)
        for name, callback, route in api_routes()
        if name not in DOCS_ONLY
        for method in methods_of(callback)
    }
    assert documented == expected


def test_the_schema_names_the_bearer_scheme(db):
    schema = _schema(db)
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_docs_load_their_files_from_this_server_only(db):
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        response = Client().get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "/static/drf_spectacular_sidecar/" in page
        assert not re.search(r"""(src|href)=["']https?://""", page)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy + ";" and "unsafe-eval" not in policy


def test_only_the_docs_pages_allow_inline_styles(db, api_a):
    assert "unsafe-inline" in Client().get("/api/v1/docs/")["Content-Security-Policy"]
    assert "unsafe-inline" not in Client().get("/login/")["Content-Security-Policy"]


def test_the_schema_documents_patch_and_the_over_limit_flag(db):
    paths = _schema(db)["paths"]
    for path in (
        "/api/v1/domains/{domain}/",
        "/api/v1/mailboxes/{address}/",
        "/api/v1/aliases/{mail}/",
        "/api/v1/domains/{domain}/limits/",
        "/api/v1/mailboxes/{address}/vacation/",
    ):
        assert "patch" in paths[path], path
        assert "If-Match" in [p["name"] for p in paths[path]["patch"]["parameters"]]
    for path, method in (
        ("/api/v1/mailboxes/", "post"),
        ("/api/v1/mailboxes/{address}/", "put"),
        ("/api/v1/mailboxes/{address}/", "patch"),
        ("/api/v1/aliases/", "post"),
        ("/api/v1/aliases/{mail}/", "put"),
        ("/api/v1/aliases/{mail}/", "patch"),
    ):
        names = [p["name"] for p in paths[path][method].get("parameters", [])]
        assert "over_limit" in names, (path, method)


def test_the_schema_is_generated_without_a_warning(db, capsys):
    """drf-spectacular warns (and `check --deploy` fails) on a field it cannot type."""
    from drf_spectacular.generators import SchemaGenerator

    SchemaGenerator().get_schema(request=None, public=True)
    assert "Warning" not in capsys.readouterr().err


def test_days_and_destinations_have_their_json_types(db):
    components = _schema(db)["components"]["schemas"]
    day = components["VacationPutRequest"]["properties"]["first_day"]
    assert day["type"] == "string" and day["format"] == "date"
    destination = components["AliasPutRequest"]["properties"]["destination"]
    assert {"type": "string"} in destination["oneOf"]
