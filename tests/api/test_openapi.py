from doanvien.api.schemas import MemberIn
from doanvien.members.validation import EDITABLE_FIELDS


def test_it_serves_the_openapi_document_with_every_path(client, db):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    doc = response.json()
    assert doc["info"]["title"] == "doanvien API"
    assert doc["info"]["version"] == "1"
    paths = {path: set(methods) for path, methods in doc["paths"].items()}
    assert "post" in paths["/api/v1/auth/token"]
    assert "get" in paths["/api/v1/me"]
    assert "get" in paths["/api/v1/units/{unit_id}"]
    assert {"get", "post"} <= paths["/api/v1/units/{unit_id}/members"]
    assert {"get", "patch"} <= paths["/api/v1/members/{member_id}"]


def test_it_documents_the_bearer_scheme(client, db):
    doc = client.get("/api/openapi.json").json()

    schemes = doc["components"]["securitySchemes"]
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())
    assert "security" not in doc["paths"]["/api/v1/auth/token"]["post"]
    assert doc["paths"]["/api/v1/me"]["get"]["security"]


def test_it_serves_the_docs_without_a_cdn(client, db):
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode().lower()
    for word in ("cdn", "unpkg", "jsdelivr", "//"):
        assert word not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html


def test_the_docs_scripts_are_served_locally(client, db):
    html = client.get("/api/docs").content.decode()

    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert f"/static/ninja/{asset}" in html
        assert client.get(f"/static/ninja/{asset}").status_code == 200


def test_the_member_input_offers_exactly_the_editable_fields():
    assert set(MemberIn.model_fields) == set(EDITABLE_FIELDS)


def test_every_schema_has_its_own_name():
    """Two schemas with one name make the OpenAPI document describe one of them wrongly."""
    from collections import Counter

    from ninja import Schema

    from doanvien.api.api import api

    api.get_openapi_schema()  # imports every router's schemas
    # A set: a schema with two parents (filters and a page) is reached through both.
    names = Counter(
        cls.__name__
        for cls in set(_subclasses(Schema))
        if cls.__module__.startswith("doanvien.api")
    )
    assert [name for name, n in names.items() if n > 1] == []


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _operations(doc):
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_the_errors_it_can_answer(client, db):
    """401 without a valid token, 422 for a parameter or body of the wrong shape, 400 for a
    body that cannot be read, 413 for one too large (any POST, PUT or PATCH): each in the
    operation's responses."""
    doc = client.get("/api/openapi.json").json()

    missing = []
    for name, operation in _operations(doc):
        codes = set(operation["responses"])
        expected = set()
        if operation.get("security"):
            expected.add("401")
        if operation.get("parameters") or "requestBody" in operation:
            expected.add("422")
        if "requestBody" in operation:
            expected |= {"400", "413"}
        if name.split()[0] in ("POST", "PUT", "PATCH"):
            expected.add("413")  # a declared length over the limit, body or not
        missing += [f"{name}: {code}" for code in sorted(expected - codes)]
    assert missing == []


def test_the_rules_required_fields_are_marked_required(client, db):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]

    assert set(schemas["ErrorOut"]["required"]) == {"detail", "errors"}
    assert set(schemas["TokenIn"]["required"]) == {"username", "password"}
    assert "items" in schemas["RegistrationIn"]["required"]
    assert "to_unit" in schemas["TransferRequestIn"]["required"]


def test_an_import_requires_its_file(client, db):
    doc = client.get("/api/openapi.json").json()

    body = doc["paths"]["/api/v1/units/{unit_id}/imports"]["post"]["requestBody"]
    assert body["required"] is True
    form = body["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"]
    assert {"file", "kind", "year"} <= set(form["properties"])
    assert form["properties"]["kind"]["enum"] == ["members", "registrations", "units", "youths"]
    assert form["properties"]["kind"]["default"] == "members"
