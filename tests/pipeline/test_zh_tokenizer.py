"""The compiled Chinese tokenizer cuts exactly as spaCy's jieba segmenter, with our user dictionary."""
from __future__ import annotations

import re

import pytest

from ingest.pipeline import nlp_for
from ingest.pipeline.zh_tokenizer import available, resplit
from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(not available(), reason="rjieba is not installed")


def chinese_lines() -> list[str]:
    lines = []
    for path in sorted(CORPUS.rglob("*.txt")):
        lines += [ln for ln in path.read_text(encoding="utf-8").splitlines() if re.search(r"[\u4e00-\u9fff]", ln)]
    return lines


def test_same_tokens_as_the_jieba_segmenter():
    fast, slow = nlp_for("zh", fast=True), nlp_for("zh", fast=False)
    lines = chinese_lines()
    assert len(lines) >= 20
    for line in lines:
        assert [t.text for t in fast.tokenizer(line)] == [t.text for t in slow.tokenizer(line)], line


def test_user_dictionary_keeps_terms_whole():
    words = [t.text for t in nlp_for("zh").tokenizer("米拉德美坦治疗后血小板减少,中位无进展生存期为3.5个月")]
    assert {"米拉德美坦", "血小板减少", "中位", "无进展生存期", "3.5"} <= set(words)


def test_latin_runs_are_cut_like_python_jieba():
    assert resplit(["TP53-wt", "64.2Gy", "19.4%", "MDM2amp", "米拉德美坦"]) == [
        "TP53", "-", "wt", "64.2", "Gy", "19.4%", "MDM2amp", "米拉德美坦"]
