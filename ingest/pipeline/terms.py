"""`kb_terms`: one PhraseMatcher pass that marks every lexicon term in a Doc.

Marks go to ``doc.spans["kb_terms"]`` with ``label_`` the kind (DRUG, TARGET, ENDPOINT, AE,
CONDITION, DESIGN, SETTING) and ``kb_id_`` the canonical value (an endpoint's qualifier follows
a ``|``). Overlaps keep the longest term. Unknown INNs are caught by their WHO stem.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..lexicon import Lexicon, lexicon
from .facts import set_terms, text_of

_HAN = re.compile(r"[\u4e00-\u9fff]")
_JOINED_BEFORE = re.compile(r"(?P<x>[\u4e00-\u9fff]{2,8})(?:和|及|与|或|、)$")
_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{4,}(?![A-Za-z0-9])")  # a word an INN stem may end


def term_table(lex: Lexicon, lang: str) -> dict[str, dict[str, str]]:
    """Kind → {written form → canonical value} for one language. Chinese text also writes English
    terms and abbreviations (中位PFS, 米拉德美坦(milademetan)), so its table holds both."""
    if lang == "zh":
        both = _term_table(lex, "en")
        for kind, terms in _term_table(lex, "zh").items():
            both[kind].update(terms)
        return both
    return _term_table(lex, lang)


def _term_table(lex: Lexicon, lang: str) -> dict[str, dict[str, str]]:
    endpoints: dict[str, str] = {}
    for e in lex.endpoints:
        if e.lang == lang:
            endpoints[e.term] = f"{e.code}|{e.qualifier}" if e.qualifier else e.code
    return {
        "DRUG": lex.drug_terms(lang),
        "TARGET": lex.target_terms() if lang == "en" else {
            t.name_zh: t.symbol for t in lex.targets.values() if t.name_zh},
        "ENDPOINT": endpoints,
        "AE": lex.ae_terms(lang),
        "CONDITION": lex.condition_terms(lang),
        "DESIGN": {p.phrase: p.canonical for p in lex.designs if p.lang == lang},
        "SETTING": {p.phrase: p.canonical for p in lex.settings if p.lang == lang},
    }


# Kinds matched case-sensitively: abbreviations like "ALL", "OS", "PR" would otherwise match words.
_CASED = {"TARGET"}
_PRIORITY = {"DRUG": 0, "ENDPOINT": 1, "AE": 2, "CONDITION": 3, "TARGET": 4, "DESIGN": 5, "SETTING": 6}


class TermMatcher:
    def __init__(self, nlp: Language, lang: str):
        self.lang = lang
        self.lex = lexicon()
        self.table = term_table(self.lex, lang)
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.canonical: dict[tuple[str, str], str] = {}
        for kind, terms in self.table.items():
            lower_terms, exact_terms = [], []
            for term, canon in terms.items():
                cased = _is_abbreviation(term) or (kind in _CASED and _is_symbol(term))
                (exact_terms if cased else lower_terms).append(term)
                self.canonical[(kind, term if cased else term.lower())] = canon
            if lower_terms:
                self.lower.add(kind, list(nlp.tokenizer.pipe(lower_terms)))
            if exact_terms:
                self.exact.add(kind, list(nlp.tokenizer.pipe(exact_terms)))
        self.stems = tuple(s.stem for s in self.lex.drug_stems)

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for matcher, cased in ((self.lower, False), (self.exact, True)):
            for match_id, start, end in matcher(doc):
                kind = doc.vocab.strings[match_id]
                span = doc[start:end]
                key = span.text if cased else span.text.lower()
                canon = self.canonical.get((kind, key))
                if canon is None:  # the same words written with other spacing
                    canon = self._lookup(kind, span.text)
                if canon is None:
                    continue
                if not self._bounded(doc, span):
                    continue
                spans.append(Span(doc, start, end, label=kind, kb_id=canon))
        spans += self._stem_drugs(doc)  # Chinese text writes INNs in Latin letters too
        if self.lang == "zh":
            spans += self._elided(doc, [s for s in spans if s.label_ == "AE"])
        spans = filter_spans(sorted(spans, key=lambda s: _PRIORITY[s.label_]))
        set_terms(doc, sorted(spans, key=lambda s: s.start))  # read by the later components through terms_of
        return doc

    def _elided(self, doc: Doc, found: list[Span]) -> list[Span]:
        """"白细胞和中性粒细胞减少": the first of two joined terms shares the second's ending (白细胞减少); so
        does a single character before a term ("肝肾功能异常": 肝功能异常 and 肾功能异常)."""
        out = []
        text = text_of(doc)
        terms = self.table["AE"]
        for span in found:
            written = span.text
            one = span.start_char - 1  # "肝肾功能异常": one character before shares the rest (肝功能异常)
            if one >= 0 and _HAN.match(text[one]) and len(written) >= 3 and terms.get(text[one] + written[1:]):
                part = doc.char_span(one, span.start_char)
                if part is not None:
                    out.append(Span(doc, part.start, part.end, label="AE", kb_id=terms[text[one] + written[1:]]))
                    continue
            m = _JOINED_BEFORE.search(text, max(0, span.start_char - 12), span.start_char)
            if not m:
                continue
            for cut in range(1, len(written) - 1):
                head, tail = m.group("x"), written[cut:]
                for i in range(len(head)):  # the shortest lexicon term that ends the words before
                    canon = terms.get(head[i:] + tail)
                    if canon:
                        part = doc.char_span(m.start("x") + i, m.end("x"), alignment_mode="contract")
                        if part is not None and len(part):
                            out.append(Span(doc, part.start, part.end, label="AE", kb_id=canon))
                        break
                else:
                    continue
                break
        return out

    def _lookup(self, kind: str, text: str) -> str | None:
        for cand in (text, text.lower(), re.sub(r"\s+", " ", text), re.sub(r"\s+", " ", text.lower())):
            if (kind, cand) in self.canonical:
                return self.canonical[(kind, cand)]
        return None

    def _bounded(self, doc: Doc, span: Span) -> bool:
        """English terms must not sit inside a longer word ("ALL" in "ALL-1" is fine, in "FALL" not)."""
        if self.lang != "en":
            return True
        text = text_of(doc)
        before = text[span.start_char - 1] if span.start_char else " "
        after = text[span.end_char] if span.end_char < len(text) else " "
        return not (before.isalnum() or after.isalnum())

    def _stem_drugs(self, doc: Doc) -> list[Span]:
        """Words ending in a WHO INN stem, found by one regex over the text, not token by token."""
        out = []
        text = text_of(doc)
        for m in _LATIN_WORD.finditer(text):
            low = m.group(0).lower()
            if not low.endswith(self.stems) or low in self.lex.drug_alias:
                continue
            stem = max((s for s in self.stems if low.endswith(s)), key=len)
            span = doc.char_span(m.start(), m.end())
            if len(low) >= len(stem) + 3 and span is not None and len(span) == 1:
                out.append(Span(doc, span.start, span.end, label="DRUG", kb_id=low))
        return out


def _is_symbol(term: str) -> bool:
    """CD3, ROS, neu, Src: one short word is a symbol, matched as written; spelled-out names
    ("programmed death ligand 1") are matched in any case."""
    return " " not in term and len(term) <= 8


def _is_abbreviation(term: str) -> bool:
    """ORR, OS, PR, ALL, CRS: short words in capitals are matched as written."""
    letters = [c for c in term if c.isalpha()]
    return len(term) <= 6 and sum(c.isupper() for c in letters) >= 2


@Language.factory("kb_terms", default_config={"lang": "en"})
def make_term_matcher(nlp: Language, name: str, lang: str) -> TermMatcher:
    """Mark lexicon terms (drugs, targets, endpoints, AE terms, conditions, design, setting) in `lang`."""
    return _cached_matcher(nlp, lang)


@lru_cache(maxsize=4)
def _cached_matcher(nlp: Language, lang: str) -> TermMatcher:
    return TermMatcher(nlp, lang)
