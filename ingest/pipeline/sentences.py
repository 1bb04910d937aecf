"""`kb_sentences`: sentence boundaries that survive "vs.", "95% CI", "P = .001" and Chinese decimals."""
from __future__ import annotations

import re

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

# An English sentence ends at . ! ? followed by space and a capital, digit or bracket — unless the
# period closes an abbreviation that never ends a sentence here. (Patterns begin with the character
# they look for, not a look-behind, so the regex engine skips ahead to it; the sentence starts at end.)
_EN_END = re.compile(r"[.!?]\s+(?=[A-Z0-9(\[])")
_EN_NO_END = re.compile(r"(?:\b(?:vs|al|e\.g|i\.e|Fig|Figs|No|approx|ca|cf|Dr|Drs|Mr|Mrs|Ms|St|Inc|Ltd|Co|Jr|Sr|"
                        r"resp|incl|min|max|Ref|Vol|pp|mg|wk|mo|yr|hr)\.|\b[A-Z]\.)$")
# "in arm B." ends a sentence although "B." looks like an initial
_NAMED_LETTER = re.compile(r"\b(?:arm|arms|group|groups|cohort|part|stage|type|level)\s+[A-Z]\.$", re.I)
# Chinese ends at 。！？ (and at ". " between Han characters, as some journals write)
_ZH_END = re.compile(r"[。！？!?.;；](?:(?<=[。！？!?])|(?<=[\u4e00-\u9fff)]\.)\s*(?=[\u4e00-\u9fff(（\[【])|"
                     r"(?<=[;；])\s*(?=\(\d+\)|[①-⑳]))")


def sentence_starts(text: str, lang: str) -> list[int]:
    """Character offsets where sentences start (always including 0), ascending."""
    starts = [0]
    if lang == "zh":
        starts += [e for m in _ZH_END.finditer(text) if (e := m.end()) < len(text)]
    else:
        for m in _EN_END.finditer(text):
            end = m.start() + 1  # the sentence ends after its . ! or ?
            before = text[max(0, end - 12): end]
            if not _EN_NO_END.search(before[-8:]) or _NAMED_LETTER.search(before):
                starts.append(m.end())
    return starts


_NOT_START = numpy.uint64(2 ** 64 - 1)  # SENT_START -1 as from_array reads it


class SentenceSetter:
    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        text = doc.user_data.get("kb_text")
        if text is None:
            text = doc.user_data["kb_text"] = doc.text
        parts = doc.user_data.get("kb_parts") or [(0, len(text), None)]
        starts = sentence_starts(text, self.lang)
        if any(a not in starts for a, _, _ in parts):
            starts = sorted(set(starts).union(a for a, _, _ in parts))
        if len(doc):
            idx = doc.to_array(IDX)  # token offsets (ascending), without a Python object per token
            at = idx.searchsorted(starts).tolist()  # the token at or after each start
            n = len(idx)
            # a start that falls on a token begins a sentence; the first token always does (offset 0)
            on = [k for k, i in enumerate(at) if i < n and idx[i] == starts[k]]
            flags = numpy.full((n, 1), _NOT_START, dtype="uint64")
            flags[[at[k] for k in on]] = 1
            flags[0] = 1
            doc.from_array([SENT_START], flags)
            begins = [starts[k] for k in on]
        else:
            begins = [0]
        # a sentence ends where the next begins, the last of a part where the part ends
        ends = iter(b for _, b, _ in parts)
        end = next(ends)
        bounds = []
        for a, b in zip(begins, begins[1:] + [len(text)]):
            while a >= end:
                end = next(ends, len(text))
            bounds.append((a, min(b, end)))
        doc.user_data["kb_sents"] = bounds
        return doc


@Language.factory("kb_sentences", default_config={"lang": "en"})
def make_sentence_setter(nlp: Language, name: str, lang: str) -> SentenceSetter:
    """Rule-based sentence boundaries for English or Chinese abstracts."""
    return SentenceSetter(lang)
