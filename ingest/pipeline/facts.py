"""Fact objects: what every extraction component, English or Chinese, adds to a Doc.

A fact is one extracted item — a phase, a drug, a result — with its canonical value and the
character span of the text it came from. The merger (``ingest.merge``) turns the facts of every
part of a document, in both languages, into one record.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span

KINDS = ("phase", "acronym", "registry_id", "design", "drug", "target", "condition", "biomarker", "setting",
         "n_enrolled", "n_analyzed", "endpoint", "result", "adverse_event", "term_pair")


@dataclass
class Fact:
    kind: str
    value: dict[str, Any]
    start: int
    end: int
    text: str
    sentence: int = 0
    # filled in by the caller that knows where the text came from
    lang: str = ""
    part: str = ""
    section: int | None = None
    role: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def key(self) -> tuple:
        return (self.kind, tuple(sorted((k, str(v)) for k, v in self.value.items())))


def facts_of(doc: Doc) -> list[Fact]:
    """The facts found in ``doc`` (also ``doc._.facts``), kept in ``doc.user_data["kb_facts"]``: components
    add many, and reading a plain dict costs less than spaCy's ``doc._`` at every one."""
    facts = doc.user_data.get("kb_facts")
    if facts is None:
        facts = doc.user_data["kb_facts"] = []
    return facts


if not Doc.has_extension("facts"):
    Doc.set_extension("facts", getter=facts_of)


class Term:
    """One lexicon term `kb_terms` marked, as the components read it: a Span's token and character offsets,
    label (the kind), canonical value (``kb_id_``) and text, under a Span's names but as plain values (a Span
    looks its label and value up in the string store at every read, and builds its text from new Tokens), and
    without a reference back to the Doc: Spans kept in ``doc.user_data`` made a reference cycle, so every Doc
    waited for the cyclic garbage collector, whose passes that garbage set off cost more than freeing it."""

    __slots__ = ("start", "end", "start_char", "end_char", "label_", "kb_id_", "text")

    def __init__(self, start: int, end: int, start_char: int, end_char: int, label_: str, kb_id_: str, text: str):
        self.start, self.end, self.start_char, self.end_char = start, end, start_char, end_char
        self.label_, self.kb_id_, self.text = label_, kb_id_, text

    @classmethod
    def of(cls, span: Span) -> Term:
        return cls(span.start, span.end, span.start_char, span.end_char, span.label_, span.kb_id_, span.text)

    def __repr__(self) -> str:
        return f"Term({self.text!r}, {self.label_}, {self.kb_id_!r}, {self.start_char}-{self.end_char})"


def set_terms(doc: Doc, spans: list[Span], terms: list[Term] | None = None) -> None:
    """Mark the lexicon terms (``doc.spans["kb_terms"]``) and keep them, by label, for :func:`terms_of`;
    ``terms``: the same terms as :class:`Term` when the caller has them (else read off the Spans)."""
    doc.spans["kb_terms"] = spans
    if terms is None:
        terms = [Term.of(span) for span in spans]
    by_label: dict = {None: terms}
    for term in terms:
        by_label.setdefault(term.label_, []).append(term)
    doc.user_data["kb_terms_by_label"] = by_label
    doc.user_data.pop("kb_terms_by_sentence", None)


def terms_of(doc: Doc, label: str | None = None) -> list[Term]:
    """The lexicon terms `kb_terms` marked (of one label, or all), in text order."""
    if "kb_terms_by_label" not in doc.user_data:
        set_terms(doc, list(doc.spans.get("kb_terms", [])))
    return doc.user_data["kb_terms_by_label"].get(label, [])


def terms_by_sentence(doc: Doc, label: str) -> list[list[Term]]:
    """The lexicon terms of ``label`` that start in each sentence of :func:`sentence_bounds`, in their order;
    sorted into sentences once per Doc and label."""
    cache = doc.user_data.setdefault("kb_terms_by_sentence", {})
    out = cache.get(label)
    if out is None:
        out = cache[label] = spans_by_sentence(terms_of(doc, label), sentence_bounds(doc))
    return out


def spans_by_sentence(spans: list, bounds: list[tuple[int, int]]) -> list[list]:
    """The spans that start in each sentence, in their order."""
    starts = [a for a, _ in bounds]
    out: list[list[Span]] = [[] for _ in bounds]
    for s in spans:
        i = bisect_right(starts, s.start_char) - 1
        if i >= 0 and s.start_char < bounds[i][1]:
            out[i].append(s)
    return out


def text_of(doc: Doc) -> str:
    """The Doc's text, built once (``doc.text`` joins the tokens anew at every call)."""
    text = doc.user_data.get("kb_text")
    if text is None:
        text = doc.user_data["kb_text"] = doc.text
    return text


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of every sentence, computed once per Doc."""
    bounds = doc.user_data.get("kb_sents")
    if bounds is None:
        bounds = doc.user_data["kb_sents"] = [(s.start_char, s.end_char) for s in doc.sents]
    return bounds


def _sentence_starts(doc: Doc) -> list[int]:
    starts = doc.user_data.get("kb_sent_starts")
    if starts is None:
        starts = doc.user_data["kb_sent_starts"] = [b[0] for b in sentence_bounds(doc)]
    return starts


def role_at(doc: Doc, pos: int) -> str | None:
    """The section role (``doc.user_data["kb_parts"]``: (start, end, role) of each part) at ``pos``."""
    for start, end, role in doc.user_data.get("kb_parts", ()):
        if start <= pos < end:
            return role
    return None


def add_fact(doc: Doc, kind: str, value: dict[str, Any], start: int, end: int, **extra: Any) -> Fact:
    assert kind in KINDS, kind
    sent = max(0, bisect_right(_sentence_starts(doc), start) - 1)
    fact = Fact(kind=kind, value=value, start=start, end=end, text=text_of(doc)[start:end], sentence=sent,
                extra=extra)
    facts_of(doc).append(fact)
    return fact
