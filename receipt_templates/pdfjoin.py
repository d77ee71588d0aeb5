"""Join whole PDFs into one, page by page, writing as it goes.

A batch of receipts is rendered in chunks, each its own small PDF. pypdf's PdfWriter would
hold every page of the batch in memory until the end; this joiner copies each chunk's pages
and what they use (content, fonts, images) to the output at once and keeps only object
offsets, so a batch of 100,000 receipts needs no more memory than one of 100. Per-chunk
document parts (outline, named destinations) are dropped: they would collide between chunks.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    TextStringObject,
)

__all__ = ["PdfJoiner"]

_PAGES, _CATALOG, _INFO = 1, 2, 3  # reserved object numbers, written last


class _Counting:
    """A write-only wrapper that knows how many bytes went through (stdout cannot tell())."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.position = 0

    def write(self, data: bytes) -> int:
        self.out.write(data)
        self.position += len(data)
        return len(data)


class PdfJoiner:
    """``append`` whole PDFs, then ``close``; the output is a valid PDF only after ``close``."""

    def __init__(self, out: BinaryIO, *, title: str | None = None) -> None:
        self._out = _Counting(out)
        self._offsets: dict[int, int] = {}
        self._next = _INFO + 1
        self._kids: list[int] = []
        self._lang: PdfObject | None = None
        self._producer: str | None = None
        self.title = title
        self._out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    @property
    def page_count(self) -> int:
        return len(self._kids)

    def append(self, pdf: bytes) -> int:
        """Copy every page of ``pdf`` (and everything its pages use); returns the page count."""
        reader = PdfReader(io.BytesIO(pdf))
        mapping: dict[int, int] = {}
        pages = [page.indirect_reference.idnum for page in reader.pages]
        for idnum in pages:  # numbered first, so links between pages land on the copies
            mapping[idnum] = self._number()
        page_ids = set(pages)
        pending = list(pages)
        while pending:
            idnum = pending.pop()
            obj = reader.get_object(idnum)
            if obj is None:  # a dangling reference: keep the number, as a null object
                self._write_raw(mapping[idnum], b"null")
                continue
            is_page = idnum in page_ids
            if is_page:
                obj.pop("/Parent", None)
            obj = _renumber(obj, mapping, pending, self._number)
            if is_page:
                obj[NameObject("/Parent")] = IndirectObject(_PAGES, 0, None)
            self._write(mapping[idnum], obj)
        self._kids.extend(mapping[idnum] for idnum in pages)
        if self._lang is None:
            self._lang = reader.trailer["/Root"].get("/Lang")
            self._producer = (reader.metadata or {}).get("/Producer")
        return len(pages)

    def close(self) -> None:
        """Write the page tree, catalogue, information and cross-reference table."""
        if not self._kids:
            raise ValueError("no pages to write")
        kids = " ".join(f"{n} 0 R" for n in self._kids)
        pages = f"<< /Type /Pages /Count {len(self._kids)} /Kids [{kids}] >>"
        self._write_raw(_PAGES, pages.encode())
        catalog = DictionaryObject({
            NameObject("/Type"): NameObject("/Catalog"),
            NameObject("/Pages"): IndirectObject(_PAGES, 0, None),
        })
        if self._lang is not None:
            catalog[NameObject("/Lang")] = self._lang
        self._write(_CATALOG, catalog)
        info = DictionaryObject(
            {NameObject("/Creator"): TextStringObject("rasid receipt_templates")}
        )
        if self._producer:
            info[NameObject("/Producer")] = TextStringObject(str(self._producer))
        if self.title:
            info[NameObject("/Title")] = TextStringObject(self.title)
        self._write(_INFO, info)
        xref = self._out.position
        size = self._next
        lines = [f"xref\n0 {size}\n", "0000000000 65535 f \n"]
        lines += [f"{self._offsets[number]:010d} 00000 n \n" for number in range(1, size)]
        lines.append(
            f"trailer\n<< /Size {size} /Root {_CATALOG} 0 R /Info {_INFO} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n"
        )
        self._out.write("".join(lines).encode("ascii"))

    def _number(self) -> int:
        number = self._next
        self._next += 1
        return number

    def _write(self, number: int, obj: PdfObject) -> None:
        buffer = io.BytesIO()
        obj.write_to_stream(buffer)
        self._write_raw(number, buffer.getvalue())

    def _write_raw(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._out.position
        self._out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))


def _renumber(obj: PdfObject, mapping: dict[int, int], pending: list[int], number) -> PdfObject:
    """``obj`` with every reference pointing at its copy's number (new ones are queued).

    Changes ``obj`` in place: it belongs to a reader that is dropped after its chunk.
    """
    if isinstance(obj, IndirectObject):
        new = mapping.get(obj.idnum)
        if new is None:
            new = mapping[obj.idnum] = number()
            pending.append(obj.idnum)
        return IndirectObject(new, 0, None)
    if isinstance(obj, DictionaryObject):  # also stream dictionaries; their data is kept as is
        for key, value in list(dict.items(obj)):
            dict.__setitem__(obj, key, _renumber(value, mapping, pending, number))
    elif isinstance(obj, ArrayObject):
        for index, value in enumerate(list(obj)):
            obj[index] = _renumber(value, mapping, pending, number)
    return obj
