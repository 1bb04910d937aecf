"""Reader for MEDLINE / "PubMed format" text (.nbib): tagged records, one raw document each."""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..document import RawDocument, ReadError, iso_date
from ..sections import split_headings
from ..text import lang_of

_TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*- ?(.*)$")


def _records(text: str) -> list[list[tuple[str, str]]]:
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in text.splitlines():
        m = _TAG.match(line)
        if m and len(line) > 4 and line[4] == "-":
            if m.group(1) == "PMID" and current:
                records.append(current)
                current = []
            current.append((m.group(1), m.group(2).strip()))
        elif line.startswith("      ") and current:
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}")
    if current:
        records.append(current)
    return records


def _date(value: str):
    m = re.match(r"((?:19|20)\d{2})(?:\s+([A-Za-z]{3})[a-z]*(?:\s+(\d{1,2}))?)?", value)
    return iso_date(*m.groups()) if m else None


def read_medline(text: str, path: str) -> Iterator[RawDocument]:
    records = _records(text)
    if not records:
        raise ReadError("no MEDLINE records")
    for i, fields in enumerate(records):
        doc = RawDocument(format="medline", path=path, index=i)
        fau = [v.replace(",", "") for t, v in fields if t == "FAU"]
        doc.authors = fau or [v for t, v in fields if t == "AU"]
        for tag, value in fields:
            if tag == "PMID":
                doc.pmid = value
            elif tag in ("TI", "TT") and value:
                setattr(doc, "title_zh" if lang_of(value) == "zh" else "title_en", value)
            elif tag == "AB":
                doc.paragraphs += split_headings(value, lang_of(value))
            elif tag == "AD" and value not in doc.affiliations:
                doc.affiliations.append(value)
            elif tag == "TA" or (tag == "JT" and not doc.journal):
                doc.journal = value
            elif tag == "DP":
                doc.published = _date(value)
            elif tag in ("LID", "AID") and value.endswith("[doi]") and not doc.doi:
                doc.doi = value[: -len("[doi]")].strip()
            elif tag == "SI":
                rid = value.split("/")[-1].replace(" ", "")
                if re.match(r"(NCT|ChiCTR|ISRCTN|EudraCT|jRCT|UMIN)", rid) and rid not in doc.registry_ids:
                    doc.registry_ids.append(rid)
            elif tag in ("OT", "MH"):
                doc.keywords.append(value)
        if not doc.paragraphs:
            yield ReadError("record has no abstract (AB)", str(i))
            continue
        yield doc
