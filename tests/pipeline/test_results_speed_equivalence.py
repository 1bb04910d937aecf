"""`kb_results` runs a pattern only where the window holds what every match of it holds, and starts some
scans late (a p-value tried only where a p/both/all/each begins, a figure from its first digit). Over every text of
tests/corpus, whole and in windows, and over awkward texts, that finds what running the patterns finds."""
from __future__ import annotations

import random

import pytest

from ingest.pipeline import numbers, results
from ingest.pipeline.numbers import P_VALUE, find_ci, find_p_values
from ingest.prefilter import finditer_at
from ingest.text import ends_in, lang_of
from tests.pipeline.test_cue_speed_equivalence import corpus_texts, windows

AWKWARD = [
    "", "p", "P", "all p<0.05", "both\nP = .03", "each P值均<0.001", "overall, P=NS", "ap<0.05", "(P<0.05)",
    "95% CI 1.2-3.4", "95 % CI: 1.2 to 3.4; p = 0.02", ".5% (95% CI .2-.9)", "x.5 months and 3.2 vs 4.1 months",
    "HR 0.71 (0.58-0.88; p=0.0008) and (0.61, 0.49-0.75; p<0.0001)", "ORR 45%, HR0.5", "风险比为0.62",
    "the OR was 2.1 (1.1-3.0)", "RR 1.4; relative risk 1.2, odds ratio [adjusted] 0.8",
    "有效率为0.78，9.0(95%CI:8.2~9.8)和10.5(95%CI:9.0~12.0)个月", "１２%", "a .5 mg/kg dose, .7%",
    "x3 months, 3/4 months, -5%, 1.2.3%, ..5%, ١٢%, 5 vs 6 months, 7和8个月, 2 (1-3) months",
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    found = corpus_texts() + AWKWARD
    assert len(found) > 100
    return found


def plain_p_values(text, start, end):
    end = len(text) if end is None else end
    return [(m.span(), m.groups()) for m in P_VALUE.finditer(text, start, end)]


def plain_ci(text, start, end):
    """find_ci without its guard."""
    return numbers._ci_in(text, start, len(text) if end is None else end)


def test_p_values_and_cis_as_the_patterns_find_them(texts, monkeypatch):
    rng = random.Random(11)
    seen = []
    monkeypatch.setattr(numbers, "P_VALUE", _Spy(P_VALUE, seen))
    for text in texts:
        for start, end in windows(text, rng) + [(3, None), (-4, None), (5, 2)]:
            seen.clear()
            find_p_values(text, start, end)
            assert [(m.span(), m.groups()) for m in seen] == plain_p_values(text, start, end), (text, start, end)
            assert find_ci(text, start, end) == plain_ci(text, start, end), (text, start, end)


class _Spy:
    """P_VALUE, keeping every match find_p_values reads."""

    def __init__(self, pattern, seen):
        self.pattern, self.seen = pattern, seen

    def finditer(self, text, pos, end):
        for m in self.pattern.finditer(text, pos, end):
            self.seen.append(m)
            yield m

    def match(self, text, pos, end):
        m = self.pattern.match(text, pos, end)
        if m is not None:
            self.seen.append(m)
        return m


def test_what_every_match_holds(texts):
    """The strings the guards in ResultFacts._figures look for are in every match of their pattern, and no
    figure with its unit begins before the first digit of a window, nor anywhere _NUMBER_START does not find."""
    rng = random.Random(5)
    needs = [(results.RATIO, results._RATIO_WORDS), (results._BARE_RATIO, ("(", "[")),
             (results._BARE_RATIO, ("p", "P")),
             (results.VALUE_CI_UNIT, ("(", "（")), (results.PROPORTION, ("0.",))]
    for text in texts:
        for pattern, strings in needs:
            for m in pattern.finditer(text):
                assert any(s in m.group(0) for s in strings), (pattern.pattern, m.group(0))
        for start, end in windows(text, rng, few=True):
            end = len(text) if end is None else end
            first = results._DIGIT.search(text, start, end)
            if first is None:
                continue
            lo = max(start, first.start() - 1)
            starts = [m.start() for m in results._NUMBER_START.finditer(text, lo, end)]
            for pattern in (results.PAIR, results.VALUE, results.VALUE_CI_UNIT):
                plain = [(m.span(), m.groups()) for m in pattern.finditer(text, start, end)]
                assert [(m.span(), m.groups()) for m in pattern.finditer(text, lo, end)] == plain, \
                    (pattern.pattern, text, start, end)
                # tried only where a number can begin (prefilter.finditer_at), as _figures does
                assert [(m.span(), m.groups()) for m in finditer_at(pattern, text, starts, lo, end)] == plain, \
                    (pattern.pattern, text, start, end)


def test_letters_as_ignorecase_reads_them():
    """_LETTER finds every character re.IGNORECASE matches to an ASCII letter (İ ı ſ and the Kelvin sign besides
    the letters), and no other."""
    import re
    import sys

    any_case = re.compile("[a-z]", re.I)
    for c in map(chr, range(sys.maxunicode + 1)):
        assert bool(results._LETTER.match(c)) == bool(any_case.match(c)), hex(ord(c))


def test_what_the_quick_checks_leave_out(texts):
    """A window without a letter has only the digit counts and no "of"/"in ... patients"; a threshold or a fraction
    before a figure ends the window (but for white space) with one of the characters ends_in looks for."""
    rng = random.Random(9)
    awkward = list("12 3(（[例名/%≥<=于上过tnorTNOR ofinpatientsıſK\n,为占") + [
        "patients (", "of 23 ", "more than ", "3/4 (", "difference of ", "差异为", "26例，占", "cases accounted for "]
    samples = texts + ["".join(rng.choice(awkward) for _ in range(rng.randint(0, 16))) for _ in range(40_000)]
    for text in samples:
        for lo, hi in windows(text, rng, few=True):
            hi = len(text) if hi is None else hi
            lo = max(lo, 0)
            head = text[lo:hi]
            if not results._LETTER.search(head):
                for full, digits in ((results._COUNT_BEFORE_SHARE, results._COUNT_BEFORE_SHARE_DIGITS),
                                     (results._COUNT_BEFORE, results._COUNT_BEFORE_DIGITS)):
                    a, b = full.search(head), digits.search(head)
                    assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict())), head
                assert not results._IN_PATIENTS.search(head) and not results._OF_TOTAL_BEFORE.search(head), head
            if results._THRESHOLD_BEFORE.search(text, lo, hi):
                assert ends_in(text[lo:hi], results._THRESHOLD_LAST), (text, lo, hi)
            if results._FRACTION_BEFORE.search(text, lo, hi):
                assert ends_in(text[lo:hi], "(（["), (text, lo, hi)
            if results._DIFFERENCE.search(text, lo, hi):
                assert ends_in(text[lo:hi], "eEfF,为"), (text, lo, hi)
            if results._N_OF_N_BEFORE.search(head):
                assert head[-1:].isspace(), head
            if results._SHARE_OF_CASES.search(head):
                assert head.rstrip()[-1:] in ("占", "r", "R"), head


def test_a_sentence_without_a_figure_clue_holds_no_figure(texts):
    """ResultFacts.sentence reads nothing where may_hold_figure finds no clue (and no counted or dose endpoint is
    named): no pattern of _figures matches there, but VALUE with a unit of doses, days or years (kept for the
    dose endpoints alone). Over the corpus, windows of it and random texts of figure pieces."""
    rng = random.Random(13)
    pieces = ["3", "0", ".", ".5", "12.4", " ", "%", "个月", "月", "周", "天", "年", "mg", "mg/kg", "months", "mo",
              "weeks", "wk", "days", "years", "yr", "percent", "(", ")", "（", "）", "[", "]", "95%CI", "率为", "率：",
              "rate was ", "Rate of ", "HR", "OR", "RR", "hazard ratio", "Risk", "风险比", "vs", "和", "、", "对", "至",
              "~", "-", ",", ";", "p", "P<0.05", "a", "的", "为", " or ", " and ", "与", "v", "versus"]
    samples = texts + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(60_000)]
    samples += ["RaTe WaS 0.5", "rate of 0.7", "RATE=0.1", "ratE\tOF 0.12", "vs. 3 mg", "v 2 days", "和5年"]
    dose_units = {"mg", "mg/m2", "mg/kg", "days", "years"}
    for text in samples:
        for lo, hi in windows(text, rng, few=True):
            hi = len(text) if hi is None else hi
            if results.may_hold_figure(text, lo, hi):
                continue
            for pattern in (results.RATIO, results._BARE_RATIO, results.PAIR, results.VALUE_CI_UNIT,
                            results.PROPORTION):
                assert pattern.search(text, lo, hi) is None, (pattern.pattern, text, lo, hi)
            for m in results.VALUE.finditer(text, lo, hi):
                assert results.unit_of(m.group("u")) in dose_units, (text, lo, hi)


def test_the_figure_clue_changes_no_result(monkeypatch):
    """Every result fact over the corpus is the same with the sentences without a figure clue read in full."""
    from ingest.pipeline import nlp_for

    def facts(lang, text):
        doc = nlp_for(lang)(text)
        return [(f.kind, f.value, f.start, f.end) for f in doc._.facts if f.kind == "result"]

    cases = [("zh" if lang_of(t) == "zh" else "en", t) for t in corpus_texts()]
    skipped = [facts(lang, t) for lang, t in cases]
    monkeypatch.setattr(results, "may_hold_figure", lambda text, s0, s1: True)
    assert [facts(lang, t) for lang, t in cases] == skipped
    assert sum(map(len, skipped)) > 100


def test_cues_of_one_pattern_run_as_the_cue(texts):
    """ResultFacts and EndpointFacts run each Chinese cue of one pattern as that pattern (OnePattern): the matches
    Cue gives, in its order, over the corpus, windows of it and awkward texts (English cues too: the same holds)."""
    from ingest.lexicon import lexicon
    from ingest.pipeline.cues import OnePattern, one_pattern

    rng = random.Random(17)
    cues = [lexicon().cue(name, lang) for name in ("median", "mean", "followup", "respectively", "arm_group",
                                                   "not_result_time", "versus", "difference_statement",
                                                   "ae_context", "ae_mention", "primary", "secondary",
                                                   "exploratory", "endpoint_context", "definition",
                                                   "endpoint_named") for lang in ("en", "zh")]
    ones = [(cue, OnePattern(cue.patterns[0])) for cue in cues if len(cue.patterns) == 1]
    assert sum(isinstance(one_pattern(lexicon().cue(name, "zh"), "zh"), OnePattern) for name in (
        "median", "arm_group", "ae_mention", "primary", "definition")) == 5
    assert not isinstance(one_pattern(lexicon().cue("median", "en"), "en"), OnePattern)  # English: the Cue
    assert len(ones) >= 30
    assert any(isinstance(one, OnePattern) and one.needs for _, one in ones)  # the look-up first is tried too
    for text in texts:
        for lo, hi in windows(text, rng) + [(-3, None), (5, 2)]:
            for cue, one in ones:
                if hi is None:
                    got, want = one.finditer(text, lo), cue.finditer(text, lo)
                    a, b = one.search(text, lo), cue.search(text, lo)
                else:
                    got, want = one.finditer(text, lo, hi), cue.finditer(text, lo, hi)
                    a, b = one.search(text, lo, hi), cue.search(text, lo, hi)
                assert [(m.span(), m.groups()) for m in got] == [(m.span(), m.groups()) for m in want], text
                assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), text


def test_the_chinese_arm_cue_matches_as_the_expression_it_replaced(texts):
    """cues.tsv's Chinese arm_group row opens with a look-ahead for the 组 it ends in: the matches (spans, groups,
    in finditer's order and search's) of the row as it was, over the corpus, windows of it and random texts."""
    import re

    from ingest.lexicon import lexicon

    before = re.compile(r"(?P<arm>(?:(?![组与和及的为较比在中是])[\u4e00-\u9fffA-Za-z0-9+\-]){1,10})组", re.I)
    (now,) = lexicon().cue("arm_group", "zh").patterns
    assert now.pattern != before.pattern and now.flags == before.flags
    rng = random.Random(19)
    chars = list("组与和及的为较比在中是观察对照联合治疗化疗aZ09+-İıſK ，。(\n") + ["组组", "对照组", "观察组"]
    samples = texts + ["".join(rng.choice(chars) for _ in range(rng.randint(0, 30))) for _ in range(30_000)]
    for text in samples:
        for lo, hi in windows(text, rng, few=True):
            hi = len(text) if hi is None else hi
            assert [(m.span(), m.groups()) for m in now.finditer(text, lo, hi)] == \
                [(m.span(), m.groups()) for m in before.finditer(text, lo, hi)], (text, lo, hi)
            a, b = now.search(text, lo, hi), before.search(text, lo, hi)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (text, lo, hi)


def test_figure_patterns_match_as_the_expressions_they_replaced(texts):
    """VALUE, VALUE_CI_UNIT and PAIR take their numbers whole (NUM_WHOLE), RATIO and PROPORTION write each name's
    first character out, the two counts before a share open with a look-ahead (NUMBER_FIRST): the matches of the
    expressions as
    they were (spans and groups, by finditer and by match at every place), over the corpus, windows of it and
    random texts of figure pieces."""
    import re

    from ingest.pipeline.numbers import NUM, WORD_NUMBER

    unit = results._UNIT
    before = {
        results.VALUE: re.compile(r"(?<![A-Za-z0-9.\-/])(?P<v>" + NUM + r")\s*" + unit),
        results.VALUE_CI_UNIT: re.compile(
            r"(?<![A-Za-z0-9.\-/])(?P<v>" + NUM + r")\s*[(（]\s*(?:95\s*%\s*CI[^()（）%]{0,40}|(?:" + NUM
            + r")\s*(?:-|–|to|~|至)\s*(?:" + NUM + r"))[)）]\s*" + unit.replace("%|percent\\b|", "")),
        results.PAIR: re.compile(r"(?<![A-Za-z0-9.\-/])(?P<v1>" + NUM + r")\s*(?P<u1>%)?\s*(?:vs\.?|v\.?|versus|and|or|对|"
                                 r"和|与|、)\s*(?P<v2>" + NUM + r")\s*" + unit),
        results.RATIO: re.compile(r"(?P<kind>(?i:hazard\s+ratio|odds\s+ratio|relative\s+risk|risk\s+ratio)|\bHR\b|\bOR\b|"
                                  r"\bRR\b|风险比)(?:\s*[\[(][^\])]{0,30}[\])])?[^0-9;。]{0,60}?(?P<v>\d*\.\d+|\d+(?![\d.]*\s*%))"),
        results._COUNT_BEFORE_SHARE: re.compile(r"(?:\d+|" + WORD_NUMBER.pattern + r")\s*(?:patients?|participants?|"
                                                r"subjects?|cases?|例|名)?\s*[(\[]\s*$", re.I),
        results._COUNT_BEFORE: re.compile(r"(?P<n>\d+|" + WORD_NUMBER.pattern + r")\s*(?:patients?\s*)?[(\[]\s*$", re.I),
        results.PROPORTION: re.compile(r"(?:率\s*(?:为|是|达|:|：)|\brate\s+(?:was|of|=))\s*(?P<v>0\.\d{1,3})(?![\d.%])", re.I),
    }
    rng = random.Random(23)
    pieces = ["3", "12", "1,234", "1,23", ".5", "2.5", "0.", ",", ".", " ", "%", "个月", "周", "天", "年", "mg", "mg/kg",
              "months", "mo", "weeks", "days", "percent", "(", ")", "（", "）", "[", "]", "95%CI:", "95% CI ", "~", "-",
              "至", "to", "vs", "vs.", "v", "versus", "and", "or", "对", "和", "与", "、", "HR", "OR", "RR", "xHR", "HRs",
              "Hazard ratio", "hazard  RATIO", "odds ratio", "relative risk", "Risk Ratio", "risK", "风险比", "was", "of",
              "Twelve", "ſix", "one hundred", "eighty-eight", "patients", "cases", "例", "名", "a", "z", "é", "İ", "١٢",
              "率为", "率 ：", "rate was ", "Rate\tOF ", "xrate of ", "RATE=", "ratE  wAs", "0.78", "0.5%", "0.1234"]
    samples = texts + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(30_000)]
    for text in samples:
        for lo, hi in windows(text, rng, few=True):
            hi = len(text) if hi is None else hi
            for now, then in before.items():
                assert [(m.span(), m.groups()) for m in now.finditer(text, lo, hi)] == \
                    [(m.span(), m.groups()) for m in then.finditer(text, lo, hi)], (now.pattern, text, lo, hi)
        for at in range(len(text)):
            for now, then in before.items():
                a, b = now.match(text, at), then.match(text, at)
                assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (now.pattern, text, at)


def test_chinese_counts_and_time_points_end_as_their_guards_say(texts):
    """COUNT_ZH and _TIMEPOINT_ZH are looked for only where the window ends (but for white space) in a character
    every match of theirs ends in (_COUNT_ZH_LAST, _TIMEPOINT_ZH_LAST): over the corpus, windows of it and random
    texts of their pieces, every match ends so."""
    rng = random.Random(29)
    pieces = list("0123456789 例为者到得的年月个\n\u3000") + ["患者", "達到", "达到", "获得", "确认的", "未确认的", "个月", "的"]
    samples = texts + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(40_000)]
    for text in samples:
        for lo, hi in windows(text, rng, few=True):
            hi = len(text) if hi is None else hi
            lo = max(lo, 0)
            if results.COUNT_ZH.search(text, lo, hi):
                assert ends_in(text[lo:hi], results._COUNT_ZH_LAST), (text, lo, hi)
            if results._TIMEPOINT_ZH.search(text, lo, hi):
                assert ends_in(text[lo:hi], results._TIMEPOINT_ZH_LAST), (text, lo, hi)


def test_clauses_as_the_plain_cut_gives_them(texts):
    """_clauses returns the one part at once where the sentence has no ；/; to cut at: what the cut gives."""
    rng = random.Random(31)

    def plain(text, s0, s1):
        cuts = [m.end() for m in results._CLAUSE_CUT.finditer(text[s0:s1])
                if not results._in_brackets(text[s0:s0 + m.start()])]
        bounds = [s0] + [s0 + c for c in cuts] + [s1]
        return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]

    samples = texts + ["".join(rng.choice("ab中；;()（）, ") for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    for text in samples:
        for lo, hi in windows(text, rng, few=True):
            hi = len(text) if hi is None else hi
            lo = max(lo, 0)
            assert results._clauses(text, lo, hi) == plain(text, lo, hi), (text, lo, hi)
