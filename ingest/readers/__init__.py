"""Readers: bytes of a file → raw documents. One module per format; the format is told by content.

:func:`read_path` is the single entry: it decodes the file, detects its format and yields each
document, raising :class:`~ingest.document.ReadError` (with a reason a user can act on) when it can't.
"""
from __future__ import annotations

import codecs
import gzip
import html
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from ..document import RawDocument, ReadError
from ..text import nfc
from .digest import read_digest
from .medline import read_medline
from .pubmed_xml import read_pubmed_xml
from .ris import read_ris

MAX_BYTES = 200 * 1024 * 1024

Reader = Callable[[str, str], Iterator[RawDocument]]


def _digest(text: str, path: str) -> Iterator[RawDocument]:
    yield read_digest(text, path)


READERS: dict[str, Reader] = {"digest": _digest, "pubmed-xml": read_pubmed_xml, "medline": read_medline,
                              "ris": read_ris}


def decode(data: bytes) -> str:
    """Text of a file: BOMs, UTF-8, UTF-16 and GB18030 are recognised; binary is an error."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16")
    if len(data) >= 4 and data[1:4:2] == b"\x00\x00" and data[0:4:2] != b"\x00\x00":
        return _strict(data, "utf-16-le")
    if len(data) >= 4 and data[0:4:2] == b"\x00\x00" and data[1:4:2] != b"\x00\x00":
        return _strict(data, "utf-16-be")
    if b"\x00" in data[:4096]:
        raise ReadError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError("not valid UTF-8, UTF-16 or GB18030 text") from None
    return text


_RIS_TAG = re.compile(r"^TY\s{1,2}- ", re.M)
_MEDLINE_PMID = re.compile(r"^PMID-\s*\d+", re.M)
_MEDLINE_TAG = re.compile(r"^(?:TI|AB|FAU)\s{0,2}- ", re.M)
_TAGS = ("TY", "PMID-", "TI", "AB", "FAU")  # what the three patterns above open with
_TAG_AFTER_NEWLINE = re.compile(r"\n(?:TY|PMID-|TI|AB|FAU)")  # opens with "\n": a quick scan for it


def _strict(data: bytes, encoding: str) -> str:
    """``data`` decoded as the encoding its marks announce; bytes that are not that (a UTF-16 file cut
    at an odd byte, a UTF-8 BOM before other bytes) are the file's error, not a crash."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReadError(f"not valid {exc.encoding.upper()} text (byte {exc.start})") from None


def detect_format(text: str, path: str) -> str:
    head = text.lstrip()[:2000]
    if head.startswith("<") and re.search(r"<(?:PubmedArticleSet|PubmedArticle|MedlineCitation)\b", text[:20000]):
        return "pubmed-xml"
    if head.startswith("<"):
        raise ReadError("XML that is not a PubMed article set")
    # A pattern that opens with a re.M "^" is tried at every place of the head: they are tried only when
    # one of their tags starts the head or a line of it, the only places where they can match.
    if head.startswith(_TAGS) or _TAG_AFTER_NEWLINE.search(head):
        if _RIS_TAG.search(head):
            return "ris"
        if _MEDLINE_PMID.search(head) or _MEDLINE_TAG.search(head):
            return "medline"
    return "digest"


def read_text(text: str, path: str) -> Iterator[RawDocument]:
    text = nfc(html.unescape(text) if "&" in text and "<" not in text.lstrip()[:1] else text)
    yield from READERS[detect_format(text, path)](text, path)


def _os_path(path: str | Path) -> str:
    """The name the file is opened by: what Path(path) makes of ``path``, without making a Path of a name
    it would keep as it is (Path drops empty and "." parts: "a/" is "a", "a/." is "a", "" is ".")."""
    if isinstance(path, str) and path and "//" not in path and "/." not in path and not path.startswith("./") \
            and not path.endswith("/"):
        return path
    return str(Path(path))


def _read_bytes(path: str | Path) -> bytes:
    """The file's bytes, its size checked first (by the open file: one look-up of the name, not two)."""
    try:
        f = open(_os_path(path), "rb", buffering=0)  # read whole: no buffer (nor its isatty call)
    except OSError:
        pass  # below, the steps as they were, so that the error is the one they gave
    else:
        with f:
            try:
                size = os.fstat(f.fileno()).st_size
                if size > MAX_BYTES:
                    raise ReadError(f"file too large ({size} bytes > {MAX_BYTES})")
                return f.read()
            except OSError as exc:
                raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(f"file too large ({size} bytes > {MAX_BYTES})")
        return p.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None


def read_path(path: str | Path) -> Iterator[RawDocument]:
    """Every document in the file at ``path``."""
    data = _read_bytes(path)
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ReadError(f"broken gzip file: {exc}") from None
    if not data.strip():
        raise ReadError("empty file")
    yield from read_text(decode(data), str(path))
