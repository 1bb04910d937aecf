"""The raw document: what every reader yields and every pipeline reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Paragraph:
    """One abstract paragraph in one language; `role` when a heading or the format says so."""

    lang: str
    text: str
    role: Optional[str] = None


@dataclass
class RawDocument:
    format: str
    path: str
    index: int = 0
    title_en: Optional[str] = None
    title_zh: Optional[str] = None
    authors: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    journal: Optional[str] = None
    published: Optional[str] = None
    doi: Optional[str] = None
    pmid: Optional[str] = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    registry_ids: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    # when several files hold this paper: each one's format, path and languages (see extract.merge_raw)
    sources: list[dict] = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        seen: list[str] = []
        for p in self.paragraphs:
            if p.lang not in seen:
                seen.append(p.lang)
        return seen


class ReadError(Exception):
    """A document that cannot be read; `record` locates it inside its file when known."""

    def __init__(self, reason: str, record: Optional[str] = None):
        super().__init__(reason)
        self.reason = reason
        self.record = record


MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def iso_date(year: str, month: Optional[str] = None, day: Optional[str] = None) -> str:
    """'2025', 'Aug' or '8', '11' → '2025-08-11', as precise as what is given and valid."""
    mon: Optional[int] = None
    if month:
        mon = int(month) if month.isdigit() else MONTHS.get(month.lower()[:3])
    if not mon or not 1 <= mon <= 12:
        return year
    if day and day.isdigit() and 1 <= int(day) <= 31:
        return f"{year}-{mon:02d}-{int(day):02d}"
    return f"{year}-{mon:02d}"
