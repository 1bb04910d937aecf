"""Extraction quality on the corpora we have, scored by `kb eval` against hand-made gold files.

These floors guard what is reached today; the issues' targets (macro F1 >= 0.90 en, >= 0.85 zh,
>= 0.90 bi on every corpus) are higher for bi- and zh- and stay open until met.
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
    assert report.macro_f1("zh") >= 0.87
    assert report.macro_f1("bi") >= 0.88
    assert report.macro_f1() >= 0.91


def test_floors_on_our_english_corpus():
    """30 real English oncology abstracts annotated by hand (tests/corpus/own-en): the issue's target is
    0.90; this guards what is reached."""
    report = evaluate([CORPUS / "own-en"])
    assert not report.errors and len(report.files) >= 30
    assert report.macro_f1("en") >= 0.80
    assert report.groups["all"]["results"].f1 >= 0.81
