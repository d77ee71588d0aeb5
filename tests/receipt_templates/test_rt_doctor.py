"""doctor(): the checks `rasid doctor` shows."""

from __future__ import annotations

import importlib

import pytest

from receipt_templates import Check, doctor

# The package re-exports the doctor() function under the module's name.
doctor_module = importlib.import_module("receipt_templates.doctor")


def test_all_checks_pass_here() -> None:
    checks = doctor()
    assert all(isinstance(check, Check) for check in checks)
    names = {check.name for check in checks}
    assert {"weasyprint", "font subsetting", "template default", "template thermal80",
            "template bilingual"} <= names
    assert sum(name.startswith("font Noto") for name in names) == 4
    failed = [check for check in checks if not check.ok]
    assert failed == [], failed


def test_reports_slow_font_subsetting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor_module, "harfbuzz_subset_available", lambda: False)
    check = {c.name: c for c in doctor(templates=False)}["font subsetting"]
    assert not check.ok and "libharfbuzz-subset0" in check.detail


def test_reports_missing_font(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(doctor_module, "FONTS_DIR", tmp_path)
    checks = [c for c in doctor(templates=False) if c.name.startswith("font Noto")]
    assert len(checks) == 4 and not any(c.ok for c in checks)
