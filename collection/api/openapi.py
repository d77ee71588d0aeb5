"""The OpenAPI 3.1 document, generated from the endpoint registry and its pydantic models.

Pydantic emits JSON Schema 2020-12, which OpenAPI 3.1 uses as is, so models
become ``components/schemas`` unchanged. Path parameters come from the Flask
rule, query parameters from each endpoint's query model, and every operation
lists its roles (``x-roles``) and the error responses it can give. A raw body (Bill XML)
is described as a string of its media types, and the XSD it follows is served beside the
document (``GET /api/v1/schema/bill-collect.xsd``).
"""
from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

from flask import Flask
from pydantic import BaseModel
from pydantic.alias_generators import to_camel
from pydantic.json_schema import models_json_schema

from collection.api.registry import EndpointSpec, FileResponse, RawBody
from collection.api.schemas.access import (
    HealthOut,
    OAuthError,
    RevokeRequest,
    TokenRequest,
    TokenResponse,
)
from collection.api.schemas.common import ErrorBody

REF = "#/components/schemas/{model}"
_PARAM = re.compile(r"<(?:(?P<conv>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
_STATUS_TEXT = {400: "Malformed request (bad JSON, repeated parameter)",
                401: "Missing, unknown, expired or revoked token",
                403: "Role, tenant or network not allowed", 404: "Not found",
                409: "Conflicts with recorded data", 413: "Body too large",
                415: "Body is not JSON", 422: "Input does not fit the schema or the rules",
                429: "Rate limited", 503: "Not ready"}
PATH_EXAMPLES = {"tenant_id": "pb.amritsar", "glcode": "4501001", "code": "2026-11",
                 "voucher_id": 1, "bill_id": 1, "kind": "funds"}
XSD_URL = "/api/v1/schema/bill-collect.xsd"


def build(app: Flask) -> dict:
    specs: list[EndpointSpec] = list(app.extensions["rasid_endpoints"].values())
    wanted: list[tuple[type[BaseModel], str]] = [(ErrorBody, "serialization"),
                                                 (OAuthError, "serialization"),
                                                 (TokenResponse, "serialization"),
                                                 (TokenRequest, "validation"),
                                                 (RevokeRequest, "validation"),
                                                 (HealthOut, "serialization")]
    for spec in specs:
        if not isinstance(spec.response, FileResponse):
            wanted.append((spec.response, "serialization"))
        if spec.body is not None and not isinstance(spec.body, RawBody):
            wanted.append((spec.body, "validation"))
    refs, defs = models_json_schema(list(dict.fromkeys(wanted)), ref_template=REF)
    components = dict(defs.get("$defs", {}))

    paths: dict[str, dict] = {}
    for spec in sorted(specs, key=lambda s: (s.rule, s.method)):
        template, parameters = _path(spec)
        parameters += _query_parameters(spec.query, components)
        operation = {
            "operationId": spec.view.__name__, "tags": [spec.tag], "summary": spec.summary,
            "description": spec.description + f"\n\nRoles: {', '.join(sorted(spec.roles))}.",
            "x-roles": sorted(spec.roles), "parameters": parameters,
            "responses": {**_success(spec, refs), **_errors(spec)},
        }
        if isinstance(spec.body, RawBody):
            operation["requestBody"] = _raw_body(spec.body)
        elif spec.body is not None:
            operation["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": refs[(spec.body, "validation")]}}}
        paths.setdefault(template, {})[spec.method.lower()] = operation
    paths.update(_auth_and_health_paths(refs))
    return {
        "openapi": "3.1.0",
        "info": {"title": "rasid", "version": _version(),
                 "description": "Collections, receipts and a double-entry ledger for urban local "
                                "bodies. Sign in at POST /user/oauth/token (HTTP Basic client "
                                "credentials, password grant) and send `Authorization: Bearer "
                                "<access_token>`. Money is given twice: integer paise "
                                "(`amountPaise`) and an exact rupee string (`amount`)."},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "clientBasic": {"type": "http", "scheme": "basic",
                                "description": "OAuth client id and secret (rasid clients add)"},
            },
        },
        "security": [{"bearerAuth": []}],
    }


def _version() -> str:
    try:
        return version("rasid")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def _json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _success(spec: EndpointSpec, refs: dict) -> dict:
    if isinstance(spec.response, FileResponse):  # a file, e.g. a receipt PDF
        return {str(spec.status): {"description": spec.response.description, "content": {
            spec.response.media_type: {"schema": {"type": "string", "format": "binary"}}}}}
    schema = refs[(spec.response, "serialization")]
    return {str(spec.status): _json_response("OK", schema),
            **{str(code): _json_response(text, schema) for code, text in spec.also.items()}}


def _errors(spec: EndpointSpec) -> dict:
    codes = [400, 401, 403, 404, 422]
    if spec.body is not None:
        codes += [409, 413, 415]
    error = {"$ref": REF.format(model="ErrorBody")}
    text = dict(_STATUS_TEXT)
    if isinstance(spec.body, RawBody):
        text[415] = f"Body is not {' or '.join(spec.body.media_types)} in UTF-8"
        text[413] = f"Body larger than the document limit ({spec.body.too_large_code})"
        text[422] = "The document breaks the schema or the rules: every error, with line and path"
    return {str(code): _json_response(text[code], error) for code in sorted(codes)}


def _raw_body(raw: RawBody) -> dict:
    media = {"schema": {"type": "string", "format": "binary", "description": raw.description}}
    if raw.example:
        media["example"] = raw.example
    return {"required": True, "description": raw.description,
            "content": {media_type: media for media_type in raw.media_types}}


def _path(spec: EndpointSpec) -> tuple[str, list[dict]]:
    parameters = []

    def replace(match: re.Match) -> str:
        name, conv, args = match.group("name"), match.group("conv"), match.group("args")
        if conv == "int":
            schema: dict = {"type": "integer", "minimum": 0}
            bound = re.search(r"max=(\d+)", args or "")
            if bound:
                schema["maximum"] = int(bound.group(1))
        elif conv == "any":
            schema = {"type": "string", "enum": [a.strip().strip("'\"") for a in args.split(",")]}
        elif conv == "path":  # may hold slashes (a receipt number): sent as they are or as %2F
            schema = {"type": "string", "minLength": 1, "maxLength": 60,
                      "pattern": r"^[^/]+(/[^/]+)*$"}
        elif name == "tenant_id":
            schema = {"type": "string", "minLength": 1, "maxLength": 64,
                      "pattern": r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"}
        else:
            schema = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"^[^/]+$"}
        parameter = {"name": to_camel(name), "in": "path", "required": True, "schema": schema}
        example = spec.examples.get(name, PATH_EXAMPLES.get(name))
        if example is not None and (conv != "any" or example in schema["enum"]):
            parameter["example"] = example
        parameters.append(parameter)
        return "{" + to_camel(name) + "}"

    return _PARAM.sub(replace, spec.rule), parameters


def _query_parameters(model: type[BaseModel], components: dict) -> list[dict]:
    schema = model.model_json_schema(by_alias=True, mode="validation", ref_template=REF)
    components.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        description = prop.pop("description", None)
        prop.pop("title", None)
        prop = _not_nullable(prop)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        out.append(parameter)
    return out


def _not_nullable(prop: dict) -> dict:
    """An optional query parameter is absent, never null: drop the null branch and default."""
    branches = prop.get("anyOf")
    if branches and len(branches) == 2 and {"type": "null"} in branches:
        rest = dict(next(b for b in branches if b != {"type": "null"}))
        rest.update({k: v for k, v in prop.items() if k not in ("anyOf", "default")})
        return rest
    return prop


def _auth_and_health_paths(refs: dict) -> dict:
    oauth_error = {"$ref": REF.format(model="OAuthError")}
    error = {"$ref": REF.format(model="ErrorBody")}
    form = {"required": True, "content": {"application/x-www-form-urlencoded": {
        "schema": refs[(TokenRequest, "validation")]}}}
    revoke_form = {"required": True, "content": {"application/x-www-form-urlencoded": {
        "schema": refs[(RevokeRequest, "validation")]}}}
    health = _json_response("OK", refs[(HealthOut, "serialization")])
    return {
        "/user/oauth/token": {"post": {
            "operationId": "issue_token", "tags": ["auth"], "security": [{"clientBasic": []}],
            "summary": "Sign in (password grant) or refresh a token, as DIGIT integrators do",
            "description": "Form body `grant_type=password&username=…&password=…&tenantId=…"
                           "&userType=EMPLOYEE` or `grant_type=refresh_token&refresh_token=…`, "
                           "with the client's id and secret as HTTP Basic. Password attempts are "
                           "rate-limited per user and per address (429).",
            "requestBody": form,
            "responses": {"200": _json_response("Token issued", refs[(TokenResponse, "serialization")]),
                          "400": _json_response("Invalid request or grant", oauth_error),
                          "401": _json_response("Unknown client or wrong secret", oauth_error),
                          "403": _json_response("Sign-in from a refused address", oauth_error),
                          "429": _json_response("Too many attempts", error)}}},
        "/user/oauth/revoke": {"post": {
            "operationId": "revoke_token", "tags": ["auth"], "security": [{"clientBasic": []}],
            "summary": "Revoke an access or refresh token (RFC 7009)",
            "requestBody": revoke_form,
            "responses": {"200": _json_response("Revoked (or already unknown)", {"type": "object"}),
                          "400": _json_response("Invalid request", oauth_error),
                          "401": _json_response("Unknown client or wrong secret", oauth_error)}}},
        XSD_URL: {"get": {
            "operationId": "bill_collect_xsd", "tags": ["bills"], "security": [],
            "summary": "The Bill XML schema (XSD 1.0) every submitted document is held to",
            "description": "Public, like this document: a revenue system can validate its "
                           "documents before it has credentials. Its annotations say what rasid "
                           "requires to collect against a bill.",
            "responses": {"200": {"description": "The XSD", "content": {
                "application/xml": {"schema": {"type": "string"}}}}}}},
        "/health/live": {"get": {"operationId": "live", "tags": ["health"], "security": [],
                                 "summary": "The process answers", "responses": {"200": health}}},
        "/health/ready": {"get": {"operationId": "ready", "tags": ["health"], "security": [],
                                  "summary": "The database answers and migrations are at head",
                                  "responses": {"200": health,
                                                "503": _json_response("Not ready", error)}}},
    }
