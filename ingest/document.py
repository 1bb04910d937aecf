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
