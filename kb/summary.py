"""Evidence summaries: an English and a Chinese card rendered from a record, never from its text.

:func:`card` turns a record into the pieces a summary shows, each already worded in one language (names
from the record or the lexicons, figures formatted from the record's fields by that language's
conventions: ``19.4% (6/31)`` / ``19.4%(6/31)``, ``95% CI 1.8–3.7`` / ``95%CI:1.8~3.7``). The
templates ``templates/summary.{en,zh}.{md,html}`` lay the pieces out. A fact the record lacks is left
out, so no clause is ever empty; nothing is translated by machine.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Optional

import jinja2

from .models import Record, Result
from .paths import TEMPLATES_DIR

LANGS = ("en", "zh")
FORMATS = ("md", "html")
SEVERE = ("5", "4", "3-4", ">=3", "3")  # grades a summary's safety line reports, most severe first
_TIME_POINT = re.compile(r"^(\d+(?:\.\d+)?)-(year|month|week|day)$")
_ZH_TIME = {"year": "年", "month": "个月", "week": "周", "day": "天"}
_GROUP = re.compile(r"(?:组|group|arm)$", re.I)
_P_OPS = {"<=": "≤", ">=": "≥"}


@cache  # the lexicon is built once per process; this spares each card the import statement's lookup
def _lex():
    from ingest.lexicon import lexicon

    return lexicon()


# The lexicons' answers, remembered: lexicon() is built once per process and never changes, and a summary
# asks for the same few words (endpoints, units, grades, drug names) record after record. Some keys are a
# record's own text (arm names, drug classes, biomarkers), hence the bounds.
@lru_cache(maxsize=20_000)
def _label(kind: str, key: str, lang: str) -> str:
    return _lex().label(kind, key, lang) or key


@lru_cache(maxsize=20_000)
def _zh_name(kind: str, canonical: str) -> Optional[str]:
    return _lex().zh_name(kind, canonical)


@lru_cache(maxsize=20_000)
def _reword(kind: str, text: str, lang: str) -> str:
    return _lex().reword(kind, text, lang)


def num(value: float) -> str:
    """19.4 → '19.4', 40.0 → '40': the figure as an abstract writes it."""
    return f"{value:g}" if abs(value) < 1e15 else str(value)


def ci_range(ci, nr: str = "NR", sep: str = "–") -> Optional[str]:
    """'1.8–3.7' for a CI (an open bound written ``nr``), or None when there is no CI to write."""
    if ci is None or (ci.low is None and ci.high is None):
        return None
    low = num(ci.low) if ci.low is not None else nr
    high = num(ci.high) if ci.high is not None else nr
    return f"{low}{sep}{high}"


@dataclass
class Figure:
    """One result worded for a summary: '<label> <text>' reads as a clause."""

    label: str
    text: str
    primary: bool = False
    joiner: str = " "

    def __str__(self) -> str:
        return f"{self.label}{self.joiner}{self.text}" if self.label else self.text


@dataclass
class Card:
    lang: str
    record_id: str
    drugs: list[str] = field(default_factory=list)  # each already "name (class; targets)"
    comparators: list[str] = field(default_factory=list)
    phase: Optional[str] = None
    design: list[str] = field(default_factory=list)
    acronym: Optional[str] = None
    registry_ids: list[str] = field(default_factory=list)
    title: Optional[str] = None
    n_enrolled: Optional[int] = None
    n_analyzed: Optional[int] = None
    conditions: list[str] = field(default_factory=list)
    biomarkers: list[str] = field(default_factory=list)
    setting: list[str] = field(default_factory=list)
    primary: list[Figure] = field(default_factory=list)
    secondary: list[Figure] = field(default_factory=list)
    primary_declared: bool = False
    severe_events: list[str] = field(default_factory=list)
    other_events: list[str] = field(default_factory=list)
    disagreements: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def has_population(self) -> bool:
        return bool(self.n_enrolled is not None or self.conditions or self.biomarkers or self.setting)


class Wording:
    """How one language writes names and figures; words come from the lexicons' labels."""

    def __init__(self, lang: str, learned: Optional[dict[str, str]] = None):
        self.lang = lang
        self.lex = _lex()
        self.learned = {} if learned is None else learned  # English → Chinese pairs other records taught

    def label(self, kind: str, key: str) -> str:
        return _label(kind, key, self.lang)

    # names -------------------------------------------------------------------------------------
    def drug(self, rec: Record, drug) -> str:
        if self.lang == "zh":
            zh = (drug.name_zh or _zh_name("drug", drug.name) or _glossary(rec, drug.name)
                  or self.learned.get(drug.name.lower()))
            head = zh or drug.name
            extra = [drug.name] if zh and zh != drug.name else []
            if drug.drug_class:
                extra.append(_reword("class_word", drug.drug_class, "zh"))
            if drug.targets:
                extra.append("靶点：" + "、".join(drug.targets))
            return f"{head}（{'，'.join(extra)}）" if extra else head
        extra = ([drug.drug_class] if drug.drug_class else []) + (
            ["target " + ", ".join(drug.targets)] if drug.targets else [])
        return f"{drug.name} ({'; '.join(extra)})" if extra else drug.name

    def condition(self, rec: Record, name: str) -> str:
        if self.lang == "en":
            return name
        return (_zh_name("condition", name) or _glossary(rec, name) or self.learned.get(name.lower())
                or name)

    def ae(self, rec: Record, ae) -> str:
        if self.lang == "en":
            return ae.term
        return (_zh_name("ae", ae.term) or ae.term_zh or _glossary(rec, ae.term)
                or self.learned.get(ae.term.lower()) or ae.term)

    def arm(self, rec: Record, arm: str) -> str:
        if self.lang == "zh":
            zh = (_zh_name("drug", arm) or self.lex.label("arm_word", arm, "zh")
                  or self.learned.get(arm.lower()))
            return zh or arm
        en = self.lex.label("arm_word", arm, "en")
        if en:
            return en
        from_glossary = {g.zh: g.en for g in rec.glossary}.get(arm)
        if from_glossary:
            return from_glossary
        return arm[:-1] + " group" if arm.endswith("组") else arm

    def qualifier(self, q: str) -> str:
        parts = [p.strip() for p in q.split(",") if p.strip()]
        return ("，" if self.lang == "zh" else ", ").join(self._qualifier(p) for p in parts)

    def _qualifier(self, q: str) -> str:
        m = _TIME_POINT.match(q)
        if m and self.lang == "zh":
            return m.group(1) + _ZH_TIME[m.group(2)]
        return self.lex.label("qualifier", q, self.lang) or q

    # figures -----------------------------------------------------------------------------------
    def ci(self, r: Result) -> Optional[str]:
        zh = self.lang == "zh"
        bounds = ci_range(r.ci, "未达到" if zh else "not reached", "~" if zh else "–")
        if bounds is None:
            return None
        return f"{num(r.ci.level)}%CI:{bounds}" if zh else f"{num(r.ci.level)}% CI {bounds}"

    def p(self, r: Result) -> Optional[str]:
        if r.p is None:
            return None
        op = _P_OPS.get(r.p_op or "=", r.p_op or "=")
        return f"P{op}{num(r.p)}" if self.lang == "zh" else f"P {op} {num(r.p)}"

    def figure(self, rec: Record, r: Result, primary: bool) -> Figure:
        zh = self.lang == "zh"
        endpoint = r.endpoint
        if zh and (word := self.label("endpoint", endpoint)) != endpoint:
            endpoint = f"{word}({endpoint})"
        ratio = r.stat in ("hr", "or", "rr")
        value = num(r.value)
        if ratio:
            text = f"{self.label('stat', r.stat)}={value}" if zh else f"{self.label('stat', r.stat)} {value}"
        elif r.unit == "%":
            text = f"{value}%"
        elif r.unit:
            text = f"{value}{self.label('unit', r.unit)}" if zh else f"{value} {self.label('unit', r.unit)}"
        else:
            text = value
        inner = []
        if r.n is not None and r.N is not None:
            inner.append(f"{r.n}/{r.N}")
        elif r.n is not None and not ratio:
            inner.append(f"{r.n}例" if zh else f"n = {r.n}")
        ci = self.ci(r)
        if ci:
            inner.append(ci)
        p = self.p(r)
        if p:
            inner.append(p)
        if inner:
            text += f"({'，'.join(inner)})" if zh else f" ({'; '.join(inner)})"
        label = endpoint
        if r.stat in ("median", "mean"):
            label = f"{self.label('stat', r.stat)}{label}" if zh else f"{self.label('stat', r.stat)} {label}"
        if r.qualifier:  # "confirmed ORR", "5-year OS" / "确认的客观缓解率", "5年总生存期"
            label = f"{self.qualifier(r.qualifier)}{label}" if zh else f"{self.qualifier(r.qualifier)} {label}"
        if r.arm:
            arm = self.arm(rec, r.arm)
            if zh:
                label = f"{label}（{arm}）"
            else:
                text += f" in the {arm}" if _GROUP.search(arm) else f" with {arm}"
        joiner = " " if not zh or ratio else "为"
        return Figure(label=label, text=text, primary=primary, joiner=joiner)


def _glossary(rec: Record, en: str) -> Optional[str]:
    """The Chinese the record's own text pairs with ``en`` (e.g. 米拉德美坦(milademetan))."""
    for g in rec.glossary:
        if g.en.lower() == en.lower():
            return g.zh
    return None


def card(rec: Record, lang: str, max_secondary: int = 6, learned: Optional[dict[str, str]] = None) -> Card:
    """The summary pieces of ``rec`` in ``lang`` ('en' or 'zh')."""
    if lang not in LANGS:
        raise ValueError(f"unknown summary language {lang!r}")
    w = Wording(lang, learned)
    c = Card(lang=lang, record_id=rec.id)
    for d in rec.drugs:
        if d.role == "background":
            continue
        (c.comparators if d.role == "comparator" else c.drugs).append(w.drug(rec, d))
    t = rec.trial
    c.phase = w.label("phase", t.phase) if t.phase else None
    c.design = [w.label("design", d) for d in t.design]
    c.acronym, c.registry_ids = t.acronym, list(t.registry_ids)
    c.title = (rec.citation.title.zh or rec.citation.title.en) if lang == "zh" else rec.citation.title.en
    p = rec.population
    c.n_enrolled = p.n_enrolled
    c.n_analyzed = p.n_analyzed if p.n_analyzed is not None and p.n_analyzed != p.n_enrolled else None
    c.conditions = [w.condition(rec, x) for x in p.conditions]
    c.biomarkers = [_reword("biomarker_word", b, lang) if lang == "zh" else b for b in p.biomarkers]
    c.setting = [w.label("setting", s) for s in p.setting]
    primary = {e.name for e in rec.endpoints if e.kind == "primary"}
    c.primary_declared = bool(primary)
    # each endpoint once: a second pass over an endpoint's results would find every figure already seen
    order = dict.fromkeys([e.name for e in rec.endpoints if e.kind == "primary"] + [r.endpoint for r in rec.results])
    seen: set[str] = set()
    by_endpoint: dict[str, list[Result]] = {}
    for r in rec.results:
        by_endpoint.setdefault(r.endpoint, []).append(r)
    for endpoint in order:
        if endpoint not in primary and len(c.secondary) >= max_secondary:
            break  # the primary endpoints come first: nothing after this is shown
        for r in by_endpoint.get(endpoint, ()):
            fig = w.figure(rec, r, endpoint in primary)
            text = str(fig)
            if text in seen:  # the same figure written twice (results and conclusions, EN and ZH)
                continue
            seen.add(text)
            if fig.primary:
                c.primary.append(fig)
            elif len(c.secondary) < max_secondary:
                c.secondary.append(fig)
    sep = "、" if lang == "zh" else ", "
    for grade in SEVERE:
        events = [_event(w, rec, ae) for ae in rec.adverse_events if ae.grade == grade]
        if events:
            c.severe_events.append(w.label("grade", grade) + ("" if lang == "zh" else " ") + sep.join(events))
    if not c.severe_events:
        c.other_events = [_event(w, rec, ae, ae.grade if ae.grade != "any" else None)
                          for ae in rec.adverse_events[:6]]
    c.disagreements = [(x.fact, x.en or "—", x.zh or "—") for x in rec.consistency if not x.agree]
    return c


def _event(w: Wording, rec: Record, ae, grade: Optional[str] = None) -> str:
    zh = w.lang == "zh"
    text = w.ae(rec, ae)
    if grade:
        text = f"{w.label('grade', grade)}{text}" if zh else f"{w.label('grade', grade)} {text}"
    inner = []
    if ae.rate is not None:
        inner.append(f"{num(ae.rate)}%")
    if ae.n is not None:
        inner.append(f"{ae.n}例" if zh else f"n = {ae.n}")
    if ae.arm:
        inner.append(w.arm(rec, ae.arm))
    if inner:
        text += f"({'，'.join(inner)})" if zh else f" ({', '.join(inner)})"
    return text


@lru_cache(maxsize=1)
def _env() -> tuple[jinja2.Environment, jinja2.Environment]:
    loader = jinja2.FileSystemLoader(str(TEMPLATES_DIR))
    # compiled once per process: no check of the files' times at every render
    opts = dict(loader=loader, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                keep_trailing_newline=False, auto_reload=False)
    envs = jinja2.Environment(autoescape=False, **opts), jinja2.Environment(autoescape=True, **opts)
    for env in envs:
        # The summary templates use none of Jinja's globals (range, dict, namespace, ...); without them a
        # render's import of the macros no longer compares them against the template's, a third of its cost.
        env.globals.clear()
    return envs


@cache
def _template(lang: str, fmt: str) -> jinja2.Template:
    md, html = _env()
    return (html if fmt == "html" else md).get_template(f"summary.{lang}.{fmt}")


_BLANK_LINES = re.compile(r"\n{3,}")


def render(rec: Record, lang: str, fmt: str = "md", learned: Optional[dict[str, str]] = None) -> str:
    """The ``lang`` summary of ``rec`` as Markdown ('md') or an HTML partial ('html', escaped)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown summary format {fmt!r}")
    text = _template(lang, fmt).render(c=card(rec, lang, learned=learned))
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"


def one_line(rec: Record, lang: str) -> str:
    """The summary's heading and its first efficacy figure on one line (drug and target pages)."""
    c = card(rec, lang)
    md, _ = _env()
    return getattr(md.get_template("_summary_macros.jinja").module, f"line_{lang}")(c).strip()


def summaries(rec: Record, learned: Optional[dict[str, str]] = None) -> dict[str, str]:
    """Both Markdown summaries, as stored in ``records.summary_en`` / ``summary_zh``; ``learned`` gives
    Chinese names the glossary learned from other records."""
    return {f"summary_{lang}": render(rec, lang, "md", learned) for lang in LANGS}


class AskedNames(dict):
    """An empty ``learned`` that notes every name the wording asks it for: summaries rendered with it (in
    a worker, before the glossary's learned names are known) are the ones the learned names would give
    when none of them is among ``asked``."""

    def __init__(self):
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return default


def as_json(rec: Record, langs: tuple[str, ...], learned: Optional[dict[str, str]] = None) -> str:
    data = {"id": rec.id}
    for lang in langs:
        data[f"summary_{lang}"] = render(rec, lang, "md", learned)
    return json.dumps(data, ensure_ascii=False)
