"""Scoring extraction against hand-made gold files (the format of shared/corpus): `kb eval`.

Each field is compared as a multiset of comparable keys per document; true/false positives and
false negatives add up over documents (micro), then precision, recall and F1 per field, overall and
per file prefix (en-, zh-, bi-). Macro F1 is the mean of the fields' F1.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ingest.extract import extract_path

FIELDS = ("drugs", "targets", "phase", "acronym", "registry_ids", "n_enrolled", "endpoints", "results",
          "results_full", "ae_terms", "ae_grades")
RAW_SUFFIXES = (".txt", ".xml", ".xml.gz", ".nbib", ".ris", ".medline")


def _num(x) -> Optional[float]:
    return None if x is None else round(float(x), 4)


def _acronym(a: Optional[str]) -> Optional[str]:
    return re.sub(r"[\s\-]", "", a).lower() if a else None


def _ci(ci: Optional[dict]) -> Optional[tuple]:
    return (_num(ci.get("low")), _num(ci.get("high"))) if ci else None


def keys(doc: dict) -> dict[str, Counter]:
    """The comparable keys of every field, from a gold file or from a record turned into gold shape."""
    trial = doc.get("trial") or {}
    pop = doc.get("population") or {}
    scalar = lambda v: Counter([v]) if v is not None else Counter()  # noqa: E731
    return {
        "drugs": Counter({d.lower() for d in doc.get("drugs") or []}),
        "targets": Counter(set(doc.get("targets") or [])),
        "phase": scalar(trial.get("phase")),
        "acronym": scalar(_acronym(trial.get("acronym"))),
        "registry_ids": Counter(set(trial.get("registry_ids") or [])),
        "n_enrolled": scalar(pop.get("n_enrolled")),
        "endpoints": Counter({(e["name"], e.get("kind")) for e in doc.get("endpoints") or []}),
        "results": Counter((r["endpoint"], _num(r["value"])) for r in doc.get("results") or []),
        "results_full": Counter((r["endpoint"], _num(r["value"]), _ci(r.get("ci")), _num(r.get("p")),
                                 r.get("n"), r.get("N")) for r in doc.get("results") or []),
        "ae_terms": Counter({a["term"] for a in doc.get("adverse_events") or []}),
        "ae_grades": Counter({(a["term"], a.get("grade")) for a in doc.get("adverse_events") or []}),
    }


def gold_shape(record: dict) -> dict:
    """A record reduced to the fields gold files carry."""
    return {
        "trial": record["trial"], "population": record["population"], "targets": record["targets"],
        "drugs": [d["name"] for d in record["drugs"]], "endpoints": record["endpoints"],
        "results": record["results"], "adverse_events": record["adverse_events"],
    }


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> Optional[float]:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> Optional[float]:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> Optional[float]:
        if self.tp + self.fp + self.fn == 0:
            return None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass
class Miss:
    file: str
    field: str
    kind: str  # "false positive" | "false negative"
    item: Any


@dataclass
class Report:
    files: list[str] = field(default_factory=list)
    groups: dict[str, dict[str, Score]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def macro_f1(self, group: str = "all") -> Optional[float]:
        f1s = [s.f1 for s in self.groups.get(group, {}).values() if s.f1 is not None]
        return sum(f1s) / len(f1s) if f1s else None

    def as_dict(self) -> dict:
        return {"files": len(self.files),
                "groups": {g: {"macro_f1": self.macro_f1(g), "fields": {f: s.as_dict() for f, s in fs.items()}}
                           for g, fs in self.groups.items()},
                "errors": [{"file": f, "error": e} for f, e in self.errors]}


def gold_pairs(dirs: Iterable[str | Path]) -> list[tuple[Path, Path]]:
    """(raw file, gold file) for every NAME.gold.json in the folders."""
    pairs = []
    for d in map(Path, dirs):
        for gold in sorted(d.glob("*.gold.json")):
            stem = gold.name[: -len(".gold.json")]
            raw = next((d / (stem + s) for s in RAW_SUFFIXES if (d / (stem + s)).exists()), None)
            if raw is not None:
                pairs.append((raw, gold))
    return pairs


def group_of(name: str) -> str:
    m = re.match(r"^(en|zh|bi)-", name)
    return m.group(1) if m else "other"


def compare(gold: dict, predicted: dict) -> dict[str, tuple[Score, Counter, Counter]]:
    g, p = keys(gold), keys(predicted)
    out = {}
    for f in FIELDS:
        tp = sum((g[f] & p[f]).values())
        fp_items, fn_items = p[f] - g[f], g[f] - p[f]
        out[f] = (Score(tp, sum(fp_items.values()), sum(fn_items.values())), fp_items, fn_items)
    return out


def evaluate(dirs: Iterable[str | Path]) -> Report:
    report = Report()
    for raw, gold_path in gold_pairs(dirs):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        outcome = next(iter(extract_path(raw)), None)
        report.files.append(raw.name)
        if outcome is None or outcome.record is None:
            report.errors.append((raw.name, outcome.error if outcome else "no record"))
            predicted: dict = {}
        else:
            predicted = gold_shape(outcome.record.to_json_dict())
        for f, (score, fps, fns) in compare(gold, predicted).items():
            own = group_of(raw.name)
            # "en+bi": every document with English text, the set English extraction is judged on
            for group in ("all", own) + (("en+bi",) if own in ("en", "bi") else ()):
                report.groups.setdefault(group, {k: Score() for k in FIELDS})[f].add(score)
            report.misses += [Miss(raw.name, f, "false positive", item) for item in fps.elements()]
            report.misses += [Miss(raw.name, f, "false negative", item) for item in fns.elements()]
    return report


def format_report(report: Report) -> str:
    def pct(x: Optional[float]) -> str:
        return "   - " if x is None else f"{x:5.2f}"

    lines = [f"{len(report.files)} documents"]
    groups = ["all"] + sorted(g for g in report.groups if g != "all")
    header = "field".ljust(14) + "".join(f"{g:>20}" for g in groups)
    lines += ["", "F1 (P/R)".ljust(14), header]
    for f in FIELDS:
        row = f.ljust(14)
        for g in groups:
            s = report.groups.get(g, {}).get(f, Score())
            row += f"  {pct(s.f1)} ({pct(s.precision)}/{pct(s.recall)})".rjust(20)
        lines.append(row)
    lines.append("macro F1".ljust(14) + "".join(f"{pct(report.macro_f1(g)):>20}" for g in groups))
    for name, err in report.errors:
        lines.append(f"error: {name}: {err}")
    return "\n".join(lines)
