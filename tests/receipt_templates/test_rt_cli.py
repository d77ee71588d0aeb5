"""``rasid templates list|preview`` as typed: tenant folders, errors without tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from collection.cli import main
from receipt_templates import ENV_VAR, sample_receipt
from tests.receipt_templates.support import PDFTOPPM, flat, text

TENANT_HEADER = (
    '{% extends "default/receipt.html" %}\n'
    "{% block ulb_name %}<h1>(Tenant Copy) {{ r.ulb.name }}</h1>{% endblock %}\n"
)


def run(*args: str, templates_env: Path | None = None) -> Result:
    env = {ENV_VAR: str(templates_env) if templates_env else None}
    return CliRunner().invoke(main, list(args), env=env)


def _folder(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def test_list_shows_shipped_templates() -> None:
    result = run("templates", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Template", "From", "Description"]
    names = [line.split()[0] for line in lines[2:]]
    assert names == ["bilingual", "default", "thermal80"]
    assert all(" shipped " in line for line in lines[2:])


def test_list_includes_the_configured_tenant_folder(tmp_path: Path) -> None:
    tenant = _folder(tmp_path / "tenant", {
        "amritsar/receipt.html": "{# Amritsar's own header #}\n" + TENANT_HEADER,
        "default/receipt.html": TENANT_HEADER,
    })
    extra = _folder(tmp_path / "extra", {"water/receipt.html": TENANT_HEADER})
    result = run("templates", "list", "--dir", str(extra), templates_env=tenant)
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines()[2:]}
    assert set(rows) == {"amritsar", "bilingual", "default", "thermal80", "water"}
    assert str(tenant / "amritsar") in rows["amritsar"]
    assert "Amritsar's own header" in rows["amritsar"]
    assert "(replaces shipped)" in rows["default"]
    assert str(extra / "water") in rows["water"]


def test_preview_writes_the_sample_receipt(tmp_path: Path) -> None:
    out = tmp_path / "default.pdf"
    result = run("templates", "preview", "default", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote {out}"
    body = flat(text(out.read_bytes()))
    assert sample_receipt().receipt_number in body and "₹12,373.25" in body


def test_preview_of_a_tenant_template_from_configuration(tmp_path: Path) -> None:
    tenant = _folder(tmp_path / "tenant", {"amritsar/receipt.html": TENANT_HEADER})
    out = tmp_path / "amritsar.pdf"
    result = run("templates", "preview", "amritsar", "-o", str(out), templates_env=tenant)
    assert result.exit_code == 0, result.output
    assert "(Tenant Copy)" in flat(text(out.read_bytes()))


def test_broken_template_names_its_line_without_a_traceback(tmp_path: Path) -> None:
    tenant = _folder(tmp_path / "tenant", {"broken/receipt.html": (
        '{% extends "default/receipt.html" %}\n'
        "{% block payer %}\n"
        "<p>{{ r.payer.nmae }}</p>\n"
        "{% endblock %}\n"
    )})
    out = tmp_path / "broken.pdf"
    result = run("templates", "preview", "broken", "-o", str(out), "--dir", str(tenant))
    assert result.exit_code == 2
    assert "error RECEIPT_TEMPLATE_ERROR: broken/receipt.html, line 3: " in result.output
    assert "nmae" in result.output and "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(("args", "code"), [
    (["templates", "preview", "nope", "-o", "x.pdf"], "RECEIPT_TEMPLATE_ERROR"),
    (["templates", "preview", "a/b", "-o", "x.pdf"], "TEMPLATE_NAME_INVALID"),
    (["templates", "list", "--dir", "/nonexistent/templates"], "FILE_NOT_FOUND"),
])
def test_bad_names_and_folders_get_a_code(args: list[str], code: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.output.startswith(f"error {code}: ") and "Traceback" not in result.output


@pytest.mark.skipif(PDFTOPPM is None, reason="needs poppler's pdftoppm")
def test_preview_as_png(tmp_path: Path) -> None:
    out = tmp_path / "thermal.png"
    result = run("templates", "preview", "thermal80", "-o", str(out), "--dpi", "40")
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")
