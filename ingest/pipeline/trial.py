"""`kb_trial`: phase, acronym, registry ids and design words."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from .. import prefilter
from ..lexicon import lexicon
from .facts import add_fact, terms_of, text_of

_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "Ⅰ": "1", "Ⅱ": "2", "Ⅲ": "3", "Ⅳ": "4"}
_P = r"(?:IV|I{1,3}|[1-4]|Ⅰ|Ⅱ|Ⅲ|Ⅳ)"
EN_PHASE = re.compile(
    rf"\b[Pp]hase\s*(?P<p>{_P})(?P<s>[abAB])?(?![\w])(?:\s*(?:/|-|–|and|or|to)\s*(?P<p2>{_P})(?P<s2>[abAB])?(?![\w]))?")
ZH_PHASE = re.compile(
    rf"(?<![年\d])(?P<p>{_P})\s*(?P<s>[abAB])?(?:\s*(?:/|-|~|、)\s*(?P<p2>{_P})(?P<s2>[abAB])?)?\s*期"
    r"(?=\s*(?:临床)?[^。，,；;]{0,6}?(?:试验|研究|临床试验))")
# ZH_PHASE begins with a look-behind, so re would try it at every character; every match ends in a phase's last
# character, spaces and 期 (what this finds, a character set first: a quick scan), and most texts have none
# ("生存期" has 期 after another character)
_ZH_PHASE_END = re.compile(r"[IV1-4ⅠⅡⅢⅣabAB]\s*期")
# EN_PHASE begins with \b, so re would try it at every character: the prefilter tries it where "phase" is
_EN_PHASE = prefilter.Matcher([EN_PHASE])


def parse_phase(m: re.Match) -> tuple[str, str]:
    """Canonical phase ("1/2") and the phase as written when it has letters ("1b/2")."""
    p1 = _ROMAN.get(m.group("p"), m.group("p"))
    p2 = _ROMAN.get(m.group("p2"), m.group("p2")) if m.group("p2") else None
    detail = p1 + (m.group("s") or "").lower()
    if p2 and p2 != p1:
        canon = f"{min(p1, p2)}/{max(p1, p2)}"
        detail += "/" + p2 + (m.group("s2") or "").lower()
    else:
        canon = p1
    return canon, detail


class TrialFacts:
    def __init__(self, lang: str):
        self.lang = lang
        self.lex = lexicon()
        series = sorted(self.lex.trial_series, key=len, reverse=True)
        self.series = re.compile(
            r"\b(?P<a>(?:" + "|".join(re.escape(s) for s in series) + r")(?:[\s-]?[A-Z]{0,3}\d{1,4}(?:-\d+)?[A-Za-z]?)?)"
            r"(?![\w-])")
        # every match of self.series begins with a series name: none before the first one, none without (a trie
        # of the names: only where the first one starts is read)
        self.series_names = re.compile(prefilter.trie(series))
        self.not_acronym = self.lex.cue("not_acronym", lang)
        self.known_terms = {t.lower() for t in self.lex.drug_alias} | {t.lower() for t in self.lex.target_alias} | {
            e.term.lower() for e in self.lex.endpoints} | set(self.lex.condition_alias)

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        if self.lang == "zh":
            phases = ZH_PHASE.finditer(text) if _ZH_PHASE_END.search(text) else ()
        else:
            phases = _EN_PHASE.finditer(text, 0, len(text))
        for m in phases:
            canon, detail = parse_phase(m)
            add_fact(doc, "phase", {"phase": canon, "detail": detail}, m.start(), m.end())
        for _prefix, pat in self.lex.registries:
            for m in pat.finditer(text):
                rid = re.sub(r"\s+", "", m.group(0))
                rid = re.sub(r"^EudraCT(?:No\.?|number|Number)?:?", "EudraCT", rid)
                add_fact(doc, "registry_id", {"id": rid}, m.start(), m.end())
        self._acronyms(doc)
        for span in terms_of(doc, "DESIGN"):
            add_fact(doc, "design", {"design": span.kb_id_}, span.start_char, span.end_char)
        return doc

    def _acronyms(self, doc: Doc) -> None:
        text = text_of(doc)
        seen: set[tuple[int, int]] = set()
        first = self.series_names.search(text)
        for m in self.series.finditer(text, first.start()) if first else ():
            if m.group("a") not in self.lex.trial_series or re.search(r"\d", m.group("a")):
                self._add_acronym(doc, m, seen, strong=True)
        for name in ("acronym_paren", "acronym_before"):
            try:
                cue = self.lex.cue(name, self.lang)
            except KeyError:
                continue
            for m in cue.finditer(text):
                self._add_acronym(doc, m, seen, strong=False)

    def _add_acronym(self, doc: Doc, m: re.Match, seen: set, strong: bool) -> None:
        a = m.group("a").strip()
        start = m.start("a")
        if (start, m.end("a")) in seen or any(s <= start < e for s, e in seen):
            return
        if not strong and (not _acronym_shaped(a) or _abbreviates(text_of(doc)[:start], a)):
            return
        if a.lower() in self.known_terms or re.fullmatch(r"(?:NCT|ChiCTR|ISRCTN|UMIN)\w*|[IVX]+|\d+", a):
            return
        if self.not_acronym.search(a):
            return
        seen.add((start, m.end("a")))
        add_fact(doc, "acronym", {"acronym": a}, start, m.end("a"), strong=strong)


def _abbreviates(before: str, a: str) -> bool:
    """"primary central nervous system lymphoma (PCNSL)": the letters are the initials of the words just
    before, so this abbreviates a phrase and names no trial."""
    letters = re.sub(r"[^A-Za-z]", "", a).lower()
    words = re.findall(r"[A-Za-z]+", before[-120:])
    if len(letters) < 2 or len(words) < len(letters):
        return False
    initials = "".join(w[0].lower() for w in words)
    return initials.endswith(letters) or initials[:-1].endswith(letters)


def _acronym_shaped(a: str) -> bool:
    """Mostly capitals, at least three letters, or letters with a number (PLATO, MANTRA-2, ALTER0302)."""
    letters = [c for c in a if c.isalpha()]
    if re.fullmatch(r"[A-Z]{1,4}\d{3,5}[A-Z]?", a):
        return True  # cooperative-group protocol numbers: S9900, E1A11
    if len(letters) < 2:
        return False
    upper = sum(c.isupper() for c in letters) / len(letters)
    return upper >= 0.6 and (len(letters) >= 3 or any(c.isdigit() for c in a))


@Language.factory("kb_trial", default_config={"lang": "en"})
def make_trial_facts(nlp: Language, name: str, lang: str) -> TrialFacts:
    """Trial facts: phase (incl. Ib/II, Ⅱ期), acronym, registry ids, design."""
    return TrialFacts(lang)
