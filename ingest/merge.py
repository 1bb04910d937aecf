"""One merger: the facts of every part of a document, in both languages, become one record.

For each section the English facts lead when there is English text, else the Chinese ones; the
other language's facts fill Chinese names and are compared figure by figure into `consistency`.
Every item of the record gets the span(s) it came from.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from functools import lru_cache
from typing import Any, Optional

from kb.models import Record

from .document import RawDocument
from .lexicon import lexicon
from .pipeline.facts import Fact

ROLE_RANK = {"title": 0, "methods": 1, "results": 2, "other": 3, "conclusions": 4, "background": 5}
RESULT_ROLE_RANK = {"results": 0, "other": 1, "conclusions": 2, "methods": 3, "background": 4, "title": 5}

_HAN = re.compile(r"[\u4e00-\u9fff]")
_COMPARATOR_CUE = re.compile(r"\b(?:versus|vs\.?|compared\s+with|or)\s+(?:\w+\s+){0,2}$", re.I)


def record_id(raw: RawDocument, sections: list[dict]) -> str:
    if raw.doi:
        return f"doi:{raw.doi.strip().lower()}"
    if raw.pmid:
        return f"pmid:{raw.pmid.strip()}"
    text = "\n".join(filter(None, [raw.title_en, raw.title_zh] + [s.get(k) or "" for s in sections
                                                                  for k in ("en", "zh")]))
    norm = " ".join(text.split()).lower()  # the same as re.sub(r"\s+", " ", text).strip(), a fifth of the cost
    return "sha1:" + hashlib.sha1(norm.encode("utf-8")).hexdigest()


class Merger:
    def __init__(self, raw: RawDocument, sections: list[dict], facts: list[Fact]):
        self.raw = raw
        self.sections = sections
        self.lex = lexicon()
        self.facts = facts
        self.langs = self.languages()
        # the facts by kind, each list in the order of `facts`: all of them, those of the leading language
        # (primary) and those of the other (secondary); and each section's own facts (titles aside)
        self.all_by_kind: dict[str, list[Fact]] = defaultdict(list)
        self.primary_by_kind: dict[str, list[Fact]] = defaultdict(list)
        self.secondary_by_kind: dict[str, list[Fact]] = defaultdict(list)
        self.section_facts: dict[int, list[Fact]] = defaultdict(list)
        leads = ["en" if sec.get("en") else "zh" for sec in sections]
        for f in facts:
            self.all_by_kind[f.kind].append(f)
            if f.part == "title":
                primary = f.lang == "en" or not raw.title_en
            else:
                primary = f.lang == leads[f.section]
                self.section_facts[f.section].append(f)
            (self.primary_by_kind if primary else self.secondary_by_kind)[f.kind].append(f)
        self.spans: list[dict] = []

    # -- helpers ----------------------------------------------------------------------------------------------
    def of(self, kind: str) -> list[Fact]:
        """The leading language's facts of one kind (a new list)."""
        return list(self.primary_by_kind.get(kind, ()))

    def second(self, kind: str) -> list[Fact]:
        """The other language's facts of one kind (a new list)."""
        return list(self.secondary_by_kind.get(kind, ()))

    def span(self, field: str, *facts: Optional[Fact]) -> None:
        langs = set()
        for f in facts:
            if f is None or f.lang in langs:
                continue
            langs.add(f.lang)
            self.spans.append({"field": field, "lang": f.lang, "part": f.part, "section": f.section,
                               "start": f.start, "end": f.end, "text": f.text})

    def first_zh(self, kind: str, key: str, value: str) -> Optional[Fact]:
        return next((f for f in self.all_by_kind.get(kind, ()) if f.lang == "zh" and f.value.get(key) == value), None)

    # -- the record -------------------------------------------------------------------------------------------
    def record(self) -> Record:
        raw = self.raw
        data: dict[str, Any] = {
            "id": record_id(raw, self.sections),
            "source": {"format": raw.format, "path": raw.path, "languages": list(self.langs)},
            "citation": {"title": {"en": raw.title_en, "zh": raw.title_zh}, "authors": raw.authors,
                         "affiliations": raw.affiliations, "journal": raw.journal, "published": raw.published,
                         "doi": raw.doi, "pmid": raw.pmid},
            "sections": self.sections,
            "trial": self.trial(),
        }
        data["drugs"] = self.drugs()
        data["targets"] = self.targets(data["drugs"])
        data["endpoints"] = self.endpoints()
        data["results"] = self.results()
        data["population"] = self.population(data["results"], data["endpoints"])
        data["adverse_events"] = self.adverse_events()
        self._reported_endpoints(data)
        data["consistency"] = self.consistency()
        data["glossary"] = self.glossary(data)
        self._fill_chinese_names(data)
        data["spans"] = self.spans
        data["sources"] = raw.sources or [data["source"]]
        _drop_impossible(data)
        return Record.model_validate(data)

    def languages(self) -> list[str]:
        langs: list[str] = []
        for lang in ([p.lang for p in self.raw.paragraphs]
                     + (["en"] if self.raw.title_en else []) + (["zh"] if self.raw.title_zh else [])):
            if lang not in langs:
                langs.append(lang)
        return langs

    def _ranked(self, facts: list[Fact], rank=ROLE_RANK) -> list[Fact]:
        return sorted(facts, key=lambda f: (rank.get(f.role or "other", 3), f.section or 0, f.start))

    def trial(self) -> dict:
        trial: dict[str, Any] = {"acronym": None, "registry_ids": [], "phase": None, "phase_detail": None,
                                 "design": []}
        phases = self._ranked(self.of("phase"))
        if phases:
            f = phases[0]
            trial["phase"] = f.value["phase"]
            if f.value["detail"] != f.value["phase"]:
                trial["phase_detail"] = f.value["detail"]
            self.span("trial.phase", f, next(iter(self._ranked(self.second("phase"))), None))
        acronyms = sorted(self.of("acronym") + self.second("acronym"),
                          key=lambda f: (not f.extra.get("strong"), ROLE_RANK.get(f.role or "other", 3),
                                         f.lang != "en", f.start))
        if acronyms:
            trial["acronym"] = acronyms[0].value["acronym"]
            self.span("trial.acronym", acronyms[0])
        ids: list[str] = []
        for rid in self.raw.registry_ids:
            if rid not in ids:
                ids.append(rid)
        for f in self.of("registry_id") + self.second("registry_id"):
            if f.value["id"] not in ids:
                ids.append(f.value["id"])
            self.span(f"trial.registry_ids[{ids.index(f.value['id'])}]", f)
        trial["registry_ids"] = ids
        for f in self.of("design") + self.second("design"):
            if f.value["design"] not in trial["design"]:
                trial["design"].append(f.value["design"])
                self.span(f"trial.design[{len(trial['design']) - 1}]", f)
        return trial

    def drugs(self) -> list[dict]:
        found: dict[str, dict] = {}
        # a drug every mention of which is prior therapy ("crizotinib-refractory") is not a studied drug
        drug_facts = self.all_by_kind.get("drug", [])
        prior = {f.value["name"] for f in drug_facts if f.extra.get("prior")}
        # a drug named as prior therapy ("crizotinib-refractory") and otherwise only in the background
        # ("Crizotinib confers improved ...") is not a studied drug
        studied = {f.value["name"] for f in drug_facts
                   if not f.extra.get("prior") and not (f.role == "background" and f.value["name"] in prior)}
        mentions: dict[str, list[Fact]] = defaultdict(list)
        for f in self.of("drug"):
            mentions[f.value["name"]].append(f)
        for name in list(studied):
            if len(mentions[name]) == 1 and mentions[name][0].role in ("results", "conclusions"):
                studied.discard(name)  # "48% of whom received tocilizumab": supportive care
        facts = [f for f in self._ranked(self.of("drug"), {"title": 0}) if f.value["name"] in studied]
        for f in facts + [f for f in self.second("drug") if f.value["name"] in studied]:
            name = f.value["name"]
            d = found.get(name)
            if d is None:
                row = self.lex.drugs.get(name)
                stem = _stem_class(name)
                d = found[name] = {
                    "name": name, "name_zh": None, "aliases": [],
                    "targets": self.lex.drug_targets(name) or (list(stem[1]) if stem else []),
                    "drug_class": row.drug_class if row else (stem[0] if stem else None),
                    "role": "experimental",
                }
                self.span(f"drugs[{len(found) - 1}]", f)
            written = f.value.get("written") or ""
            if _HAN.search(written):
                if d["name_zh"] is None:
                    d["name_zh"] = written
                    self.span(f"drugs[{list(found).index(name)}].name_zh", f)
            elif written.lower() != name and written not in d["aliases"]:
                d["aliases"].append(written)
        self._roles(found)
        return list(found.values())

    def _roles(self, found: dict[str, dict]) -> None:
        """Drugs named after 'versus'/'vs'/'compared with' another drug (title first) are comparators."""
        if len(found) < 2:
            return
        texts = [self.raw.title_en or ""] + [s["en"] or "" for s in self.sections if s["role"] == "methods"]
        for name, d in found.items():
            forms = [name] + d["aliases"]
            for text in texts:
                for form in forms:
                    for m in _whole_word(form).finditer(text):
                        if _COMPARATOR_CUE.search(text[max(0, m.start() - 40): m.start()]):
                            lower = text.lower()
                            first = min((lower.find(o.lower()) for o in found if o != name and
                                         lower.find(o.lower()) >= 0), default=-1)
                            if 0 <= first < m.start():
                                d["role"] = "comparator"

    def targets(self, drugs: list[dict]) -> list[str]:
        drug_targets = {t for d in drugs for t in d["targets"]}
        out: list[str] = []
        for f in self._ranked(self.of("target"), {"title": 0}) + self.second("target"):
            sym = f.value["symbol"]
            if sym in out:
                continue
            if sym in drug_targets or f.value.get("phrase"):
                out.append(sym)
                self.span(f"targets[{len(out) - 1}]", f)
        return out

    def endpoints(self) -> list[dict]:
        out: dict[str, dict] = {}
        for f in sorted(self.of("endpoint"), key=lambda f: (f.section or 0, f.start)):
            name, kind = f.value["name"], f.value["kind"]
            if name == "AE" and kind is None and f.lang == "zh" and self.langs == ["zh"]:
                continue  # "观察不良反应": Chinese abstracts name safety as observed, not as an endpoint
            if name not in out:
                out[name] = {"name": name, "kind": kind}
                self.span(f"endpoints[{len(out) - 1}]", f, self.first_zh("endpoint", "name", name))
            elif out[name]["kind"] is None and kind:
                out[name]["kind"] = kind
        return list(out.values())

    REPORTED = ("ORR", "DCR", "CBR", "DoR", "PFS", "OS", "EFS", "DFS", "RFS", "TTP", "TTF", "pCR", "MRD")

    def _reported_endpoints(self, data: dict) -> None:
        """An English abstract that declares no endpoint has those it reports figures for ("Median OS was
        36.5 months"): kind unknown. Response categories (CR, PR) are parts of a
        response rate, and safety counts as an endpoint only when declared."""
        if self.langs != ["en"] or data["endpoints"]:
            return
        have = {e["name"] for e in data["endpoints"]}
        for r in data["results"]:
            if r["endpoint"] in self.REPORTED and r["endpoint"] not in have:
                data["endpoints"].append({"name": r["endpoint"], "kind": None})
                have.add(r["endpoint"])

    def results(self) -> list[dict]:
        out: list[dict] = []
        keys: dict[tuple, tuple] = {}  # figure → the sentence it was first read in
        facts = self.of("result")
        # a figure only the Chinese text gives (the English cut short or silent) belongs to the record too;
        # one that differs between the languages keeps the English and is flagged in `consistency`
        for i, sec in enumerate(self.sections):
            if sec.get("en") and sec.get("zh"):
                here = [f for f in self.section_facts[i] if f.kind == "result"]
                facts += [z for e, z in pair_results([f for f in here if f.lang == "en"],
                                                     [f for f in here if f.lang == "zh"]) if e is None]
        facts = sorted(facts, key=lambda f: (f.section if f.section is not None else -1, f.lang != "en", f.start))
        self._result_facts = []
        for f in facts:
            if f.part == "title":
                continue
            key = tuple(sorted((k, str(v)) for k, v in f.value.items()))
            where = (f.section, f.lang, f.sentence)
            if key in keys and keys[key] != where:
                continue  # the same figure again (conclusions, the other language): once
            keys.setdefault(key, where)  # twice in one sentence ("88.6%, 82.9%, 82.9%"): two arms, both kept
            out.append(dict(f.value))
            self._result_facts.append(f)
            self.span(f"results[{len(out) - 1}]", f)
        return out

    def population(self, results: list[dict], endpoints: list[dict]) -> dict:
        pop: dict[str, Any] = {"conditions": [], "biomarkers": [], "n_enrolled": None, "n_analyzed": None,
                               "setting": []}
        for kind, key, field in (("condition", "name", "conditions"), ("biomarker", "name", "biomarkers"),
                                 ("setting", "setting", "setting")):
            for f in self._ranked(self.of(kind), {"title": 0}) + self.second(kind):
                if f.value[key] not in pop[field]:
                    pop[field].append(f.value[key])
                    self.span(f"population.{field}[{len(pop[field]) - 1}]", f)
        strong = [f for f in self.of("n_enrolled") if not f.extra.get("weak")]
        strong_zh = [f for f in self.second("n_enrolled") if not f.extra.get("weak")]
        weak = sorted((f for f in self.of("n_enrolled") if f.extra.get("weak")), key=lambda f: -f.value["n"])
        # a weak mention ("in 225 patients with …") counts only when no enrolment is stated; the largest wins
        enrolled = (self._ranked(strong, RESULT_ROLE_RANK) or self._ranked(strong_zh, RESULT_ROLE_RANK) or weak)
        if enrolled:
            pop["n_enrolled"] = enrolled[0].value["n"]
            self.span("population.n_enrolled", enrolled[0], self.first_zh("n_enrolled", "n", pop["n_enrolled"]))
        analyzed = [f for f in self._ranked(self.of("n_analyzed"), RESULT_ROLE_RANK)
                    if f.value["n"] != pop["n_enrolled"] and (pop["n_enrolled"] is None or f.value["n"] < pop["n_enrolled"])]
        if analyzed:
            pop["n_analyzed"] = analyzed[0].value["n"]
            self.span("population.n_analyzed", analyzed[0], self.first_zh("n_analyzed", "n", pop["n_analyzed"]))
            # a response rate given without its denominator is over the patients analysed for response
            for r in results:
                if (r["endpoint"] == "ORR" and r["unit"] == "%" and r.get("n") is None
                        and r.get("N") is None and not r.get("arm") and not r.get("qualifier")):
                    r["N"] = pop["n_analyzed"]
        else:
            primary = {e["name"] for e in endpoints if e["kind"] == "primary"}
            for i, r in enumerate(results):
                if r["endpoint"] in primary and r.get("N") and pop["n_enrolled"] and r["N"] < pop["n_enrolled"]:
                    pop["n_analyzed"] = r["N"]
                    self.span("population.n_analyzed", self._result_facts[i])
                    break
        return pop

    def adverse_events(self) -> list[dict]:
        out: list[dict] = []
        seen: set = set()
        en_terms = {(f.value["term"], f.value["grade"]) for f in self.of("adverse_event")}
        extra = [f for f in self.second("adverse_event")
                 if (f.value["term"], f.value["grade"]) not in en_terms]  # named only in the Chinese text
        for f in sorted(self.of("adverse_event"), key=lambda f: (f.section or 0, f.start)) + extra:
            v = f.value
            key = (v["term"], v["grade"], v["rate"], v["arm"])
            if key in seen:
                continue
            seen.add(key)
            zh = self.first_zh("adverse_event", "term", v["term"])
            term_zh = zh.text if zh else self.lex.zh_name("ae", v["term"])
            out.append({"term": v["term"], "term_zh": term_zh, "grade": v["grade"], "rate": v["rate"],
                        "n": v["n"], "arm": v["arm"]})
            self.span(f"adverse_events[{len(out) - 1}]", f, zh)
        return out

    def glossary(self, data: dict) -> list[dict]:
        """Pairs the Chinese text writes itself (米拉德美坦(milademetan)), then pairs implied by the same
        canonical fact found in both languages of one aligned section."""
        pairs: dict[tuple[str, str], dict] = {}
        drug_names = {n.lower() for d in data.get("drugs", []) for n in [d["name"], *d["aliases"]]}
        for f in self.all_by_kind.get("term_pair", ()):
            zh, en = f.value["zh"], f.value["en"]
            kind = "drug" if en.lower() in drug_names else _term_kinds().get(en.lower())
            pairs.setdefault((zh, en), {"zh": zh, "en": en, "kind": kind, "origin": "written"})
        for kind, key in (("drug", "name"), ("adverse_event", "term"), ("condition", "name"), ("endpoint", "name")):
            facts = self.all_by_kind.get(kind, [])
            zh_facts = [f for f in facts if f.lang == "zh" and f.section is not None]
            en_keys = {(f.section, f.value[key]) for f in facts if f.lang == "en"}
            for f in zh_facts:
                if (f.section, f.value[key]) in en_keys and _HAN.search(f.text):
                    pairs.setdefault((f.text, f.value[key]), {"zh": f.text, "en": f.value[key], "kind": kind,
                                                              "origin": "aligned"})
        return list(pairs.values())

    def _fill_chinese_names(self, data: dict) -> None:
        """A drug the Chinese text names only through a written pair gets that name as name_zh."""
        written = {p["en"].lower(): p["zh"] for p in data["glossary"] if p["origin"] == "written"}
        for d in data["drugs"]:
            if d["name_zh"] is None:
                for name in [d["name"], *d["aliases"]]:
                    if name.lower() in written:
                        d["name_zh"] = written[name.lower()]
                        break

    # -- EN/ZH consistency ---------------------------------------------------------------------------------------
    def consistency(self) -> list[dict]:
        out: list[dict] = []
        for i, sec in enumerate(self.sections):
            if not (sec.get("en") and sec.get("zh")):
                continue
            en = _by_kind(f for f in self.section_facts[i] if f.lang == "en")
            zh = _by_kind(f for f in self.section_facts[i] if f.lang == "zh")
            out += _compare_results(en["result"], zh["result"])
            for kind, label in (("n_enrolled", "patients enrolled"), ("n_analyzed", "patients analysed")):
                e = sorted({f.value["n"] for f in en[kind]})
                z = sorted({f.value["n"] for f in zh[kind]})
                if e or z:
                    out.append({"fact": label, "en": ", ".join(map(str, e)) or None,
                                "zh": ", ".join(map(str, z)) or None, "agree": e == z})
            e_ae = {(f.value["term"], f.value["grade"], f.value["rate"]) for f in en["adverse_event"]}
            z_ae = {(f.value["term"], f.value["grade"], f.value["rate"]) for f in zh["adverse_event"]}
            for term, grade, rate in sorted(e_ae | z_ae, key=str):
                desc = f"grade {grade}" + (f", {rate}%" if rate is not None else "")
                item = (term, grade, rate)
                out.append({"fact": f"adverse event: {term}", "en": desc if item in e_ae else None,
                            "zh": desc if item in z_ae else None, "agree": item in e_ae and item in z_ae})
            e_ph = {f.value["phase"] for f in en["phase"]}
            z_ph = {f.value["phase"] for f in zh["phase"]}
            if e_ph or z_ph:
                out.append({"fact": "phase", "en": "/".join(sorted(e_ph)) or None,
                            "zh": "/".join(sorted(z_ph)) or None, "agree": e_ph == z_ph})
        unique = {tuple(sorted(item.items())): item for item in out}
        return list(unique.values())


def _by_kind(facts) -> dict[str, list[Fact]]:
    out: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        out[f.kind].append(f)
    return out


def _figure_text(f: Fact) -> str:
    return f.extra.get("figure_text") or f.text


def _result_label(v: dict) -> str:
    parts = [v["endpoint"]]
    if v.get("stat") in ("median", "mean", "hr", "or", "rr"):
        parts.append(v["stat"].upper() if v["stat"] in ("hr", "or", "rr") else v["stat"])
    if v.get("qualifier"):
        parts.append(f"({v['qualifier']})")
    return " ".join(parts)


_COMPARED = ("value", "unit", "n", "N", "ci", "p")


def pair_results(en: list[Fact], zh: list[Fact]) -> list[tuple[Optional[Fact], Optional[Fact]]]:
    """Pair the figures of one section by endpoint and order: the Chinese figure with the same value
    if there is one, else the next in order; figures left over stand alone."""
    by_en: dict[str, list[Fact]] = defaultdict(list)
    by_zh: dict[str, list[Fact]] = defaultdict(list)
    for f in sorted(en, key=lambda f: f.start):
        by_en[f.value["endpoint"]].append(f)
    for f in sorted(zh, key=lambda f: f.start):
        by_zh[f.value["endpoint"]].append(f)
    pairs: list[tuple[Optional[Fact], Optional[Fact]]] = []
    for ep in list(dict.fromkeys(list(by_en) + list(by_zh))):
        e_list, z_list = by_en.get(ep, []), list(by_zh.get(ep, []))
        for e in e_list:
            z = next((z for z in z_list if z.value["value"] == e.value["value"]), z_list[0] if z_list else None)
            if z is not None:
                z_list.remove(z)
            pairs.append((e, z))
        pairs += [(None, z) for z in z_list]
    return pairs


def _compare_results(en: list[Fact], zh: list[Fact]) -> list[dict]:
    """Every pair of figures must agree field by field; a figure without a partner disagrees."""
    out = []
    for e, z in pair_results(en, zh):
        agree = e is not None and z is not None and all(_same(e.value.get(k), z.value.get(k)) for k in _COMPARED)
        label = _result_label((e or z).value)
        out.append({"fact": label, "en": _figure_text(e) if e else None, "zh": _figure_text(z) if z else None,
                    "agree": agree})
    return out


def _same(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return all(_same(a.get(k), b.get(k)) for k in set(a) | set(b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


@lru_cache(maxsize=4096)
def _stem_class(name: str) -> Optional[tuple[str, tuple[str, ...]]]:
    """The class and targets of the longest drug stem `name` ends with (the lexicon's, cached per name)."""
    for stem in _stems_longest_first():
        if name.endswith(stem.stem):
            return stem.drug_class, tuple(t for t in (stem.targets or "").split("|") if t)
    return None


@lru_cache(maxsize=1)
def _stems_longest_first() -> list:
    return sorted(lexicon().drug_stems, key=lambda s: len(s.stem), reverse=True)


@lru_cache(maxsize=4096)
def _whole_word(form: str) -> re.Pattern:
    """`form` as a whole word, any case (compiled once per form)."""
    return re.compile(rf"\b{re.escape(form)}\b", re.I)


@lru_cache(maxsize=1)
def _term_kinds() -> dict[str, str]:
    """Every lexicon term (lower-cased) → its kind, for naming glossary pairs; built once per process."""
    lex = lexicon()
    return {**{k: "condition" for k in lex.condition_alias}, **{k: "adverse_event" for k in lex.ae_alias},
            **{e.term.lower(): "endpoint" for e in lex.endpoints if e.code != "-"},
            **{k: "target" for k in lex.target_alias}, **{k: "drug" for k in lex.drug_alias}}


def _drop_impossible(data: dict) -> None:
    """A figure the text cannot have meant (a rate over 100%, a p over 1, a CI upside down: typos and
    broken exports) is left out rather than failing the whole record."""
    for a in data["adverse_events"]:
        if a.get("rate") is not None and not 0 <= a["rate"] <= 100:
            a["rate"] = None
    for r in data["results"]:
        if r.get("p") is not None and not 0 <= r["p"] <= 1:
            r["p"], r["p_op"] = None, None
        ci = r.get("ci")
        if ci and ci.get("low") is not None and ci.get("high") is not None and ci["low"] > ci["high"]:
            r["ci"] = None
