"""Extraction quality on the corpora we have, scored by `kb eval` against hand-made gold files.

Issue 4's targets (zh >= 0.85, bi >= 0.90 on the seed, dev and our own Chinese/bilingual corpus) and issue
3's (the English and bilingual documents of the seed, dev and our own English corpus: macro F1 >= 0.90,
results F1 >= 0.90, no field below 0.80) are asserted here, with floors that guard what is reached beyond them.
"""
from __future__ import annotations

from kb.evaluate import evaluate
from tests.conftest import CORPUS


def test_seed_is_perfect():
    report = evaluate([CORPUS / "seed"])
    assert report.macro_f1() == 1.0


def test_floors_on_seed_and_dev():
    report = evaluate([CORPUS / "seed", CORPUS / "dev"])
    assert not report.errors
    assert report.macro_f1("en") >= 0.97
    assert report.macro_f1("bi") >= 0.97
    assert report.macro_f1("zh") >= 0.99
    assert report.groups["all"]["results"].f1 >= 0.98


def test_floors_with_our_own_corpus():
    report = evaluate([CORPUS / "seed", CORPUS / "dev", CORPUS / "own"])
    assert report.macro_f1("en") >= 0.97
    assert report.macro_f1("zh") >= 0.94  # issue 4: >= 0.85
    assert report.macro_f1("bi") >= 0.94  # issue 4: >= 0.90
    assert report.macro_f1() >= 0.96


def test_floors_on_our_english_corpus():
    """42 real English abstracts annotated by hand (tests/corpus/own-en: oncology phase 1-3 and five
    non-oncology RCTs; digest, PubMed XML and MEDLINE)."""
    report = evaluate([CORPUS / "own-en"])
    assert not report.errors and len(report.files) >= 40
    assert report.macro_f1("en") >= 0.92
    assert report.groups["all"]["results"].f1 >= 0.90


def test_english_extraction_meets_issue_3():
    """Issue 3: on the seed, the English and bilingual documents of dev and our own English corpus, macro
    F1 >= 0.90, results F1 >= 0.90 and no field below 0.80."""
    report = evaluate([CORPUS / "seed", CORPUS / "dev", CORPUS / "own-en"])
    scores = report.groups["en+bi"]
    assert report.macro_f1("en+bi") >= 0.90
    assert scores["results"].f1 >= 0.90
    low = {f: round(s.f1, 2) for f, s in scores.items() if s.f1 is not None and s.f1 < 0.80}
    assert not low, low
