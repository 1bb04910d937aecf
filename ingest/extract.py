"""Raw document → record: sections aligned, every part run through its language's pipeline, facts merged."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, NamedTuple, Optional

from kb.models import Record

from .document import RawDocument, ReadError
from .merge import Merger
from .pipeline import nlp_for
from .pipeline.facts import Fact, facts_of
from .readers import read_path
from .sections import align_sections
from .text import normalize, normalize_zh


class Part(NamedTuple):
    lang: str
    part: str
    section: Optional[int]
    role: str
    text: str


def parts_of(raw: RawDocument, sections: list[dict]) -> list[Part]:
    parts = []
    if raw.title_en:
        parts.append(Part("en", "title", None, "title", raw.title_en))
    if raw.title_zh:
        parts.append(Part("zh", "title", None, "title", raw.title_zh))
    for i, s in enumerate(sections):
        for lang in ("en", "zh"):
            if s.get(lang):
                parts.append(Part(lang, "section", i, s["role"], s[lang]))
    return parts


def extract_document(raw: RawDocument) -> Record:
    sections = align_sections(raw.paragraphs)
    facts: list[Fact] = []
    parts = parts_of(raw, sections)
    for lang in ("en", "zh"):
        mine = [p for p in parts if p.lang == lang]
        if not mine:
            continue
        nlp = nlp_for(lang)
        norm = normalize_zh if lang == "zh" else normalize
        for part, doc in zip(mine, nlp.pipe(norm(p.text) for p in mine)):
            for f in facts_of(doc):
                f.lang, f.part, f.section, f.role = part.lang, part.part, part.section, part.role
                f.text = part.text[f.start:f.end]  # the text as written; offsets are the same
                if "figure" in f.extra:
                    a, b = f.extra.pop("figure")
                    f.extra["figure_text"] = part.text[a:b]
                facts.append(f)
    return Merger(raw, sections, facts).record()


class Outcome(NamedTuple):
    """One document's fate: a record, or the reason it has none."""

    path: str
    index: Optional[int]
    record: Optional[Record]
    error: Optional[str]


def extract_path(path: str | Path) -> Iterator[Outcome]:
    """Every record of a file; a bad file or record gives an Outcome with its error, never an exception."""
    try:
        for i, raw in enumerate(read_path(path)):
            if isinstance(raw, ReadError):
                yield Outcome(str(path), i, None, raw.reason)
                continue
            try:
                yield Outcome(str(path), i, extract_document(raw), None)
            except Exception as exc:  # a bug of ours must not end the batch; say which record
                yield Outcome(str(path), i, None, f"extraction failed: {type(exc).__name__}: {exc}")
    except ReadError as exc:
        yield Outcome(str(path), None if exc.record is None else exc.record, None, exc.reason)
