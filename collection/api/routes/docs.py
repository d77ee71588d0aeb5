"""What the API publishes without a token: the OpenAPI document, a browsable page generated
from it (no JavaScript, no CDN), and the Bill XML schema that submitted documents follow."""
from __future__ import annotations

import json
from html import escape

from flask import Blueprint, Response, current_app, jsonify, send_file

from billxml import XSD_PATH
from collection.api import openapi

bp = Blueprint("docs", __name__)


def document() -> dict:
    cached = current_app.extensions.get("rasid_openapi")
    if cached is None:
        cached = current_app.extensions["rasid_openapi"] = openapi.build(current_app)
    return cached


@bp.get("/api/v1/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(document())


@bp.get(openapi.XSD_URL)
def bill_collect_xsd():
    """The Bill XML schema, public like the OpenAPI document: it holds no tenant's data, and a
    revenue system's developers validate against it before they are given credentials."""
    return send_file(XSD_PATH, mimetype="application/xml", max_age=3600)


@bp.get("/api/v1/docs")
def docs_page():
    """Every operation with its roles, parameters and schemas, as one HTML page."""
    doc = document()
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>rasid API</title><style>{_CSS}</style></head><body>"
             f"<h1>rasid API {escape(doc['info']['version'])}</h1>"
             f"<p>{escape(doc['info']['description'])}</p>"
             "<p><a href='/api/v1/openapi.json'>openapi.json</a> (OpenAPI 3.1) · "
             "<a href='#schemas'>schemas</a></p><table><tr><th>Method</th><th>Path</th>"
             "<th>Roles</th><th>Summary</th></tr>"]
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            roles = ", ".join(op.get("x-roles", [])) or ("client credentials" if op.get("security") else "none")
            parts.append(f"<tr><td class='m'>{method.upper()}</td><td><a href='#{op['operationId']}'>"
                         f"{escape(path)}</a></td><td>{escape(roles)}</td>"
                         f"<td>{escape(op.get('summary', ''))}</td></tr>")
    parts.append("</table>")
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            parts.append(f"<h2 id='{op['operationId']}'>{method.upper()} {escape(path)}</h2>"
                         f"<p>{escape(op.get('description', op.get('summary', '')))}</p>")
            detail = {k: op[k] for k in ("parameters", "requestBody", "responses") if op.get(k)}
            parts.append(f"<pre>{escape(json.dumps(detail, indent=2))}</pre>")
    parts.append("<h2 id='schemas'>Schemas</h2>")
    for name, schema in doc["components"]["schemas"].items():
        parts.append(f"<h3 id='schema-{escape(name)}'>{escape(name)}</h3>"
                     f"<pre>{escape(json.dumps(schema, indent=2))}</pre>")
    parts.append("</body></html>")
    return Response("".join(parts), mimetype="text/html")


_CSS = ("body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}td.m{font-weight:bold}"
        "pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:.85em}")
