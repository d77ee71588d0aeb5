"""Configuration: defaults, then ``RASID_*`` environment variables, then the mapping given.

``RASID_DATABASE_URL`` becomes ``DATABASE_URL``, ``RASID_ACCESS_TOKEN_EXPIRES_IN=60``
becomes ``ACCESS_TOKEN_EXPIRES_IN = 60`` (Flask's ``from_prefixed_env`` parses JSON values).
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from billxml import DEFAULT_MAX_BYTES
from ledger.db import database_url

DEFAULTS: dict = {
    "DATABASE_URL": None,                  # None: RASID_DATABASE_URL, else sqlite:///rasid.db
    "ACCESS_TOKEN_EXPIRES_IN": 8 * 3600,   # seconds; one counter shift
    "REFRESH_TOKEN_EXPIRES_IN": 7 * 86400,
    "LOGIN_LIMIT_PER_USER": 10,            # password attempts per user per window
    "LOGIN_LIMIT_PER_IP": 100,             # password attempts per address per window
    "LOGIN_LIMIT_WINDOW": 300,             # seconds
    "TRUSTED_PROXIES": 0,                  # proxies in front whose X-Forwarded-For is believed
    "MAX_CONTENT_LENGTH": 1024 * 1024,     # bytes; larger bodies get 413
    "BILL_XML_MAX_BYTES": DEFAULT_MAX_BYTES,  # bytes; a larger Bill XML document gets 413
    "ENGINE_OPTIONS": {},                  # extra create_engine() arguments (pool_size, ...)
    "CLOCK": None,                         # callable returning an aware UTC datetime (tests)
}


def configure(app: Flask, config: Mapping | None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("RASID")
    if config:
        app.config.update(config)
    app.config["DATABASE_URL"] = database_url(app.config["DATABASE_URL"])
    for key in ("ACCESS_TOKEN_EXPIRES_IN", "REFRESH_TOKEN_EXPIRES_IN", "LOGIN_LIMIT_PER_USER",
                "LOGIN_LIMIT_PER_IP", "LOGIN_LIMIT_WINDOW", "TRUSTED_PROXIES"):
        value = int(app.config[key])
        if value < (0 if key == "TRUSTED_PROXIES" else 1):
            raise ValueError(f"{key} must be a positive number of seconds or attempts, not {value}")
        app.config[key] = value
    app.config["BILL_XML_MAX_BYTES"] = int(app.config["BILL_XML_MAX_BYTES"])
    if app.config["BILL_XML_MAX_BYTES"] < 1:
        raise ValueError("BILL_XML_MAX_BYTES must be a positive number of bytes")
