"""The one loader for the lexicons under ``ingest/lexicons/``.

Each lexicon is a TSV file: ``#`` lines name its public sources, then a header row, then one fact per
row. Rows are validated by a pydantic model that rejects unknown columns, so a typo in a data file
fails at load. :func:`lexicon` returns the whole set, built once per process.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, field_validator

from ingest import prefilter

LEXICON_DIR = Path(__file__).parent / "lexicons"


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, v):
        return None if isinstance(v, str) and not v.strip() else v


def _split(value: Optional[str]) -> list[str]:
    return [p.strip() for p in (value or "").split("|") if p.strip()]


class SectionRow(Row):
    heading: str
    lang: str
    role: str
    bare: Optional[str] = None


class DrugRow(Row):
    name: str
    name_zh: Optional[str] = None
    aliases: Optional[str] = None
    targets: Optional[str] = None
    drug_class: Optional[str] = None


class DrugStemRow(Row):
    stem: str
    drug_class: Optional[str] = None
    targets: Optional[str] = None


class TargetRow(Row):
    symbol: str
    aliases: Optional[str] = None
    name_zh: Optional[str] = None


class EndpointRow(Row):
    code: str
    lang: str
    term: str
    qualifier: Optional[str] = None


class AdverseEventRow(Row):
    term: str
    term_zh: Optional[str] = None
    synonyms_en: Optional[str] = None
    synonyms_zh: Optional[str] = None


class ConditionRow(Row):
    name: str
    name_zh: Optional[str] = None
    synonyms_en: Optional[str] = None
    synonyms_zh: Optional[str] = None


class PhraseRow(Row):
    """A phrase in one language naming a canonical value (design, setting)."""

    canonical: str
    lang: str
    phrase: str


class SeriesRow(Row):
    series: str


class RegistryRow(Row):
    prefix: str
    pattern: str


class CueRow(Row):
    name: str
    lang: str
    pattern: str


class LabelRow(Row):
    """Display words of one canonical key in both languages (summaries and pages)."""

    kind: str
    key: str
    en: str
    zh: str


class GradeRow(Row):
    lang: str
    pattern: str
    grade: str


def read_tsv(name: str, model: type[Row], rename: Optional[dict[str, str]] = None) -> list:
    """Rows of ``lexicons/NAME`` as ``model`` instances; errors name the file and line."""
    path = LEXICON_DIR / name
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = []
    for i, raw in enumerate(reader, start=2):
        if None in raw or any(v is None for v in raw.values()):
            raise ValueError(f"{path.name}: row {i}: wrong number of columns")
        if rename:
            raw = {rename.get(k, k): v for k, v in raw.items()}
        try:
            rows.append(model(**raw))
        except Exception as exc:  # pydantic.ValidationError, with the place it happened
            raise ValueError(f"{path.name}: row {i}: {exc}") from exc
    return rows


class Cue:
    """Alternative patterns searched as one: matches come back in text order, earliest first.

    Each pattern carries the literal strings every match of it must contain and the places its
    matches can start (:mod:`ingest.prefilter`, read off the pattern itself): a pattern whose strings
    the window lacks is not run, and in a longer text one whose starts are few is tried at those alone.
    The matches are those of running every pattern (:meth:`finditer_plain`, :meth:`search_plain`):
    same spans, groups and order (a match found at a start tried carries that start as ``pos``)."""

    def __init__(self, patterns: list[re.Pattern]):
        self.patterns = patterns
        self._matcher = prefilter.Matcher(patterns)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> list[re.Match]:
        end = len(text) if endpos is None else endpos
        found = self._matcher.finditer(text, pos, end)
        return sorted(found, key=lambda m: (m.start(), -m.end()))

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        end = len(text) if endpos is None else endpos
        found = self._matcher.search(text, pos, end)
        return min(found, key=lambda m: (m.start(), -m.end())) if found else None

    def finditer_plain(self, text: str, pos: int = 0, endpos: int | None = None) -> list[re.Match]:
        """:meth:`finditer` without the prefilter: every pattern run (the reference)."""
        end = len(text) if endpos is None else endpos
        found = [m for p in self.patterns for m in p.finditer(text, pos, end)]
        return sorted(found, key=lambda m: (m.start(), -m.end()))

    def search_plain(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        """:meth:`search` without the prefilter: every pattern run (the reference)."""
        end = len(text) if endpos is None else endpos
        found = [m for m in (p.search(text, pos, end) for p in self.patterns) if m]
        return min(found, key=lambda m: (m.start(), -m.end())) if found else None


@dataclass
class Lexicon:
    """Every lexicon, with the look-up indexes the pipelines need."""

    sections: list[SectionRow]
    drugs: dict[str, DrugRow]
    drug_stems: list[DrugStemRow]
    targets: dict[str, TargetRow]
    endpoints: list[EndpointRow]
    adverse_events: dict[str, AdverseEventRow]
    conditions: dict[str, ConditionRow]
    designs: list[PhraseRow]
    settings: list[PhraseRow]
    trial_series: list[str]
    registries: list[tuple[str, re.Pattern]]
    grades: list[tuple[str, re.Pattern, str]]
    cue_rows: list[CueRow]
    labels: list[LabelRow] = field(default_factory=list)
    drug_alias: dict[str, str] = field(default_factory=dict)
    target_alias: dict[str, str] = field(default_factory=dict)
    ae_alias: dict[str, str] = field(default_factory=dict)
    condition_alias: dict[str, str] = field(default_factory=dict)
    _cues: dict = field(default_factory=dict)
    _labels: dict = field(default_factory=dict)
    _phrases: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        for d in self.drugs.values():
            for name in [d.name, d.name_zh, *_split(d.aliases)]:
                if name:
                    self.drug_alias.setdefault(name.lower(), d.name)
        for t in self.targets.values():
            for name in [t.symbol, *_split(t.aliases)]:
                self.target_alias.setdefault(name.lower(), t.symbol)
        for a in self.adverse_events.values():
            for name in [a.term, a.term_zh, *_split(a.synonyms_en), *_split(a.synonyms_zh)]:
                if name:
                    self.ae_alias.setdefault(name.lower(), a.term)
        for c in self.conditions.values():
            for name in [c.name, c.name_zh, *_split(c.synonyms_en), *_split(c.synonyms_zh)]:
                if name:
                    self.condition_alias.setdefault(name.lower(), c.name)

    def label(self, kind: str, key: str, lang: str) -> Optional[str]:
        """The display word of ``key`` (an endpoint code, a unit, a grade …) in ``lang``, or None."""
        if not self._labels:
            self._labels.update({(r.kind, r.key): r for r in self.labels})
        row = self._labels.get((kind, key))
        return getattr(row, lang) if row else None

    def reword(self, kind: str, text: str, lang: str) -> str:
        """``text`` with every phrase of label ``kind`` replaced by its ``lang`` wording, longest first
        (so "VEGFR2 tyrosine kinase inhibitor" reads "VEGFR2酪氨酸激酶抑制剂"). Chinese output drops
        the spaces a replacement leaves beside Chinese characters."""
        key = (kind, lang)
        if key not in self._phrases:
            rows = sorted((r for r in self.labels if r.kind == kind), key=lambda r: -len(r.key))
            words = {r.key.lower(): getattr(r, lang) for r in rows}
            pattern = "|".join(re.escape(r.key) for r in rows)
            self._phrases[key] = (re.compile(pattern, re.I) if pattern else None, words)
        pattern, words = self._phrases[key]
        if pattern is None:
            return text
        out = pattern.sub(lambda m: words[m.group(0).lower()], text)
        if lang == "zh":
            out = re.sub(r"(?<=[\u3400-\u9fff])[ -]+|[ -]+(?=[\u3400-\u9fff])", "", out)
        return out

    def cue(self, name: str, lang: str) -> Cue:
        """The cue ``name`` in ``lang``: its rows as alternatives, matched case-insensitively."""
        key = (name, lang)
        if key not in self._cues:
            pats = [re.compile(r.pattern, re.I) for r in self.cue_rows if r.name == name and r.lang == lang]
            if not pats:
                raise KeyError(f"cues.tsv has no cue {name!r} for {lang!r}")
            self._cues[key] = Cue(pats)
        return self._cues[key]

    def drug_targets(self, name: str) -> list[str]:
        d = self.drugs.get(name)
        return _split(d.targets) if d else []

    def drug_terms(self, lang: str) -> dict[str, str]:
        """Every written form of every drug in ``lang`` → its INN."""
        out: dict[str, str] = {}
        for d in self.drugs.values():
            names = [d.name_zh] if lang == "zh" else [d.name]
            names += [a for a in _split(d.aliases) if _is_lang(a, lang)]
            for n in names:
                if n:
                    out.setdefault(n, d.name)
        if lang == "zh":  # "卡瑞利珠+化疗+贝伐珠组": arms shorten an antibody's name, dropping 单抗
            for d in self.drugs.values():
                stem = (d.name_zh or "")[:-2] if (d.name_zh or "").endswith("单抗") else ""
                if len(stem) >= 3:
                    out.setdefault(stem, d.name)
        return out

    def target_terms(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for t in self.targets.values():
            for n in [t.symbol, *_split(t.aliases)]:
                out.setdefault(n, t.symbol)
        return out

    def ae_terms(self, lang: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for a in self.adverse_events.values():
            names = ([a.term_zh, *_split(a.synonyms_zh)] if lang == "zh"
                     else [a.term, *_split(a.synonyms_en)])
            for n in names:
                if n:
                    out.setdefault(n, a.term)
        return out

    def condition_terms(self, lang: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for c in self.conditions.values():
            names = ([c.name_zh, *_split(c.synonyms_zh)] if lang == "zh"
                     else [c.name, *_split(c.synonyms_en)])
            for n in names:
                if n:
                    out.setdefault(n, c.name)
        return out

    def zh_name(self, kind: str, canonical: str) -> Optional[str]:
        """The Chinese name the lexicons give a drug, AE term, condition or target."""
        row = {"drug": self.drugs, "ae": self.adverse_events, "condition": self.conditions,
               "target": self.targets}[kind].get(canonical)
        if row is None:
            return None
        return getattr(row, "name_zh", None) or getattr(row, "term_zh", None)

    def words_zh(self) -> set[str]:
        """Every Chinese term of every lexicon: the segmenter's user dictionary."""
        words: set[str] = set()
        words.update(n for n in self.drug_terms("zh") if _is_lang(n, "zh"))
        words.update(n for n in self.ae_terms("zh") if _is_lang(n, "zh"))
        words.update(n for n in self.condition_terms("zh") if _is_lang(n, "zh"))
        words.update(e.term for e in self.endpoints if e.lang == "zh")
        words.update(p.phrase for p in self.designs + self.settings if p.lang == "zh")
        words.update(s.heading for s in self.sections if s.lang == "zh")
        words.update(t.name_zh for t in self.targets.values() if t.name_zh and _is_lang(t.name_zh, "zh"))
        return words


_HAN = re.compile(r"[\u3400-\u9fff]")


def _is_lang(text: str, lang: str) -> bool:
    return bool(_HAN.search(text)) == (lang == "zh")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    drug_rename = {"class": "drug_class"}
    return Lexicon(
        sections=read_tsv("sections.tsv", SectionRow),
        drugs={r.name: r for r in read_tsv("drugs.tsv", DrugRow, drug_rename)},
        drug_stems=read_tsv("drug_stems.tsv", DrugStemRow, drug_rename),
        targets={r.symbol: r for r in read_tsv("targets.tsv", TargetRow)},
        endpoints=read_tsv("endpoints.tsv", EndpointRow),
        adverse_events={r.term: r for r in read_tsv("adverse_events.tsv", AdverseEventRow)},
        conditions={r.name: r for r in read_tsv("conditions.tsv", ConditionRow)},
        designs=read_tsv("design.tsv", PhraseRow, {"design": "canonical"}),
        settings=read_tsv("settings.tsv", PhraseRow, {"setting": "canonical"}),
        trial_series=[r.series for r in read_tsv("trial_series.tsv", SeriesRow)],
        registries=[(r.prefix, re.compile(r.pattern)) for r in read_tsv("registries.tsv", RegistryRow)],
        grades=[(r.lang, re.compile(r.pattern, re.I), r.grade) for r in read_tsv("grades.tsv", GradeRow)],
        cue_rows=read_tsv("cues.tsv", CueRow),
        labels=read_tsv("labels.tsv", LabelRow),
    )
