"""The fast :class:`ingest.lexicon.Cue` (literal requirements and match starts, ingest/prefilter.py) finds
exactly what running every pattern finds — the same spans, groups and order — for every cue of the
lexicon over every text of tests/corpus, whole and in windows, and for awkward patterns over awkward
texts. The case folding the requirements rest on is checked against ``re`` itself over every code point."""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from ingest import prefilter
from ingest.document import ReadError
from ingest.lexicon import Cue, lexicon
from ingest.readers import read_path
from ingest.text import lang_of, normalize, normalize_zh

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


# The reference: every pattern run over the window, as Cue did before it had a prefilter.
def plain_finditer(patterns, text, pos=0, endpos=None):
    end = len(text) if endpos is None else endpos
    found = [m for p in patterns for m in p.finditer(text, pos, end)]
    return sorted(found, key=lambda m: (m.start(), -m.end()))


def plain_search(patterns, text, pos=0, endpos=None):
    end = len(text) if endpos is None else endpos
    found = [m for m in (p.search(text, pos, end) for p in patterns) if m]
    return min(found, key=lambda m: (m.start(), -m.end())) if found else None


def sig(found):
    if found is None:
        return None
    if isinstance(found, re.Match):
        found = [found]
    return [(m.re.pattern, m.span(), m.regs, m.groups(), m.groupdict(), m.lastindex) for m in found]


def check(cue: Cue, text: str, pos=0, endpos=None) -> None:
    assert sig(cue.finditer(text, pos, endpos)) == sig(plain_finditer(cue.patterns, text, pos, endpos)), \
        (cue.patterns, text, pos, endpos)
    assert sig(cue.search(text, pos, endpos)) == sig(plain_search(cue.patterns, text, pos, endpos)), \
        (cue.patterns, text, pos, endpos)


def check_quick(cue: Cue, text: str, pos=0, endpos=None) -> None:
    """:func:`check` running each pattern once: ``p.search`` finds what ``p.finditer`` finds first."""
    end = len(text) if endpos is None else endpos
    each = [list(p.finditer(text, pos, end)) for p in cue.patterns]
    found = sorted((m for ms in each for m in ms), key=lambda m: (m.start(), -m.end()))
    first = min((ms[0] for ms in each if ms), key=lambda m: (m.start(), -m.end()), default=None)
    assert sig(cue.finditer(text, pos, endpos)) == sig(found), (cue.patterns, text, pos, endpos)
    assert sig(cue.search(text, pos, endpos)) == sig(first), (cue.patterns, text, pos, endpos)


def windows(text: str, rng: random.Random, few: bool = False) -> list[tuple[int, int | None]]:
    """The whole text, a sentence or two, a prefix and a suffix (patterns anchored at the window's end
    or start), and random windows, one short, one reaching outside the text or turned around."""
    n = len(text)
    out: list[tuple[int, int | None]] = [(0, None)]
    out += [(m.start(), m.end()) for m in re.finditer(r"[^.;。；]+[.;。；]?", text)][1:2 if few else 3]
    cut = rng.randint(0, n)
    out += [(0, cut), (cut, None)]
    a = rng.randint(0, n)
    out.append((a, min(n, a + rng.randint(0, 120))))
    if not few:
        out.append((rng.randint(-5, n + 5), rng.randint(-5, n + 5)))
    return out


def corpus_texts() -> list[str]:
    texts: dict[str, None] = {}
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.suffix in (".json", ".md"):
            continue
        try:
            docs = list(read_path(path))
        except ReadError:
            continue
        for doc in docs:
            for para in doc.paragraphs:
                texts.setdefault(para.text)  # as read, and as the pipeline searches it
                texts.setdefault((normalize_zh if lang_of(para.text) == "zh" else normalize)(para.text))
    return list(texts)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    found = corpus_texts()
    assert len(found) > 100
    return found


def test_every_cue_over_the_corpus(texts):
    lex = lexicon()
    cues = [lex.cue(name, lang) for name, lang in sorted({(r.name, r.lang) for r in lex.cue_rows})]
    rng = random.Random(7)
    for text in texts:
        for pos, endpos in windows(text, rng, few=True):
            for cue in cues:
                check_quick(cue, text, pos, endpos)
    for text in texts[::10]:
        for cue in cues:
            check(cue, text, 0, None)
    # the reference kept in the code says the same
    cue = lex.cue("enrolled", "en")
    for text in texts[:50]:
        assert sig(cue.finditer_plain(text)) == sig(plain_finditer(cue.patterns, text))
        assert sig(cue.search_plain(text, 3)) == sig(plain_search(cue.patterns, text, 3))


def test_the_population_components_shortcuts_find_what_re_finds(texts):
    """kb_population tries its gene shapes only where one can start, and looks for the words before a
    drug ("previously treated with") through a Cue: the same matches as plain re."""
    from ingest.pipeline import population

    odd = ["ABC-EGFR x", "٣EGFR x", "éEGFR", "_EGFR", "aEGFR", "EGFRamp and HER2-positive", "K-RAS", "P53 ",
           "EGFR\u00a0T790M", "x" * 300 + " (ALK)"]
    for text in texts + odd:
        assert sig(population._gene_shapes(text)) == sig(list(population._GENE_SHAPE.finditer(text)))
    prior_before = population.PopulationFacts("en").prior_before
    rng = random.Random(5)
    for text in texts[::2] + ["filler, " * 30 + "previously treated with  cisplatin", "PRIOR\tgefitinib " * 20]:
        for _ in range(6):
            end = rng.randint(0, len(text))
            start = max(0, end - 50)
            assert sig(prior_before.search(text, start, end)) == sig(prior_before.patterns[0].search(text, start, end))


def test_a_copy_of_a_text_and_a_changed_text_are_searched_afresh():
    cue = lexicon().cue("median", "en")
    text = "The median overall survival was 12.1 months; " * 8
    check(cue, text)
    copy = "".join(list(text))  # equal, not the same object: the cache may answer, rightly
    check(cue, copy)
    changed = text.replace("median", "mean")
    check(cue, changed)
    assert cue.search(changed) is None


# Patterns the cues do not use (yet), each aimed at one way a shortcut could go wrong.
AWKWARD = [
    r"(?<=ab)cd", r"(?<!x)\bfoo\b", r"bar$", r"^baz", r"(?m)^qu+x", r"\Aab", r"end\Z",
    r"(?:a|b)*", r"x?", r"(?=ab)a", r"(?=\d|one)\w+", r"(?<![\w.,])(?=\d|(?:one|two)\b)(?P<n>\d+|[a-z]+)\s+cats",
    r"(?P<q>['\"]).*?(?P=q)", r"(a)?(?(1)bc|de)", r"(?i:Straße)", r"(?-i:ABC)def", r"ſtop|Kelvin|İstanbul",
    r"é+t[eé]", r"σοφία|ΣΟΦΙΑ", r"ab|ba", r"(?>foo|foobar)\d", r"x++y", r"[^a]bc", r"\d{2,}\s*(?:mg|kg)",
    r"(?:men|women)\s+\d", r"[\[(]\w+[\])]", r"\bin\s+(?:the\s+)?\w+", r"(?:^|[.;]\s+)[A-Z]\d+", r"(?#comment)ok",
    r"(?x) a \ b  # spaced", r"[0-9٠-٩]+\s*例", r"\w+ing\b", r"(?<=[Kk])ey", r"(?<!\s)\d+%", r"\Bab",
    r"(?<=\d)\d%", r"\d(?=%)", r"(?<=ab)(?:cd|ef)\b", r"one\b(?!\s)", r"(?<!x)\\d\d", r"(?<!x)\^\w",
    # numbers followed by white space (runs, run_class), words before them (lead), words at word starts
    r"(?P<a>\d+)\s+(?:cats|men)", r"(\d[\d,]*)\s+\w+", r"\d\d+\s+(?:a|b)", r"\d[\d,]*\s+ab",
    r"(?:a\s+total\s+of\s+|over,?\s+|all\s+)(?P<n>\d{1,3}(?:,\d{3})+|\d+)\s+cats", r"\b(?:in|of|ab)\s+(?P<n>\d[\d,]*)\s+\w",
    r"(?:a\s+total\s+of|in\s+all\s+of|of)\s+(?P<n>\d+)\s+cats",
    r"(?<![\w.,])(?=\d|(?:one|two|ten|foo|baz)\b)(?P<n>\d{1,3}(?:,\d{3})+|\d+|[a-z]+(?:[\s-][a-z]+){0,2})\s+(?:cats|men)",
    r"(?<![\w.,])(?:one|two|six|ten|foo|baz|stop|kelvin)\b", r"(?<!\w)(?:one|two|ten|ix|elvin)\s", r"(?:x|y)?\s+\d+\s+a",
]
ALPHABET = ["a", "b", "c", "d", "ab", "ba", "foo", "foobar", "bar", "baz", "qux", "QUX", "x", "y", "one", "two",
            "cats", " ", " ", "  ", "\n", ".", ",", ";", "-", "'", '"', "(", ")", "[", "]", "1", "23", "4,5",
            "١٢", "٣", "mg", "kg", "%", "men", "women", "in", "the", "ing", "Straße", "STRASSE", "ß", "ẞ", "ſ",
            "s", "K", "k", "K", "ey", "İ", "ı", "i", "stanbul", "é", "É", "te", "tÉ", "σ", "ς", "Σ", "σοφία",
            "ΣΟΦΙΑ", "ΣΟΦΊΑ", "例", "ABC", "abc", "DEF", "def", "ok", "end", "Stop", "elvin", "µ", "μ", "_",
            "\\d", "\\", "^", "12", "1,234", ",5", "7,", "0", "\t", "\u2009", "\xa0", "total", "a total of", "over,",
            "all", "cats", "six", "ſix", "ten", "tension", "in", "of", "٣٤", "8\u2009", "two-one", "\u212aelvin"]


def random_text(rng: random.Random, size: int) -> str:
    tokens = ALPHABET if rng.random() < 0.5 else [t for t in ALPHABET if t.isascii()]  # ASCII texts take a path of their own
    return "".join(rng.choice(tokens) for _ in range(size))


@pytest.mark.parametrize("flags", [re.I, 0, re.I | re.A])
def test_awkward_patterns_over_awkward_texts(flags):
    rng = random.Random(flags)
    patterns = [re.compile(p, flags) for p in AWKWARD]
    cues = [Cue([p]) for p in patterns] + [Cue(patterns[i:i + 4]) for i in range(0, len(patterns), 4)]
    for _ in range(24):
        text = random_text(rng, rng.choice([5, 30, 120, 300]))
        for pos, endpos in windows(text, rng):
            for cue in cues:
                check(cue, text, pos, endpos)


# Patterns a Matcher tries near a rarer string inside them (prefilter.Anchor): head strings or none, widths
# bounded or not, barriers that a set, a negated set, a category or a back-reference takes away
ANCHORED = [
    r"(?:the\s+|of\s+the\s+|in\s+)(?:open-label\s+|[a-z]{2}\s+)*(?P<a>[A-Z][A-Z0-9]{2,}(?:[\s-]\d+)?)\s+(?:cats|kelvin)\b",
    r"(?<!\w)(?:\w+ab|ba)(?:[\s-][A-Z0-9]\w*)?\s+(?:foo\.bar|foo\s*bar)\s+(?:one|two)",
    r"(?:ab|ba)[\w(]{0,6}stanbul", r"(?<![\w.])(?:in|ok)[^;]*?women", r"(?:the|of)\s+\W?\w+\s+tension",
    r"(?:ab|ba)[^.]{0,12}(?:stanbul|elvin)", r"(?:in|of)\s+(?P<q>\w)\w*(?P=q)\s+cats\b", r"x(?:[a-z,]+\s)+women",
]
ANCHOR_WORDS = ["cats", "kelvin", "KELVIN", "\u212aelvin", "foo.bar", "foo bar", "foobar", "stanbul", "women",
                "tension", "open-label", "the", "of the", "in", "ok", "ABC", "XYZ-12", "AB", "ab", "ba", "x", "ſ"]


def _anchored(pattern: re.Pattern) -> Cue:
    """A Cue of the one pattern that tries it at the places its anchor gives, whether or not the Matcher
    would choose the anchor over the heads."""
    cue = Cue([pattern])
    a = prefilter.anchor(pattern)
    assert a is not None, pattern.pattern
    cue._matcher._entries = [(pattern, cue._matcher.needs[0], a)]
    return cue


@pytest.mark.parametrize("flags", [re.I, 0, re.I | re.A])
def test_anchored_patterns_find_what_re_finds(flags):
    patterns = [re.compile(p, flags) for p in ANCHORED]
    # a negated set, a category that takes punctuation, a back-reference: no barrier, no anchor; heads that
    # are not strings alone, none either
    assert [prefilter.anchor(p) is None for p in patterns] == [False, True, False, True, True, False, True, False]
    assert prefilter.anchor(re.compile(r"\b[A-Z]+\s+foo", flags)) is None
    assert isinstance(prefilter.start_heads(patterns[0]), prefilter.Anchor) == bool(flags & re.I)
    cues = [_anchored(p) for p in patterns if prefilter.anchor(p)] + [Cue(patterns)]
    rng = random.Random(flags + 1)
    for k in range(60):
        words = ANCHOR_WORDS + ALPHABET if k % 3 else ANCHOR_WORDS + [" ", " ", ",", "."]
        text = "".join(rng.choice(words) + rng.choice(["", " ", " ", "  ", "\n", ". ", ", "]) for _ in range(200))
        for pos, endpos in windows(text, rng):
            for cue in cues:
                check(cue, text, pos, endpos)


def test_anchor_windows():
    """The window of each string reaches back to the last barrier or by the width, and the places tried
    are the heads' in it (the rest of the text is never tried)."""
    pat = re.compile(r"(?:the\s+|in\s+)(?P<a>[A-Z]{3,})\s+trial\b", re.I)
    a = prefilter.start_heads(pat)
    assert isinstance(a, prefilter.Anchor) and a.strings == ("trial",) and a.width is None
    assert {".", ",", "(", "\x00"} <= a.barriers and not {" ", "\n", "?"} & a.barriers
    text = "In the ABC trial, the XYZ arm. In the BCD trial " + "filler, " * 40 + "the in the X trial"
    idx = prefilter.TextIndex(text)
    assert idx.anchor_starts(a) == [0, 3, 31, 34, len(text) - 18, len(text) - 14, len(text) - 11]
    assert [m.span("a") for m in Cue([pat]).finditer(text)] == [m.span("a") for m in pat.finditer(text)]
    bounded = prefilter.anchor(re.compile(r"x\w{0,3}[.]?\w{1,2}trial"))
    assert bounded.width == 7 and "." not in bounded.barriers
    # \S takes \x1c-\x1f in ASCII mode (\s does in Unicode mode): never barriers of it, in either mode
    for flags in (re.A, 0):
        assert not set("\x1c\x1d\x1e\x1f") & prefilter.anchor(re.compile(r"(?:the|in)\S{0,9}trial", flags)).barriers


def test_barriers_are_characters_no_node_before_the_strings_takes():
    """What _consumed says a set, a category or a character may take holds every character re matches, in
    every mode (the barriers are the candidates it leaves out)."""
    singles = [r"[^\s]", r"[\S]", r"\S", r"\s", r"[\w.]", r"[^\w,]", r"[!-/]", r"\W", r"[^\W\d]", r"[\s-]",
               r"[^a-z]", r".", r"[^\S\n]", r"\D", r"[\D]", r"[^\d]", r"[--0]", r"[^-]", r"\x00", r"[\x1c-\x1f]", r"_"]
    for src in singles:
        for flags in (0, re.A, re.I, re.I | re.A, re.S):
            taken = prefilter._consumed(list(prefilter._sre_parse.parse(src, flags)))
            matched = {c for c in prefilter._BARRIER_CANDIDATES if re.fullmatch(src, c, flags)}
            assert matched <= taken, (src, flags, matched - taken)
    assert prefilter._consumed(list(prefilter._sre_parse.parse(r"a{0}[.](?=,)(?<!;)x|[;:]", 0))) == {".", ";", ":"}
    assert prefilter._consumed(list(prefilter._sre_parse.parse(r"(a)\1", 0))) == prefilter._BARRIER_CANDIDATES


def test_every_window_edge():
    """Windows starting and ending at every position of two texts rich in what look-arounds, anchors
    and \\b see across a window's edge."""
    patterns = [re.compile(p, re.I) for p in AWKWARD]
    cues = [Cue(patterns[i:i + 5]) for i in range(0, len(patterns), 5)]
    texts = ["xabcd abef 12% 3 one two cats; foo.bar\nqux baz stop Key KEY end \\d7 ^a (ASCII only) " * 3,
             "(ABC) 1,234 women 56mg one\n2 Straße İstanbul σοφία ab ba 'q' ok, Kelvin " * 3,
             "12,345 cats 7,8 men; 1,2x 34 a 45 b in 6 cats, of 7,890 ab a  total\tof 12 cats two men ſix cats "
             "2\u20093 ab all\t١٢ cats a total\n\nof\u20095 cats \u212aelvin 3 cats in all of 7 cats " * 2]
    for text in texts:
        n = len(text)
        assert n >= prefilter._HEADS_MIN
        for i in range(n + 1):
            for cue in cues:
                check_quick(cue, text, i, None)
                check_quick(cue, text, 0, i)
                if i % 3 == 0:
                    check_quick(cue, text, i, min(n, i + 7))


def test_a_string_missing_with_one_white_space_is_looked_for_with_another():
    """A spaced head ("in\\tab" then white space) is found even where the plans learnt that the same
    words with a plain space ("in ab") are missing."""
    text = "filler words and more words, " * 8 + "in\tab 5 cats"
    cue = Cue([re.compile(r"in ab", re.I), re.compile(r"in\tab\s+\d", re.I)])
    check(cue, text)
    assert [m.group(0) for m in cue.finditer(text)] == ["in\tab 5"]


def test_what_the_analysis_reads_off_a_pattern():
    req = prefilter.requirements
    assert req(re.compile(r"\bmedian\b", re.I)) == (("median",),)
    assert req(re.compile(r"(?<=foo)bar")) == (("bar",),)  # what a look-behind sees is not in the match
    assert req(re.compile(r"(?:men|women)\s+\d")) == (("men",),)
    assert req(re.compile(r"a|b*")) == ()  # may match nothing
    assert req(re.compile(r"(?P<q>x)(?P=q)")) == (("x",),)
    assert req(re.compile(r"Straße", re.I)) == (("stra",), ("e",))  # ß is cased: no literal crosses it
    assert req(re.compile(rb"bytes")) == ()
    h = prefilter.heads(re.compile(r"(?<![\w.,])(?=\d|(?:one|two)\b)(?P<n>\d+|[a-z]+)\s+cats", re.I))
    assert h.strings == ("one", "two") and h.digits and {"a", "Z", "0", ".", ","} <= h.not_after
    assert prefilter.heads(re.compile(r"\^x|\\d")).strings == ("\\d", "^x")  # literal ^ and \ are strings
    assert prefilter.heads(re.compile(r"(?:^|[.;]\s+)x")).lines
    h = prefilter.heads(re.compile(r"(?:the\s+total|all)\s+\d", re.I))  # "the" then any white space
    assert h.strings == ("all", "the ") and h.spaced
    # words, white space, a number, white space: the places are found back from the numbers
    h = prefilter.heads(re.compile(r"\b(?:a\s+total\s+of|over,?|in)\s+(?P<n>\d[\d,]*)\s+cats", re.I))
    assert h.lead == (("a", "total", "of"), ("in",), ("over",), ("over,",)) and h.boundary and not h.strings
    # a number followed by white space: only the digits of such numbers, one per run when all alike
    h = prefilter.heads(re.compile(r"(?P<a>\d+)\s+cats", re.I))
    assert h.digits and h.runs and h.run_class == "digit"
    assert prefilter.heads(re.compile(r"\d[\d,]*\s+cats")).run_class == "number"
    assert prefilter.heads(re.compile(r"\d{1,3}\s+cats")).run_class is None  # a bound: not alike
    assert prefilter.heads(re.compile(r"(?a)\d+\s+cats")).run_class is None  # runs are of Unicode digits
    assert not prefilter.heads(re.compile(r"\d+\s*cats")).runs
    h = prefilter.heads(re.compile(r"(?<![\w.,])(?=\d|(?:one|two)\b)(?P<n>\d+|[a-z]+)\s+cats", re.I))
    assert h.runs and h.run_class is None and h.word_re is None  # two strings: looked for one by one
    h = prefilter.heads(re.compile(r"(?<![\w.,])(?:one|two|three|four)\b", re.I))
    assert h.word_re is not None and not h.runs
    idx = prefilter.TextIndex("at 1,234 and 5 , 6,7x 8,\t90 one ٣٤ x")
    assert idx.marks() == b".. 0,000 ... 0 , 0,0. 0, 00 ... 00 ."  # digit, comma, white space, other
    for k in (1, 20):  # a few characters not ASCII, looked at one by one; many, found by re
        assert prefilter.TextIndex("Ab_-(é٣\u2009?" * k).marks() == b"......0 ." * k
    assert idx.number_runs() == [(3, 8), (13, 14), (22, 24), (25, 27), (32, 34)]  # not "6,7x"
    assert idx.run_firsts("number") == [3, 13, 22, 25, 32]
    assert idx.run_firsts("digit") == [3, 5, 13, 22, 25, 32]  # "234" after the comma too


def test_spaced_heads_find_every_white_space():
    pat = re.compile(r"(?:a\s+total\s+of|in\t)\s+(?P<n>\d+)\s+cats", re.I)
    assert prefilter.useful_heads(pat).spaced
    spaces = [ch for ch in map(chr, range(sys.maxunicode + 1)) if re.fullmatch(r"\s", ch)]
    text = " ".join(f"filler words, A{ch}total{ch}of{ch}{i} cats; in\t{ch}{i} cats" for i, ch in enumerate(spaces))
    text += " " * 300
    cue = Cue([pat])
    assert [m.span() for m in cue.finditer(text)] == [m.span() for m in cue.finditer_plain(text)]
    assert len(cue.finditer(text)) == 2 * len(spaces)


@pytest.fixture(scope="module")
def all_chars() -> str:
    return "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


def test_spaces_makes_what_re_reads_as_white_space_a_space(all_chars):
    """prefilter.spaces replaces the characters it lists, one by one: the lists are every character ``\\s``
    matches but the space, and the text comes out as re's substitution makes it."""
    listed = prefilter._OTHER_SPACES_ASCII + prefilter._OTHER_SPACES_WIDE
    assert sorted(listed) == [c for c in all_chars if re.fullmatch(r"\s", c) and c != " "]
    assert all(c.isascii() for c in prefilter._OTHER_SPACES_ASCII)
    assert not any(c.isascii() for c in prefilter._OTHER_SPACES_WIDE)
    assert prefilter.spaces(all_chars) == re.sub(r"[^\S ]", " ", all_chars)
    rng = random.Random(11)
    alphabet = list("ab .,\x00") + list(listed)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert prefilter.spaces(text) == re.sub(r"[^\S ]", " ", text), repr(text)


def test_folding_agrees_with_re_ignorecase_for_ascii_letters(all_chars):
    """Every character ``re`` matches to an ASCII letter, case-insensitively, folds to that letter."""
    for letter in "abcdefghijklmnopqrstuvwxyz":
        matched = set(re.findall(letter, all_chars, re.I)) | set(re.findall(f"[{letter}_]", all_chars, re.I))
        matched.discard("_")
        assert {prefilter.fold(c) for c in matched} == {letter}, (letter, matched)
    assert len(prefilter.fold(all_chars)) == len(all_chars)


def test_the_characters_other_than_ascii_that_match_an_ascii_letter(all_chars):
    """TextIndex.word_text gives up on a text holding one of them (it marks such a character as no letter)."""
    found = {c for c in all_chars if not c.isascii() and any(re.fullmatch(x, c, re.I) for x in "aiks")}
    assert found == prefilter._ASCII_LOOKALIKES
    assert not [c for c in all_chars if not c.isascii() and re.fullmatch("[a-z]", c, re.I) and c not in found]


def test_caseless_literal_characters_match_only_themselves(all_chars):
    """A literal character kept other than an ASCII letter is matched, even case-insensitively, by
    itself alone: no character left out (a cased one) matches it, and it folds to itself."""
    left_out = [c for c in all_chars if prefilter.literal_char(c) is None or (c.isascii() and c.isalpha())]
    assert 2000 < len(left_out) < 5000
    ranges, start = [], 0
    for c in sorted(map(ord, left_out)) + [sys.maxunicode + 1]:
        for a, b in ((start, min(c - 1, 0xD7FF)), (max(start, 0xE000), c - 1)):
            if a <= b:
                ranges.append(f"\\U{a:08x}-\\U{b:08x}")
        start = c + 1
    kept = re.compile("[" + "".join(ranges) + "]")
    for flags in (re.I, 0):
        assert re.compile(kept.pattern, flags).findall("".join(left_out)) == []
    kept_chars = "".join(kept.findall(all_chars))
    assert len(kept_chars) + len(left_out) == len(all_chars)
    assert prefilter.fold(kept_chars) == kept_chars


def test_characters_the_start_checks_take_for_sure(all_chars):
    """The characters ruled out before a start really are matched by the look-behind's class, and
    every character ``\\d`` matches (any case mode) is found where digits are looked for."""
    sure = prefilter._SURE
    for flags in (0, re.I, re.A, re.I | re.A):
        for name, cls in (("CATEGORY_WORD", r"\w"), ("CATEGORY_DIGIT", r"\d"), ("CATEGORY_SPACE", r"\s")):
            assert all(re.fullmatch(cls, c, flags) for c in sure[name])
            assert all(re.fullmatch(f"[{cls}.]", c, flags) for c in sure[name])
    digits = set(re.findall(r"\d", all_chars, re.I))
    assert digits == set(re.findall(r"\d", all_chars))
    assert all(c.isascii() for c in digits if c in "0123456789") and all(c.isdecimal() for c in digits)
    idx = prefilter.TextIndex("x1 22 ٣٤ a5")
    assert idx.digits(first_only=False) == [1, 3, 4, 6, 7, 10]
    assert idx.digits(first_only=True) == [1, 3, 4, 6, 7, 10]  # every digit, the list of first_only=False
    assert prefilter.TextIndex("x1 22 ٣٤ a5").digits(first_only=True) == [1, 3, 4, 6, 7, 10]
    ascii_idx = prefilter.TextIndex("1 22 a5 678")
    assert ascii_idx.digits(first_only=False) == [0, 2, 3, 6, 8, 9, 10]
    assert ascii_idx.digits(first_only=True) == [0, 2, 6, 8]
