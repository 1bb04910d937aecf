"""`kb_glossary`: term pairs a Chinese text writes itself — 米拉德美坦(milademetan), 无进展生存期(PFS)."""
from __future__ import annotations

import re

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc

from .facts import add_fact, terms_of, text_of

# the English name in brackets right after a Chinese term: one to six words, or "name, ABBR"
BRACKETED = re.compile(
    r"[(（]\s*(?P<en>[A-Za-z][A-Za-z0-9\-/]*(?:[ \-][A-Za-z0-9\-/]+){0,5})"
    r"\s*(?:[,，;；]\s*(?P<abbr>[A-Za-z][A-Za-z0-9\-]{1,12}))?\s*[)）]")
# tokens that end a term on its left: function words and clause openers
_STOP = re.compile(r"^(?:的|了|和|与|及|或|为|是|在|对|将|以|从|用|于|经|行|其中|包括|采用|接受|观察|比较|评估|探讨|"
                   r"报告|研究|一种|我们|患者|所有|各|两组|该|本|此|即|如|等)$")
_LEAD_CHARS = re.compile(r"[了的和与及或为是在对将以从用于经即]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
MAX_CHARS = 15


class GlossaryFacts:
    def __call__(self, doc: Doc) -> Doc:
        ends = {s.end_char: s for s in terms_of(doc)}
        by_end: dict[int, int] = {}
        for m in BRACKETED.finditer(text_of(doc)):
            if not by_end:  # token ends, from arrays and only when the text has a bracket to look at
                arr = doc.to_array([IDX, LENGTH])
                by_end = {int(a + n): i for i, (a, n) in enumerate(arr)}
            at = m.start()
            while at > 0 and text_of(doc)[at - 1] == " ":
                at -= 1
            if at in ends and _HAN.search(ends[at].text):
                start = ends[at].start_char  # a lexicon term: its own bounds
            elif at in by_end:
                start = self._term_start(doc, by_end[at])
            else:
                continue
            if start is None:
                continue
            lead = _LEAD_CHARS.match(text_of(doc), start, at)  # jieba may glue a particle on: "了泽布替尼"
            start = lead.end() if lead else start
            zh = text_of(doc)[start:at]
            if len(_HAN.findall(zh)) < 2:
                continue
            for en in filter(None, (m.group("en"), m.group("abbr"))):
                add_fact(doc, "term_pair", {"zh": zh, "en": en}, start, m.end())
        return doc

    @staticmethod
    def _term_start(doc: Doc, last: int):
        """Walk left over tokens of the term until a function word, punctuation or the length limit."""
        i = last
        start = None
        while i >= 0:
            tok = doc[i]
            if _STOP.match(tok.text) or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9\-]+", tok.text):
                break
            if start is not None and doc[last].idx + len(doc[last].text) - tok.idx > MAX_CHARS:
                break
            start = tok.idx
            i -= 1
        return start


@Language.factory("kb_glossary")
def make_glossary_facts(nlp: Language, name: str) -> GlossaryFacts:
    """Chinese term ↔ English name pairs written in the text: 中文(English) and 中文(English, ABBR)."""
    return GlossaryFacts()
