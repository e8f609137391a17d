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
    names = Counter(
        cls.__name__ for cls in _subclasses(Schema) if cls.__module__.startswith("doanvien.api")
    )
    assert [name for name, n in names.items() if n > 1] == []


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
