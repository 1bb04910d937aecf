"""Abstract sections: headings that open a paragraph (or sit inside one), roles, and EN/ZH alignment."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

from .document import Paragraph
from .lexicon import lexicon
from .text import to_simplified

ROLES_IN_ORDER = ("background", "methods", "results", "conclusions")
_ZH_BEFORE = r"[。.；;！？\s\])】]"  # what a Chinese heading may follow


@lru_cache(maxsize=1)
def _heading_patterns() -> dict[str, re.Pattern]:
    rows = lexicon().sections
    en = sorted((r.heading for r in rows if r.lang == "en"), key=len, reverse=True)
    zh = sorted((r.heading for r in rows if r.lang == "zh"), key=len, reverse=True)
    en_alt = _by_first_letter(en)
    zh_alt = "|".join(re.escape(h) for h in zh)
    zh_heading = rf"\s*(?:[\[【](?P<hb>{zh_alt})[\]】]|(?P<h>{zh_alt})(?:\s*[:：]\s*|\s+))"
    return {
        # "Methods:" / "METHODS:" / "Purpose ROS1 ..." at a paragraph start
        "en_start": re.compile(rf"^\s*(?P<h>{en_alt})\s*(?:[:：.]\s*|\s+(?-i:(?=[A-Z0-9(])))", re.I),
        # "... end. RESULTS: ..." inside a paragraph; without a colon only as "... end. Results Between ..."
        # (the sentence end is matched, not looked behind at: a pattern that starts with a character
        # class is only tried where that class occurs; the mark starts after it, at group "sp")
        "en_inside": re.compile(rf"[.!?)\]](?P<sp>\s+)(?:(?P<h>{en_alt})\s*:\s+|(?P<hc>(?-i:[A-Z][a-z]+(?: and [A-Z][a-z]+)?))\s+(?-i:(?=[A-Z0-9])))", re.I),
        # 目的: / [目的] / 【结果】 / 目的 探讨 — at the start or after a sentence end or a space
        "zh": re.compile(rf"(?:^|(?<={_ZH_BEFORE}))" + zh_heading),
        # the same after a sentence end or space, which it matches (see _zh_marks)
        "zh_after": re.compile(_ZH_BEFORE + zh_heading),
        "zh_abstract": re.compile(r"^\s*[\[【]\s*摘\s*要\s*[\]】]\s*|^\s*摘要\s*[:：]\s*"),
    }


def _by_first_letter(headings: list[str]) -> str:
    """The alternation "|".join(re.escape(h).replace(r"\\ ", r"\\s+") for h in headings), its headings
    grouped by first letter: "m(?:ethods|aterials\\s+and\\s+methods|…)|r(?:esults|…)|…". The patterns
    match case-blind, and a case-blind letter is no quick test to the engine: each alternative cost a try
    at each place; grouped, one try per group. It matches what the flat one does: no character matches
    two different lower-case ASCII letters case-blind, so at any place at most one group can match, and
    within a group the headings keep their order (longest first)."""
    flat = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in headings)
    if not all(h[:1].isascii() and h[:1].islower() and len(h) > 1 for h in headings):
        return flat  # what the argument above does not cover
    groups: dict[str, list[str]] = {}
    for h in headings:
        groups.setdefault(h[0], []).append(h[1:])
    return "|".join(c + "(?:" + "|".join(re.escape(rest).replace(r"\ ", r"\s+") for rest in group) + ")"
                    for c, group in groups.items())


@lru_cache(maxsize=1)
def _role_of_heading() -> dict[str, str]:
    return {re.sub(r"\s+", " ", r.heading.lower()): r.role for r in lexicon().sections}


@lru_cache(maxsize=1)
def _bare_headings() -> set[str]:
    return {r.heading.lower() for r in lexicon().sections if r.bare == "yes"}


@lru_cache(maxsize=1024)  # headings as matched: a few dozen spellings occur
def _role(heading: str) -> Optional[str]:
    """The role of a heading as matched. The patterns match case-blind, and so also letters whose lower
    case is not the ASCII one ("İntroduction", "ReſULTS"): those are folded to ASCII before the look-up,
    and a heading still unknown gives no role rather than an error."""
    roles = _role_of_heading()
    key = re.sub(r"\s+", " ", heading.strip().lower())
    if key not in roles:
        folded = unicodedata.normalize("NFKD", heading.strip().casefold())
        key = re.sub(r"\s+", " ", "".join(c for c in folded if not unicodedata.combining(c)))
    return roles.get(key)


def split_headings(text: str, lang: str) -> list[Paragraph]:
    """Cut a paragraph at its section headings; a paragraph without one comes back whole, role None."""
    pats = _heading_patterns()
    if lang == "zh":
        text = pats["zh_abstract"].sub("", text)
        simple = to_simplified(text)  # headings are matched in Simplified; the text stays as written
        marks = _zh_marks(simple, pats)
        if not marks:
            marks = _glued_headings(simple)
    else:
        marks = []
        m = pats["en_start"].match(text)
        if m and _plausible_en_start(m, text):
            marks.append((m.start(), m.end(), m.group("h")))
        for m in pats["en_inside"].finditer(text):
            h = m.group("h") or m.group("hc")
            if h[0].isupper() and h.lower() in (_role_of_heading() if m.group("h") else _bare_headings()):
                marks.append((m.start("sp"), m.end(), h))
    if not marks:
        return [Paragraph(lang=lang, text=text.strip())] if text.strip() else []
    out: list[Paragraph] = []
    if text[: marks[0][0]].strip():
        out.append(Paragraph(lang=lang, text=text[: marks[0][0]].strip()))
    for i, (_, end, heading) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        body = text[end:stop].strip()
        if body:
            out.append(Paragraph(lang=lang, text=body, role=_role(heading)))
    return out


def _zh_marks(text: str, pats: dict[str, re.Pattern]) -> list[tuple[int, int, str]]:
    """[(m.start(), m.end(), m.group("hb") or m.group("h")) for m in pats["zh"].finditer(text)], found
    faster. "zh" opens with "^" or a look behind, which the engine tries at every place of the text;
    "zh_after" opens with the character looked behind at, so only the places after one are tried. Its
    match starts one before: at a place p > 0, "zh" matches where "zh_after" does at p - 1 (p = 0 is
    tried by "zh" itself). Searched from one before where the last match ended, as that character may
    close it ("目的: 方法: …": the space after 目的: is looked behind at for 方法)."""
    marks = []
    end = 0
    m = pats["zh"].match(text)
    if m:
        marks.append((0, m.end(), m.group("hb") or m.group("h")))
        end = m.end()
    search = pats["zh_after"].search
    while m := search(text, end - 1 if end else 0):
        marks.append((m.start() + 1, m.end(), m.group("hb") or m.group("h")))
        end = m.end()
    return marks


_GLUED = re.compile(r"(?:^|(?<=[。.;；!！?？]))\s*(?P<h>目的|方法|结果|结论)(?=[\u4e00-\u9fff(（A-Za-z0-9])")


def _glued_headings(text: str) -> list[tuple[int, int, str]]:
    """"目的评价……。方法研究对象为……。结果……": headings run into their text. Taken only when at least
    two of them stand in their usual order, so a sentence that merely starts with 结果 is not cut."""
    order = ["目的", "方法", "结果", "结论"]
    if sum(1 for h in order if h in text) < 2:  # fewer than two of them: no marks, whatever _GLUED finds
        return []
    marks = [(m.start("h"), m.end("h"), m.group("h")) for m in _GLUED.finditer(text)]
    heads = [h for _, _, h in marks]
    if len(set(heads)) >= 2 and heads == sorted(heads, key=order.index) and len(heads) == len(set(heads)):
        return marks
    return []


def _plausible_en_start(m: re.Match, text: str) -> bool:
    """A heading without a colon must be capitalised and followed by a new sentence ("Purpose ROS1 ...")."""
    sep = text[m.end("h"): m.end()]
    if ":" in sep or "：" in sep or "." in sep:
        return True
    return m.group("h")[0].isupper() and m.group("h").lower() in _bare_headings()


_REGISTRATION = re.compile(r"^(?:[^.]{0,80}(?:registered|registration|ClinicalTrials\.gov|number)[^.]{0,60}"
                           r"(?:NCT|ChiCTR|ISRCTN|EudraCT|UMIN|jRCT)[\w\-/ ]+\.?|Funding:.*|"
                           r"Electronic supplementary material.*)$", re.I)
_RESULT_CUES = re.compile(r"\d+(?:\.\d+)?\s*%|95\s*%\s*CI|[Pp]\s*[<=>]\s*0?\.\d|\bmonths?\b|个月|例")
_CONCLUSION_CUES = re.compile(r"\b(?:[Ii]n conclusion|suggest|conclude|warrant|these (?:results|findings|data)|"
                              r"promising|well tolerated|manageable)\b|结论|提示|表明|值得")


def assign_roles(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Give unlabelled paragraphs of one language a role: registration lines are `other`; the rest by
    position (background, methods, results, conclusions) with cue words deciding when the count is not 4."""
    for p in paragraphs:
        if p.role is None and _REGISTRATION.match(p.text.strip()):
            p.role = "other"
    open_ = [p for p in paragraphs if p.role is None]
    if not open_:
        return paragraphs
    if any(p.role for p in paragraphs if p.role != "other") or len(open_) == 1:
        for p in open_:
            p.role = "other"
        return paragraphs
    if len(open_) == 4:
        for p, role in zip(open_, ROLES_IN_ORDER):
            p.role = role
        return paragraphs
    scores = [len(_RESULT_CUES.findall(p.text)) for p in open_]
    best = max(range(len(open_)), key=lambda i: scores[i])
    for i, p in enumerate(open_):
        if i == best and scores[i] > 0:
            p.role = "results"
        elif i == 0:
            p.role = "background"
        elif i == len(open_) - 1 and (i > best or _CONCLUSION_CUES.search(p.text)):
            p.role = "conclusions"
        elif i < best:
            p.role = "methods"
        else:
            p.role = "conclusions" if _CONCLUSION_CUES.search(p.text) else "results"
    return paragraphs


def align_sections(paragraphs: list[Paragraph]) -> list[dict]:
    """Pair English and Chinese paragraphs that say the same thing into `sections` items.

    Equal counts pair by position; when both languages carry heading roles they pair by role and
    order within the role; otherwise by position as far as both go. Nothing is dropped.
    """
    en = [p for p in paragraphs if p.lang == "en"]
    zh = [p for p in paragraphs if p.lang == "zh"]
    by_heading = _has_headings(en) and _has_headings(zh)
    en, zh = assign_roles(en), assign_roles(zh)
    pairs: list[tuple[Optional[Paragraph], Optional[Paragraph]]]
    if en and zh and len(en) != len(zh) and by_heading:
        pairs = _pair_by_role(en, zh)
    else:
        n = max(len(en), len(zh))
        pairs = [(en[i] if i < len(en) else None, zh[i] if i < len(zh) else None) for i in range(n)]
    sections = []
    for e, z in pairs:
        role = (e.role if e and e.role != "other" else None) or (z.role if z else None) or (e.role if e else None)
        sections.append({"role": role or "other", "en": e.text if e else None, "zh": z.text if z else None})
    return sections


def _has_headings(ps: list[Paragraph]) -> bool:
    return sum(1 for p in ps if p.role and p.role != "other") >= 2


def _pair_by_role(en: list[Paragraph], zh: list[Paragraph]):
    zh_left = list(zh)
    pairs = []
    for e in en:
        match = next((z for z in zh_left if z.role == e.role), None)
        if match is not None:
            # Chinese paragraphs before the match that found no partner keep their place
            while zh_left[0] is not match:
                pairs.append((None, zh_left.pop(0)))
            zh_left.pop(0)
        pairs.append((e, match))
    pairs += [(None, z) for z in zh_left]
    return pairs
