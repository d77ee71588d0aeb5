"""rasid's HTTP service: ``create_app()`` builds it; nothing is created at import time.

Development: ``rasid serve``. Production: ``gunicorn -w 4 'collection.api:create_app()'``
(each worker builds its own app and engine; configure with ``RASID_*`` variables).

``create_app`` also builds the Bill XML error explainer (xmlschema's view of the XSD, about
half a second, once per process), so that the first invalid document a worker receives does
not wait for it; later apps in the same process (tests) find it built.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import billxml
import migrations
from collection.api import config, context, errors, oauth, registry, security
from collection.api.routes import (
    account,
    audit,
    bills,
    docs,
    health,
    ledger,
    masters,
    payments,
    periods,
    receipts,
)
from collection.api.routes import bank_statements, remittances, reports  # issue 7

#: Every group of guarded endpoints, in the order the OpenAPI document lists them.
ROUTE_GROUPS = (account.routes, masters.routes, periods.routes, ledger.routes, bills.routes,
                payments.routes, receipts.routes, remittances.routes, bank_statements.routes,
                reports.routes, audit.routes)


def create_app(config_map: Mapping | None = None) -> Flask:
    """The WSGI app. ``config_map`` overrides ``RASID_*`` environment variables and defaults."""
    app = Flask(__name__, static_folder=None)
    config.configure(app, config_map)
    app.json.sort_keys = False
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.extensions["rasid_head_revision"] = migrations.head_revision()
    context.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    oauth.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(docs.bp)
    registry.register(app, *ROUTE_GROUPS)
    billxml.validate(b"<bill-collect/>")  # an invalid document: builds and caches the explainer
    return app
