"""The sentence component and the text normalisation give what their first, plainer forms gave."""
from __future__ import annotations

import random
import re

from ingest.extract import PART_SEPARATOR
from ingest.pipeline import nlp_for
from ingest.pipeline import sentences as S
from ingest.text import _SPACED_THOUSANDS, _TABLE, normalize, to_simplified

# the first forms of the sentence-end patterns, each starting with a look-behind
_EN_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[])")
_ZH_END = re.compile(r"(?<=[。！？!?])|(?<=[\u4e00-\u9fff)]\.)\s*(?=[\u4e00-\u9fff(（\[【])|(?<=[;；])\s*(?=\(\d+\)|[①-⑳])")


def _starts_reference(text: str, lang: str) -> list[int]:
    starts = [0]
    if lang == "zh":
        starts += [m.end() for m in _ZH_END.finditer(text) if 0 < m.end() < len(text)]
    else:
        for m in _EN_END.finditer(text):
            before = text[max(0, m.start() - 12): m.start()]
            if not S._EN_NO_END.search(before[-8:]) or S._NAMED_LETTER.search(before):
                starts.append(m.end())
    return sorted(set(starts))


def _random_texts(alphabet: str, n: int = 20000, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14))) for _ in range(n)]


def test_sentence_starts_as_the_look_behind_patterns_found_them():
    for text in _random_texts("。！？!?.;；  \n中文)(（[【①⑳(1)") + ["中.中.中", "中。.中", "3.5。 (1)；(2)"]:
        assert S.sentence_starts(text, "zh") == _starts_reference(text, "zh"), text
    for text in _random_texts(".!?  \nAaB(9[vs") + ["x vs. B. Next", "in arm B. Next", "e.g. A? B! C"]:
        assert S.sentence_starts(text, "en") == _starts_reference(text, "en"), text


def test_sentences_set_on_tokens_and_parts():
    for lang, parts in [("en", ["Results were good. B. Smith et al. reported 3 deaths.  Overall, fine",
                                "Second part. Yes."]),
                        ("zh", ["中位PFS为3.5个月。中位OS为12.1个月", "第二部分。结束。"])]:
        nlp = nlp_for(lang)
        text = PART_SEPARATOR.join(parts)
        doc = nlp.make_doc(text)
        doc.user_data["kb_parts"] = [(text.index(p), text.index(p) + len(p), "r") for p in parts]
        doc = nlp.get_pipe("kb_sentences")(doc)
        bounds = doc.user_data["kb_sents"]
        assert [a for a, _ in bounds] == [s.start_char for s in doc.sents]
        assert all(t.is_sent_start is (t.idx in {a for a, _ in bounds}) for t in doc)
        assert {text.index(p) for p in parts} <= {a for a, _ in bounds}
        assert all(b <= a2 for (_, b), (a2, _) in zip(bounds, bounds[1:]))


def test_normalize_maps_as_the_translation_table():
    mid = re.compile(r"(?<=\d)[·•∙](?=\d)")
    alphabet = "".join(map(chr, _TABLE)) + "0123456789 ·•∙aZ中例"
    for text in _random_texts(alphabet, 5000) + ["60·8% 1 241例", "１２３，４５６"]:
        out = text if text.isascii() else mid.sub(".", text.translate(_TABLE))
        assert normalize(text) == _SPACED_THOUSANDS.sub(lambda m: m.group(1) + ",", out), text
    assert to_simplified("no Han here") == "no Han here" and to_simplified("中國") == "中国"
