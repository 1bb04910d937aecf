"""`kb_population`: patients enrolled and analysed, conditions, biomarkers, setting, drugs and targets."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from .. import prefilter
from ..lexicon import Cue, lexicon
from .facts import add_fact, terms_of, text_of
from .numbers import to_number

# words that may stand between a target/gene and what happened to it
_BIOMARKER_EN = re.compile(
    r"\s*(?:-\s*|\s)?(?P<kind>amplification|amplified|amp\b|wild[\s-]?type|wildtype|wt\b|mutations?|mutant|mutated|"
    r"rearrangements?|rearranged|fusions?|fusion-positive|positive|negative|overexpression|overexpressing|"
    r"expression|high|low|deletion|insertion)", re.I)
_BIOMARKER_ZH = re.compile(r"\s*(?P<kind>扩增|野生型|突变型|突变|重排|融合|阳性|阴性|过表达|高表达|缺失)")
_CANON = {"amplification": "amplification", "amplified": "amplification", "amp": "amplification",
          "wild type": "wild-type", "wildtype": "wild-type", "wt": "wild-type", "fusion positive": "fusion",
          "mutation": "mutation", "mutations": "mutation", "mutant": "mutation", "mutated": "mutation",
          "rearrangement": "rearrangement", "rearrangements": "rearrangement", "rearranged": "rearrangement",
          "fusion": "fusion", "fusions": "fusion", "fusion-positive": "fusion", "positive": "positive",
          "negative": "negative", "overexpression": "overexpression", "overexpressing": "overexpression",
          "expression": "expression", "high": "high", "low": "low", "deletion": "deletion", "insertion": "insertion",
          "扩增": "amplification", "野生型": "wild-type", "突变型": "mutation", "突变": "mutation",
          "重排": "rearrangement", "融合": "fusion", "阳性": "positive", "阴性": "negative",
          "过表达": "overexpression", "高表达": "overexpression", "缺失": "deletion"}
_TARGET_PHRASE_EN = re.compile(
    r"^\s*-?\s*(?:(?:tyrosine\s+)?kinase\s+)?(?:inhibitors?|antagonists?|antibod(?:y|ies)|TKIs?|-TKIs?|targeted|"
    r"directed|blockers?|blockade|degraders?|specific)\b", re.I)
_ANTI_BEFORE = re.compile(r"anti-?\s*$", re.I)
_TARGET_PHRASE_ZH = re.compile(r"^\s*-?\s*(?:抑制剂|单抗|单克隆抗体|抗体|靶向|TKI)")
# "even in the absence of TP53 mutations", "无TP53突变": a biomarker the patients do not have
_NEGATED = re.compile(r"(?:absence\s+of|without|\bno|negative\s+for|lack(?:ing)?\s+of|没有|无|未见)\s*(?:\w+\s+)?$", re.I)
_AND_NUMBER = re.compile(r"\s*(?:and|和|与|、)\s*\d")  # after a count: another follows ("82 and 38")
_TERM_LABELS = frozenset({"CONDITION", "SETTING", "DRUG", "TARGET"})
_ARMS_BEFORE = re.compile(r"(?:(?<![\d.,])\d+\s*(?:and|和|与|、)\s*)+$")
# "\b[A-Z]" written as "[A-Z](?<!\w[A-Z])" (the same test): a pattern that begins with a character set is
# tried by re only where one of those characters stands, not at every position
_GENE_SHAPE = re.compile(r"(?P<g>[A-Z](?<!\w[A-Z])[A-Z0-9]{1,6}(?:-[A-Z0-9]+)?)(?P<amp>amp\b)?")
# Where a gene shape can start, found in bytes (re's scan for a character set tests every character): an
# ASCII capital ("A") before a capital or digit ("0"), not after an ASCII word character ("a", "A", "0").
# Any other character is "." (one that is not ASCII too: some are \w, which _GENE_SHAPE itself tells)
_CASE_MARKS = bytes(65 if 65 <= b <= 90 else 48 if 48 <= b <= 57 else 97 if 97 <= b <= 122 or b == 95 else 46
                    for b in range(256))
_GENE_START = re.compile(rb"A(?<![aA0]A)[A0]")


def _gene_shapes(text: str) -> list[re.Match]:
    """``_GENE_SHAPE.finditer(text)``, tried only where a match can start (prefilter.finditer_at)."""
    marks = prefilter.index(text).ascii().translate(_CASE_MARKS)  # "?" for each character not ASCII
    starts = [m.start() for m in _GENE_START.finditer(marks)]
    return prefilter.finditer_at(_GENE_SHAPE, text, starts, 0, len(text))


_SYMBOLS_KEPT = 50_000  # gene shapes remembered per component (an acronym is seen again and again)


# an arm's size in the span of an enrolled_arm_sizes cue: "(n = 150)", "(n=50)", "(50例)"
_ARM_SIZE = {"en": re.compile(r"\(\s*n\s*=\s*(\d[\d,]*)\s*\)", re.I),
             "zh": re.compile(r"[(（]\s*(?:n\s*=\s*)?(\d\d*)\s*例?\s*[)）]", re.I)}


class PopulationFacts:
    def __init__(self, lang: str):
        self.lang = lang
        self.lex = lexicon()
        self.enrolled = self.lex.cue("enrolled", lang)
        self.analyzed = self.lex.cue("analyzed", lang)
        self.enrolled_weak = self.lex.cue("enrolled_weak", lang)
        self.enrolled_arms = self.lex.cue("enrolled_arms", lang)
        self.arm_sizes = self.lex.cue("enrolled_arm_sizes", lang)
        rows = [r.pattern for r in self.lex.cue_rows if r.name == "prior_therapy" and r.lang == lang]
        after = [r for r in rows if not r.endswith("$")]
        before = [r for r in rows if r.endswith("$")]
        never = r"(?!x)x"
        self.prior = re.compile("|".join(after) or never, re.I)
        # searched in the 50 characters before each drug: through the prefilter, which runs it only in a
        # window that holds one of its words ("prior", "after", "failed" …)
        self.prior_before = Cue([re.compile("|".join(before) or never, re.I)])
        self._symbols: dict[str, str | None] = {}  # gene shape → target symbol or None, as looked up

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        arm_spans = []
        for m in self.enrolled_arms.finditer(text):  # "108例…作为研究组，选取同期52例…作为对照组": the arms add up
            add_fact(doc, "n_enrolled", {"n": int(m.group("a")) + int(m.group("b"))}, m.start("a"), m.end("b"),
                     cue=m.group(0))
            arm_spans.append((m.start("a"), m.end("b")))
        for m in self.arm_sizes.finditer(text):  # "randomly assigned to X (n = 150) or placebo (n = 148)": the arms add up
            sizes = list(_ARM_SIZE[self.lang].finditer(text, m.start(), m.end()))
            add_fact(doc, "n_enrolled", {"n": sum(int(x.group(1).replace(",", "")) for x in sizes)},
                     sizes[0].start(), m.end(), cue=m.group(0))
            arm_spans.append((sizes[0].start(), m.end()))  # a total written before the arms still counts
        for m in self.enrolled.finditer(text):
            n = to_number(m.group("n"))
            start = m.start("n")
            if any(a <= start < b for a, b in arm_spans):
                continue  # one arm of a sum already counted
            if _AND_NUMBER.match(text, m.end("n"), m.end("n") + 8):
                continue  # "82 and 38 patients": the second number carries the sum
            # "150 and 151 patients were randomly assigned": the arms add up
            arms = _ARMS_BEFORE.search(text, max(0, start - 40), start)
            if arms and n is not None:
                n += sum(int(x) for x in re.findall(r"\d+", arms.group(0)))
                start = arms.start()
            if n is not None and 2 <= n <= 10_000_000:
                add_fact(doc, "n_enrolled", {"n": int(n)}, start, m.end("n"), cue=m.group(0))
        for m in self.enrolled_weak.finditer(text):  # "in 225 patients with …": used when nothing better
            n = to_number(m.group("n"))
            if n is not None and 2 <= n <= 10_000_000:
                add_fact(doc, "n_enrolled", {"n": int(n)}, m.start("n"), m.end("n"), cue=m.group(0), weak=True)
        for m in self.analyzed.finditer(text):
            n = to_number(m.group("n"))
            if n is not None and n >= 1:
                add_fact(doc, "n_analyzed", {"n": int(n)}, m.start("n"), m.end("n"), cue=m.group(0))
        biomarker_re = _BIOMARKER_ZH if self.lang == "zh" else _BIOMARKER_EN
        target_re = _TARGET_PHRASE_ZH if self.lang == "zh" else _TARGET_PHRASE_EN
        for span in terms_of(doc):
            label = span.label_
            if label not in _TERM_LABELS:  # designs, endpoints, adverse events: other components'
                continue
            canon, start, end = span.kb_id_, span.start_char, span.end_char
            if label == "CONDITION":
                add_fact(doc, "condition", {"name": canon}, start, end)
            elif label == "SETTING":
                add_fact(doc, "setting", {"setting": canon}, start, end)
            elif label == "DRUG":
                prior = bool(self.prior.match(text, end) or self.prior_before.search(text, max(0, start - 50), start))
                add_fact(doc, "drug", {"name": canon, "written": span.text}, start, end, prior=prior)
            else:  # TARGET
                phrase = target_re.match(text[end: end + 40]) or _ANTI_BEFORE.search(text[max(0, start - 6): start])
                add_fact(doc, "target", {"symbol": canon, "phrase": bool(phrase), "written": span.text}, start, end)
        self._biomarkers(doc, biomarker_re)
        return doc

    def _biomarkers(self, doc: Doc, biomarker_re: re.Pattern) -> None:
        text = text_of(doc)
        symbols = self._symbols
        for m in _gene_shapes(text):
            gene = m.group("g")
            symbol = symbols.get(gene, False)
            if symbol is False:
                symbol = self.lex.target_alias.get(gene.lower()) if gene.lower() in self.lex.target_alias else None
                symbol = symbol or (gene if gene in self.lex.targets else None)
                if len(symbols) < _SYMBOLS_KEPT:
                    symbols[gene] = symbol
            if symbol is None:
                continue
            if m.group("amp"):
                add_fact(doc, "biomarker", {"name": f"{symbol} amplification"}, m.start(), m.end())
                continue
            b = biomarker_re.match(text, m.end())
            if b and not _NEGATED.search(text, max(0, m.start() - 25), m.start()):
                kind = _CANON.get(re.sub(r"[\s-]+", " ", b.group("kind").lower()).strip())
                if kind is None:
                    continue
                name = f"{symbol}-{kind}" if kind in ("positive", "negative") else f"{symbol} {kind}"
                add_fact(doc, "biomarker", {"name": name}, m.start(), b.end())


@Language.factory("kb_population", default_config={"lang": "en"})
def make_population_facts(nlp: Language, name: str, lang: str) -> PopulationFacts:
    """Population facts: n enrolled / analysed, conditions, biomarkers, setting; drug and target mentions."""
    return PopulationFacts(lang)
