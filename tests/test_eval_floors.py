"""Extraction quality on the corpora we have, scored by `kb eval` against hand-made gold files.

These floors guard what is reached today. Issue 4's targets (zh >= 0.85, bi >= 0.90 on the seed, dev and
our own Chinese/bilingual corpus) are met; issue 3's (English >= 0.90 with our own English corpus) is not yet.
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
    assert report.macro_f1("en") >= 0.90
    assert report.macro_f1("bi") >= 0.90
    assert report.macro_f1("zh") >= 0.85
    assert report.groups["all"]["results"].f1 >= 0.90


def test_floors_with_our_own_corpus():
    report = evaluate([CORPUS / "seed", CORPUS / "dev", CORPUS / "own"])
    assert report.macro_f1("en") >= 0.90
    assert report.macro_f1("zh") >= 0.90  # issue 4: >= 0.85
    assert report.macro_f1("bi") >= 0.91  # issue 4: >= 0.90
    assert report.macro_f1() >= 0.93


def test_floors_on_our_english_corpus():
    """42 real English abstracts annotated by hand (tests/corpus/own-en: oncology phase 1-3 and five
    non-oncology RCTs; digest, PubMed XML and MEDLINE): the issue's target is 0.90; this guards what is
    reached."""
    report = evaluate([CORPUS / "own-en"])
    assert not report.errors and len(report.files) >= 40
    assert report.macro_f1("en") >= 0.85
    assert report.groups["all"]["results"].f1 >= 0.89


def test_english_results_on_seed_dev_and_our_english_corpus():
    """Issue 3's results floor (F1 >= 0.90) on the seed, dev and our own English corpus together."""
    report = evaluate([CORPUS / "seed", CORPUS / "dev", CORPUS / "own-en"])
    assert report.groups["all"]["results"].f1 >= 0.90
    assert report.macro_f1("en") >= 0.88
