"""Patterns rewritten so that ``re`` can skip ahead (a literal or character-set first) instead of trying a
look-behind at every character of a Chinese text, and quick checks that let a whole-text scan be skipped: the
same matches as the patterns they stand for, over every text of tests/corpus and random strings."""
from __future__ import annotations

import random
import re
from functools import lru_cache

from ingest import text as text_mod
from ingest.lexicon import lexicon
from ingest.pipeline import terms, trial
from tests.pipeline.test_cue_speed_equivalence import corpus_texts


@lru_cache(maxsize=1)
def _corpus() -> tuple[str, ...]:
    return tuple(corpus_texts())


def _texts(alphabet: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return list(_corpus()) + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(n)]


def _stem_words_re(stems: tuple[str, ...]) -> re.Pattern:
    """What terms.StemWords stands for (the regex kb_terms ran before): a word of 4+ ASCII letters, no ASCII
    letter or digit on either side, ending in one of the stems in any case (a look-behind per stem length)."""
    by_length: dict[int, list[str]] = {}
    for stem in stems:
        by_length.setdefault(len(stem), []).append("".join(f"[{c.upper()}{c}]" for c in stem))
    endings = "|".join(f"(?<={'|'.join(forms)})" for _, forms in sorted(by_length.items()))
    return re.compile(rf"(?<![A-Za-z0-9])[A-Za-z]{{4,}}+(?![A-Za-z0-9])(?:{endings})")


def test_stem_words_found_as_the_regex_finds_them():
    stems = tuple(s.stem for s in lexicon().drug_stems)
    fast = terms.StemWords(stems)
    plain = _stem_words_re(stems)
    alphabet = list("abmAB19 .-/中x?é") + ["mab", "tinib", "umab", "Grel", "zumab", "ciclib", "éa", "K", "İ", "ſ",
                                          "MAB", "abab", "ZUMAB", "tinibtinib", "\n", "mabmab"]
    for text in _texts(alphabet, 50_000, 3):
        assert fast.spans(text) == [m.span() for m in plain.finditer(text)], text
    # a stem that occurs in itself: each occurrence is looked at, not only those after the last one
    fast, plain = terms.StemWords(("aba", "mab")), _stem_words_re(("aba", "mab"))
    for text in _texts(list("abm 1-") + ["aba", "mab"], 20_000, 4):
        assert fast.spans(text) == [m.span() for m in plain.finditer(text)], text


def test_spaced_thousands_quick_check():
    plain = re.compile(r"\d \d{3}")
    alphabet = list("12 3a,.例\n\t") + ["1 234", "12 345", "１", "٣", "\u3000"]
    for text in _texts(alphabet, 100_000, 7):
        assert bool(text_mod._SPACED_QUICK.search(text)) == bool(plain.search(text)), text


def test_every_chinese_phase_has_its_end():
    """A text without what _ZH_PHASE_END finds has no ZH_PHASE match: its scan is skipped."""
    alphabet = list("IVab 1234ⅠⅡⅢⅣ期年/-~、临床试验研究。\n") + ["期临床试验", "Ⅱ期", "II 期", "1b/2 期研究"]
    for text in _texts(alphabet, 200_000, 5):
        if trial.ZH_PHASE.search(text):
            assert trial._ZH_PHASE_END.search(text), text


# patterns written from a single \d (re skips ahead to it) and the forms they stand for
_ONE_DIGIT_FIRST = [(r"\d\d*", r"\d+"), (r"\d(?:\d{0,2}(?:,\d{3})+|\d*)", r"\d{1,3}(?:,\d{3})+|\d+")]


def _plain_form(pattern: str) -> str:
    for fast, plain in _ONE_DIGIT_FIRST:
        pattern = pattern.replace(fast, plain)
    return pattern


def test_counts_written_from_one_digit():
    from ingest.pipeline import numbers, results

    fast = [results.COUNT_ZH, results._TIMEPOINT_ZH, results._N_OF_N_BEFORE, results._ZH_CASES_BEFORE,
            results._COUNT_BEFORE_SHARE_DIGITS, results._COUNT_BEFORE_DIGITS, results._ARM_DOSE]
    fast += [re.compile(r.pattern, re.I) for r in lexicon().cue_rows
             if r.pattern.startswith((r"(?P<n>\d(?:", r"(?P<a>\d\d*)"))]
    assert len(fast) >= 12
    pairs = [(p, re.compile(_plain_form(p.pattern), p.flags)) for p in fast]
    pairs.append((numbers.CI, re.compile(numbers.CI.pattern.replace(r"(?P<level>\d\d", r"(?P<level>\d{2}", 1),
                                         numbers.CI.flags)))
    assert all(p.pattern != q.pattern for p, q in pairs)
    alphabet = list("0123456789 ,.例名位人年个月 of/(（[患者纳入mg-%") + ["1,234", "12,34", "2 例", "36例患者入组", "3 of 12 ",
                                                                     "95% CI ", "95%CI:", "1.2-3.4", "NR"]
    for text in _texts(alphabet, 15_000, 13):
        for p, q in pairs:
            for pos in (0, 2, 7):
                assert [(m.span(), m.groups()) for m in p.finditer(text, pos)] == \
                       [(m.span(), m.groups()) for m in q.finditer(text, pos)], (p.pattern, text, pos)


def test_series_names_start_where_the_alternation_does():
    """kb_trial finds where the first trial series name starts through a trie of the names: the same place as
    the plain alternation of them, longest first, finds."""
    names = sorted(lexicon().trial_series, key=len, reverse=True)
    plain = re.compile("|".join(re.escape(s) for s in names))
    fast = trial.TrialFacts("en").series_names
    assert fast.pattern != plain.pattern
    pieces = [n[:k] for n in names for k in (1, 3, len(n))] + list(" -.1aZ") + ["KEYNOTE-189", "keynote"]
    for text in _texts(pieces, 30_000, 17):
        for pos in (0, 3):
            m, p = fast.search(text, pos), plain.search(text, pos)
            assert (m and m.start()) == (p and p.start()), text
