"""Template loading: errors name the template and line; tenant folders override blocks."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from receipt_templates import ENV_VAR, ReceiptView, Renderer, TemplateError, list_templates
from tests.receipt_templates.support import flat, reader, text


def _tenant(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return tmp_path


def test_shipped_templates_are_listed() -> None:
    infos = {info.name: info for info in list_templates()}
    assert {"default", "thermal80", "bilingual"} <= set(infos)
    assert all(info.builtin and not info.overrides_builtin for info in infos.values())
    assert infos["thermal80"].description.startswith("80 mm counter slip")
    assert "fonts" not in infos and "assets" not in infos


def test_syntax_error_names_template_and_line(tmp_path: Path) -> None:
    tenant = _tenant(tmp_path, {"broken/receipt.html": (
        '{% extends "default/receipt.html" %}\n'
        "{% block header %}\n"
        "<h1>{{ r.ulb.name }</h1>\n"
        "{% endblock %}\n"
    )})
    with pytest.raises(TemplateError) as caught:
        Renderer([tenant]).load("broken")
    assert caught.value.template_name == "broken/receipt.html"
    assert caught.value.lineno == 3
    assert "syntax error" in str(caught.value) and "line 3" in str(caught.value)


def test_unknown_variable_fails_at_load_with_line(tmp_path: Path, sample: ReceiptView) -> None:
    tenant = _tenant(tmp_path, {"typo/receipt.html": (
        '{% extends "default/receipt.html" %}\n'
        "{% block payer %}\n"
        "<p>{{ r.payer.name }}</p>\n"
        "<p>{{ r.payer.adress }}</p>\n"
        "{% endblock %}\n"
    )})
    renderer = Renderer([tenant])
    with pytest.raises(TemplateError) as caught:
        renderer.load("typo")
    assert (caught.value.template_name, caught.value.lineno) == ("typo/receipt.html", 4)
    assert "adress" in caught.value.message
    with pytest.raises(TemplateError):  # and every render or preview fails the same way
        renderer.render_pdf(sample, "typo")
    with pytest.raises(TemplateError):
        renderer.preview("typo")


def test_unknown_top_level_name(tmp_path: Path) -> None:
    tenant = _tenant(tmp_path, {"bare/receipt.html": "<html><body>\n{{ receipt_no }}\n</body></html>\n"})
    with pytest.raises(TemplateError) as caught:
        Renderer([tenant]).preview("bare")
    assert (caught.value.template_name, caught.value.lineno) == ("bare/receipt.html", 2)


def test_missing_parent_and_missing_template(tmp_path: Path) -> None:
    tenant = _tenant(tmp_path, {"orphan/receipt.html": '{% extends "nosuch/receipt.html" %}\n'})
    renderer = Renderer([tenant])
    with pytest.raises(TemplateError, match="nosuch/receipt.html"):
        renderer.load("orphan")
    with pytest.raises(TemplateError) as caught:
        renderer.load("absent")
    assert caught.value.template_name == "absent/receipt.html"


def test_template_error_pickles() -> None:
    error = TemplateError("unknown variable: x", template_name="a/receipt.html", lineno=7)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.template_name, copy.lineno, str(copy)) == ("a/receipt.html", 7, str(error))


HEADER_ONLY = (
    "{#- Sehore: our own header, the rest as shipped. -#}\n"
    '{% extends "default/receipt.html" %}\n'
    "{% block header %}\n"
    '<header class="tenant-header"><h1>{{ r.ulb.name|upper }} — TENANT HEADER</h1></header>\n'
    "{% endblock %}\n"
)


def test_tenant_overrides_only_the_header(tmp_path: Path, sample: ReceiptView, sample_pdf: bytes) -> None:
    tenant = _tenant(tmp_path, {
        "sehore/receipt.html": HEADER_ONLY,
        "sehore/style.css": ".tenant-header h1 { color: #006400; font-size: 16pt; }\n",
    })
    renderer = Renderer([tenant])
    body = flat(text(renderer.render_pdf(sample, "sehore")))
    assert "AMRITSAR MUNICIPAL CORPORATION — TENANT HEADER" in body
    assert "Town Hall, Katra Ahluwalia" not in body  # the shipped header is gone
    shipped = flat(text(sample_pdf))
    # Everything after the header is the shipped default.
    assert body.split("TENANT HEADER ", 1)[1] in shipped
    # Its stylesheet comes after base.css and default/style.css: still an A5 page.
    assert float(reader(renderer.render_pdf(sample, "sehore")).pages[0].mediabox.width) == pytest.approx(419.5, abs=0.5)
    info = {i.name: i for i in renderer.list_templates()}["sehore"]
    assert not info.builtin and info.description == "Sehore: our own header, the rest as shipped."


def test_tenant_can_replace_default_and_extend_the_shipped_one(tmp_path: Path, sample: ReceiptView) -> None:
    tenant = _tenant(tmp_path, {"default/receipt.html": HEADER_ONLY.replace(
        '"default/receipt.html"', '"builtin/default/receipt.html"')})
    renderer = Renderer([tenant])
    assert "TENANT HEADER" in text(renderer.render_pdf(sample))
    info = {i.name: i for i in renderer.list_templates()}["default"]
    assert info.overrides_builtin and not info.builtin


def test_tenant_folder_from_environment(tmp_path: Path, sample: ReceiptView,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    tenant = _tenant(tmp_path, {"sehore/receipt.html": HEADER_ONLY})
    monkeypatch.setenv(ENV_VAR, str(tenant))
    assert "TENANT HEADER" in text(Renderer().render_pdf(sample, "sehore"))
    assert "sehore" in {i.name for i in list_templates()}


def test_missing_tenant_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Renderer([tmp_path / "nope"])


@pytest.mark.parametrize("name", ["", "../etc", "a/b", ".hidden"])
def test_bad_template_names(renderer: Renderer, name: str) -> None:
    with pytest.raises((ValueError, TemplateError)):
        renderer.load(name)
