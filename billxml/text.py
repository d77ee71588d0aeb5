"""Values as the XSD sees them: white space collapsed the way xs:token collapses it."""

from __future__ import annotations

_XML_SPACE = str.maketrans("\t\n\r", "   ")


def collapse(value: str) -> str:
    """xs:token's whiteSpace="collapse": tabs and line breaks become spaces, runs of spaces one
    space, none at either end. Only XML's four space characters count (not NBSP)."""
    if value.isprintable() and (" " not in value or (
            value[0] != " " and value[-1] != " " and "  " not in value)):
        return value  # the common case, decided without building a new string
    return " ".join(part for part in value.translate(_XML_SPACE).split(" ") if part)
