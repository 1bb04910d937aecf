"""`kb_endpoints`: endpoints a trial declares, with primary/secondary/exploratory kind."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ..lexicon import lexicon
from .cues import one_pattern
from .facts import add_fact, role_at, sentence_bounds, terms_by_sentence, text_of

KINDS = ("primary", "secondary", "exploratory")


class EndpointFacts:
    def __init__(self, lang: str):
        self.lang = lang
        lex = lexicon()
        self.kind_cues = {k: one_pattern(lex.cue(k, lang), lang) for k in KINDS}
        self.context = one_pattern(lex.cue("endpoint_context", lang), lang)
        self.definition = one_pattern(lex.cue("definition", lang), lang)
        self.named = one_pattern(lex.cue("endpoint_named", lang), lang)
        self.figure = re.compile(r"\d\s*(?:%|months?|个月|周|weeks?)")

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        for (s0, s1), terms in zip(sentence_bounds(doc), terms_by_sentence(doc, "ENDPOINT")):
            terms = [s for s in terms if not s.kb_id_.startswith("-")]
            if not terms:
                continue  # nothing the definition cut could keep
            cut = self.definition.search(text, s0, s1)  # "... defined as complete or partial response"
            here = [s for s in terms if s.start_char < cut.start()] if cut else terms
            if not here:
                continue
            cues = sorted((m.start(), m.end(), kind) for kind, cue in self.kind_cues.items()
                          for m in cue.finditer(text, s0, s1))
            if not cues and not self.context.search(text, s0, s1):
                # a methods sentence naming what was assessed ("分析患者的ORR、DCR", "PFS and OS were compared")
                named = self.named.search(text, s0, s1)
                if not (named and role_at(doc, s0) == "methods" and not self.figure.search(text, s0, s1)):
                    continue
                here = [s for s in here if s.start_char >= named.start() or self.lang == "en"]
            inside = _definitions(text, here)
            for span in here:
                if span.start_char in inside:
                    continue  # "(the rate of complete remission or ...)": a definition of the endpoint before
                kind = _kind(text, s0, s1, span, cues)
                code = span.kb_id_.partition("|")[0]
                add_fact(doc, "endpoint", {"name": code, "kind": kind}, span.start_char, span.end_char)
        return doc


def _kind(text: str, s0: int, s1: int, span, cues) -> str | None:
    """The kind cue that governs a mention: the nearest one before it in its clause (clauses end at ';');
    else one after it in the clause ("ORR was the primary end point", "OS and QoL were secondary end
    points"); else the nearest before it in the sentence."""
    c0 = max(s0, text.rfind(";", s0, span.start_char) + 1)
    c1 = text.find(";", span.end_char, s1)
    c1 = s1 if c1 < 0 else c1
    before = [c for c in cues if c0 <= c[0] and c[1] <= span.start_char]
    if before:
        return before[-1][2]
    after = [c for c in cues if span.end_char <= c[0] < c1]
    if after and re.search(r"\b(?:was|were|is|are|as)\s+(?:the\s+|an?\s+|its\s+)?(?:\w+\s+){0,2}$",
                           text[span.end_char: after[0][0]]):
        return after[0][2]
    before = [c for c in cues if c[1] <= span.start_char]
    return before[-1][2] if before else None


def _definitions(text: str, spans) -> set[int]:
    """Start offsets of endpoint mentions inside brackets that directly follow another endpoint mention."""
    out: set[int] = set()
    for s in spans:
        m = re.match(r"\s?\(([^()]*)\)", text[s.end_char: s.end_char + 200])
        if m:
            lo, hi = s.end_char + m.start(1), s.end_char + m.end(1)
            out.update(t.start_char for t in spans if lo <= t.start_char < hi)
    return out


@Language.factory("kb_endpoints", default_config={"lang": "en"})
def make_endpoint_facts(nlp: Language, name: str, lang: str) -> EndpointFacts:
    """Declared endpoints ("The primary end point was ...", "主要终点为 ...") with their kind."""
    return EndpointFacts(lang)
