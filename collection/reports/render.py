"""A report as JSON-ready values, CSV text, or a PDF (WeasyPrint, the receipt templates' fonts).

Money leaves as an exact rupee string, and in JSON also as paise beside it (``amount`` and
``amountPaise``), as everywhere in rasid's API; CSV and PDF show rupees with two decimals,
the PDF in Indian digit grouping.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import jinja2
from pydantic.alias_generators import to_camel

from collection.reports.model import Report
from ledger.money import format_rupees
from receipt_templates.money import format_inr_plain

TEMPLATES = Path(__file__).resolve().parent / "templates"
FONTS_BASE = Path(__file__).resolve().parents[2] / "receipt_templates"  # holds fonts/
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _plain(value, kind: str):
    if value is None:
        return None
    if kind == "money":
        return format_rupees(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def as_json(report: Report) -> dict:
    """camelCase keys; each money cell twice (rupee string, and paise under ``…Paise``)."""
    money = {c.key for c in report.columns if c.kind == "money"}
    rows = []
    for row in report.rows:
        out = {}
        for column in report.columns:
            value = row.get(column.key)
            out[to_camel(column.key)] = _plain(value, column.kind)
            if column.key in money:
                out[to_camel(column.key) + "Paise"] = value
        rows.append(out)
    return {"name": report.name, "title": report.title, "tenantId": report.tenant_id,
            "parameters": {to_camel(k): v for k, v in report.parameters.items()},
            "generatedAt": report.generated_at.isoformat(),
            "columns": [{"key": to_camel(c.key), "label": c.label, "kind": c.kind} for c in report.columns],
            "rows": rows,
            "summary": [{"label": t.label, "kind": t.kind, "value": _plain(t.value, t.kind),
                         "valuePaise": t.value if t.kind == "money" else None} for t in report.summary]}


def as_csv(report: Report) -> str:
    """The table with a header row, then a blank row and the summary lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.label for c in report.columns])
    for row in report.rows:
        writer.writerow(["" if (v := _plain(row.get(c.key), c.kind)) is None else v for c in report.columns])
    if report.summary:
        writer.writerow([])
        for total in report.summary:
            writer.writerow([total.label, _plain(total.value, total.kind)])
    return buffer.getvalue()


def _shown(value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "money":
        return format_inr_plain(value)
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def as_html(report: Report) -> str:
    return _env.get_template("report.html").render(
        title=report.title, tenant=report.tenant_id,
        parameters=[(k.replace("_", " "), v) for k, v in report.parameters.items()],
        generated=report.generated_at.strftime("%d-%m-%Y %H:%M UTC"), columns=report.columns,
        rows=[[_shown(row.get(c.key), c.kind) for c in report.columns] for row in report.rows],
        summary=[(t.label, _shown(t.value, t.kind)) for t in report.summary])


def as_pdf(report: Report) -> bytes:
    """The report laid out by WeasyPrint; only local files (the fonts) are ever fetched."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fonts = FontConfiguration()
    fetcher = URLFetcher(allowed_protocols=("file",))
    css = CSS(string=(TEMPLATES / "report.css").read_text(encoding="utf-8"), base_url=FONTS_BASE.as_uri() + "/",
              font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=as_html(report), base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[css], font_config=fonts)
