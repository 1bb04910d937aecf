"""`kb_results`: numeric results — value, unit, stat, n/N, CI, p, arm, qualifier — tied to endpoints.

Per sentence: the CIs, p-values and n/N fractions are found first and fenced off; every remaining
figure with a unit (or after "HR"), or a count of responders, is tied to the endpoint named nearest
before it; then CIs, n/N, p-values, arms ("with X", "X组", "... respectively") and qualifiers
(confirmed, 12-month, intracranial) are attached.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..lexicon import lexicon
from ..prefilter import finditer_at
from ..text import ends_in
from .cues import one_pattern
from .facts import Term, add_fact, sentence_bounds, terms_by_sentence, text_of
from .numbers import (
    BARE_RANGE,
    FRACTION,
    NUM,
    NUM_WHOLE,
    NUMBER_FIRST,
    WORD_NUMBER,
    CIValue,
    as_int_or_float,
    find_ci,
    find_p_values,
    to_number,
)

UNITS = {"%": "%", "percent": "%", "month": "months", "months": "months", "mo": "months", "mos": "months",
         "个月": "months", "月": "months", "week": "weeks", "weeks": "weeks", "wk": "weeks", "wks": "weeks",
         "周": "weeks", "day": "days", "days": "days", "天": "days", "d": "days", "year": "years",
         "years": "years", "yr": "years", "yrs": "years", "年": "years", "mg/m2": "mg/m2", "mg/kg": "mg/kg", "mg": "mg"}
_UNIT = r"(?P<u>%|percent\b|months?\b|mos?\b|个月|weeks?\b|wks?\b|周|days?\b|天|years?\b|yrs?\b|mg/m2|mg/kg|mg\b)"
# (the figure's number is taken whole, NUM_WHOLE: no unit, connector or bracket begins with a digit, "," or ".")
VALUE = re.compile(r"(?<![A-Za-z0-9.\-/])(?P<v>" + NUM_WHOLE + r")\s*" + _UNIT)
# "9.0(95%CI:3.0~15.0)个月", "5.5 (3.8–14.0) months": the unit written after the figure's own CI
VALUE_CI_UNIT = re.compile(r"(?<![A-Za-z0-9.\-/])(?P<v>" + NUM_WHOLE + r")\s*[(（]\s*(?:95\s*%\s*CI[^()（）%]{0,40}|(?:" + NUM
                           + r")\s*(?:-|–|to|~|至)\s*(?:" + NUM + r"))[)）]\s*"
                           + _UNIT.replace("%|percent\\b|", ""))
# "23.6 vs 5.7 months", "93.4 and 66.0 %", "80.00%、92.00%": the unit written once for two figures
PAIR = re.compile(r"(?<![A-Za-z0-9.\-/])(?P<v1>" + NUM_WHOLE + r")\s*(?P<u1>%)?\s*(?:vs\.?|v\.?|versus|and|or|对|和|与|、)\s*"
                  r"(?P<v2>" + NUM_WHOLE + r")\s*" + _UNIT)
# spelled-out names in any case ("Hazard ratio" opens a sentence); the abbreviations only in capitals. Each name
# opens with one character, written out ("h(?i:azard…)|H(?i:azard…)" for "(?i:hazard…)", "HR(?<!\wHR)" for "\bHR"),
# so that re skips ahead to the characters that can begin a name instead of trying every name at every place
RATIO = re.compile(r"(?P<kind>h(?i:azard\s+ratio)|H(?i:azard\s+ratio)|o(?i:dds\s+ratio)|O(?i:dds\s+ratio)"
                   r"|r(?i:elative\s+risk)|R(?i:elative\s+risk)|r(?i:isk\s+ratio)|R(?i:isk\s+ratio)"
                   r"|HR(?<!\wHR)\b|OR(?<!\wOR)\b|RR(?<!\wRR)\b|风险比)"
                   r"(?:\s*[\[(][^\])]{0,30}[\])])?[^0-9;。]{0,60}?(?P<v>\d*\.\d+|\d+(?![\d.]*\s*%))")
_RATIO_KIND = {"hazard ratio": "hr", "hr": "hr", "风险比": "hr", "odds ratio": "or", "or": "or",
               "relative risk": "rr", "risk ratio": "rr", "rr": "rr"}
COUNT_EN = re.compile(r"(?P<n>\d+|" + WORD_NUMBER.pattern + r")\s+(?P<q>(?:confirmed|unconfirmed)\s+)?$", re.I)
COUNT_ZH_AFTER = re.compile(r"\s*(?:患者|者)?\s*(?:为|有|共)?\s*(?P<n>\d+)\s*例")
COUNT_ZH = re.compile(r"(?P<n>\d\d*)\s*例(?:为|患者|達到|达到|获得)?\s*(?P<q>未确认的|确认的)?\s*$")
_COUNT_ZH_LAST = "例为者到得的"  # the last character of each COUNT_ZH match (what ends_in looks for)
_TIMEPOINT_EN = re.compile(r"(?P<n>\d+|" + WORD_NUMBER.pattern + r")[\s-](?P<u>month|year|mo|yr)s?\b[\s-]*"
                           r"(?:(?:kaplan-meier\s+)?(?:estimated?|landmark)\s+)?$", re.I)
_TIMEPOINT_AFTER_EN = re.compile(r"\s*(?:\([A-Z]+\)\s*)?(?:rates?\s+)?at\s+(?P<n>\d+)\s+(?P<u>month|year)s?\b", re.I)
_TIMEPOINT_ZH = re.compile(r"(?P<n>\d\d*)\s*(?P<u>年|个月)\s*(?:的)?\s*$")
_TIMEPOINT_ZH_LAST = "年月的"  # the last character of each _TIMEPOINT_ZH match
_MODIFIER_EN = re.compile(r"\b(?P<q>confirmed|unconfirmed|intracranial|CNS|investigator-assessed|"
                          r"independently\s+assessed)\s+(?:\w+\s+){0,2}$", re.I)
_MODIFIER_ZH = re.compile(r"(?P<q>确认的?|未确认的?|颅内)\s*$")
_ZH_Q = {"确认": "confirmed", "确认的": "confirmed", "未确认": "unconfirmed", "未确认的": "unconfirmed",
         "颅内": "intracranial"}
# "84 patients (61%) had CNS metastases", "100% target lesion reduction": a share of patients or a size, not a result
_NOT_RESULT_AFTER = re.compile(r"^\s*\)?\s*(?:of\s+(?:the\s+)?patients\s+(?:had|were|with)|had\b|were\b|died\b|"
                               r"(?:target\s+lesion\s+|tumou?r\s+)?(?:reduction|decrease|increase|decline|shrinkage|"
                               r"improvement|relative|lower|higher|dose|change|loss|gain)\b)", re.I)
# "≥ 5% decline", "more than 50%": a threshold, not a result
_THRESHOLD_BEFORE = re.compile(r"(?:[≥≤<>]=?|at\s+least|more\s+than|less\s+than|greater\s+than|up\s+to|over|超过|大于|小于|以上)\s*$", re.I)
_THRESHOLD_LAST = "≥≤<>=tTnNoOrR过于上"  # the last character of each threshold (what ends_in looks for)


# "其靶病灶缩小了100%", "reduced by 50%": a change in size, not a result
# "复发转移病例26例，占24.07%", "26 cases in recurrence and transfer, accounted for 24.07%": the share of
# those cases, not a figure of the endpoint named before them
_SHARE_OF_CASES = re.compile(r"(?:\d+\s*例\s*[,，]?\s*占|\bcases?\b[^.;%]{0,40}?accounted\s+for)\s*$", re.I)
_NOT_RESULT_BEFORE = re.compile(r"(?:缩小|减少|降低|增加|下降|升高|reduced\s+by|reduction\s+of|decreased\s+by)了?\s*$", re.I)


_DIGIT = re.compile(r"\d")
# (Patterns that begin with a count are written from a single \d, "\d\d*" for "\d+": the same matches, but re then
# skips ahead to a digit instead of trying the pattern at every character.)
# where a number PAIR, VALUE and VALUE_CI_UNIT read can begin: a digit or "." their look-behind allows
_NUMBER_START = re.compile(r"[\d.](?<![A-Za-z0-9.\-/][\d.])")
_COUNTED = ("CR", "PR", "ORR")  # the endpoints whose responders are counted
# What every figure _figures reads holds, but the counts of responders (of the _COUNTED endpoints) and the doses
# and spans of days or years VALUE reads (for _DOSE_CODES alone): a digit or a closing bracket, then the start of
# a unit of %, weeks or months (VALUE, PAIR, VALUE_CI_UNIT: _UNIT_CLUE); else (_OTHER_CLUE) a pair's second number
# with any unit (PAIR), a rate written as a proportion (PROPORTION, up to its "0." and a digit), a bracket, then a
# decimal (_BARE_RATIO), or a ratio's name (RATIO, _RATIO_WORDS). A sentence without one, and without those
# endpoints, holds no figure. (Two patterns, each alternative of the second opening with one character, not a
# class: re then skips ahead to the characters that can begin a match, in both, instead of trying every place.)
_UNIT_CLUE = re.compile(r"[\d)）]\s*(?:[%周]|个月|percent|mo|we|wk)")
_PAIR_UNIT = r"\s*(?:" + NUM + r")\s*(?:[天年]|mg|da|ye|yr)"
_OTHER_CLUE = re.compile("|".join(c + _PAIR_UNIT for c in (r"vs\.?", r"v\.?", "versus", "and", "or", "对", "和", "与", "、"))
                         + r"|率\s*(?:为|是|达|:|：)\s*0\.\d|r(?i:ate\s+(?:was|of|=))\s*0\.\d|R(?i:ate\s+(?:was|of|=))\s*0\.\d"
                         r"|\(\s*\d?\.\d|\[\s*\d?\.\d|ratio|Ratio|RATIO|risk|Risk|RISK|HR|OR|RR|风险比")
_DOSE_CODES = ("MTD", "RP2D")  # the endpoints whose figures are doses (see _dose_endpoint)
_FULL_READ = _COUNTED + _DOSE_CODES
_SPACES = re.compile(r"\s+")
_RATIO_WORDS = ("ratio", "Ratio", "RATIO", "risk", "Risk", "RISK", "HR", "OR", "RR", "风险比")  # in every RATIO match
_CI_AFTER = re.compile(r"\s*(?:CI|confidence)")
_RATE_AFTER_COUNT = re.compile(r"\s*[(（]\s*" + NUM + r"\s*%")
_RATE_WORD_AFTER = re.compile(r"^\s*(?:rates?\b|率)")
_RATE_AFTER_RESPONSE = re.compile(r"^\s*s?\s*[(\[]\s*" + NUM + r"\s*%")
_WORD_END_AFTER = re.compile(r"^s?\b")
_RESPONSES = re.compile(r"responses?\s*$|缓解\s*$")
_COUNT_BEFORE_SHARE = re.compile(NUMBER_FIRST + r"(?:\d+|" + WORD_NUMBER.pattern
                                 + r")\s*(?:patients?|participants?|subjects?|cases?|例|名)?\s*[(\[]\s*$", re.I)
_CATEGORY_COUNT_GAP = re.compile(r"\s*(?:(?:was|were)\s+(?:achieved|observed|seen|reported|noted|attained)\s+)?"
                                 r"(?:患者|者|为|有|:|：|in|of|by)?\s*(?:(?:\d+|" + WORD_NUMBER.pattern + r")\s+(?:of|/)\s+)?"
                                 r"(?:\d+|" + WORD_NUMBER.pattern + r")\s*(?:例|名|patients?|cases?)?\s*[(（\[]\s*", re.I)
# "in 12 of 40 patients (30%)": the count and its total written before the share
_N_OF_N_SHARE = re.compile(r"(?<![\d.])(?P<n>\d\d*)\s+(?:of|/)\s+(?P<N>\d\d*)\s+(?:[\w-]+\s+){0,2}?"
                           r"(?:patients?|participants?|subjects?|cases?)\s*[(\[]\s*$", re.I)
_SHARE_VERB = re.compile(r"\s*(?:[;,][^()\[\]]{0,40})?[)\]]?\s*(?:of\s+(?:the\s+)?\d+\s+(?:[\w-]+\s+){0,3}?)?"
                         r"(?:patients\s+)?(?:(?:in|on|with|receiving)\s+(?:the\s+)?[\w+\- ]{1,40}?\s+(?:group|arm)\s+)?"
                         r"(?:had|achieved|attained|experienced|showed|reached|obtained|were\s+in)\b")
_AND_GAP = re.compile(r"\s*(?:and|和|及|与|、)\s*")
_OF_TOTAL_AFTER = re.compile(r"\s*(?:[;,][^()\[\]]{0,40})?[)\]]\s*(?:of|/)\s*(?P<N>\d+|" + WORD_NUMBER.pattern + r")\b",
                             re.I)
_COUNT_BEFORE = re.compile(NUMBER_FIRST + r"(?P<n>\d+|" + WORD_NUMBER.pattern + r")\s*(?:patients?\s*)?[(\[]\s*$", re.I)
# The same two without the number words, for a text with no letter (a Chinese one, mostly), where no word can match:
# re tries every word at every character, in any case, and then skips to the digits alone
_COUNT_BEFORE_SHARE_DIGITS = re.compile(r"\d\d*\s*(?:patients?|participants?|subjects?|cases?|例|名)?\s*[(\[]\s*$",
                                        re.I)
_COUNT_BEFORE_DIGITS = re.compile(r"(?P<n>\d\d*)\s*(?:patients?\s*)?[(\[]\s*$", re.I)
# what re.IGNORECASE matches to an ASCII letter: the letters, İ ı ſ and the Kelvin sign (tested against re)
_LETTER = re.compile("[A-Za-z\u0130\u0131\u017f\u212a]")
_OF_TOTAL_BEFORE = re.compile(r"\b(?:of|among)\s+(?:the\s+|all\s+)?(?P<N>\d+|" + WORD_NUMBER.pattern + r")\s+", re.I)
_IN_PATIENTS = re.compile(r"\b(?:in|among|of|for)\s+(?:the\s+|all\s+)?(?P<N>\d+)\s+(?:\w+\s+){0,2}?"
                          r"(?:patients|participants|subjects)\b", re.I)
_N_OF_N_BEFORE = re.compile(r"(?P<n>\d\d*)\s+(?:of|/)\s+(?P<N>\d+)\s+(?:\w+\s+){0,5}$")
_ZH_CASES_BEFORE = re.compile(r"(?P<n>\d\d*)\s*例\s*[(（]\s*$")
_COMMA_AFTER_RATIO = re.compile(r"\s*[\])]?\s*,\s*")
_CLOSING = re.compile(r"[)\]）.。]")
_ARMS_NAMED = re.compile(r"\b(?:in|for|with|of)\s+(?:the\s+)?(?:groups?\s+)?(?P<a>[\w\-+]+(?:\s+[\w\-+]+)?)\s+"
                         r"(?:and|or|vs\.?|versus)\s+(?P<b>[\w\-+]+(?:\s+[\w\-+]+)?)(?:\s+(?:groups?|arms?))?")
# "longer with osimertinib than with standard therapy (18.9 vs 10.2 months)": the arms named before a compared pair
_ARMS_COMPARED = re.compile(r"\bwith\s+(?P<a>[\w\-+/]+(?:\s+(?!than\b|versus\b|vs\b)[\w\-+/.]+){0,2})\s+(?:than|versus|"
                            r"vs\.?|compared\s+(?:with|to))\s+(?:with\s+)?(?:the\s+)?(?P<b>[\w\-+/]+(?:\s+[\w\-+/.]+){0,2}?)"
                            r"(?:\s+(?:groups?|arms?))?\s*[(\[]\s*(?:median|mean)?\s*$", re.I)
_ARM_VERB = re.compile(r"\s+(?:was|were|is|are|had|has|showed|group|arm|cohort)s?$", re.I)
_OPEN_BRACKET_GAP = re.compile(r"\s*[(\[][^)\]]*")
_CLAUSE_CUT = re.compile(r"[；;]")
_ZH_ARM_CUT = re.compile(r"[于的与和及较比为在中]")
_LIST_JOIN = re.compile(r"\s*(?:,|、|，|和|及|与|and|or|,\s*and)\s*")
_VERSUS_GAP = re.compile(r"\s*(?:%\s*)?(?:vs\.?|versus|v|对|比)\s*", re.I)
# (every alternative opens with one character, "r(?<!\wr)(?i:ate…)" for "\brate" in any case: re skips ahead to them)
PROPORTION = re.compile(r"(?:率\s*(?:为|是|达|:|：)|r(?<!\wr)(?i:ate\s+(?:was|of|=))|R(?<!\wR)(?i:ate\s+(?:was|of|=)))"
                        r"\s*(?P<v>0\.\d{1,3})(?![\d.%])")
_CI_PAIR_HEAD = re.compile(r"(?<![A-Za-z0-9.\-/])(?P<v>" + NUM + r")\s*[(（]\s*95\s*%\s*CI[^()（）%]{0,40}[)）]\s*"
                           r"(?:和|与|、|及|vs\.?|versus|and)\s*$", re.I)
_FRACTION_BEFORE = re.compile(r"(?<![\d.])(?P<n>\d+)\s*/\s*(?P<N>\d+)\s*[(（\[]\s*$")
_LINK_BEFORE_FRACTION = re.compile(r"(?:\s*[(（][^()（）]{0,20}[)）])*\s*(?:[+]\s*\w+\s*(?:[(（][^()（）]{0,10}[)）])?\s*)?"
                                   r"(?:was|were|is|of|:|：|=|为|达)?\s*", re.I)
_CHAINED_CI = re.compile(r"\s*(?:,|;|and|vs\.?|versus)\s*(?:and\s+)?(?P<low>" + NUM + r")\s*(?:%|months?)?\s*(?:to|-|–|~)\s*"
                         r"(?P<high>" + NUM + r")(?!\s*(?:%\s*CI|months?\s+(?:vs|with)))")
_BARE_RATIO = re.compile(r"[(\[]\s*(?P<v>\d?\.\d+)\s*[,;]\s*(?:95%\s*CI[,:]?\s*)?(?P<low>" + NUM
                         + r")\s*(?:-|–|to)\s*(?P<high>" + NUM + r")\s*[;,]\s*p\s*[<=>≤]", re.I)
_RESPECTIVELY_COMPARED = re.compile(r"分别(?:高于|低于|优于|差于|多于|少于|长于|短于|大于|小于)[^，,。；;%\d]{0,12}?的?")
_SHARE_LIST = re.compile(r"(?:\s*[(\[][^()\[\]]{0,40}[)\]])?\s+of\s+[^.;%]{0,60}?\s+and\s+" + r"(?:" + NUM + r")\s*%"
                         r"(?:\s*[(\[][^()\[\]]{0,40}[)\]])?\s+of\s+[^.;%]{0,40}?\s+(?:were|was|had|remained)\s+", re.I)
_RATIO_RANGE = re.compile(r"\s*[(\[]\s*(?P<low>" + NUM + r")\s*(?:-|to|~|–|至)\s*(?P<high>" + NUM + r")\s*(?=[;,)\]])")
_SHARE_RANGE_AFTER = re.compile(r"\s*(?:to|-|–)\s*(?:" + NUM + r")\s*%\s+of\b")
_SHARE_RANGE_BEFORE = re.compile(r"(?:" + NUM + r")\s*%?\s*(?:to|-|–)\s*$")
_OF_AFTER = re.compile(r"\s+of\b")
_GROUP_AFTER = re.compile(r"\s*(?:组|患者组|\s(?:group|arm|cohort)\b)", re.I)
_LIST_GAP = re.compile(r"[)）]?[^.;。；()]{0,140}?(?:,|，|、|\band\b)\s*(?:and\s+)?(?:\d+|" + WORD_NUMBER.pattern + r")\s*[(（]\s*",
                       re.I)
_NAMED_ARM_DOSE = re.compile(r"(?<=[A-Za-z])\s+\d+(?:\.\d+)?\s*-?\s*mg(?:/kg|/m2)?\b(?=\s*(?:,|versus\b|vs\b|than\b|compared\b|or\b|and\b|"
                             r"\(|group\b|arm\b))", re.I)
_ARM_DOSE = re.compile(r"\d\d*(?:\.\d+)?\s*-?\s*mg(?:/kg|/m2)?\b", re.I)  # "2 mg/kg", "the 80-mg group"
_DIFFERENCE = re.compile(r"(?:estimated\s+)?(?:treatment\s+|absolute\s+|risk\s+)?difference(?:\s+of)?\s*,?\s*$|差异为\s*$", re.I)
# "18 (29%; 18-41)": a CI written after a semicolon without its name
_SEMI_RANGE = re.compile(r"\s*;\s*(?P<low>" + NUM + r")\s*%?\s*(?:-|to|–)\s*(?P<high>" + NUM + r")\s*%?\s*[)\]]")


@dataclass
class Mention:
    start: int
    end: int
    code: str
    qualifier: Optional[str]


@dataclass
class Figure:
    start: int
    end: int
    value: float
    unit: Optional[str]
    stat: Optional[str] = None
    endpoint: Optional[Mention] = None
    n: Optional[int] = None
    N: Optional[int] = None
    ci: Optional[dict] = None
    p: Optional[float] = None
    p_op: Optional[str] = None
    arm: Optional[str] = None
    qualifiers: list[str] = field(default_factory=list)
    tail: int = 0  # end of the figure's attached CI / fraction, for the span


class ResultFacts:
    def __init__(self, lang: str):
        self.lang = lang
        lex = lexicon()
        self.median = one_pattern(lex.cue("median", lang), lang)
        self.mean = one_pattern(lex.cue("mean", lang), lang)
        self.followup = one_pattern(lex.cue("followup", lang), lang)
        self.survey = lex.cue("survey_response", lang)
        self.respectively = one_pattern(lex.cue("respectively", lang), lang)
        self.arm_group = one_pattern(lex.cue("arm_group", lang), lang)
        self.drug_alias = lex.drug_alias
        self.time_before = one_pattern(lex.cue("not_result_time", lang), lang)
        self.versus = one_pattern(lex.cue("versus", lang), lang)
        self.difference = one_pattern(lex.cue("difference_statement", lang), lang)
        self.ae_context = one_pattern(lex.cue("ae_context", lang), lang)
        self.ae_mention = one_pattern(lex.cue("ae_mention", lang), lang)
        self.last_mention: Optional[Mention] = None

    def __call__(self, doc: Doc) -> Doc:
        self._ratios: tuple = (None, [])
        self._short_forms = doc.user_data.get("kb_short_forms", {})  # "MST" -> "median survival time" (kb_terms)
        text = text_of(doc)
        part_starts = {a for a, _, _ in doc.user_data.get("kb_parts", ())}
        bounds = sentence_bounds(doc)
        terms_in = terms_by_sentence(doc, "ENDPOINT")
        for (sent_start, sent_end), spans in zip(bounds, terms_in):
            if sent_start in part_starts or sent_start == 0:  # a new part: nothing carries over
                self.last_mention = None
                self._part_start = sent_start
                previous: list = []  # the result facts of the sentence before
            mentions = _mentions(text, spans) if spans else []
            if any(x.code == "ORR" for x in mentions) and self.survey.search(text, sent_start, sent_end):
                # "the response rate to the questionnaire was 64%": answers to a survey, not tumour responses
                for x in mentions:
                    if x.code == "ORR":
                        x.code = "-"
            emitted = []
            carried = not mentions and self.last_mention is not None
            first_digit = _DIGIT.search(text, sent_start, sent_end) if mentions or carried else None
            if carried:
                if self.ae_context.search(text, sent_start, first_digit.start() if first_digit else sent_end):
                    carried = False  # "adverse events were nausea (33%/40%), …": figures of events, not of the endpoint before
                    self.last_mention = None
            # every figure holds a digit but an English count of responders ("one complete response"): a
            # sentence with neither has no figure, and is not read
            if (mentions or carried) and (first_digit is not None or (
                    self.lang != "zh" and any(x.code in _COUNTED for x in mentions))):
                for fig in self.sentence(text, sent_start, sent_end, mentions, doc):
                    if fig.endpoint.code != "-":
                        emitted.append(self._emit(doc, fig))
            if not emitted and previous:
                named = {m.code for m in mentions if m.code != "-"}
                if self._p_of_difference(text, sent_start, sent_end, previous, named):
                    previous = []
            elif emitted:
                # figures still waiting for a p: this sentence's, and the ones before when it has none of its own
                previous = (previous if all(f.value["p"] is None for f in emitted) else []) + emitted
            real = [m for m in mentions if m.code != "-"]
            if real:
                self.last_mention = real[-1]
        return doc

    # -- one sentence -----------------------------------------------------------------------------------------
    def sentence(self, text: str, s0: int, s1: int, mentions: list[Mention], doc: Doc) -> list[Figure]:
        if not (may_hold_figure(text, s0, s1) or any(x.code in _FULL_READ for x in mentions)):
            return []  # no figure the sentence could hold: nothing to read
        self._last_share = None
        fenced: list[tuple[int, int]] = []
        cis = []
        pos = s0
        while True:
            ci = find_ci(text, pos, s1)
            if not ci:
                break
            cis.append(ci)
            fenced.append((ci.start, ci.end))
            pos = ci.end
        chains = []  # "(95% CI, 2.5 to 5.3 and 1.9 to 3.8, respectively)": one CI per figure, in order
        for ci in list(cis):
            chain, at = [ci], ci.end
            while (m := _CHAINED_CI.match(text, at, s1)):
                low, high = to_number(m.group("low")), to_number(m.group("high"))
                if low is None or high is None or low > high:
                    break
                nxt = CIValue(ci.level, low, high, m.start("low"), m.end("high"))
                chain.append(nxt)
                cis.append(nxt)
                fenced.append((nxt.start, nxt.end))
                at = m.end()
            if len(chain) > 1:
                chains.append(chain)
        pvals = find_p_values(text, s0, s1)
        fenced += [(p.start, p.end) for p in pvals]
        figures = self._figures(text, s0, s1, fenced, mentions)
        self._figs = figures
        figures = [f for f in figures if self._tie(text, f, mentions, s0)]
        self._pairs_to_two_endpoints(text, figures, mentions)
        self._compared: list[list[Figure]] = []
        self._respectively_compared(text, figures)
        for chain in chains:
            before = [f for f in figures if f.end <= chain[0].start and f.stat not in ("hr", "or", "rr")]
            before = before[-len(chain):]
            if len(before) == len(chain) and all(f.ci is None for f in before):
                for f, ci in zip(before, chain):
                    f.ci = {"level": as_int_or_float(ci.level), "low": as_int_or_float(ci.low),
                            "high": as_int_or_float(ci.high)}
        for f in figures:
            if f.ci is None:
                self._attach_ci(text, f, cis, figures)
            self._attach_fraction(text, f, mentions, s0, figures)
            self._stat_and_qualifiers(text, f, s0)
        self._attach_p(text, figures, pvals)
        self._arms(text, s0, s1, figures, mentions)
        for group in self._compared:  # each side of "A、B，分别高于对照组的C、D" is one arm
            armed = [f.arm for f in group if f.arm]
            if len(set(armed)) == 1:
                for f in group:
                    f.arm = armed[0]
        return figures

    def _figures(self, text, s0, s1, fenced, mentions) -> list[Figure]:
        out: list[Figure] = []
        self._pair_of: dict[int, Figure] = {}
        # the characters a fence (CI, p-value) or a figure already covers, marked 1 (every span is inside the
        # sentence and not empty): a place is free when the window over it holds no mark
        taken = bytearray(s1 - s0)
        for a, b in fenced:
            taken[a - s0:b - s0] = b"\x01" * (b - a)

        def free(a: int, b: int) -> bool:
            return taken.find(1, a - s0, b - s0) < 0

        def add(fig: Figure) -> None:
            out.append(fig)
            taken[fig.start - s0:fig.end - s0] = b"\x01" * (fig.end - fig.start)

        # a pattern is run only where the sentence holds what each of its matches holds: every figure a digit,
        # a ratio its name, a bare ratio "(" or "[" and its p, a figure with its CI before the unit "(" or "（", a
        # proportion "0."; a figure with its unit begins with its number (a digit, or the "." of ".5") where
        # no letter, digit, ".", "-" or "/" comes before it: those patterns are tried at such places alone
        first_digit = _DIGIT.search(text, s0, s1)
        if first_digit is None:
            return sorted(self._counts(text, mentions, fenced, out), key=lambda f: f.start)
        sent = text[s0:s1]  # looked into by ``in``: cheaper than ``text.find`` with bounds, string after string
        if any(x in sent for x in _RATIO_WORDS):
            for m in RATIO.finditer(text, s0, s1):
                if free(m.start("v"), m.end("v")):
                    kind = _RATIO_KIND[_SPACES.sub(" ", m.group("kind").lower())]
                    add(Figure(m.start("v"), m.end("v"), float(m.group("v")), "ratio", stat=kind))
        # "(HR 0.71, 95% CI 0.58-0.88; p=0.0008) and for X versus Y (0.61, 0.49-0.75; p<0.0001)": once a text has
        # named its ratio, a bare "(value, low-high; p" is another one of the same kind
        named = []
        bracket = "(" in sent or "[" in sent
        if bracket and ("p" in sent or "P" in sent) and _BARE_RATIO.search(text, s0, s1):
            if self._ratios[0] is not text:  # the named ratios of this text, found once, when first wanted
                found = RATIO.finditer(text) if any(x in text for x in _RATIO_WORDS) else ()
                self._ratios = (text, [(m.start(), m.group("kind")) for m in found])
            named = [k for start, k in self._ratios[1] if self._part_start <= start < s1]
        if named:
            kind = _RATIO_KIND[_SPACES.sub(" ", named[-1].lower())]
            for m in _BARE_RATIO.finditer(text, s0, s1):
                if free(m.start("v"), m.end("v")):
                    fig = Figure(m.start("v"), m.end("v"), float(m.group("v")), "ratio", stat=kind)
                    fig.ci = {"level": 95, "low": as_int_or_float(float(m.group("low"))),
                              "high": as_int_or_float(float(m.group("high")))}
                    add(fig)
        lo = max(s0, first_digit.start() - 1)
        starts = [m.start() for m in _NUMBER_START.finditer(text, lo, s1)]
        for m in finditer_at(PAIR, text, starts, lo, s1):
            if free(m.start(), m.end()):
                unit = unit_of(m.group("u"))
                if unit != "%" and self.time_before.search(text, max(s0, m.start() - 24), m.start()):
                    continue  # "overall survival at 6 and 12 months": two time points, not two figures
                a = Figure(m.start("v1"), m.end("v1"), float(m.group("v1").replace(",", "")), unit)
                b = Figure(m.start("v2"), m.end(), float(m.group("v2").replace(",", "")), unit)
                a.qualifiers, b.qualifiers = [], []
                a.tail, b.tail = 0, 0
                add(a)
                add(b)
                self._pair_of[id(a)] = b
        for m in finditer_at(VALUE, text, starts, lo, s1):
            if free(m.start(), m.end()):
                unit = unit_of(m.group("u"))
                if unit in ("mg", "mg/m2", "mg/kg", "days", "years") and not self._dose_endpoint(text, m, mentions):
                    continue
                if unit != "%" and self.time_before.search(text, max(s0, m.start() - 24), m.start()):
                    continue  # "at 3 months", "within 3 months": a time point, not a figure
                add(Figure(m.start(), m.end(), float(m.group("v").replace(",", "")), unit))
        if "(" in sent or "（" in sent:
            for m in finditer_at(VALUE_CI_UNIT, text, starts, lo, s1):
                if free(m.start("v"), m.end("v")):
                    unit = unit_of(m.group("u"))
                    add(Figure(m.start("v"), m.end("v"), float(m.group("v").replace(",", "")), unit))
                    # "9.0(95%CI:8.2~9.8)和10.5(95%CI:9.0~12.0)个月": the unit written once for both
                    head = _CI_PAIR_HEAD.search(text, max(s0, m.start() - 60), m.start())
                    if head and free(head.start("v"), head.end("v")):
                        add(Figure(head.start("v"), head.end("v"), float(head.group("v").replace(",", "")), unit))
        if "0." in sent:  # "5年無病存活率為0.78": a rate as a proportion
            for m in PROPORTION.finditer(text, s0, s1):
                if free(m.start("v"), m.end("v")):
                    add(Figure(m.start("v"), m.end("v"), float(m.group("v")), None, stat="rate"))
        out += self._counts(text, mentions, fenced, out)
        return sorted(out, key=lambda f: f.start)

    def _respectively_compared(self, text: str, figures: list[Figure]) -> None:
        """"观察组疾病控制率为86.11%、客观缓解率为66.67%，分别高于对照组的63.89%、41.67%": the figures after
        "分别高于…" take the endpoints of the figures before it, in order."""
        for m in _RESPECTIVELY_COMPARED.finditer(text, figures[0].start if figures else 0,
                                                 figures[-1].start if figures else 0):
            before = [f for f in figures if f.end <= m.start() and f.stat not in ("hr", "or", "rr")]
            after = [f for f in figures if f.start >= m.end() and f.stat not in ("hr", "or", "rr")]
            if len(before) >= 2 and len(after) >= 2:
                k = min(len(before), len(after))
                before, after = before[-k:], after[:k]
                if all(f.unit == g.unit for f, g in zip(before, after)):
                    for f, g in zip(before, after):
                        g.endpoint = f.endpoint
                    self._compared += [before, after]

    def _dose_endpoint(self, text, m, mentions) -> bool:
        """Doses and day counts are results only for MTD/RP2D ("the MTD was 12 mg/kg")."""
        return any(x.code in _DOSE_CODES and 0 <= m.start() - x.end < 25 for x in mentions)

    def _counts(self, text, mentions, fenced, taken) -> list[Figure]:
        """'one complete response and 19 partial responses', '3 例完全缓解': counts of responders."""
        out = []
        for x in mentions:
            if x.code not in _COUNTED:
                continue
            if self.lang == "zh":
                after_m = COUNT_ZH_AFTER.match(text, x.end)
                if after_m and not any(f.start <= after_m.start("n") < f.end for f in taken):
                    # "完全缓解0例", "CR 患者0例": the count after; with "(10.4%)" after it is a rate's n
                    if not _RATE_AFTER_COUNT.match(text[after_m.end(): after_m.end() + 12]):
                        out.append(Figure(after_m.start("n"), after_m.end(), float(after_m.group("n")), "count",
                                          endpoint=x))
                    continue
            m = self._count_before(text, x)
            if not m or any(f.start <= m.start() < f.end for f in taken):
                continue
            after = text[x.end: x.end + 14]
            if _RATE_WORD_AFTER.match(after):
                continue
            if _RATE_AFTER_RESPONSE.match(after):  # "1 confirmed response (3.2%)": a rate
                continue
            q = (m.group("q") or "").strip()
            if q.startswith(("unconfirmed", "未确认")):  # unconfirmed responses are not responses (RECIST)
                continue
            n = to_number(m.group("n"))
            if n is None or not (x.code in ("CR", "PR") or _WORD_END_AFTER.match(after)):
                continue
            if x.code == "ORR" and not _RESPONSES.search(text[x.start:x.end]):
                continue
            fig = Figure(m.start("n"), x.end, n, "count", endpoint=x)
            if q:
                fig.qualifiers.append(_ZH_Q.get(q, q.lower()))
            out.append(fig)
        return out

    def _share_of_patients(self, text: str, f: Figure) -> bool:
        """'96 patients (79%)', 'Twelve (10%)': a count with its percentage of patients."""
        if f.unit != "%":
            return False
        head = text[max(0, f.start - 40): f.start]
        return _ends_open(head) and bool(
            (_COUNT_BEFORE_SHARE if _LETTER.search(head) else _COUNT_BEFORE_SHARE_DIGITS).search(head))

    def _tie(self, text: str, f: Figure, mentions: list[Mention], s0: int) -> bool:
        """Tie a figure to its endpoint: the nearest named before it (or just after, "78% ... achieved a
        complete MRD response"); figures of follow-up, age, dose or a share of patients are dropped."""
        if f.endpoint is not None:
            return True
        if _CI_AFTER.match(text[f.end: f.end + 12]):
            return False
        if (f.stat not in ("hr", "or", "rr") and ends_in(text[max(0, f.start - 14):f.start], _THRESHOLD_LAST)
                and _THRESHOLD_BEFORE.search(text, max(0, f.start - 14), f.start)):
            return False
        frac = _FRACTION_BEFORE.search(text, max(s0, f.start - 20), f.start) \
            if f.unit == "%" and ends_in(text[max(s0, f.start - 20):f.start], "(（[") else None
        if frac:  # "overall response rate was 20/25 (80%)": n/N written before the rate
            before = [x for x in mentions if x.end <= frac.start()]
            if before and _LINK_BEFORE_FRACTION.fullmatch(text[before[-1].end: frac.start()]):
                f.endpoint = before[-1]
                f.n, f.N = int(frac.group("n")), int(frac.group("N"))
                return True
        if self._share_of_patients(text, f):
            # "PR患者12例(31.6%)", "partial response in 12 patients (31.6%)": the category named just before
            before = [x for x in mentions if x.end <= f.start]
            if before and _CATEGORY_COUNT_GAP.fullmatch(text[before[-1].end: f.start]):
                f.endpoint = before[-1]
                self._last_share = f
                return True
            # a share is a result only when an endpoint follows in the clause ("10 (43%) had a complete response")
            verb = _SHARE_VERB.match(text, f.end)
            if verb:
                at = verb.end()
                after = [x for x in mentions if at <= x.start < at + 40]
                if after:
                    f.endpoint = after[0]
                    self._last_share = f
                    return True
            # "... achieved an objective response compared with 18 (29%; 18-41) of 63 patients": the same endpoint
            prev = getattr(self, "_last_share", None)
            if prev is not None and prev.endpoint and prev.end < f.start and (self.versus.search(
                    text, max(prev.end, f.start - 40), f.start) or _LIST_GAP.fullmatch(text[prev.end: f.start])):
                f.endpoint = prev.endpoint  # "in ten (10%) of 98 patients receiving X, one (33%) of three ..."
                self._last_share = f
                return True
            return False
        before = [x for x in mentions if x.end <= f.start]
        if not before and f.stat in ("hr", "or", "rr") and self.last_mention and not mentions:
            f.endpoint = self.last_mention  # "The hazard ratio (HR) was 0.229": the endpoint just reported
            return True
        if before:
            x = before[-1]
            # from the endpoint, or from the figure before this one ("10.4 months with X 2 mg/kg, 12.7 months")
            prev_end = max((max(g.end, g.tail) for g in self._figs if g.start < f.start and g.end <= f.start),
                           default=x.end)
            between = text[max(x.end, prev_end): f.start]
            if prev_end > x.end:  # an arm's dose between two figures ("with X 2 mg/kg, 12.7 months") is no dose figure
                between = _ARM_DOSE.sub(" ", between)
            else:  # "longer for pembrolizumab 2 mg/kg versus docetaxel (HR 0.71 …)": the dose names an arm
                between = _NAMED_ARM_DOSE.sub(" ", between)
            if self.followup.search(between) and x.code not in ("MTD", "RP2D"):
                return False
            if (x.code not in ("AE", "DLT") and f.stat not in ("hr", "or", "rr")
                    and self.ae_mention.search(text, x.end, f.start)):
                return False  # "... duration of response was longer, and adverse events occurred in 73.4%"
            if f.unit == "%" and (_NOT_RESULT_AFTER.match(text[f.end: f.end + 30])
                                  or _NOT_RESULT_BEFORE.search(text[max(x.end, f.start - 8): f.start])
                                  or (ends_in(between, "占rR") and _SHARE_OF_CASES.search(between))):
                return False
            f.endpoint = x
            return True
        # "Approximately 30% to 50% of adults with ALL in complete remission ...": a range of shares of people
        if f.unit == "%" and (_SHARE_RANGE_AFTER.match(text, f.end) or _SHARE_RANGE_BEFORE.search(
                text, max(s0, f.start - 16), f.start) and _OF_AFTER.match(text, f.end)):
            return False
        # the endpoint named after its figures: "75.6% (95% CI …) of patients in X and 74.3% (…) of controls were
        # alive and disease-free": near, or after a list of shares that ends near it
        after = [x for x in mentions if x.start >= f.end and (x.start - f.end <= 80 or (
            x.start - f.end <= 160 and _SHARE_LIST.fullmatch(text, f.end, x.start)))]
        if after and f.unit == "%" and not self.followup.search(text[f.end: after[0].start]):
            f.endpoint = after[0]
            return True
        return False

    def _attach_ci(self, text, f: Figure, cis, figures) -> None:
        nxt = min((g.start for g in figures if g.start > f.start), default=len(text))
        for ci in cis:
            if f.end <= ci.start < min(nxt, f.end + 40):
                f.ci = {"level": as_int_or_float(ci.level), "low": as_int_or_float(ci.low),
                        "high": None if ci.high is None else as_int_or_float(ci.high)}
                f.tail = max(f.tail, ci.end + (1 if text[ci.end: ci.end + 1] in (")", "]") else 0))
                return
        m = BARE_RANGE.match(text, f.end) or (_SEMI_RANGE.match(text, f.end) if f.unit == "%" else None)
        if m is None and f.stat in ("hr", "or", "rr"):
            m = _RATIO_RANGE.match(text, f.end)  # "HR 0·49 [0·22-1·07; p=0·068]"
        if m and f.unit in ("months", "weeks", "%", "ratio") and m.start() < nxt:
            low, high = to_number(m.group("low")), to_number(m.group("high"))
            if low is not None and high is not None and low <= f.value <= high:
                f.ci = {"level": 95, "low": as_int_or_float(low), "high": as_int_or_float(high)}
                f.tail = max(f.tail, m.end())

    def _pairs_to_two_endpoints(self, text, figures, mentions) -> None:
        """'The median PFS and OS were 2.8 and 13.2 months': a pair of figures after a pair of endpoints."""
        if not self._pair_of:
            return
        for i, x in enumerate(mentions[:-1]):
            y = mentions[i + 1]
            if not _AND_GAP.fullmatch(text[x.end:y.start]):
                continue
            for a in figures:
                b = self._pair_of.get(id(a))
                if b is not None and a.endpoint is y and b.endpoint is y:
                    a.endpoint = x

    def _attach_fraction(self, text, f: Figure, mentions, s0: int = 0, figures=()) -> None:
        if f.unit != "%" or (f.n is not None and f.N is not None):
            return
        m = FRACTION.match(text, f.end)
        if m:
            f.n, f.N = int(m.group("n")), int(m.group("N"))
            f.tail = max(f.tail, m.end())
            return
        x = f.endpoint
        if x is None:
            return
        # "Eighty-eight (78%) of 113 evaluable patients achieved ...", "10 (43%)" after "Of the 23 patients"
        before = text[max(0, f.start - 40): f.start]
        nn = _N_OF_N_SHARE.search(before) if _ends_open(before) else None
        if nn and x.end <= f.start:  # "responses were observed in 12 of 40 patients (30%)"
            f.n, f.N = int(nn.group("n")), int(nn.group("N"))
            return
        head = (_COUNT_BEFORE if _LETTER.search(before) else _COUNT_BEFORE_DIGITS).search(before) \
            if _ends_open(before) else None
        if head and (x.start > f.end or self._share_of_patients(text, f)):
            f.n = int(to_number(head.group("n")) or 0) or None
            m = _OF_TOTAL_AFTER.match(text[f.end:f.end + 60])
            if m and to_number(m.group("N")):
                f.N = int(to_number(m.group("N")))
            else:
                head = text[max(0, f.start - 200): f.start]
                of = _OF_TOTAL_BEFORE.search(head) if _LETTER.search(head) else None
                if of and to_number(of.group("N")):  # "Of the eight patients with brain metastases, ... five (63%"
                    f.N = int(to_number(of.group("N")))
            return
        # "87 of 143 patients had an objective response (60.8%" / "1 confirmed response (3.2%)"
        head = text[max(0, x.start - 60): x.start]
        # (every match ends in white space: a head ending otherwise is not searched)
        m = _N_OF_N_BEFORE.search(head) if x.end <= f.start and f.start - x.end < 6 and head[-1:].isspace() else None
        if m:
            f.n, f.N = int(m.group("n")), int(m.group("N"))
            return
        # "In 96 patients ..., the ORR was 45%", "CNS ORR in 35 patients ... was 57%"
        win = text[max(s0, min(x.start, f.start) - 80): f.start]
        m = _IN_PATIENTS.search(win) if _LETTER.search(win) else None  # its words need letters
        win_start = f.start - len(win)
        if m and any(win_start + m.end() <= g.start < f.start for g in figures):
            m = None  # another figure stands between: the count is that figure's
        if m and x.code in ("ORR", "DCR", "CBR", "CR", "PR", "pCR", "MRD"):
            f.N = int(m.group("N"))
            return
        if self.lang == "zh":
            m = _ZH_CASES_BEFORE.search(text[x.end: f.start])
            if m:
                f.n = int(m.group("n"))
                return
        m = self._count_before(text, x) if x.end <= f.start and f.start - x.end < 6 else None
        if m:
            n = to_number(m.group("n"))
            if n is not None:
                f.n = int(n)

    def _count_before(self, text: str, x: Mention) -> Optional[re.Match]:
        """A count written before the mention ("3例完全缓解", "one complete response"): COUNT_ZH or COUNT_EN in
        the 30 characters before it; a Chinese one is looked for only where they end as every match ends."""
        if self.lang != "zh":
            return COUNT_EN.search(text, max(0, x.start - 30), x.start)
        if not ends_in(text[max(0, x.start - 30):x.start], _COUNT_ZH_LAST):
            return None
        return COUNT_ZH.search(text, max(0, x.start - 30), x.start)

    def _stat_and_qualifiers(self, text, f: Figure, s0: int) -> None:
        x = f.endpoint
        if x.qualifier:
            f.qualifiers.append(x.qualifier)
        head = text[max(s0, x.start - 40): x.start]
        mod = (_MODIFIER_ZH if self.lang == "zh" else _MODIFIER_EN).search(head)
        if mod:
            q = _ZH_Q.get(mod.group("q"), mod.group("q"))
            if q.lower() not in (qq.lower() for qq in f.qualifiers):
                f.qualifiers.insert(0, q if q.isupper() else q.lower())
        if self.lang != "zh":
            tp = _TIMEPOINT_EN.search(text, max(s0, x.start - 30), x.start)
        elif ends_in(text[max(s0, x.start - 30):x.start], _TIMEPOINT_ZH_LAST):  # what every match ends in, first
            tp = _TIMEPOINT_ZH.search(text, max(s0, x.start - 30), x.start)
        else:
            tp = None
        tp = tp or (None if self.lang == "zh" else _TIMEPOINT_AFTER_EN.match(text, x.end))
        if tp and f.unit == "%":
            n = to_number(tp.group("n")) or 0
            unit = "year" if tp.group("u").lower() in ("year", "yr", "年") else "month"
            f.qualifiers.insert(0, f"{int(n)}-{unit}")
        if f.stat is None:
            window = text[max(s0, x.start - 25): f.start]
            if f.unit == "%":
                f.stat = "rate"
            elif f.unit == "count":
                f.stat = None
            else:
                # a short form says what its long form says: "MST" is a median ("median survival time (MST)")
                window += " " + self._short_forms.get(text[x.start:x.end], "")
                if self.median.search(window):
                    f.stat = "median"
                elif self.mean.search(window):
                    f.stat = "mean"

    def _attach_p(self, text: str, figures: list[Figure], pvals) -> None:
        """A p-value goes on the figures it closes: those after the previous p-value with the endpoint of
        the figure just before it (the arms compared, and the HR). A p written right after a ratio's
        own CI with a comma ("HR 0.19 [95% CI ...], p < 0.0001") is the ratio's alone."""
        prev = -1
        for p in pvals:
            group = [f for f in figures if prev < f.start < p.start]
            prev = p.end
            if not group:
                continue
            last = group[-1]
            between = text[max(last.end, last.tail): p.start]
            if last.stat in ("hr", "or", "rr") and _COMMA_AFTER_RATIO.fullmatch(between):
                group = [last]
            diff = _DIFFERENCE.search(text, max(0, last.start - 40), last.start) \
                if ends_in(text[max(0, last.start - 40):last.start], "eEfF,为") else None
            if diff:  # "estimated treatment difference 26% [...]; p=0.0016": the p of the difference
                last.qualifiers.append(_SPACES.sub(" ", diff.group(0).strip()))
                group = [last]
            for f in group:
                if (p.shared or f.endpoint.code == last.endpoint.code) and f.p is None:
                    f.p, f.p_op = p.p, p.op
        if pvals and prev >= 0:
            # "(HR, 1.44; 95% CI ...; P = .016; median OS, 13.4 v 19.5 months)": figures of the same
            # comparison written after its p, with none of their own, share it
            p = pvals[-1]
            closed = [f for f in figures if f.start < p.start]
            tail = [f for f in figures if f.start > p.end]
            if closed and tail and not _CLOSING.search(text[p.end: tail[0].start]):
                code = closed[-1].endpoint.code
                for f in tail:
                    if f.p is None and f.endpoint.code == code and f.stat not in ("hr", "or", "rr"):
                        f.p, f.p_op = p.p, p.op

    def _arms(self, text, s0, s1, figures, mentions) -> None:
        """Arms: 'with X'/'in the X group' after a figure, 'X组' before it, or '... respectively'."""
        # a Chinese sentence may hold several "分别为" clauses cut by "；": each is read on its own
        clauses = _clauses(text, s0, s1) if self.lang == "zh" else [(s0, s1)]
        for c0, c1 in clauses:
            resp = self.respectively.search(text, c0, c1)
            if resp:
                here = [f for f in figures if c0 <= f.start < c1] if len(clauses) > 1 else figures
                said = [x for x in mentions if c0 <= x.start < c1] if len(clauses) > 1 else mentions
                self._respectively(text, c0, resp.start(), here, said)
        self._arms_compared(text, s0, figures)
        for i, f in enumerate(figures):
            if f.arm or f.stat in ("hr", "or", "rr"):
                continue
            nxt = figures[i + 1].start if i + 1 < len(figures) else s1
            if self.lang == "zh":
                prev_end = max(figures[i - 1].tail or figures[i - 1].end, figures[i - 1].end) if i else s0
                found = self.arm_group.finditer(text, prev_end, f.start)
                if found:
                    arm = _zh_arm(found[-1].group("arm"))
                    if not _NOT_AN_ARM.match(arm):
                        f.arm = arm + "组"
                continue
            stop = min(nxt, max(f.tail, f.end) + 45, s1)
            m = self.arm_group.search(text, max(f.tail, f.end), stop)
            if m and ";" not in text[f.end: m.start()]:
                f.arm = self._arm_name(m.group("arm"))

    def _respectively(self, text, s0, resp_at, figures, mentions) -> None:
        figs = [f for f in figures if f.stat not in ("hr", "or", "rr")]
        if len(figs) < 2:
            return
        codes = []
        for x in mentions:
            if x.start < figs[0].start and x.code not in codes:
                codes.append(x.code)
        # several endpoints named, one figure each: "1年无进展生存率、总生存率分别为 80%、92%"
        same = [x for x in mentions if x.start < figs[0].start]
        listed = _listed_before(text, mentions, resp_at)
        if listed:
            codes = [x.code for x in listed]
            figs = [f for f in figs if f.start > listed[-1].end]
        if len(codes) > 1 and figs and len(figs) % len(codes) == 0:
            per = len(figs) // len(codes)
            if per == 2 and all(_VERSUS_GAP.fullmatch(text[figs[i].end: figs[i + 1].start])
                                for i in range(0, len(figs), 2)):
                # "DFS and OS were higher ... (49.8% vs 29.6%, P=0.006 and 52.4% vs 32.6%, P=0.010
                # respectively)": one compared pair per endpoint
                order = [code for code in codes for _ in range(2)]
            else:
                order = codes * per
            for f, code in zip(figs, order):
                f.endpoint = next(m for m in (listed or same) if m.code == code)
            if per == 2 and order[0] == order[1]:
                for a, b in zip(figs[::2], figs[1::2]):  # the p after a pair is the pair's
                    if (a.p is None) != (b.p is None):
                        a.p, a.p_op, b.p, b.p_op = (a.p or b.p), (a.p_op or b.p_op), (a.p or b.p), (a.p_op or b.p_op)
            return
        names = self._arm_list(text, s0, figs[0].start)
        if len(names) >= 2:
            for f, arm in zip(figs, names * (len(figs) // len(names))):
                f.arm = arm

    def _arms_compared(self, text: str, s0: int, figures: list[Figure]) -> None:
        """"longer with A than with B (x vs y ...)", "A组…高于B组[x(n/N) vs y(n/N)]": the first figure of the
        pair is A's, the second B's."""
        for f, g in zip(figures, figures[1:]):
            if f.arm or g.arm or f.stat in ("hr", "or", "rr") or g.stat in ("hr", "or", "rr"):
                continue
            if not _VERSUS_GAP.fullmatch(text, max(f.end, f.tail), g.start):
                continue
            if self.lang == "zh":
                head = max(s0, f.start - 60)
                if not _CLAUSE_CUT.search(text, head, f.start):
                    arms = self._arm_list(text, head, f.start)
                    if len(arms) >= 2 and arms[-2] != arms[-1]:
                        f.arm, g.arm = arms[-2], arms[-1]
                continue
            m = _ARMS_COMPARED.search(text, max(s0, f.start - 120), f.start)
            if m:
                f.arm, g.arm = self._arm_name(m.group("a")), self._arm_name(m.group("b"))

    def _arm_list(self, text: str, s0: int, end: int) -> list[str]:
        head = text[s0:end]
        if self.lang == "zh":
            arms = [_zh_arm(m.group("arm")) for m in self.arm_group.finditer(head)]
            return [a + "组" for a in arms if not _NOT_AN_ARM.match(a)]
        m = _ARMS_NAMED.search(head)
        if m:
            return [self._arm_name(m.group("a")), self._arm_name(m.group("b"))]
        return []

    def _arm_name(self, arm: str) -> str:
        arm = _ARM_VERB.sub("", arm.strip())
        return self.drug_alias.get(arm.lower(), arm)

    def _p_of_difference(self, text: str, s0: int, s1: int, previous: list, named: set) -> bool:
        """"... 62.5% in A and 43.3% in B. The difference was significant (P < 0.05).": a sentence with a
        p-value and no figure of its own, stating a difference, gives its p to the figures still waiting for
        one (those of the endpoints it names, else of the last figure's endpoint)."""
        pvals = find_p_values(text, s0, s1)
        if len(pvals) != 1 or not self.difference.search(text, s0, pvals[0].start):
            return False
        if self.ae_mention.search(text, s0, pvals[0].start):
            return False  # the p of an adverse-event comparison
        p = pvals[0]
        # the endpoints the statement names ("两组间有效率和临床受益率比较，差异均有统计学意义"), else the last compared
        codes = named & {f.value["endpoint"] for f in previous} or {previous[-1].value["endpoint"]}
        for fact in previous:
            v = fact.value
            if v["p"] is None and v["endpoint"] in codes and v["stat"] not in ("hr", "or", "rr"):
                v["p"], v["p_op"] = p.p, p.op
        return True

    def _emit(self, doc: Doc, f: Figure):
        x = f.endpoint
        value = {
            "endpoint": x.code, "value": as_int_or_float(f.value), "unit": f.unit, "stat": f.stat,
            "n": f.n, "N": f.N, "ci": f.ci, "p": f.p, "p_op": f.p_op if f.p is not None else None, "arm": f.arm,
            "qualifier": ", ".join(dict.fromkeys(f.qualifiers)) or None,
        }
        start = min(f.start, x.start) if x.end <= f.start + 1 and f.start - x.end < 40 else f.start
        return add_fact(doc, "result", value, start, max(f.end, f.tail), figure=(f.start, max(f.end, f.tail)))


def unit_of(raw: str) -> str:
    raw = raw.lower()
    return UNITS.get(raw) or UNITS[raw.rstrip("s")]


def may_hold_figure(text: str, s0: int, s1: int) -> bool:
    """Whether text[s0:s1] holds a clue of a figure (_UNIT_CLUE, _OTHER_CLUE): without one, _figures finds none
    but counts of responders and the figures of doses."""
    return _UNIT_CLUE.search(text, s0, s1) is not None or _OTHER_CLUE.search(text, s0, s1) is not None


def _mentions(text: str, spans: list[Term]) -> list[Mention]:
    """Endpoint mentions; one in brackets right after another ("客观缓解率(CR+PR)", "rate (ORR)") is a
    definition of the first and counts as it."""
    out: list[Mention] = []
    for s in spans:
        code, _, qual = s.kb_id_.partition("|")
        if code == "AE":
            continue  # safety as an endpoint has no figure of its own; adverse events are their own facts
        if _GROUP_AFTER.match(text, s.end_char):
            continue  # "DCR组", "PD组", "the CR group": an arm named after a response, not the endpoint
        m = Mention(s.start_char, s.end_char, code, qual or None)
        if out:
            prev = out[-1]
            if m.start < prev.end:  # inside the definition already taken
                continue
            gap = text[prev.end: m.start]
            if _OPEN_BRACKET_GAP.fullmatch(gap) and ")" not in gap:
                close = _close_paren(text, m.end)
                # "客观缓解率(CR+PR)" is one mention; "(ORR; 93.5% vs 73.0%)" holds figures of the ORR
                prev.end = max(prev.end, m.end if _DIGIT.search(text, m.end, close) else close)
                continue
        out.append(m)
    return out


def _ends_open(head: str) -> bool:
    """Whether ``head`` ends with "(" or "[" and spaces: the end of every count written before its share."""
    return ends_in(head, "([")


def _clauses(text: str, s0: int, s1: int) -> list[tuple[int, int]]:
    """(start, end) of the parts of a sentence between "；" (outside brackets)."""
    if text.find("；", s0, s1) < 0 and text.find(";", s0, s1) < 0:  # most sentences: one part
        return [(s0, s1)] if s1 > s0 else []
    cuts = [m.end() for m in _CLAUSE_CUT.finditer(text[s0:s1]) if not _in_brackets(text[s0:s0 + m.start()])]
    bounds = [s0] + [s0 + c for c in cuts] + [s1]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _in_brackets(before: str) -> bool:
    return before.count("(") + before.count("（") > before.count(")") + before.count("）")


def _zh_arm(arm: str) -> str:
    """'显著高于对照' → '对照': the arm is what follows the last comparison word."""
    parts = _ZH_ARM_CUT.split(arm)
    return parts[-1] or arm


_NOT_AN_ARM = re.compile(r"^(?:两|各|每|本|该|全|此|多|两个|三)$|^.*亚$|^[\d.]+$")  # "进行亚组分析": a subgroup analysis, no arm


def _listed_before(text: str, mentions: list[Mention], at: int) -> list[Mention]:
    """The endpoints listed right before "respectively"/"分别": 'PFS and OS were', '无进展生存率、总生存率分别'."""
    before = [x for x in mentions if x.end <= at]
    if not before or at - before[-1].end > 40:
        return []
    out = [before[-1]]
    for x in reversed(before[:-1]):
        if _LIST_JOIN.fullmatch(text[x.end: out[0].start]):
            out.insert(0, x)
        else:
            break
    return out if len(out) > 1 else []


def _close_paren(text: str, pos: int) -> int:
    i = text.find(")", pos)
    return i + 1 if 0 <= i - pos < 60 else pos


@Language.factory("kb_results", default_config={"lang": "en"})
def make_result_facts(nlp: Language, name: str, lang: str) -> ResultFacts:
    """Numeric results tied to endpoints, with n/N, CI, p-value, arm and qualifier."""
    return ResultFacts(lang)
