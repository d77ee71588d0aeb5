"""Liveness and readiness probes (no authentication: orchestrators call them)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

import migrations
from collection.api.context import state
from collection.api.errors import error_response

bp = Blueprint("health", __name__)


@bp.get("/health/live")
def live():
    """The process answers."""
    return jsonify(status="live")


@bp.get("/health/ready")
def ready():
    """The database answers and its schema is at the latest migration."""
    head = current_app.extensions["rasid_head_revision"]
    try:
        with state().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = migrations.current_revision(state().engine)
    except SQLAlchemyError as exc:
        return error_response(503, [{"code": "DATABASE_UNAVAILABLE", "field": None,
                                     "message": f"the database is not reachable: {type(exc).__name__}"}])
    if current != head:
        return error_response(503, [{"code": "MIGRATIONS_PENDING", "field": None,
                                     "message": f"schema at {current or 'nothing'}, code needs {head}: "
                                                "run `rasid db upgrade`"}])
    return jsonify(status="ready", revision=current)
