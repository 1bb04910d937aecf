"""The seed document, end to end: every gold field, plus what the contract's seed example shows."""
from __future__ import annotations

import json
import subprocess
import sys

from kb.evaluate import compare, gold_shape
from tests.conftest import SEED


def test_extract_cli_prints_one_record_equal_to_gold(seed_gold):
    out = subprocess.run([sys.executable, "-m", "kb.cli", "extract", str(SEED)], capture_output=True, text=True,
                         check=True)
    lines = [ln for ln in out.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["id"] == "doi:" + seed_gold["doi"].lower()
    assert record["citation"]["doi"] == seed_gold["doi"]
    assert record["source"]["languages"] == seed_gold["languages"]
    scores = compare(seed_gold, gold_shape(record))
    for field, (_score, fps, fns) in scores.items():
        assert not fps and not fns, (field, fps, fns)
    # gold results carry every result field: they must be equal, not just matched on value
    got = [{k: r[k] for k in seed_gold["results"][0]} for r in record["results"]]
    assert got == seed_gold["results"]
    assert [{k: a[k] for k in ("term", "grade", "rate")} for a in record["adverse_events"]] == \
        seed_gold["adverse_events"]
    assert record["trial"]["acronym"] == "MANTRA-2" and record["trial"]["phase"] == "2"
    assert record["population"]["n_enrolled"] == 40 and record["population"]["n_analyzed"] == 31


def test_seed_matches_the_contract_example(seed_record):
    r = seed_record
    assert r["citation"]["journal"] == "Clin Cancer Res"
    assert r["citation"]["published"] == "2025-08-11"
    assert r["citation"]["authors"][:2] == ["Dumbrava Ecaterina E", "Stinchcombe Thomas E"]
    assert len(r["citation"]["authors"]) == 21
    assert len(r["citation"]["affiliations"]) == 2
    assert r["trial"]["design"] == ["basket"]
    assert r["drugs"] == [{"name": "milademetan", "name_zh": "米拉德美坦", "aliases": [], "targets": ["MDM2"],
                           "drug_class": "MDM2 inhibitor", "role": "experimental"}]
    assert r["targets"] == ["MDM2"]
    pop = r["population"]
    assert pop["conditions"] == ["solid tumors", "endometrial stromal sarcoma"]
    assert pop["biomarkers"] == ["MDM2 amplification", "TP53 wild-type"]
    assert pop["setting"] == ["advanced", "refractory"]
    assert r["endpoints"] == [{"name": "ORR", "kind": "primary"}, {"name": "PFS", "kind": "secondary"},
                              {"name": "AE", "kind": "secondary"}]
    assert [(a["term"], a["term_zh"]) for a in r["adverse_events"]] == [
        ("thrombocytopenia", "血小板减少"), ("neutropenia", "中性粒细胞减少"), ("anemia", "贫血"),
        ("leukopenia", "白细胞减少"), ("diarrhea", "腹泻")]


def test_seed_sections_are_aligned(seed_record):
    sections = seed_record["sections"]
    assert [s["role"] for s in sections] == ["background", "methods", "results", "conclusions"]
    assert all(s["en"] and s["zh"] for s in sections)
    assert sections[2]["en"].startswith("Milademetan showed potent activity")
    assert sections[2]["zh"].startswith("米拉德美坦对MDM2amp")


def test_seed_consistency_compares_figures_and_all_agree(seed_record):
    items = seed_record["consistency"]
    assert items and all(i["agree"] for i in items), [i for i in items if not i["agree"]]
    orr = next(i for i in items if i["fact"].startswith("ORR") and "best overall" in i["fact"])
    assert orr["en"] == "19.4% (6/31)" and orr["zh"] == "19.4%(6/31)"
    facts = {i["fact"] for i in items}
    assert {"patients enrolled", "patients analysed", "adverse event: thrombocytopenia"} <= facts
    assert any(f.startswith("PFS") for f in facts)


def test_every_extracted_item_has_a_span_with_its_exact_text(seed_record):
    r = seed_record
    fields = {s["field"] for s in r["spans"]}
    expected = {f"results[{i}]" for i in range(len(r["results"]))}
    expected |= {f"adverse_events[{i}]" for i in range(len(r["adverse_events"]))}
    expected |= {f"endpoints[{i}]" for i in range(len(r["endpoints"]))}
    expected |= {f"drugs[{i}]" for i in range(len(r["drugs"]))} | {"drugs[0].name_zh"}
    expected |= {f"targets[{i}]" for i in range(len(r["targets"]))}
    expected |= {f"population.conditions[{i}]" for i in range(len(r["population"]["conditions"]))}
    expected |= {f"population.biomarkers[{i}]" for i in range(len(r["population"]["biomarkers"]))}
    expected |= {"trial.phase", "trial.acronym", "population.n_enrolled", "population.n_analyzed"}
    assert expected <= fields, expected - fields
    for span in r["spans"]:
        text = r["sections"][span["section"]][span["lang"]] if span["part"] == "section" else \
            r["citation"]["title"][span["lang"]]
        assert text[span["start"]:span["end"]] == span["text"]
    zh_ae = [s for s in r["spans"] if s["field"] == "adverse_events[0]" and s["lang"] == "zh"]
    assert zh_ae and zh_ae[0]["text"] == "血小板减少"
