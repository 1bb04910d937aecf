"""Fast, exact searching of many regular expressions over the same texts: ``ingest.lexicon.Cue``'s engine.

Python's ``re`` tries a match at every position of the text when a pattern has no literal prefix
(every case-insensitive pattern that starts with a letter, a ``\\b`` or a look-behind), so searching
a paragraph for a cue that is not there costs as much as finding it. Two facts read off each pattern's
parse tree (so any pattern works — the cues are data) let a :class:`Matcher` do less, never differently:

* :func:`requirements` — sets of literal strings, every match containing at least one string of every
  set: ``\\bmedian\\b`` needs "median", ``(?:enrolled|recruited)\\s+(?P<n>\\d+)`` needs "enrolled" or
  "recruited". A pattern whose strings a window lacks is not run. Which patterns can match anywhere
  in a text is worked out once per text (:class:`TextIndex`, the last few texts kept), so the many
  windows of one paragraph only look for the strings the paragraph holds.
* :func:`heads` — where a match can start: at one of a few strings, at a digit, at a line start,
  never after what a leading look-behind or ``\\b`` rules out. A string followed by ``\\s+`` ("a\\s+total")
  ends in a space, and is then looked for in the text with every white-space character made a space. In a longer text whose such places are
  few, the pattern is tried there alone (``pattern.match`` at each, in order, resuming after a match,
  as ``finditer`` does), rather than scanned over every position.

Safety: both are necessary conditions only. Requirements count only characters of the matched span
(look-arounds, anchors and ``\\b`` add none), and a match lies inside (pos, endpos) even when a
look-behind peeks before it. Literal characters are ASCII or caseless; text and literals are folded
to the same lower case, mapping the three non-ASCII characters ``re.IGNORECASE`` equates with an ASCII
letter (İ ı ſ; the Kelvin sign lowers to "k" by itself) — tests/pipeline/test_cue_speed_equivalence.py
checks that folding against ``re`` over every code point, and the cues against plain runs. Anything
the analysis does not understand yields no requirement and no heads: the pattern is simply run.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Optional

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


def requirements(pattern: re.Pattern) -> tuple[tuple[str, ...], ...]:
    """Sets of folded literal strings such that every match of ``pattern`` (a str pattern) contains
    at least one string of every set, most selective first; () when nothing useful is known."""
    if not isinstance(pattern.pattern, str):
        return ()
    try:
        tree = _sre_parse.parse(pattern.pattern, pattern.flags)
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
    the folded text with every white-space character made a space (and so are the strings)."""

    __slots__ = ("strings", "digits", "lines", "not_after", "boundary", "spaced", "_key", "_hash")

    def __init__(self, strings: tuple[str, ...], digits: bool, lines: bool, not_after: frozenset, boundary: bool,
                 spaced: bool = False):
        self.strings = strings
        self.digits = digits
        self.lines = lines
        self.not_after = not_after
        self.boundary = boundary
        self.spaced = spaced
        self._key = (strings, digits, lines, not_after, boundary, spaced)
        self._hash = hash(self._key)

    def __hash__(self) -> int:  # equal heads share their start positions in a TextIndex
        return self._hash

    def __eq__(self, other) -> bool:
        return isinstance(other, Heads) and self._key == other._key

    def __repr__(self) -> str:
        return (f"Heads({self.strings!r}, digits={self.digits}, lines={self.lines}, "
                f"not_after={''.join(sorted(self.not_after))!r}, boundary={self.boundary}"
                + (", spaced=True)" if self.spaced else ")"))


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


def heads(pattern: re.Pattern) -> Optional[Heads]:
    """Where matches of ``pattern`` (a str pattern) can start, or None when that is not known."""
    if not isinstance(pattern.pattern, str):
        return None
    guards: dict = {}
    try:
        found = _first(_sre_parse.parse(pattern.pattern, pattern.flags), guards)
    except Exception:  # an unknown parse-tree shape
        return None
    if not found or "" in found:
        return None
    spaced = _SPACED in found
    strings = [spaces(h) if spaced else h for h in found if isinstance(h, str)]
    kept: list[str] = []
    for h in sorted(strings, key=len):  # "in" covers "including": an occurrence of the longer is one of it
        if not any(h.startswith(k) for k in kept):
            kept.append(h)
    return Heads(tuple(sorted(kept)), _DIGITS in found, _LINE in found,
                 guards.get("not_after", frozenset()), guards.get("boundary", False), spaced)


def _re_has_prefix(pattern: re.Pattern) -> bool:
    """Whether ``re`` compiled ``pattern`` with a literal or character-set prefix: then its own scan
    for the first character beats trying starts one by one."""
    try:
        from re import _compiler
        tree = _sre_parse.parse(pattern.pattern, pattern.flags)
        flags = tree.state.flags
        if tree.getwidth()[0] == 0:
            return False
        return bool(_compiler._get_literal_prefix(tree, flags)[0] or _compiler._get_charset_prefix(tree, flags))
    except Exception:  # another Python's internals: assume no prefix
        return False


def useful_heads(pattern: re.Pattern) -> Optional[Heads]:
    """:func:`heads` of ``pattern`` when trying its starts one by one promises to beat ``re``'s scan:
    ``re`` has no prefix of its own for it and the starts look sparse (at most one in ten characters,
    by a rough estimate; the real count is checked per text)."""
    h = heads(pattern)
    if h is None or _re_has_prefix(pattern):
        return None
    at_words = h.boundary or bool(h.not_after & _LETTERS)
    density = sum(_score((s,)) for s in h.strings) * (0.3 if at_words else 1.0)
    if h.digits:
        density += 0.03 if _ASCII_DIGITS <= h.not_after else 0.1
    if h.lines:
        density += 0.02
    return h if density * _SPARSE <= 1 else None


class TextIndex:
    """One text, folded once, with what the patterns searching it have learnt: for each
    :class:`Matcher`, its plan (``plans``: the patterns that can match somewhere in the text), and
    for each :class:`Heads`, the places where such a match can start (``starts``)."""

    __slots__ = ("text", "folded", "plans", "starts", "_occ", "_digits", "_spaced")

    def __init__(self, text: str):
        folded = fold(text)
        self.text = text
        self.folded = folded if len(folded) == len(text) else None  # fold keeps the length; guard anyway
        self.plans: dict = {}
        self.starts: dict = {}  # Heads → sorted start positions, or None when too many to be worth it
        self._occ: dict = {}  # literal string → where the folded text holds it (_SPACED → the same, spaced)
        self._digits: dict[bool, list[int]] = {}
        self._spaced: Optional[str] = None

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
            if every is None:
                text = self.text
                if text.isascii():  # the digits are 0-9: marked in bytes, found by bytes.find
                    every = []
                    find = text.encode("ascii").translate(_DIGIT_MARKS).find
                    i = find(48)
                    while i >= 0:
                        every.append(i)
                        i = find(48, i + 1)
                else:
                    every = [m.start() for m in _DIGIT.finditer(text)]
                self._digits[False] = every
            out = every
            if first_only and self.text.isascii():  # a digit after a non-digit
                out = [i for i, before in zip(every, [-2, *every]) if i != before + 1]
            self._digits[first_only] = out
        return out

    def start_positions(self, heads: Heads) -> Optional[list[int]]:
        """Sorted positions where a match with ``heads`` can start, or None when they are so many that
        trying each would cost more than letting ``re`` scan."""
        starts = self.starts
        if heads in starts:
            return starts[heads]
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
        for h in heads.strings:
            got = occ.get(h)
            if got is None:  # every occurrence (they may overlap); most strings are absent: one find
                got = []
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
                found.update(self.digits(first_only=_ASCII_DIGITS <= not_after))
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


_DIGIT = re.compile(r"\d")
_OTHER_SPACE = re.compile(r"[^\S ]")  # a white-space character other than the space


def spaces(text: str) -> str:
    """``text`` with every character ``\\s`` matches made a space: same length."""
    return _OTHER_SPACE.sub(" ", text) if _OTHER_SPACE.search(text) else text


_ASCII_DIGITS = frozenset("0123456789")
_DIGIT_MARKS = bytes(48 if 48 <= b <= 57 else 46 for b in range(256))  # bytes.translate: digit → "0", else "."
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
        self.heads = [useful_heads(p) for p in self.patterns]
        self.checked = any(self.needs) or any(h is not None for h in self.heads)
        self._entries = list(zip(self.patterns, self.needs, self.heads))
        self._windows = object()  # the key of the window plan in TextIndex.plans

    def _plan(self, folded: str) -> list:
        """[(pattern, heads)] of the patterns possible somewhere in the whole text."""
        contains = folded.__contains__
        return [(p, h) for p, need, h in self._entries if all(any(map(contains, strings)) for strings in need)]

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
            plan = plans[self] = self._plan(folded)
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
        if starts is None:
            return None
        i, j = bisect_left(starts, lo), bisect_left(starts, hi)
        if (j - i) * _SPARSE > hi - lo:
            return None
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
