"""The Chinese bigrams of kb.search: a long text is cut by array operations over its code points, a short one by
one regex scan; both give what the regex gives, for every text."""
from __future__ import annotations

import random
import sys

from kb import search
from tests.pipeline.test_cue_speed_equivalence import corpus_texts


def by_regex(text: str) -> str:
    return " ".join(filter(None, search._TOKEN.findall(text)))


def test_no_white_space_past_the_table():
    assert not any(chr(c).isspace() for c in range(search._SPACE_BELOW, sys.maxunicode + 1))


def test_array_cut_as_the_regex_cuts():
    rng = random.Random(17)
    # Chinese characters at and around the ranges' ends, spaces of every kind, other scripts, a lone surrogate
    alphabet = list("ab 1.%中文字\n\t\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000\u2028\u202f\u205f\u3000\u3001"
                    "\u3400\u33ff\u9fff\ua000\uf900\uf8ff\ufaff\ufb00\ud800\U00020000，（")
    texts = corpus_texts() + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(30_000)]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(200, 400))) for _ in range(300)]
    for text in texts:
        assert search._bigrams_by_array(text) == by_regex(text), repr(text)
        assert search.bigrams(text) == by_regex(text), repr(text)
    assert search.bigrams("") == search.bigrams(None) == ""
