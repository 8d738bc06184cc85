from drafting.api.openapi import api_rules


def test_openapi_documents_every_api_route(app, client, db):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    for rule in api_rules(app):
        view = app.view_functions[rule.endpoint]
        assert hasattr(view, "_openapi"), f"{rule.endpoint} is not declared with @api_route"
        path = rule.rule
        for part in rule.arguments:
            path = path.replace(f"<int:{part}>", "{" + part + "}").replace(
                f"<{part}>", "{" + part + "}"
            )
            path = path.replace(f"<path:{part}>", "{" + part + "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} missing from OpenAPI"
    assert len(documented) == sum(len(r.methods - {"HEAD", "OPTIONS"}) for r in api_rules(app))


def test_openapi_operations_have_summaries_and_error_schema(client, db):
    doc = client.get("/api/v1/openapi.json").json
    assert "Error" in doc["components"]["schemas"]
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["summary"], f"{method} {path}"
            assert op["operationId"]


def test_api_json_errors(client, db, login_as):
    r = client.get("/api/v1/me")
    assert r.status_code == 401 and r.is_json and set(r.json) == {"error", "message"}
    r = client.post("/api/v1/me")
    assert r.status_code == 405 and r.json["error"] == "method_not_allowed"
