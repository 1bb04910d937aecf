"""`kb_adverse_events`: adverse-event terms with grade, rate, count and arm."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ..lexicon import lexicon
from .facts import add_fact, sentence_bounds, terms_by_sentence, text_of
from .numbers import NUM, WORD_NUMBER, to_number

_RATE_AFTER = re.compile(
    r"\s*(?:\(|\[|,)\s*(?:n\s*=\s*(?P<n>\d+)\s*(?:[,;]\s*|\)\s*\(|\s*\[)?)?"
    r"(?:(?P<count>\d+|" + WORD_NUMBER.pattern + r")\s*[\[(]\s*)?(?:(?P<r>" + NUM + r")\s*%)?"
    r"|\s+(?:occurred|was\s+reported|were\s+reported|was\s+observed|developed)\s+in\s+(?P<r3>" + NUM + r")\s*%", re.I)
_RATE_AFTER_ZH = re.compile(r"\s*(?:[(\[]\s*(?:(?P<count>\d+)\s*例\s*[,，]?\s*)?(?P<r>" + NUM + r")\s*%|"
                            r"(?:的)?发生率(?:为|是)?\s*(?P<r2>" + NUM + r")\s*%|"
                            r"(?P<count2>\d+)\s*例\s*[(（]\s*(?P<r3>" + NUM + r")\s*%\s*[)）]|"
                            r"(?P<count3>\d+)\s*例(?!\s*[\d(（]))")  # "3级高血压2例": a count with no rate
_SEMICOLON = re.compile(r"[；;]")
_GRADE_COUNT_ZH = re.compile(r"\s*(?P<count>\d+)\s*例\s*[(（]\s*(?P<r>" + NUM + r")\s*%\s*[)）]")
# a grade written before Chinese terms reaches them across "、", rates and "，主要为…", not into a clause with a new
# subject: "3~4度恶心、呕吐及腹泻…，远期不良反应为放射性肠炎"
_ZH_CLAUSE_BREAK = re.compile(
    r"[；;]|[，,]\s*(?![\d(（]|主要|多|包括|以|分别|其中|均|依次|常见|如|为)[^，,、；;。]{1,12}?(?:为|是|有|包括|见)")
# a term with its own figure needs no other word to be an adverse event: "Major bleeding rate was similar (13.4 vs.
# 12.6%)", "Infusion-related pyrexia (37.2% vs. 32.3%)"
_FIGURE_AFTER = re.compile(r"\s*(?:rates?\b|\(\s*\d[\d.]*\s*(?:%|vs\.?|versus))", re.I)
_GRADE_N_AFTER = re.compile(r"\s*[(;,]?\s*grade\s*(?P<g>[1-5])\s*[,:]\s*n\s*=\s*(?P<n>\d+)\s*\)?", re.I)
_GRADE_PAIR = re.compile(r"grades?\s*([1-5])\s*(?:or|and)\s*([1-5])", re.I)
_SINGLE_GRADE = {"1": "1-2", "2": "1-2", "3": "3", "4": "4", "5": "5"}
_COUNT_RATE = re.compile(r"\b(?P<c>\d+|" + WORD_NUMBER.pattern + r")\s*(?:patients?\s*)?[(\[]\s*(?P<r>" + NUM
                         + r")\s*%\s*[)\]]", re.I)
_EACH = re.compile(r"\s*\(\s*(?:\w+\s*)?[\[(]?\s*(?P<r>" + NUM + r")\s*%\s*[\])]?\s*each\s*\)", re.I)
_NEGATED = re.compile(r"(?:\bno|\bwithout|\bnone\s+of|absence\s+of|\bnot\s+(?:induce|cause|increase|lead\s+to)|"
                      r"未发生|未出现|无)\s*(?:\w+\s+)?$", re.I)
_NEGATED_AFTER = re.compile(r"(?:\s*(?:,|and|or)\s*[\w-]+(?:\s+[\w-]+){0,2}?)*\s+(?:was|were)\s+not\s+"
                            r"(?:observed|seen|reported|found|noted|detected)|\s+did\s+not\s+occur", re.I)
_LIST_JOIN = re.compile(r"\s*(?:,|or|and|nor|,\s*or|,\s*and)\s*", re.I)
_MOSTLY = re.compile(r"(?:mostly|majority|mainly|predominantly|primarily|generally|多为|主要为|均为)[,\s]*$", re.I)


class AdverseEventFacts:
    def __init__(self, lang: str):
        self.lang = lang
        lex = lexicon()
        self.grades = [(pat, grade) for lg, pat, grade in lex.grades if lg == lang]
        self.context = lex.cue("ae_context", lang)
        self.arm_group = lex.cue("arm_group", lang)
        self.respectively = lex.cue("respectively", lang)
        self.drug_alias = lex.drug_alias

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        for (s0, s1), here in zip(sentence_bounds(doc), terms_by_sentence(doc, "AE")):
            if not here:
                continue
            every = self._grades(text, s0, s1)
            grades = [g[:3] for g in every if not g[3]]
            if not grades and not self.context.search(text, s0, s1) and not any(
                    _FIGURE_AFTER.match(text, s.end_char) for s in here):
                continue
            found = []
            negated_end = -1
            for span in here:
                if (_NEGATED.search(text, max(s0, span.start_char - 20), span.start_char)
                        or _NEGATED_AFTER.match(text, span.end_char, s1)
                        or (negated_end >= 0 and _LIST_JOIN.fullmatch(text, negated_end, span.start_char))):
                    negated_end = span.end_char
                    continue  # "no cerebral edema was reported", "未发生", "does not induce X or Y", "X was not observed"
                negated_end = -1
                grade = self._grade_for(text, span.start_char, span.end_char, grades, every)
                rate, n = self._rate(text, span.end_char)
                found.append([span, grade, rate, n])
            self._shared_rate(text, found)
            arm = self._arm(text, s0, s1)
            extra = self._grade_counts(text, found, grades, s0, s1) if self.lang != "zh" else []
            for span, grade, rate, n in found + extra:
                if grade is None:
                    continue
                add_fact(doc, "adverse_event", {"term": span.kb_id_, "grade": grade, "rate": rate, "n": n,
                                                "arm": arm}, span.start_char, span.end_char, written=span.text)
            if self.lang == "zh":
                self._breakdown(doc, text, here, found, [g[:3] for g in every], s1, arm)
        return doc

    def _grade_counts(self, text: str, found: list, grades: list, s0: int, s1: int) -> list[list]:
        """Grades given one by one with their own figures: "cytokine release syndrome (grade 1, n = 2; grade 3,
        n = 2)"; "Twelve (10%) and 3 patients (3%) had grade 3 or 4 neurologic events, respectively"."""
        out: list[list] = []
        for item in found:
            span = item[0]
            pos, split = span.end_char, []
            while (m := _GRADE_N_AFTER.match(text, pos, s1)):
                split.append((_SINGLE_GRADE[m.group("g")], None, int(m.group("n"))))
                pos = m.end()
            g = next((g for g in reversed(grades) if g[1] <= span.start_char and span.start_char - g[1] <= 3), None)
            pair = _GRADE_PAIR.fullmatch(text, g[0], g[1]) if g and not split else None
            if pair and self.respectively.search(text, span.end_char, s1):
                figures = list(_COUNT_RATE.finditer(text, s0, g[0]))
                if len(figures) == 2:
                    split = [(_SINGLE_GRADE[pair.group(i + 1)], _num(f.group("r")), _count(f.group("c")))
                             for i, f in enumerate(figures)]
                    item[1] = None  # the pair stands for its two grades, not for "3-4"
            out += [[span, g_, rate, n] for g_, rate, n in split]
        return out

    def _breakdown(self, doc: Doc, text: str, here: list, found: list, grades: list, s1: int, arm) -> None:
        """"高血压16例(42.1%)，其中1-2级14例(36.8%)，3-4级2例(5.3%)；手足综合征12例(31.6%)，均为1-2级": after
        a term, before the next term or "；", grades with their own count and rate, or "均为" a grade
        (all of them: the term's own figures)."""
        starts = sorted(s.start_char for s in here)
        for span, grade, rate, n in found:
            if grade != "any":
                continue
            nxt = min((st for st in starts if st > span.start_char), default=s1)
            stop = _SEMICOLON.search(text, span.end_char, nxt)
            end = stop.start() if stop else nxt
            for g0, g1, g in grades:
                if not span.end_char <= g0 < end:
                    continue
                if re.search(r"均为\s*$", text[max(0, g0 - 4):g0]):
                    gr, gn = rate, n
                else:
                    m = _GRADE_COUNT_ZH.match(text, g1)
                    if not m:
                        continue
                    gr, gn = _num(m.group("r")), int(m.group("count"))
                add_fact(doc, "adverse_event", {"term": span.kb_id_, "grade": g, "rate": gr, "n": gn, "arm": arm},
                         span.start_char, span.end_char, written=span.text)

    def _grades(self, text: str, s0: int, s1: int) -> list[tuple[int, int, str, bool]]:
        """Grades written in the sentence, as (start, end, grade, mostly): ``mostly`` for one that says what most
        events were ("mostly grade 1-2", 多为, 均为), not what each term's was."""
        out: list[tuple[int, int, str, bool]] = []
        for pat, grade in self.grades:
            for m in pat.finditer(text, s0, s1):
                if any(m.start() < e and s < m.end() for s, e, _, _ in out):
                    continue
                out.append((m.start(), m.end(), grade, bool(_MOSTLY.search(text[max(s0, m.start() - 20): m.start()]))))
        return sorted(out)

    def _grade_for(self, text, start, end, grades, every=()) -> str:
        after = [g for g in grades if 0 <= g[0] - end <= 3 and text[end:g[0]].strip() in ("(", "[", ",", "")]
        if after:
            return after[0][2]
        before = [g for g in grades if g[1] <= start]
        if self.lang == "zh":  # not across "；", nor a grade that carries its own count ("3-4级2例(5.3%)")
            before = [g for g in before if not _ZH_CLAUSE_BREAK.search(text[g[1]:start])
                      and not _GRADE_COUNT_ZH.match(text, g[1])]
        if before:
            return before[-1][2]
        # "primarily grade 1-2 infusion toxicities": a "mostly" grade written right before a term is that term's
        return next((g[2] for g in every if g[3] and g[1] <= start and not text[g[1]:start].strip()), "any")

    def _rate(self, text: str, end: int):
        if self.lang == "zh":
            m = _RATE_AFTER_ZH.match(text, end)
            if not m:
                return None, None
            r = m.group("r") or m.group("r2") or m.group("r3")
            raw_count = m.group("count") or m.group("count2") or m.group("count3")
            count = to_number(raw_count) if raw_count else None
            return _num(r), int(count) if count is not None else None
        m = _RATE_AFTER.match(text, end)
        if m and m.group("r3"):
            return _num(m.group("r3")), None
        if not m or (m.group("r") is None and m.group("n") is None):
            return None, None
        n = m.group("n") or m.group("count")
        count = to_number(n) if n else None
        return _num(m.group("r")), int(count) if count is not None else None

    def _shared_rate(self, text: str, found) -> None:
        """'... pancytopenia, and thrombocytopenia (two [3%] each)': the rate goes on the whole list."""
        if not found:
            return
        last = found[-1][0]
        m = _EACH.match(text, last.end_char)
        if m:
            for item in found:
                if item[2] is None:
                    item[2] = _num(m.group("r"))

    def _arm(self, text: str, s0: int, s1: int):
        m = self.arm_group.search(text, s0, s1)
        if not m:
            return None
        arm = m.group("arm")
        return self.drug_alias.get(arm.lower(), arm)


def _count(raw: str):
    n = to_number(raw)
    return int(n) if n is not None else None


def _num(raw):
    if raw is None:
        return None
    v = float(raw)
    return int(v) if v.is_integer() else v


@Language.factory("kb_adverse_events", default_config={"lang": "en"})
def make_adverse_event_facts(nlp: Language, name: str, lang: str) -> AdverseEventFacts:
    """Adverse events: CTCAE term, grade (any, 1-2, 3, 3-4, >=3, 4, 5), rate and count."""
    return AdverseEventFacts(lang)
