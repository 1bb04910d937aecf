"""Raw document → record: sections aligned, every part run through its language's pipeline, facts merged."""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, Optional

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


def merge_raw(raws: list[RawDocument]) -> RawDocument:
    """One paper from several sources (a PubMed record and a bilingual digest of it): the source with
    the most languages leads; each language's paragraphs come from the first source that has them;
    citation fields are filled from whichever source has them."""
    if len(raws) == 1:
        return raws[0]
    ordered = sorted(raws, key=lambda r: (-len(r.languages), r.format != "pubmed-xml", r.path, r.index))
    lead = ordered[0]
    merged = RawDocument(**{**lead.__dict__, "paragraphs": list(lead.paragraphs),
                            "registry_ids": list(lead.registry_ids), "keywords": list(lead.keywords)})
    for other in ordered[1:]:
        for lang in other.languages:
            if lang not in merged.languages:
                merged.paragraphs += [p for p in other.paragraphs if p.lang == lang]
        for name in ("title_en", "title_zh", "journal", "published", "doi", "pmid"):
            if not getattr(merged, name) and getattr(other, name):
                setattr(merged, name, getattr(other, name))
        if not merged.authors:
            merged.authors = list(other.authors)
        if not merged.affiliations:
            merged.affiliations = list(other.affiliations)
        merged.registry_ids += [r for r in other.registry_ids if r not in merged.registry_ids]
        merged.keywords += [k for k in other.keywords if k not in merged.keywords]
    merged.sources = [s for r in ordered for s in (r.sources or [{"format": r.format, "path": r.path,
                                                                   "languages": r.languages}])]
    return merged


# Parts of one language are read as one Doc, so every component runs once per language, not once per
# part. The parts are joined by a line holding only a NUL, which no figure, word or space pattern
# crosses; each part begins a sentence, and a fact that would still reach across two is dropped.
PART_SEPARATOR = "\n\x00\n"


def extract_document(raw: RawDocument) -> Record:
    sections = align_sections(raw.paragraphs)
    facts: list[Fact] = []
    parts = parts_of(raw, sections)
    for lang in ("en", "zh"):
        mine = [p for p in parts if p.lang == lang]
        if mine:
            facts += _facts_of_parts(lang, mine)
    return Merger(raw, sections, facts).record()


def _facts_of_parts(lang: str, parts: list[Part]) -> list[Fact]:
    nlp = nlp_for(lang)
    norm = normalize_zh if lang == "zh" else normalize
    starts, ends, texts = [], [], []
    at = 0
    for part in parts:
        starts.append(at)
        texts.append(norm(part.text))
        at += len(part.text)
        ends.append(at)
        at += len(PART_SEPARATOR)
    joined = PART_SEPARATOR.join(texts)
    if len(joined) > nlp.max_length:  # no abstract is this long: a whole book or a dump pasted in one record
        raise ReadError(f"text too long to be an abstract ({len(joined):,} {lang} characters; at most "
                        f"{nlp.max_length:,})")
    doc = nlp.make_doc(joined)
    doc.user_data["kb_parts"] = [(a, b, part.role) for a, b, part in zip(starts, ends, parts)]
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    out = []
    for f in facts_of(doc):
        i = bisect_right(starts, f.start) - 1
        if i < 0 or f.end > ends[i]:
            continue  # across a part boundary
        part, shift = parts[i], starts[i]
        f.start -= shift
        f.end -= shift
        f.lang, f.part, f.section, f.role = part.lang, part.part, part.section, part.role
        f.text = part.text[f.start:f.end]  # the text as written; offsets are the same
        if "figure" in f.extra:
            a, b = f.extra.pop("figure")
            f.extra["figure_text"] = part.text[a - shift:b - shift]
        out.append(f)
    return out


class Outcome(NamedTuple):
    """One document's fate: a record, or the reason it has none."""

    path: str
    index: Optional[int]
    record: Optional[Record]
    error: Optional[str]
    raw: Optional[RawDocument] = None


def read_outcomes(path: str | Path) -> Iterator[Outcome]:
    """Every document of a file, read but not yet extracted (``raw`` set, ``record`` None); a bad file
    or record gives an Outcome with its error, never an exception."""
    try:
        for i, raw in enumerate(read_path(path)):
            if isinstance(raw, ReadError):
                yield Outcome(str(path), i, None, raw.reason)
            else:
                yield Outcome(str(path), i, None, None, raw)
    except ReadError as exc:
        yield Outcome(str(path), None if exc.record is None else exc.record, None, exc.reason)


def extract_outcome(read: Outcome) -> Outcome:
    """A read document with its record, or with the reason extraction failed."""
    if read.raw is None or read.error is not None:
        return read
    try:
        return read._replace(record=extract_document(read.raw))
    except ReadError as exc:  # the document's own fault: its reason as it is
        return Outcome(read.path, read.index, None, exc.reason)
    except Exception as exc:  # a bug of ours must not end the batch; say which record
        return Outcome(read.path, read.index, None, f"extraction failed: {type(exc).__name__}: {exc}")


def extract_path(path: str | Path) -> Iterator[Outcome]:
    """Every record of a file; a bad file or record gives an Outcome with its error, never an exception."""
    for read in read_outcomes(path):
        yield extract_outcome(read)
