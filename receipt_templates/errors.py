"""The one exception a broken receipt template raises, wherever it broke."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import jinja2

__all__ = ["TemplateError", "template_error_from"]


class TemplateError(Exception):
    """A receipt template cannot be loaded or rendered.

    Raised for syntax errors, unknown variables or attributes (StrictUndefined), missing
    templates and errors raised while the template runs, so callers catch one class and can
    show the template and line at fault. No partial receipt is ever produced.
    """

    code = "receipt_template_error"

    def __init__(
        self,
        message: str,
        *,
        template_name: str | None,
        lineno: int | None = None,
        filename: str | None = None,
    ) -> None:
        self.message = message
        self.template_name = template_name
        self.lineno = lineno
        self.filename = filename
        where = template_name or "<template>"
        if lineno is not None:
            where = f"{where}, line {lineno}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments: teach pickle (batch workers) how to rebuild the error.
        return (_rebuild, (self.message, self.template_name, self.lineno, self.filename))


def _rebuild(
    message: str, template_name: str | None, lineno: int | None, filename: str | None
) -> TemplateError:
    return TemplateError(message, template_name=template_name, lineno=lineno, filename=filename)


def _name_for(filename: str, search_path: Sequence[Path]) -> str:
    """The template name (as used in `extends`) of a file found on the search path."""
    path = Path(filename).resolve()
    for directory in search_path:
        try:
            return path.relative_to(directory.resolve()).as_posix()
        except ValueError:
            continue
    return os.path.basename(filename)


def _innermost_template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """Jinja rewrites tracebacks so template frames carry the template's file and line."""
    found = None
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def template_error_from(
    exc: BaseException, template_name: str, search_path: Sequence[Path]
) -> TemplateError:
    """Turn whatever Jinja (or code it called) raised into a TemplateError naming the place."""
    if isinstance(exc, TemplateError):
        return exc
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = exc.name or (
            _name_for(exc.filename, search_path) if exc.filename else template_name
        )
        return TemplateError(
            f"syntax error: {exc.message}", template_name=name, lineno=exc.lineno,
            filename=exc.filename,
        )
    frame = _innermost_template_frame(exc.__traceback__)
    name, lineno, filename = template_name, None, None
    if frame is not None:
        filename, lineno = frame
        name = _name_for(filename, search_path)
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template not found: {exc.name}"
        if frame is None:
            name = str(exc.name)
    elif isinstance(exc, jinja2.UndefinedError):
        message = f"unknown variable: {exc}"
    else:
        message = f"{type(exc).__name__}: {exc}"
    return TemplateError(message, template_name=name, lineno=lineno, filename=filename)
