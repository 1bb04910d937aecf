"""Fast, exact searching of many regular expressions over the same texts: ``ingest.lexicon.Cue``'s engine.

Python's ``re`` tries a match at every position of the text when a pattern has no literal prefix
(every case-insensitive pattern that starts with a letter, a ``\\b`` or a look-behind), so searching
a paragraph for a cue that is not there costs as much as finding it. Two facts read off each pattern's
parse tree (so any pattern works — the cues are data) let a :class:`Matcher` do less, never differently:

* :func:`requirements` — sets of literal strings, every match containing at least one string of every
  set: ``\\bmedian\\b`` needs "median", ``(?:enrolled|recruited)\\s+(?P<n>\\d+)`` needs "enrolled" or
  "recruited". A pattern whose strings a window lacks is not run. Which patterns can match anywhere
  in a text is worked out once per text (:class:`TextIndex`, the last few texts kept), so the many
  windows of one paragraph only look for the strings the paragraph holds; whether the text holds a
  string is looked up once for every Matcher (``TextIndex.present``), each Matcher looking first for
  the strings that were found most often (the order changes the cost, never the plan).
* :func:`heads` — where a match can start: at one of a few strings, at a digit, at a line start,
  never after what a leading look-behind or ``\\b`` rules out. A string followed by ``\\s+`` ("a\\s+total")
  ends in a space, and is then looked for in the text with every white-space character made a space.
  Several strings that can only start a word are looked for in one scan of bytes. A number followed
  by white space ("12 patients") starts only at the numbers so followed (``runs``), and where the
  repeat of digits makes every digit of a run alike, at one digit of each run; words, white space and
  such a number ("a total of 120") are found back from the numbers (``lead``). In a longer text whose
  such places are few, the pattern is tried there alone (``pattern.match`` at each, in order, resuming
  after a match, as ``finditer`` does), rather than scanned over every position.

Safety: both are necessary conditions only. Requirements count only characters of the matched span
(look-arounds, anchors and ``\\b`` add none), and a match lies inside (pos, endpos) even when a
look-behind peeks before it. Trying one digit of a run leaves out only places that ``re`` would try
after that one, to the same end (a window that begins inside a run has its first digit there tried). Literal characters are ASCII or caseless; text and literals are folded
to the same lower case, mapping the three non-ASCII characters ``re.IGNORECASE`` equates with an ASCII
letter (İ ı ſ; the Kelvin sign lowers to "k" by itself) — tests/pipeline/test_cue_speed_equivalence.py
checks that folding against ``re`` over every code point, and the cues against plain runs. Anything
the analysis does not understand yields no requirement and no heads: the pattern is simply run.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import NamedTuple, Optional

try:  # the parser ``re`` itself uses (Python 3.11+: re._parser; before: sre_parse)
    from re import _constants as _sre_constants
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_MAXREPEAT = _sre_constants.MAXREPEAT

# Text characters that re.IGNORECASE matches to an ASCII letter but str.lower() does not lower to it.
FOLD_SPECIAL = {"\u0130": "i", "\u0131": "i", "\u017f": "s"}

_EXACT_LIMIT = 64      # most alternative strings tracked for one node
_REPEAT_LIMIT = 4      # x{0,4}: expanded into its strings when small
_SET_LIMIT = 16        # [abc]: expanded when it has at most this many characters
_MAX_SETS = 3          # requirement sets kept per pattern
_WEAK = 0.5            # a set whose estimated chance of occurring by accident is above this is no filter


def fold(text: str) -> str:
    """``text`` lower-cased the way the literal requirements are: same length, character by character."""
    if not text.isascii():
        for ch, rep in FOLD_SPECIAL.items():
            if ch in text:
                text = text.replace(ch, rep)
    return text.lower()


def literal_char(ch: str) -> Optional[str]:
    """The folded form of a pattern character usable in a literal, or None: ASCII characters and
    caseless ones only (a non-ASCII cased letter may match case variants ``str.lower`` does not join)."""
    if ch.isascii():
        return ch.lower()
    if ch.lower() == ch and ch.upper() == ch and ch not in FOLD_SPECIAL:
        return ch
    return None


class _Info:
    """What one node of a parse tree can match: ``exact`` — a superset of the (folded) strings it
    matches, or None when unknown or too many; ``req`` — sets of strings, every match containing at
    least one string of every set."""

    __slots__ = ("exact", "req")

    def __init__(self, exact: Optional[frozenset] = None, req: Optional[list] = None):
        self.exact = exact
        self.req = req or []


_EMPTY = frozenset({""})
_UNKNOWN = _Info()


def _char_odds(ch: str) -> float:
    """Rough share of a text's characters that are ``ch`` or alike: a letter, digit or space is
    common, punctuation rarer, a Chinese or other character rarer still."""
    if ch.isalnum() and ch.isascii() or ch.isspace():
        return 0.15
    return 0.04


def _score(strings) -> float:
    """Rough chance that a place in a text starts one of ``strings``: lower is a better filter."""
    total = 0.0
    for s in strings:
        p = 1.0
        for ch in s[:6]:
            p *= _char_odds(ch)
        total += p
    return total


def _minimal(strings) -> frozenset:
    """Drop every string that contains another: finding the shorter one is what the test needs."""
    ordered = sorted(set(strings), key=len)
    kept: list[str] = []
    for s in ordered:
        if not any(k in s for k in kept):
            kept.append(s)
    return frozenset(kept)


def _as_set(info: _Info) -> Optional[frozenset]:
    """The best single requirement set of a node: its exact strings, or its most selective set."""
    options = list(info.req)
    if info.exact is not None and "" not in info.exact:
        options.append(_minimal(info.exact))
    return min(options, key=_score) if options else None


def _seq(items) -> _Info:
    cur = _EMPTY
    req: list = []
    exact = True

    def flush(strings) -> None:
        if strings and "" not in strings:
            req.append(_minimal(strings))

    for op, av in items:
        info = _node(op, av)
        if info.exact is not None:
            if len(cur) * len(info.exact) <= _EXACT_LIMIT:
                cur = frozenset(a + b for a in cur for b in info.exact)
                continue
            flush(cur)
            cur = info.exact
        else:
            flush(cur)
            cur = _EMPTY
            req.extend(info.req)
        exact = False
    if exact:
        return _Info(cur)
    flush(cur)
    return _Info(None, req)


def _branch(alternatives) -> _Info:
    infos = [_seq(alt) for alt in alternatives]
    if all(i.exact is not None for i in infos):
        union = frozenset().union(*(i.exact for i in infos))
        if len(union) <= _EXACT_LIMIT:
            return _Info(union)
    sets = [_as_set(i) for i in infos]
    if any(s is None for s in sets):
        return _UNKNOWN
    return _Info(None, [_minimal(frozenset().union(*sets))])


def _repeat(lo: int, hi: int, sub) -> _Info:
    info = _seq(sub)
    if info.exact is not None and hi != _MAXREPEAT and hi <= _REPEAT_LIMIT:
        out = set()
        power = _EMPTY
        for k in range(hi + 1):
            if k >= lo:
                out |= power
            if k < hi:
                power = frozenset(a + b for a in power for b in info.exact)
                if len(power) > _EXACT_LIMIT:
                    break
        else:
            if len(out) <= _EXACT_LIMIT:
                return _Info(frozenset(out))
    if lo == 0:
        return _UNKNOWN
    one = _as_set(info)
    return _Info(None, list(info.req) + ([one] if one is not None and one not in info.req else []))


def _charset(items) -> _Info:
    chars = set()
    for op, av in items:
        if op.name != "LITERAL":
            return _UNKNOWN
        ch = literal_char(chr(av))
        if ch is None:
            return _UNKNOWN
        chars.add(ch)
    if not chars or len(chars) > _SET_LIMIT:
        return _UNKNOWN
    return _Info(frozenset(chars))


def _node(op, av) -> _Info:
    name = op.name
    if name == "LITERAL":
        ch = literal_char(chr(av))
        return _Info(frozenset({ch})) if ch is not None else _UNKNOWN
    if name == "IN":
        return _charset(av)
    if name in ("AT", "ASSERT", "ASSERT_NOT"):  # zero-width: the text they test is not part of the match
        return _Info(_EMPTY)
    if name == "SUBPATTERN":  # (group, add_flags, del_flags, body): folding ignores case flags
        return _seq(av[3])
    if name == "ATOMIC_GROUP":
        return _seq(av)
    if name == "BRANCH":
        return _branch(av[1])
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return _repeat(av[0], av[1], av[2])
    if name == "GROUPREF_EXISTS":  # (?(g)yes|no): one of the two
        no = av[2] if av[2] is not None else []
        return _branch([av[1], no])
    return _UNKNOWN  # ANY, NOT_LITERAL, GROUPREF, CATEGORY … : any character


@lru_cache(maxsize=1024)
def _parsed(pattern: str, flags: int):
    """A pattern's parse tree, parsed once for requirements, heads and anchor (they only read it)."""
    return _sre_parse.parse(pattern, flags)


def requirements(pattern: re.Pattern) -> tuple[tuple[str, ...], ...]:
    """Sets of folded literal strings such that every match of ``pattern`` (a str pattern) contains
    at least one string of every set, most selective first; () when nothing useful is known."""
    if not isinstance(pattern.pattern, str):
        return ()
    try:
        tree = _parsed(pattern.pattern, pattern.flags)
        info = _seq(tree)
    except Exception:  # an unknown parse-tree shape: no filter, the pattern just runs
        return ()
    sets = list(info.req)
    if info.exact is not None and "" not in info.exact:
        sets.append(_minimal(info.exact))
    useful = sorted({s for s in sets if s and _score(s) <= _WEAK}, key=_score)
    return tuple(tuple(sorted(s, key=lambda x: (-len(x), x))) for s in useful[:_MAX_SETS])


class Heads:
    """Where a match can start: at an occurrence of one of ``strings`` (folded), at a character
    ``\\d`` matches (``digits``), at the start of a line (``lines``: position 0 or after a newline);
    never right after a character of ``not_after``, nor — when ``boundary`` — between two ASCII word
    characters. Every match of the pattern starts so. With ``spaced``, the strings are looked for in
    the folded text with every white-space character made a space (and so are the strings).

    Two shapes of pattern give fewer places (:func:`_number_shape`). With ``runs``, a match starting at
    a digit begins with a number — digits and commas — followed by white space ("12 patients", not
    "12.5%"): only the digits of such runs (:meth:`TextIndex.number_runs`) are starts. With ``lead``, every
    match is words, white space and such a number ("a total of 120 patients"): ``lead`` holds the
    word sequences (folded, each word followed by white space in the text), and the starts are found
    back from the numbers that follow white space, not at every "a" or "of" (``strings`` is then empty).
    With ``run_class`` (:func:`_run_class`), one digit of each run is tried. ``word_re``: strings that
    can only start a word, looked for all at once (:meth:`TextIndex.word_text`)."""

    __slots__ = ("strings", "digits", "lines", "not_after", "boundary", "spaced", "runs", "lead", "lead_last",
                 "lead_by_last", "run_class", "word_re", "_key", "_hash")

    def __init__(self, strings: tuple[str, ...], digits: bool, lines: bool, not_after: frozenset, boundary: bool,
                 spaced: bool = False, runs: bool = False, lead: tuple[tuple[str, ...], ...] = (),
                 run_class: Optional[str] = None):
        self.strings = strings
        self.digits = digits
        self.lines = lines
        self.not_after = not_after
        self.boundary = boundary
        self.spaced = spaced
        self.runs = runs
        self.lead = lead
        self.lead_last = tuple(sorted({words[-1] for words in lead}))  # the words right before the number
        # each of those words, with the words before it in each sequence (nearest first)
        self.lead_by_last = tuple((last, tuple(words[-2::-1] for words in lead if words[-1] == last))
                                  for last in self.lead_last)
        self.run_class = run_class if runs else None  # see _run_class
        # Strings that start where a word does (every case of their characters is in not_after) are all
        # looked for in one scan of TextIndex.word_text, when there are several
        self.word_re = None
        if (len(strings) >= _WORD_STRINGS_MIN and not spaced
                and all(s.isascii() and all(c in not_after and c.upper() in not_after for c in s) for s in strings)):
            self.word_re = re.compile(b"\x01" + _word_pattern(strings))
        self._key = (strings, digits, lines, not_after, boundary, spaced, runs, lead, self.run_class)
        self._hash = hash(self._key)

    def __hash__(self) -> int:  # equal heads share their start positions in a TextIndex
        return self._hash

    def __eq__(self, other) -> bool:
        return isinstance(other, Heads) and self._key == other._key

    def __repr__(self) -> str:
        return (f"Heads({self.strings!r}, digits={self.digits}, lines={self.lines}, "
                f"not_after={''.join(sorted(self.not_after))!r}, boundary={self.boundary}"
                + (", spaced=True" if self.spaced else "") + (", runs=True" if self.runs else "")
                + (f", run_class={self.run_class!r}" if self.run_class else "")
                + (f", lead={self.lead!r})" if self.lead else ")"))


class _Marker:
    """A head that is not a string: any digit, or the start of a line."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


_DIGITS = _Marker("digit")
_LINE = _Marker("line start")
_SPACED = _Marker("spaced")  # the strings end in a space that stands for any white-space character
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_WORD = _LETTERS | frozenset("0123456789_")  # \w in any mode
_SURE = {  # characters a category surely matches, in Unicode and in ASCII mode alike
    "CATEGORY_DIGIT": frozenset("0123456789"),
    "CATEGORY_WORD": _WORD,
    "CATEGORY_SPACE": frozenset(" \t\n\r\f\v"),
}


def _heads_score(heads: frozenset) -> float:
    return sum(0.1 if h is _DIGITS else 0.02 if h is _LINE else 0.0 if h is _SPACED else _score((h,))
               for h in heads)


def _pick(a: Optional[frozenset], b: Optional[frozenset]) -> Optional[frozenset]:
    if a is None or b is None:
        return a if b is None else b
    return a if _heads_score(a) <= _heads_score(b) else b


def _sure_chars(node) -> frozenset:
    """Characters a one-character look-behind body surely matches (a subset is enough)."""
    if len(node) != 1:
        return frozenset()
    op, av = node[0]
    if op.name == "LITERAL":
        return frozenset(chr(av))
    if op.name != "IN":
        return frozenset()
    out: set[str] = set()
    for op1, av1 in av:
        name = op1.name
        if name == "NEGATE":
            return frozenset()
        if name == "LITERAL":
            out.add(chr(av1))
        elif name == "RANGE" and av1[1] - av1[0] < 256:  # a cased non-ASCII letter may miss its own range
            out.update(ch for ch in map(chr, range(av1[0], av1[1] + 1)) if literal_char(ch) is not None)
        elif name == "CATEGORY":
            out |= _SURE.get(av1.name, frozenset())
    return frozenset(out)


def _first(items, guards: Optional[dict] = None) -> Optional[frozenset]:
    """Heads of a sequence: a set of folded strings (and perhaps the markers ``_DIGITS``, ``_LINE``)
    one of which every match starts with; None when unknown, or when the sequence can match the empty
    string. ``guards``, when given, collects what the look-behinds and ``\\b`` in front rule out."""
    cur = _EMPTY  # the strings the nodes passed so far can match, when known
    ahead = None  # heads asked by a look-ahead standing at the start
    for op, av in items:
        name = op.name
        if name == "AT":
            if cur == _EMPTY:
                if av.name in ("AT_BEGINNING", "AT_BEGINNING_STRING", "AT_BEGINNING_LINE"):
                    return frozenset({_LINE})
                if av.name == "AT_BOUNDARY" and guards is not None:
                    guards["boundary"] = True
            continue
        if name == "ASSERT_NOT" and av[0] < 0 and cur == _EMPTY and guards is not None:
            guards["not_after"] = guards.get("not_after", frozenset()) | _sure_chars(av[1])
            continue
        if name == "ASSERT_NOT" or (name == "ASSERT" and av[0] < 0):
            continue  # zero-width, and says nothing usable of the first character
        if name == "ASSERT":  # a look-ahead: where nothing was consumed yet, the match starts with it
            if cur == _EMPTY:
                ahead = _pick(ahead, _first(av[1]))
            continue
        info = _node(op, av)
        if info.exact is not None and len(cur) * len(info.exact) <= _EXACT_LIMIT:
            cur = frozenset(a + b for a in cur for b in info.exact)
            continue
        if "" not in cur and _is_spaces(op, av):  # "a\s+total": "a" and a white-space character
            return _pick(frozenset(a + " " for a in cur) | {_SPACED}, ahead)
        if "" not in cur:
            return _pick(cur, ahead)
        head = _node_first(op, av)
        return ahead if head is None else _pick((cur - _EMPTY) | head, ahead)
    return ahead if "" in cur else _pick(cur, ahead)


def _is_spaces(op, av) -> bool:
    """Whether the node is ``\\s+`` (or ``\\s{1,}`` …): at least one character ``\\s`` matches."""
    if op.name not in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") or av[0] < 1 or len(av[2]) != 1:
        return False
    op1, av1 = av[2][0]
    if op1.name == "IN" and len(av1) == 1:
        op1, av1 = av1[0]
    return op1.name == "CATEGORY" and av1.name in ("CATEGORY_SPACE", "CATEGORY_UNI_SPACE")


def _node_first(op, av) -> Optional[frozenset]:
    name = op.name
    if name == "SUBPATTERN":
        return _first(av[3])
    if name == "ATOMIC_GROUP":
        return _first(av)
    if name in ("BRANCH", "GROUPREF_EXISTS"):
        alternatives = av[1] if name == "BRANCH" else [av[1], av[2] if av[2] is not None else []]
        heads = [_first(alt) for alt in alternatives]
        return None if any(h is None for h in heads) else frozenset().union(*heads)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return _first(av[2]) if av[0] >= 1 else None
    if name == "IN":
        heads = set()
        for op1, av1 in av:
            if op1.name == "LITERAL" and literal_char(chr(av1)) is not None:
                heads.add(literal_char(chr(av1)))
            elif op1.name == "CATEGORY" and av1.name == "CATEGORY_DIGIT":
                heads.add(_DIGITS)
            else:
                return None
        return frozenset(heads) or None
    return None


_ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
_RUN = _Marker("white space")  # in a word sequence (:func:`_words`): a run of white space, \s+


def _number_chars(items) -> bool:
    """Whether every character a match of the sequence consumes is a decimal digit or a comma."""
    for op, av in items:
        name = op.name
        if name in _ZERO_WIDTH:
            continue
        if name == "LITERAL":
            if not (chr(av) == "," or chr(av).isdecimal()):
                return False
        elif name == "IN":
            for op1, av1 in av:
                if op1.name == "CATEGORY" and av1.name in ("CATEGORY_DIGIT", "CATEGORY_UNI_DIGIT"):
                    continue
                if op1.name == "LITERAL" and (chr(av1) == "," or chr(av1) in _ASCII_DIGITS):
                    continue
                if op1.name == "RANGE" and 48 <= av1[0] <= av1[1] <= 57:
                    continue
                return False
        elif name == "SUBPATTERN":
            if not _number_chars(av[3]):
                return False
        elif name in _REPEATS:
            if not _number_chars(av[2]):
                return False
        elif name == "ATOMIC_GROUP":
            if not _number_chars(av):
                return False
        elif name == "BRANCH":
            if not all(_number_chars(alt) for alt in av[1]):
                return False
        else:
            return False
    return True


def _starts_with_letter(items) -> bool:
    """Whether every match of the sequence starts with an ASCII letter (or a character ``re.IGNORECASE``
    equates with one): never with a digit."""
    for op, av in items:
        name = op.name
        if name in _ZERO_WIDTH:
            continue
        if name == "LITERAL":
            return chr(av) in _LETTERS
        if name == "IN":
            return bool(av) and all(
                op1.name == "LITERAL" and chr(av1) in _LETTERS
                or op1.name == "RANGE" and all(chr(c) in _LETTERS for c in range(av1[0], av1[1] + 1))
                for op1, av1 in av)
        if name == "SUBPATTERN":
            return _starts_with_letter(av[3])
        if name == "BRANCH":
            return all(_starts_with_letter(alt) for alt in av[1])
        if name in _REPEATS and av[0] >= 1:
            return _starts_with_letter(av[2])
        return False
    return False


def _number_first(items) -> bool:
    """Whether every match of the sequence that starts with a digit consumes digits and commas only."""
    if _number_chars(items) or _starts_with_letter(items):
        return True
    if len(items) == 1:
        op, av = items[0]
        if op.name == "SUBPATTERN":
            return _number_first(av[3])
        if op.name == "BRANCH":
            return all(_number_first(alt) for alt in av[1])
    return False


def _join(a: tuple, b: tuple) -> tuple:
    """Two word sequences one after the other: adjacent strings make one, adjacent runs one (a run of two
    or more is then taken as a run, which finds more places, never fewer)."""
    if a and b and (a[-1] is _RUN) == (b[0] is _RUN):
        return a[:-1] + ((_RUN,) if a[-1] is _RUN else (a[-1] + b[0],)) + b[1:]
    return a + b


def _words(items) -> Optional[frozenset]:
    """What a sequence matches as word sequences — tuples of folded strings (no white space in them)
    and ``_RUN`` — or None when it is not of that shape or has too many."""
    out = {()}
    for op, av in items:
        name = op.name
        if name in _ZERO_WIDTH:  # it only narrows the matches: leaving it out finds more places
            continue
        if _is_spaces(op, av):
            part = {(_RUN,)}
        else:
            info = _node(op, av)
            if info.exact is not None:
                if any(" " in spaces(x) for x in info.exact):
                    return None
                part = {(x,) if x else () for x in info.exact}
            elif name == "SUBPATTERN":
                part = _words(av[3])
            elif name == "BRANCH":
                alts = [_words(alt) for alt in av[1]]
                part = None if any(a is None for a in alts) else set().union(*alts)
            elif name in _REPEATS and av[1] == 1:
                part = _words(av[2])
                if part is not None and av[0] == 0:
                    part = set(part) | {()}
            else:
                return None
        if part is None:
            return None
        out = {_join(a, b) for a in out for b in part}
        if len(out) > _EXACT_LIMIT:
            return None
    return frozenset(out)


def _number_shape(tree) -> tuple[bool, tuple]:
    """(runs, lead) of :class:`Heads` for a pattern's parse tree: ``runs`` when the first thing it consumes,
    if it starts with a digit, is digits and commas followed by ``\\s+``; ``lead``, the word sequences
    (tuples of words) when the pattern is words, ``\\s+``, a number that starts with a digit (digits
    and commas), ``\\s+`` — () when not."""
    items = list(tree)
    i = 0
    while i < len(items) and items[i][0].name in _ZERO_WIDTH:
        i += 1
    k = next((k for k in range(i + 1, len(items)) if _is_spaces(*items[k])), 0)
    runs = bool(k) and _number_first(items[i:k])
    for j in range(i + 1, len(items) - 1):
        if _first([items[j]]) == frozenset({_DIGITS}):
            if not (_number_chars([items[j]]) and _is_spaces(*items[j + 1])):
                break
            found = _words(items[i:j])
            if not found or not all(w and w[0] is not _RUN and w[-1] is _RUN for w in found):
                break
            return runs, tuple(sorted(w[0::2] for w in found))
    return runs, ()


def _digit_class(op, av) -> Optional[str]:
    """"digit" when the node is ``\\d``, "number" when it is ``[\\d,]``, else None."""
    if op.name != "IN":
        return None
    found = {(op1.name, getattr(av1, "name", av1)) for op1, av1 in av}
    if len(found) != len(av):
        return None
    if found == {("CATEGORY", "CATEGORY_DIGIT")}:
        return "digit"
    return "number" if found == {("CATEGORY", "CATEGORY_DIGIT"), ("LITERAL", 44)} else None


def _unbounded(op, av, lo: int) -> Optional[list]:
    """The body of a greedy (or possessive) repeat of at least ``lo`` and no upper bound, else None."""
    if op.name in ("MAX_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= lo and av[1] == _MAXREPEAT and len(av[2]) == 1:
        return av[2]
    return None


def _run_class(tree, flags: int) -> Optional[str]:
    """"digit" when a pattern begins ``\\d+`` or ``\\d\\d*`` and then ``\\s+``, "number" when ``\\d[\\d,]*`` and
    then ``\\s+`` (the number perhaps a group), in Unicode matching; else None. Then all the digits of
    one run of ``\\d`` (of digits and commas) start matches alike: the repeat takes the run to its end
    whatever digit it begins at, and white space must follow there — so one digit of each run is tried
    (:meth:`TextIndex.run_firsts`)."""
    items = list(tree)
    k = next((k for k, (op, av) in enumerate(items) if _is_spaces(op, av)), 0)
    if flags & re.ASCII or not k:
        return None
    first = items[:k]
    while len(first) == 1 and first[0][0].name == "SUBPATTERN":
        first = list(first[0][1][3])
    if len(first) == 1:
        body = _unbounded(*first[0], lo=1)
        return "digit" if body is not None and _digit_class(*body[0]) == "digit" else None
    if len(first) == 2 and _digit_class(*first[0]) == "digit":
        body = _unbounded(*first[1], lo=0)
        return _digit_class(*body[0]) if body is not None else None
    return None


def heads(pattern: re.Pattern) -> Optional[Heads]:
    """Where matches of ``pattern`` (a str pattern) can start, or None when that is not known."""
    if not isinstance(pattern.pattern, str):
        return None
    guards: dict = {}
    try:
        tree = _parsed(pattern.pattern, pattern.flags)
        found = _first(tree, guards)
        runs, lead = _number_shape(tree)
        run_class = _run_class(tree, pattern.flags)
    except Exception:  # an unknown parse-tree shape
        return None
    if lead:
        return Heads((), False, False, guards.get("not_after", frozenset()), guards.get("boundary", False),
                     runs=True, lead=lead)
    if not found or "" in found:
        return None
    spaced = _SPACED in found
    strings = [spaces(h) if spaced else h for h in found if isinstance(h, str)]
    kept: list[str] = []
    for h in sorted(strings, key=len):  # "in" covers "including": an occurrence of the longer is one of it
        if not any(h.startswith(k) for k in kept):
            kept.append(h)
    return Heads(tuple(sorted(kept)), _DIGITS in found, _LINE in found,
                 guards.get("not_after", frozenset()), guards.get("boundary", False), spaced,
                 runs=runs and _DIGITS in found, run_class=run_class if found == {_DIGITS} else None)


def _re_has_prefix(pattern: re.Pattern) -> bool:
    """Whether ``re`` compiled ``pattern`` with a literal or character-set prefix: then its own scan
    for the first character beats trying starts one by one."""
    try:
        from re import _compiler
        tree = _parsed(pattern.pattern, pattern.flags)
        flags = tree.state.flags
        if tree.getwidth()[0] == 0:
            return False
        return bool(_compiler._get_literal_prefix(tree, flags)[0] or _compiler._get_charset_prefix(tree, flags))
    except Exception:  # another Python's internals: assume no prefix
        return False


def useful_heads(pattern: re.Pattern) -> Optional[Heads]:
    """:func:`heads` of ``pattern`` when trying its starts one by one promises to beat ``re``'s scan:
    ``re`` has no prefix of its own for it (or only a digit, which its scan tests every character for,
    while the numbers followed by white space of ``runs`` are few) and the starts look sparse (at most
    one in ten characters, by a rough estimate; the real count is checked per text)."""
    return _useful(pattern, heads(pattern))


def _useful(pattern: re.Pattern, h: Optional[Heads]) -> Optional[Heads]:
    if h is None or (_re_has_prefix(pattern) and not (h.digits and h.runs)):
        return None
    return h if _heads_density(h) * _SPARSE <= 1 else None


# Characters that may bound an anchor's window (Anchor): ASCII characters that are neither letters nor digits
# (so no case rule of re.IGNORECASE reaches them), "?" left out (TextIndex.ascii() writes it for every character
# that is not ASCII), NUL in (the separator of a Doc's parts)
_BARRIER_CANDIDATES = frozenset(chr(b) for b in range(128) if not chr(b).isalnum() and chr(b) != "?")
_ANCHOR_GAIN = 8  # an anchor replaces heads whose estimated density is this many times its strings' at least


class Anchor(NamedTuple):
    """Where a match can start, found back from a string every match holds: each match consumes, from its
    start, text that the nodes before a point of the pattern match — at most ``width`` characters (None:
    no bound), none of them a character of ``barriers`` — and then text that starts with one of ``strings``
    (folded). So a match starts in a window that ends at an occurrence of a string and begins ``width``
    characters before it or after the last barrier character before it, whichever is later; within the
    windows, only where the pattern's ``heads`` allow. Used where the strings are much rarer than the places
    the heads alone give ("the … ACRONYM trial": the trials, then "the" before each, not every "the")."""

    strings: tuple[str, ...]
    width: Optional[int]
    barriers: frozenset
    heads: Heads
    run_class = None  # read like Heads.run_class by Matcher._starts


def _category_takes(flags: int) -> dict[str, frozenset]:
    """The barrier candidates each category (``\\d``, ``\\W`` …) matches in one mode."""
    classes = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
               "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}
    candidates = "".join(sorted(_BARRIER_CANDIDATES))
    return {name: frozenset(re.findall(cls, candidates, flags)) for name, cls in classes.items()}


# What a category may match, and surely matches, in either mode (Unicode \s takes \x1c-\x1f, ASCII \s not)
_UNI, _ASC = _category_takes(0), _category_takes(re.ASCII)
_CATEGORY_MAY = {name: _UNI[name] | _ASC[name] for name in _UNI}
_CATEGORY_SURE = {name: _UNI[name] & _ASC[name] for name in _UNI}


def _set_takes(items) -> frozenset:
    """The barrier candidates a character set ``[...]`` (IN's items) may match: all when unsure. Candidates
    are ASCII and neither letters nor digits, so no case rule of re.IGNORECASE maps one to another."""
    negate = False
    may: set[str] = set()
    sure: set[str] = set()
    for op, av in items:
        name = op.name
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            may.add(chr(av))
            sure.add(chr(av))
        elif name == "RANGE":
            chars = {c for c in _BARRIER_CANDIDATES if av[0] <= ord(c) <= av[1]}
            may |= chars
            sure |= chars
        elif name == "CATEGORY" and av.name in _CATEGORY_MAY:
            may |= _CATEGORY_MAY[av.name]
            sure |= _CATEGORY_SURE[av.name]
        else:
            return _BARRIER_CANDIDATES
    return _BARRIER_CANDIDATES - sure if negate else _BARRIER_CANDIDATES & may


def _consumed(items) -> frozenset:
    """The barrier candidates that some character a match of the sequence consumes may be: all when unsure."""
    out: set[str] = set()
    for op, av in items:
        name = op.name
        if name in _ZERO_WIDTH:
            continue
        if name == "LITERAL":
            out.add(chr(av))
        elif name == "IN":
            out |= _set_takes(av)
        elif name == "SUBPATTERN":
            out |= _consumed(av[3])
        elif name == "ATOMIC_GROUP":
            out |= _consumed(av)
        elif name in _REPEATS:
            if av[1] > 0:
                out |= _consumed(av[2])
        elif name == "BRANCH":
            for alt in av[1]:
                out |= _consumed(alt)
        elif name == "GROUPREF_EXISTS":
            out |= _consumed(av[1])
            if av[2] is not None:
                out |= _consumed(av[2])
        else:  # ANY, NOT_LITERAL, GROUPREF, … : any character
            return _BARRIER_CANDIDATES
    return _BARRIER_CANDIDATES & frozenset(out)


def anchor(pattern: re.Pattern, max_score: Optional[float] = None) -> Optional[Anchor]:
    """The :class:`Anchor` of ``pattern`` (a str pattern) with the rarest strings (their :func:`_score` at
    most ``max_score``), or None when none bounds its windows (neither a width nor a full stop among the
    barriers) or the pattern's heads are not strings alone (unknown, or digits, line starts, numbers)."""
    return _anchor(pattern, heads(pattern), max_score)


def _anchor(pattern: re.Pattern, h: Optional[Heads], max_score: Optional[float]) -> Optional[Anchor]:
    if h is None or h.digits or h.lines or h.runs or h.lead or not h.strings:
        return None
    try:
        tree = _parsed(pattern.pattern, pattern.flags)
        items = list(tree)
        options = []
        for k in range(1, len(items)):
            if items[k][0].name == "LITERAL" and items[k - 1][0].name == "LITERAL":
                continue  # inside a run of characters: from the run's start, the strings are longer
            found = _first(items[k:])
            if not found or not all(isinstance(s, str) and s for s in found):
                continue
            kept: list[str] = []
            for s in sorted(found, key=len):  # an occurrence of the longer is one of the shorter
                if not any(s.startswith(x) for x in kept):
                    kept.append(s)
            score = _score(kept)
            if max_score is None or score <= max_score:
                options.append((score, k, tuple(sorted(kept))))
        for _score_k, k, strings in sorted(options):
            before = items[:k]
            hi = _sre_parse.SubPattern(tree.state, before).getwidth()[1]
            if hi == 0:  # the strings start every match: they are heads, no anchor
                continue
            width = hi if hi < _sre_parse.MAXWIDTH else None
            barriers = _BARRIER_CANDIDATES - _consumed(before)
            if width is None and "." not in barriers:
                continue
            return Anchor(strings, width, barriers, h)
    except Exception:  # an unknown parse-tree shape
        return None
    return None


def _heads_density(h: Heads) -> float:
    """useful_heads' estimate of the share of a text's places that ``h`` gives."""
    at_words = h.boundary or bool(h.not_after & _LETTERS)
    density = sum(_score((s,)) for s in h.strings) * (0.3 if at_words else 1.0)
    if h.digits:
        density += 0.03 if _ASCII_DIGITS <= h.not_after else 0.1
    if h.lines:
        density += 0.02
    return density


def start_heads(pattern: re.Pattern) -> Optional[Heads | Anchor]:
    """What a Matcher tries ``pattern`` at: its useful heads (None: ``re`` scans), or its :class:`Anchor`
    when there are such heads and the anchor's strings are much rarer than the places they give."""
    h = _useful(pattern, heads(pattern))
    if h is None:
        return None
    a = _anchor(pattern, h, _heads_density(h) / _ANCHOR_GAIN)
    return h if a is None else a


class TextIndex:
    """One text, folded once, with what the patterns searching it have learnt: for each
    :class:`Matcher`, its plan (``plans``: the patterns that can match somewhere in the text), and
    for each :class:`Heads`, the places where such a match can start (``starts``)."""

    __slots__ = ("text", "folded", "plans", "starts", "present", "_occ", "_digits", "_spaced", "_ascii", "_marks",
                 "_runs", "_run_digits", "_after_space", "_word_texts", "_barrier_texts")

    def __init__(self, text: str):
        folded = fold(text)
        self.text = text
        self.folded = folded if len(folded) == len(text) else None  # fold keeps the length; guard anyway
        self.plans: dict = {}
        self.starts: dict = {}  # Heads → sorted start positions, or None when too many to be worth it
        self._occ: dict = {}  # literal string → where the folded text holds it (_SPACED → the same, spaced)
        self.present: dict[str, bool] = {}  # literal string → whether the folded text holds it
        self._digits: dict[bool, list[int]] = {}
        self._spaced: Optional[str] = None
        self._ascii: Optional[bytes] = None
        self._marks: Optional[bytes] = None
        self._runs: Optional[list[tuple[int, int]]] = None
        self._run_digits: dict[bool, list[int]] = {}
        self._after_space: Optional[list[int]] = None
        self._word_texts: dict[frozenset, Optional[bytes]] = {}
        self._barrier_texts: dict[frozenset, bytes] = {}

    def spaced(self) -> str:
        """The folded text with every white-space character made a space (same length)."""
        if self._spaced is None:
            self._spaced = spaces(self.folded)
        return self._spaced

    def digits(self, first_only: bool) -> list[int]:
        """Positions of the characters ``\\d`` matches (any decimal digit); with ``first_only``, those
        right after an ASCII digit may be left out."""
        out = self._digits.get(first_only)
        if out is None:
            every = self._digits.get(False)
            if every is None:  # the digits are marked "0" in marks(): found by bytes.find
                every = []
                find = self.marks().find
                i = find(48)
                while i >= 0:
                    every.append(i)
                    i = find(48, i + 1)
                self._digits[False] = every
            out = every
            if first_only and self.text.isascii():  # a digit after a non-digit
                out = [i for i, before in zip(every, [-2, *every]) if i != before + 1]
            self._digits[first_only] = out
        return out

    def ascii(self) -> bytes:
        """The text as bytes, one per character: "?" for each character that is not ASCII."""
        raw = self._ascii
        if raw is None:
            text = self.text
            raw = self._ascii = text.encode("ascii") if text.isascii() else text.encode("ascii", "replace")
        return raw

    def marks(self) -> bytes:
        """One byte per character of the text: "0" for a character ``\\d`` matches, "," for a comma,
        " " for one ``\\s`` matches, "." for any other (bytes are searched faster than a str)."""
        marks = self._marks
        if marks is None:
            raw = self.ascii()
            marks = raw.translate(_MARKS)
            text = self.text
            if not text.isascii():  # the characters not ASCII that are \d or \s: their marks set here
                if raw.count(63) <= _OTHERS_FEW:  # a few: looked at one by one
                    found = []
                    i = raw.find(63)
                    while i >= 0:
                        if text[i].isdecimal() or text[i].isspace():  # re's \d and \s, to the code point
                            found.append(i)
                        i = raw.find(63, i + 1)
                else:
                    found = [m.start() for m in _OTHER_DIGIT_OR_SPACE.finditer(text)]
                if found:
                    marked = bytearray(marks)
                    for i in found:
                        marked[i] = 48 if text[i].isdecimal() else 32
                    marks = bytes(marked)
            self._marks = marks
        return marks

    def number_runs(self) -> list[tuple[int, int]]:
        """(start, end) of every number followed by white space: a run of digits and commas that starts
        with a digit (the first of its run, or the first after commas) and is followed by a character
        ``\\s`` matches."""
        if self._runs is None:
            self._runs = [m.span() for m in _NUMBER_RUN.finditer(self.marks())]
        return self._runs

    def run_digits(self, first_only: bool) -> list[int]:
        """Positions of the digits of :meth:`number_runs`; with ``first_only``, those right after an
        ASCII digit may be left out."""
        out = self._run_digits.get(first_only)
        if out is None:
            text = self.text
            out = []
            for a, b in self.number_runs():
                if b - a == 1:
                    out.append(a)
                    continue
                run = text[a:b]
                if "," not in run and run.isascii():
                    if first_only:
                        out.append(a)
                    else:
                        out.extend(range(a, b))
                    continue
                for i in range(a, b):
                    if text[i] != "," and not (first_only and i > a and text[i - 1] in _ASCII_DIGITS):
                        out.append(i)
            self._run_digits[first_only] = out
        return out

    def run_firsts(self, run_class: str) -> list[int]:
        """One digit of each run of :func:`_run_class` among :meth:`number_runs`: the first digit of each
        number ("number"), or of each run of digits in it ("digit": also the digits right after a comma)."""
        runs = self.number_runs()
        if run_class == "number":
            return [a for a, _ in runs]
        marks = self.marks()
        out = []
        for a, b in runs:
            out.append(a)
            if b - a > 2:
                i = marks.find(44, a, b)
                while i >= 0:
                    if marks[i + 1] == 48:
                        out.append(i + 1)
                    i = marks.find(44, i + 1, b)
        return out

    def lead_starts(self, heads: Heads) -> set[int]:
        """Where a match of ``heads.lead`` can start: words ending where the white space before a number of
        :meth:`number_runs` begins, each word after the first following white space."""
        marks = self.marks()
        after = self._after_space
        if after is None:  # where the white space right before a number begins
            after = []
            for a, _ in self.number_runs():
                if a and marks[a - 1] == 32:
                    r = a - 1
                    while r and marks[r - 1] == 32:
                        r -= 1
                    after.append(r)
            self._after_space = after
        folded = self.folded
        ends = folded.endswith
        found: set[int] = set()
        for r in after:
            if not ends(heads.lead_last, 0, r):
                continue
            for last, befores in heads.lead_by_last:
                if not ends(last, 0, r):
                    continue
                for words in befores:  # the words before the last, last first
                    at = r - len(last)
                    for word in words:
                        if not at or marks[at - 1] != 32:
                            break
                        at -= 1
                        while at and marks[at - 1] == 32:
                            at -= 1
                        at -= len(word)
                        if at < 0 or not folded.startswith(word, at):
                            break
                    else:
                        found.add(at)
        return found

    def word_text(self, not_after: frozenset) -> Optional[bytes]:
        """The text as bytes for finding strings where ``not_after`` allows a start: a byte 1 first, then
        one byte per character — the character lower-cased when it is an ASCII character of
        ``not_after``, else 1. A string of such characters that follows a 1 stands where a match may
        start. None when the text holds a character ``re.IGNORECASE`` matches to an ASCII letter but
        that is not one (İ ı ſ K): a string could stand there and not be found so."""
        texts = self._word_texts
        if not_after in texts:
            return texts[not_after]
        out: Optional[bytes] = b"\x01" + self.ascii().translate(_word_table(not_after))
        text = self.text
        if not text.isascii():
            if any(ch in text for ch in _ASCII_LOOKALIKES):
                out = None
            elif "?" in not_after:  # "?" stands for the others in ascii(): they are no word characters
                marked = bytearray(out)
                for m in _OTHER.finditer(text):
                    marked[m.start() + 1] = 1
                out = bytes(marked)
        texts[not_after] = out
        return out

    def occurrences(self, h: str, find) -> list[int]:
        """Every place (they may overlap) the folded text (``find``: its find, or the spaced text's) holds ``h``."""
        got: list[int] = []
        i = find(h)
        while i >= 0:
            got.append(i)
            i = find(h, i + 1)
        return got

    def barrier_text(self, barriers: frozenset) -> bytes:
        """One byte per character of the text: 0 for a character of ``barriers`` (ASCII ones, "?" never),
        1 for any other; its rfind(0) finds the last barrier before a place."""
        out = self._barrier_texts.get(barriers)
        if out is None:
            out = self._barrier_texts[barriers] = self.ascii().translate(_barrier_table(barriers))
        return out

    def anchor_starts(self, a: Anchor) -> Optional[list[int]]:
        """Sorted positions where a match with anchor ``a`` can start (see :class:`Anchor`), or None when
        they are too many."""
        n = len(self.text)
        folded = self.folded
        occ = self._occ
        present = self.present
        ends: list[int] = []
        for s in a.strings:
            got = occ.get(s)
            if got is None:
                got = occ[s] = [] if present.get(s) is False else self.occurrences(s, folded.find)
            ends.extend(got)
        if not ends:
            return []
        if len(ends) * _SPARSE > n:
            return None
        ends = sorted(set(ends))
        rfind = self.barrier_text(a.barriers).rfind if a.barriers else None
        width = a.width
        windows: list[list[int]] = []  # [first, last] places, merged where they meet
        for q in ends:
            lo = rfind(0, 0, q) + 1 if rfind is not None else 0
            if width is not None and q - width > lo:
                lo = q - width
            if windows and lo <= windows[-1][1] + 1:  # lo never decreases: the windows come in order
                windows[-1][1] = q
            else:
                windows.append([lo, q])
        h = a.heads
        found: list[int] = []
        find = (self.spaced() if h.spaced else folded).find
        for lo, q in windows:  # where a head string starts, inside a window
            for s in h.strings:
                stop = q + len(s)
                i = find(s, lo, stop)
                while i >= 0:
                    found.append(i)
                    i = find(s, i + 1, stop)
        text = self.text
        not_after = h.not_after
        if not_after:
            found = [i for i in found if i == 0 or text[i - 1] not in not_after]
        if h.boundary:  # \b fails between two word characters
            found = [i for i in found if i == 0 or i >= n or text[i] not in _WORD or text[i - 1] not in _WORD]
        if len(found) * _SPARSE > n:
            return None
        return sorted(set(found))

    def start_positions(self, heads: Heads | Anchor) -> Optional[list[int]]:
        """Sorted positions where a match with ``heads`` can start, or None when they are so many that
        trying each would cost more than letting ``re`` scan."""
        starts = self.starts
        if heads in starts:
            return starts[heads]
        if isinstance(heads, Anchor):
            out = starts[heads] = self.anchor_starts(heads)
            return out
        text = self.text
        n = len(text)
        out: Optional[list[int]] = None
        found: set[int] = set()
        raw_limit = n // _SPARSE_RAW
        occ = self._occ
        find = self.folded.find
        if heads.spaced:
            occ = occ.setdefault(_SPACED, {})
            find = self.spaced().find
        strings = heads.strings
        if heads.lead:
            found = self.lead_starts(heads)
        elif heads.word_re is not None:
            words = self.word_text(heads.not_after)
            if words is not None:  # one scan for all the strings, at word starts only
                found = {m.start() for m in heads.word_re.finditer(words)}
                strings = ()
        present = self.present
        for h in strings:
            got = occ.get(h)
            if got is None:  # every occurrence (they may overlap); most strings are absent: one find
                got = []
                # a string the plans found missing is not looked for again ("randomly " is "randomly"
                # and white space: missing when "randomly" is)
                key = h.rstrip(" ") if heads.spaced else h
                if " " in key or present.get(key) is not False:
                    i = find(h)
                    while i >= 0:
                        got.append(i)
                        i = find(h, i + 1)
                occ[h] = got
            if got:
                found.update(got)
                if len(found) > raw_limit:
                    break
        else:
            not_after = heads.not_after
            if heads.digits:
                first_only = _ASCII_DIGITS <= not_after
                if heads.run_class:
                    found.update(self.run_firsts(heads.run_class))
                else:
                    found.update(self.run_digits(first_only) if heads.runs else self.digits(first_only))
            if heads.lines:
                found.add(0)
                i = text.find("\n")
                while i >= 0:
                    found.add(i + 1)
                    i = text.find("\n", i + 1)
            if not_after:
                found = {i for i in found if i == 0 or text[i - 1] not in not_after}
            if heads.boundary:  # \b fails between two word characters
                found = {i for i in found if i == 0 or i >= n or text[i] not in _WORD or text[i - 1] not in _WORD}
            if len(found) * _SPARSE <= n:
                out = sorted(found)
        starts[heads] = out
        return out


_MARKS = bytes(48 if 48 <= b <= 57 else 44 if b == 44 else 32 if b < 128 and chr(b).isspace() else 46
               for b in range(256))
_OTHER = re.compile(r"[^\x00-\x7f]")  # a character that is not ASCII
_OTHER_DIGIT_OR_SPACE = re.compile(r"[^\x00-\x7f](?<=[\d\s])")
_OTHERS_FEW = 48  # TextIndex.marks looks at as many characters that are not ASCII one by one; more, by re
# In TextIndex.marks: the runs \d[\d,]*(?=\s) finds in the text (a digit right after a digit is not tried:
# it is inside the run of the digit before it, which either matched or ends where this one would)
_NUMBER_RUN = re.compile(rb"0(?<!00)[0,]*+(?= )")
# The characters \s matches in a str pattern other than the space, ASCII and not (every code point:
# tests/pipeline/test_cue_speed_equivalence.py checks the two lists against re)
_OTHER_SPACES_ASCII = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
_OTHER_SPACES_WIDE = ("\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                      "\u2028\u2029\u202f\u205f\u3000")
# The characters other than ASCII ones that re.IGNORECASE matches to an ASCII letter (fold makes them
# that letter; tests/pipeline/test_cue_speed_equivalence.py checks the list against re)
_ASCII_LOOKALIKES = frozenset(FOLD_SPECIAL) | {"\u212a"}
_WORD_STRINGS_MIN = 4  # strings looked for in TextIndex.word_text at once, rather than one by one


@lru_cache(maxsize=64)
def _barrier_table(barriers: frozenset) -> bytes:
    """bytes.translate table of :meth:`TextIndex.barrier_text`."""
    return bytes(0 if chr(b) in barriers and b != 63 else 1 for b in range(256))


@lru_cache(maxsize=64)
def _word_table(not_after: frozenset) -> bytes:
    """bytes.translate table of :meth:`TextIndex.word_text`."""
    return bytes(ord(chr(b).lower()) if b < 128 and chr(b) in not_after else 1 for b in range(256))


def trie(strings) -> str:
    """A pattern matching one of ``strings`` where one begins (a trie: alternatives share their beginnings, so
    ``re`` tries a few at each place, not all; a string ends it, the longer ones it begins add nothing — the
    places where a match starts are those of the plain alternation)."""
    if "" in strings:
        return ""
    groups: dict[str, list[str]] = {}
    for s in strings:
        groups.setdefault(s[0], []).append(s[1:])
    alts = [re.escape(c) + trie(rest) for c, rest in sorted(groups.items())]
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _word_pattern(strings) -> bytes:
    """A bytes pattern matching, in a :meth:`TextIndex.word_text`, a start byte and a string of ``strings``
    (ASCII): their :func:`trie`."""
    return trie(strings).encode("ascii")


def spaces(text: str) -> str:
    """``text`` with every character ``\\s`` matches made a space: same length."""
    # one str.replace per such character the text holds: a look for one character (memchr) costs far less
    # than re's character-class scan (a text that is all ASCII holds none of the wider ones)
    for ch in _OTHER_SPACES_ASCII:
        if ch in text:
            text = text.replace(ch, " ")
    if not text.isascii():
        for ch in _OTHER_SPACES_WIDE:
            if ch in text:
                text = text.replace(ch, " ")
    return text


_ASCII_DIGITS = frozenset("0123456789")
_REORDER_AT = frozenset({16, 64})  # Matcher._reorder after this many plans …
_REORDER_EVERY = 512               # … and every so many more
_SPARSE = 10       # starts are tried one by one when there is at most one per this many characters
_SPARSE_RAW = 3    # … counted before the look-behind and \b checks
_SHORT = 48        # texts shorter than this are searched by every pattern: checking costs as much as running
_HEADS_MIN = 200   # in texts shorter than this a pattern scans the window: finding starts would cost more
_CACHE: dict[str, TextIndex] = {}
_CACHE_SIZE = 32


def index(text: str) -> TextIndex:
    """The :class:`TextIndex` of ``text``. The last few texts are kept: a paragraph is searched by
    many cues, and in many windows."""
    idx = _CACHE.get(text)
    if idx is None:
        idx = TextIndex(text)
        if len(_CACHE) >= _CACHE_SIZE:
            try:
                del _CACHE[next(iter(_CACHE))]
            except (KeyError, RuntimeError, StopIteration):  # another thread evicted first
                pass
        _CACHE[text] = idx
    return idx


def finditer_at(pattern: re.Pattern, text: str, starts: list[int], pos: int, end: int) -> list[re.Match]:
    """What ``pattern.finditer(text, pos, end)`` gives when every match of it begins at one of ``starts``
    (sorted, inside the window): the pattern is tried there alone, each place after the last match."""
    found = []
    match = pattern.match
    after = pos
    for at in starts:
        if at < after:
            continue
        m = match(text, at, end)
        if m is not None:
            after = m.end()
            if after == at:  # an empty match (a head is never empty): let re say what follows
                return list(pattern.finditer(text, pos, end))
            found.append(m)
    return found


class Matcher:
    """Patterns searched together. :meth:`finditer` and :meth:`search` give, pattern by pattern, the
    matches ``re`` gives (same spans and groups, same order), skipping the patterns whose literal
    requirements the window lacks, and — in longer texts — trying a pattern only where one of its
    matches can start when such places are few (those match objects carry that place as ``pos``)."""

    def __init__(self, patterns: list[re.Pattern]):
        self.patterns = list(patterns)
        # shortest strings first: in a text that holds one, the look-up ends soonest
        self.needs = [tuple(tuple(sorted(strings, key=len)) for strings in requirements(p)) for p in self.patterns]
        self.heads = [start_heads(p) for p in self.patterns]
        self.checked = any(self.needs) or any(h is not None for h in self.heads)
        self._entries = list(zip(self.patterns, self.needs, self.heads))
        self._windows = object()  # the key of the window plan in TextIndex.plans
        # What the plans met so far, to order the look-ups (never what they find): how often each string
        # was the one that met its set, how often each set ruled its pattern out
        self._met: dict[str, int] = {}
        self._failed: dict[frozenset, int] = {}
        self._planned = 0

    def _plan(self, idx: TextIndex) -> list:
        """[(pattern, heads)] of the patterns possible somewhere in the whole text. Whether the text holds
        a string is looked up once per text (``TextIndex.present``), for every Matcher: many patterns
        need the same words, and a string the text lacks costs a whole scan to find missing — so the
        strings that met their set most often are looked up first, and the sets that fail most often
        (:meth:`_reorder`)."""
        present = idx.present
        folded = idx.folded
        met = self._met
        plan = []
        for p, need, h in self._entries:
            for strings in need:
                for s in strings:
                    held = present.get(s)
                    if held is None:
                        held = present[s] = s in folded
                    if held:
                        met[s] = met.get(s, 0) + 1
                        break
                else:  # no string of this set: the pattern cannot match
                    key = frozenset(strings)
                    self._failed[key] = self._failed.get(key, 0) + 1
                    break
            else:
                plan.append((p, h))
        self._planned += 1
        if self._planned in _REORDER_AT or self._planned % _REORDER_EVERY == 0:
            self._reorder()
        return plan

    def _reorder(self) -> None:
        """Each pattern's sets, the most often failed first, and each set's strings, the most often met
        first (ties keep their order). The entries are replaced, not changed: a plan under way in
        another thread reads the old ones."""
        met, failed = self._met, self._failed
        entries = []
        for p, need, h in self._entries:
            sets = sorted(need, key=lambda strings: -failed.get(frozenset(strings), 0))
            entries.append((p, tuple(tuple(sorted(strings, key=lambda x: -met.get(x, 0))) for strings in sets), h))
        self._entries = entries

    def _window_plan(self, folded: str, plan: list) -> list:
        """[(pattern, heads, sets narrowed to the strings the whole text holds)] for the patterns of ``plan``."""
        possible = {id(p) for p, _ in plan}
        return [(p, h, tuple(tuple(s for s in strings if s in folded) for strings in need))
                for p, need, h in self._entries if id(p) in possible]

    def _select(self, text: str, pos: int, end: int) -> tuple[list, Optional[TextIndex], int, int]:
        """([(pattern, heads)] that may match in ``text`` searched with ``pos`` and ``end`` (as ``re``
        takes them), the text's index or None, and the window clamped to the text)."""
        n = len(text)
        if not self.checked or n < _SHORT:
            return [(p, None) for p in self.patterns], None, pos, end
        idx = _CACHE.get(text) or index(text)
        folded = idx.folded
        if folded is None:
            return [(p, None) for p in self.patterns], None, pos, end
        plans = idx.plans
        plan = plans.get(self)
        if plan is None:
            plan = plans[self] = self._plan(idx)
        lo = 0 if pos < 0 else pos
        hi = n if end > n else (0 if end < 0 else end)
        if (lo == 0 and hi == n) or not plan:
            return plan, idx, lo, hi
        window_plan = plans.get(self._windows)
        if window_plan is None:
            window_plan = plans[self._windows] = self._window_plan(folded, plan)
        out = []
        find = folded.find
        for p, h, sets in window_plan:
            for strings in sets:
                for s in strings:
                    if find(s, lo, hi) >= 0:
                        break
                else:
                    break
            else:
                out.append((p, h))
        return out, idx, lo, hi

    @staticmethod
    def _starts(h: Optional[Heads], idx: TextIndex, lo: int, hi: int) -> Optional[list[int]]:
        """The few places in the window where a match with heads ``h`` can start, or None (scan it)."""
        if h is None or len(idx.text) < _HEADS_MIN:
            return None
        starts = idx.starts.get(h, False)
        if starts is False:
            starts = idx.start_positions(h)
        if starts is None or (lo == 0 and hi == len(idx.text)):  # the whole text: sparse enough already
            return starts
        i, j = bisect_left(starts, lo), bisect_left(starts, hi)
        if (j - i) * _SPARSE > hi - lo:
            return None
        if h.run_class and lo:  # a window that begins inside a run: the run's digit there is a start
            marks = idx.marks()
            at = lo
            if h.run_class == "number" and marks[lo - 1] in (44, 48):
                while at < hi and marks[at] == 44:
                    at += 1
            if at < hi and marks[at] == 48 and marks[lo - 1] in ((44, 48) if h.run_class == "number" else (48,)):
                return [at, *starts[i:j]]
        return starts[i:j]

    def finditer(self, text: str, pos: int, end: int) -> list[re.Match]:
        """Every match of every pattern, pattern after pattern, as ``p.finditer(text, pos, end)``."""
        plan, idx, lo, hi = self._select(text, pos, end)
        out: list[re.Match] = []
        for p, h in plan:
            starts = None if idx is None else self._starts(h, idx, lo, hi)
            if starts is None:
                out.extend(p.finditer(text, pos, end))
                continue
            out.extend(finditer_at(p, text, starts, pos, end))
        return out

    def search(self, text: str, pos: int, end: int) -> list[re.Match]:
        """The first match of each pattern that has one, pattern after pattern, as ``p.search``."""
        plan, idx, lo, hi = self._select(text, pos, end)
        out = []
        for p, h in plan:
            starts = None if idx is None else self._starts(h, idx, lo, hi)
            if starts is None:
                m = p.search(text, pos, end)
            else:
                match = p.match
                m = None
                for at in starts:
                    m = match(text, at, end)
                    if m is not None:
                        break
            if m is not None:
                out.append(m)
        return out
