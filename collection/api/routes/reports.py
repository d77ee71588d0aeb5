"""Finance reports for ACCOUNTANT and AUDITOR: as JSON, or as a CSV or PDF file.

``GET …/reports/{report}`` answers JSON; ``….csv`` and ``….pdf`` the same report as a file.
Each report takes the parameters it needs (422 REPORT_PARAMETER_REQUIRED names a missing one).
"""
from __future__ import annotations

from collection.api.context import Call
from collection.api.registry import FileReply, FileResponse, Routes
from collection.api.schemas.reports import ReportOut, ReportQuery
from collection.auth.roles import ACCOUNTANT, AUDITOR
from collection.reports import render
from collection.reports.catalog import NAMES, REPORTS, ReportParams, build_report

routes = Routes("reports")
REPORT = "/api/v1/tenants/<tenant_id>/reports/<any(" + ", ".join(f"'{n}'" for n in NAMES) + "):report>"
READERS = {ACCOUNTANT, AUDITOR}
EXAMPLE = {"report": "collection-summary"}
LIST = "; ".join(f"{name}: {spec.description}" for name, spec in REPORTS.items())


def _report(call: Call, tenant_id: str, name: str):
    q = call.query
    return build_report(call.session, tenant_id, name, ReportParams(q.date_from, q.date_to, q.as_of, q.bank_account,
                                                                      q.service, q.status, q.collector))


@routes.endpoint("GET", REPORT, roles=READERS, query=ReportQuery, response=ReportOut, examples=EXAMPLE)
def get_report(call: Call, tenant_id: str, report: str):
    """A finance report as JSON: columns, rows, summary lines."""
    return render.as_json(_report(call, tenant_id, report))


get_report.__doc__ += f"\n\n{LIST}."


@routes.endpoint("GET", f"{REPORT}.csv", roles=READERS, query=ReportQuery, examples=EXAMPLE,
                 response=FileResponse("text/csv", "The report's table, then its summary lines"))
def get_report_csv(call: Call, tenant_id: str, report: str):
    """A finance report as CSV."""
    return FileReply(render.as_csv(_report(call, tenant_id, report)).encode(), f"{report}.csv")


@routes.endpoint("GET", f"{REPORT}.pdf", roles=READERS, query=ReportQuery, examples=EXAMPLE,
                 response=FileResponse("application/pdf", "The report laid out on A4 landscape pages"))
def get_report_pdf(call: Call, tenant_id: str, report: str):
    """A finance report as PDF."""
    return FileReply(render.as_pdf(_report(call, tenant_id, report)), f"{report}.pdf")
