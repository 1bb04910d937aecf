"""`kb_terms`: one PhraseMatcher pass that marks every lexicon term in a Doc.

Marks go to ``doc.spans["kb_terms"]`` with ``label_`` the kind (DRUG, TARGET, ENDPOINT, AE,
CONDITION, DESIGN, SETTING) and ``kb_id_`` the canonical value (an endpoint's qualifier follows
a ``|``). Overlaps keep the longest term. Unknown INNs are caught by their WHO stem.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ..lexicon import Lexicon, lexicon
from .facts import Term, set_terms, text_of

_HAN = re.compile(r"[\u4e00-\u9fff]")
_SPACES = re.compile(r"\s+")
_JOINED_BEFORE = re.compile(r"(?P<x>[\u4e00-\u9fff]{2,8})(?:和|及|与|或|、)$")
# a short form defined in brackets right after its term: "median survival time (MST)", "中位生存时间(MST)"
_OPENS_BRACKET = re.compile(r"\s*[(（]")
_DEFINED = re.compile(r"\s*[(（]\s*(?P<sf>[A-Za-z][A-Za-z0-9-]{1,9})\s*[)）]")
_MOST_DEFINED = 50
# kinds whose abbreviations a document may give another meaning ("calorie restriction (CR)"); a gene or drug
# code is written out in words the lexicon does not hold ("mesenchymal-epithelial transition (MET)")
_REDEFINABLE = {"ENDPOINT", "CONDITION", "AE"}
_ABBREVIATED = {"DRUG", "ENDPOINT", "CONDITION"}  # not AE: "myasthenia gravis (MG)" is more often the disease studied


class StemWords:
    """Where the Latin words ending in a WHO stem are: every word of 4+ ASCII letters with no ASCII letter or
    digit on either side whose end, in any case, is one of the (lower-case) stems — the spans the regex
    ``(?<![A-Za-z0-9])[A-Za-z]{4,}+(?![A-Za-z0-9])`` with a look-behind for the stems finds, in text order.

    A regex over the text must try a word at every letter. Here the text is lower-cased (one byte per
    character) and reversed, so a word's end comes first: one regex tries the stems, reversed and merged
    into a trie, only after a character that is neither letter nor digit, and the word around each stem
    found is checked. With 90 stems this is a quarter of the cost of looking for each stem in turn."""

    def __init__(self, stems: tuple[str, ...]):
        needles: list[str] = []
        for stem in sorted(set(stems), key=len):
            if not stem.isascii() or not stem.isalpha() or not stem.islower():
                raise ValueError(f"drug stem {stem!r}: lower-case ASCII letters only")
            if not any(stem.endswith(n) for n in needles):  # "zumab" ends in "mab": finding "mab" finds it
                needles.append(stem)
        self.needles = tuple(n.encode("ascii") for n in needles)
        self.reversed_ends = re.compile(rb"[^a-z0-9]" + _trie([n[::-1] for n in self.needles]))

    def spans(self, text: str) -> list[tuple[int, int]]:
        # ASCII letters lower-cased, every other character one "?" (neither letter nor digit): same offsets
        raw = (text.encode("ascii") if text.isascii() else text.encode("ascii", "replace")).lower()
        n = len(raw)
        out = []
        # rev[i] is raw[n - i]; the space first stands for the text's end
        for m in self.reversed_ends.finditer(b" " + raw[::-1]):
            end = n - m.start()  # the stem ends the word: after it, the text's end or not a letter or digit
            start = n - m.end() + 1
            while start and raw[start - 1] in _LOWER:
                start -= 1
            if end - start >= 4 and (start == 0 or raw[start - 1] not in _DIGIT):
                out.append((start, end))
        out.reverse()
        return out


def _trie(words: list[bytes]) -> bytes:
    """One regex for a set of byte strings none of which is a prefix of another, as a trie: a branch per
    first byte, so a place is given up at its first byte that no string can start with."""
    groups: dict[bytes, list[bytes]] = {}
    for w in words:
        groups.setdefault(w[:1], []).append(w[1:])
    parts = [re.escape(k) + (_trie(rest) if len(rest) > 1 else re.escape(rest[0])) for k, rest in sorted(groups.items())]
    return parts[0] if len(parts) == 1 else b"(?:" + b"|".join(parts) + b")"


_LOWER = frozenset(b"abcdefghijklmnopqrstuvwxyz")
_DIGIT = frozenset(b"0123456789")
_ALNUM = _LOWER | _DIGIT


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
        self._words_of: dict[str, set[str]] = {}
        self.stem_words = StemWords(self.stems)

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        strings = doc.vocab.strings
        found: list[_Term] = []
        for matcher, cased in ((self.lower, False), (self.exact, True)):
            for match_id, start, end in matcher(doc):
                kind = strings[match_id]
                first, last = doc[start], doc[end - 1]  # two Tokens, not a Span's worth of them
                a, b = first.idx, last.idx + len(last)
                written = text[a:b]
                canon = self.canonical.get((kind, written if cased else written.lower()))
                if canon is None:  # the same words written with other spacing
                    canon = self._lookup(kind, written)
                if canon is None:
                    continue
                if not self._bounded(text, a, b):
                    continue
                found.append(_Term(start, end, a, b, kind, canon))
        found += self._stem_drugs(doc, text)  # Chinese text writes INNs in Latin letters too
        found = self._without_redefined(text, found)
        found += self._defined_short_forms(doc, text, found)
        if self.lang == "zh":
            found += self._elided(doc, text, [t for t in found if t.label == "AE"])
        kept = _longest_first(sorted(found, key=lambda t: _PRIORITY[t.label]))
        spans = [Span(doc, t.start, t.end, label=t.label, kb_id=t.kb_id) for t in kept]
        terms = [Term(t.start, t.end, t.start_char, t.end_char, t.label, t.kb_id, text[t.start_char:t.end_char])
                 for t in kept]
        set_terms(doc, spans, terms)  # read by the later components through terms_of
        return doc

    def _without_redefined(self, text: str, found: list[_Term]) -> list[_Term]:
        """``found`` less a lexicon abbreviation the document defines as something else: "calorie restriction
        (CR)" makes every CR of the text a calorie restriction, not a complete response. A short form that
        fills a bracket is redefined when no term ends right before the bracket, the words before it pass the
        abbreviation test (:func:`_abbreviation_of`, as many words as the short form has letters) and share
        no word with the lexicon's own long forms of it (complete, response, remission for CR). Endpoints,
        conditions and adverse events only (``_REDEFINABLE``)."""
        redefined = set()
        ends = None
        for t in found:
            if t.start_char == 0 or text[t.start_char - 1] not in "(（" or not text.startswith(")", t.end_char):
                continue  # only a term that fills a bracket is looked at: most terms stop here
            if t.label not in _REDEFINABLE:
                continue
            short = text[t.start_char:t.end_char]
            if short.lower() == short or short in redefined:
                continue
            if ends is None:
                ends = {f.end_char for f in found}
            at = t.start_char - 1  # where the words before the bracket end
            while at and text[at - 1].isspace():
                at -= 1
            if at in ends:
                continue  # "complete response (CR)": a term gives its own short form
            words = re.findall(r"[A-Za-z][\w-]*", text[max(0, at - 60):at])[-len(short):]
            if (words and words[0][0].lower() == short[0].lower() and _abbreviation_of(short, " ".join(words))
                    and not {p.lower() for w in words for p in w.split("-")} & self._long_form_words(t.kb_id)):
                redefined.add(short)
        if not redefined:
            return found
        return [t for t in found if text[t.start_char:t.end_char] not in redefined]

    def _long_form_words(self, canon: str) -> set[str]:
        """The Latin words of every lexicon term of one canonical value (cached)."""
        words = self._words_of.get(canon)
        if words is None:
            words = self._words_of[canon] = {w.lower() for (_, term), c in self.canonical.items() if c == canon
                                             for w in re.findall(r"[A-Za-z]{3,}", term)}
        return words

    def _defined_short_forms(self, doc: Doc, text: str, found: list[_Term]) -> list[_Term]:
        """Short forms the document defines for a term it names, "median survival time (MST)": every later
        "MST" is that term too. The long form must be a lexicon term written just before the brackets, and
        the short form a new one (not itself a term), holding a capital, whose letters the term writes in
        that order (:func:`_abbreviation_of`): "taxane-carboplatin (TC)" names a regimen, not carboplatin.
        ``doc.user_data["kb_short_forms"]`` keeps each short form's long form."""
        defined: dict[str, tuple[_Term, int]] = {}  # short form -> its term, where its definition ends
        named = None
        for t in found:
            if t.label not in _ABBREVIATED or not _OPENS_BRACKET.match(text, t.end_char):
                continue  # a bracket right after the term is rare: most terms stop here
            m = _DEFINED.match(text, t.end_char)
            if not m:
                continue
            short = m.group("sf")
            if named is None:
                named = {text[f.start_char:f.end_char] for f in found}
            if short in named or short.lower() == short or not _abbreviation_of(short, text[t.start_char:t.end_char]):
                continue
            named.add(short)
            defined[short] = (t, m.end())
            if len(defined) == _MOST_DEFINED:
                break  # an abstract defines a few; a text that defines hundreds is not read for them all
        if not defined:
            return []
        doc.user_data["kb_short_forms"] = {short: text[t.start_char:t.end_char] for short, (t, _) in defined.items()}
        out: list[_Term] = []
        # every short form in one scan of the text, the longest first where one begins another
        alternatives = "|".join(re.escape(s) for s in sorted(defined, key=len, reverse=True))
        for occ in re.finditer(rf"(?<![\w-])(?:{alternatives})(?![\w-])", text):
            t, after = defined[occ.group()]
            if occ.start() >= after:  # each use after the definition
                span = doc.char_span(occ.start(), occ.end())
                if span is not None:
                    out.append(_Term(span.start, span.end, occ.start(), occ.end(), t.label, t.kb_id))
        return out

    def _elided(self, doc: Doc, text: str, found: list[_Term]) -> list[_Term]:
        """"白细胞和中性粒细胞减少": the first of two joined terms shares the second's ending (白细胞减少); so
        does a single character before a term ("肝肾功能异常": 肝功能异常 and 肾功能异常)."""
        out = []
        terms = self.table["AE"]
        for term in found:
            written = text[term.start_char:term.end_char]
            one = term.start_char - 1  # "肝肾功能异常": one character before shares the rest (肝功能异常)
            if one >= 0 and _HAN.match(text[one]) and len(written) >= 3 and terms.get(text[one] + written[1:]):
                part = doc.char_span(one, term.start_char)
                if part is not None:
                    out.append(_Term(part.start, part.end, part.start_char, part.end_char, "AE",
                                     terms[text[one] + written[1:]]))
                    continue
            m = _JOINED_BEFORE.search(text, max(0, term.start_char - 12), term.start_char)
            if not m:
                continue
            for cut in range(1, len(written) - 1):
                head, tail = m.group("x"), written[cut:]
                for i in range(len(head)):  # the shortest lexicon term that ends the words before
                    canon = terms.get(head[i:] + tail)
                    if canon:
                        part = doc.char_span(m.start("x") + i, m.end("x"), alignment_mode="contract")
                        if part is not None and len(part):
                            out.append(_Term(part.start, part.end, part.start_char, part.end_char, "AE", canon))
                        break
                else:
                    continue
                break
        return out

    def _lookup(self, kind: str, text: str) -> str | None:
        for cand in (text, text.lower(), _SPACES.sub(" ", text), _SPACES.sub(" ", text.lower())):
            if (kind, cand) in self.canonical:
                return self.canonical[(kind, cand)]
        return None

    def _bounded(self, text: str, start_char: int, end_char: int) -> bool:
        """English terms must not sit inside a longer word ("ALL" in "ALL-1" is fine, in "FALL" not)."""
        if self.lang != "en":
            return True
        before = text[start_char - 1] if start_char else " "
        after = text[end_char] if end_char < len(text) else " "
        return not (before.isalnum() or after.isalnum())

    def _stem_drugs(self, doc: Doc, text: str) -> list[_Term]:
        """Words ending in a WHO INN stem (StemWords), not token by token."""
        out = []
        for a, b in self.stem_words.spans(text):
            low = text[a:b].lower()
            if not low.endswith(self.stems) or low in self.lex.drug_alias:
                continue
            stem = max((s for s in self.stems if low.endswith(s)), key=len)
            if len(low) < len(stem) + 3:
                continue
            span = doc.char_span(a, b)  # a few words a document: only whole single tokens
            if span is not None and len(span) == 1:
                out.append(_Term(span.start, span.end, a, b, "DRUG", low))
        return out


def _abbreviation_of(short: str, long: str) -> bool:
    """Whether ``long`` writes the letters and digits of ``short`` in order, the first at the start of a
    word (Schwartz & Hearst's test, 2003): MST of median survival time, AmB of amphotericin B, PCB of
    procarbazine; not TC of carboplatin. Matched from the end, as they do."""
    s, w = short.lower(), long.lower()
    at = len(w) - 1
    chars = [c for c in s if c.isalnum()]
    for k in range(len(chars) - 1, -1, -1):
        c = chars[k]
        while at >= 0 and (w[at] != c or (k == 0 and at > 0 and w[at - 1].isalnum())):
            at -= 1
        if at < 0:
            return False
        at -= 1
    return True


class _Term(NamedTuple):
    """A term found, before it becomes a Span (only the terms kept do)."""

    start: int  # token offsets
    end: int
    start_char: int
    end_char: int
    label: str
    kb_id: str


def _longest_first(terms: list[_Term]) -> list[_Term]:
    """spacy.util.filter_spans on _Term tuples: the (first) longest of overlapping terms wins; in text order."""
    kept: list[_Term] = []
    seen: set[int] = set()
    for t in sorted(terms, key=lambda t: (t.end - t.start, -t.start), reverse=True):
        if t.start not in seen and t.end - 1 not in seen:
            kept.append(t)
            seen.update(range(t.start, t.end))
    return sorted(kept, key=lambda t: t.start)


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
