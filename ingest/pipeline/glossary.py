"""`kb_glossary`: term pairs a Chinese text writes itself — 米拉德美坦(milademetan), 无进展生存期(PFS)."""
from __future__ import annotations

import re
from bisect import bisect_right

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc

from .facts import Term, add_fact, terms_of, text_of

# the English name in brackets right after a Chinese term: one to six words, or "name, ABBR"
BRACKETED = re.compile(
    r"[(（]\s*(?P<en>[A-Za-z][A-Za-z0-9\-/]*(?:[ \-][A-Za-z0-9\-/]+){0,5})"
    r"\s*(?:[,，;；]\s*(?P<abbr>[A-Za-z][A-Za-z0-9\-]{1,12}))?\s*[)）]")
# tokens that end a term on its left: function words and clause openers
_STOP = re.compile(r"^(?:的|了|和|与|及|或|为|是|在|对|将|以|从|用|于|经|行|其中|包括|采用|接受|观察|比较|评估|探讨|"
                   r"报告|研究|一种|我们|患者|所有|各|两组|该|本|此|即|如|等)$")
_LEAD_CHARS = re.compile(r"[了的和与及或为是在对将以从用于经即]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_TERM_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9\-]+")
MAX_CHARS = 15


class GlossaryFacts:
    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        term_ends: dict[int, Term] | None = None
        starts: list[int] = []
        ends: list[int] = []
        for m in BRACKETED.finditer(text):
            if term_ends is None:  # terms and token bounds, read only when the text has a bracket to look at
                term_ends = {s.end_char: s for s in terms_of(doc)}
                offsets = doc.to_array([IDX, LENGTH])
                starts = offsets[:, 0].tolist()
                ends = (offsets[:, 0] + offsets[:, 1]).tolist()
            at = m.start()
            while at > 0 and text[at - 1] == " ":
                at -= 1
            last = bisect_right(ends, at) - 1  # the last token that ends at `at`, if one does
            term = term_ends.get(at)
            if term is not None and _HAN.search(text, term.start_char, term.end_char):
                start = term.start_char  # a lexicon term: its own bounds
            elif last >= 0 and ends[last] == at:
                start = self._term_start(text, starts, ends, last)
            else:
                continue
            if start is None:
                continue
            lead = _LEAD_CHARS.match(text, start, at)  # jieba may glue a particle on: "了泽布替尼"
            start = lead.end() if lead else start
            zh = text[start:at]
            if len(_HAN.findall(zh)) < 2:
                continue
            for en in filter(None, (m.group("en"), m.group("abbr"))):
                add_fact(doc, "term_pair", {"zh": zh, "en": en}, start, m.end())
        return doc

    @staticmethod
    def _term_start(text: str, starts: list[int], ends: list[int], last: int):
        """Walk left over tokens of the term until a function word, punctuation or the length limit."""
        i = last
        start = None
        while i >= 0:
            word = text[starts[i]:ends[i]]
            if _STOP.match(word) or not _TERM_WORD.fullmatch(word):
                break
            if start is not None and ends[last] - starts[i] > MAX_CHARS:
                break
            start = starts[i]
            i -= 1
        return start


@Language.factory("kb_glossary")
def make_glossary_facts(nlp: Language, name: str) -> GlossaryFacts:
    """Chinese term ↔ English name pairs written in the text: 中文(English) and 中文(English, ABBR)."""
    return GlossaryFacts()
