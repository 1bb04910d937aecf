"""The Chinese bigrams of kb.search: what the full-text index holds for Chinese text, and how a query is cut."""
from __future__ import annotations

from kb import search


def test_chinese_runs_become_overlapping_bigrams_and_other_text_stays():
    assert search.bigrams("血小板减少") == "血小 小板 板减 减少"
    assert search.bigrams("3级血小板减少  发生率 20%") == "3 级血 血小 小板 板减 减少 发生 生率 20%"  # "3" is not Chinese
    assert search.bigrams("PFS 为 5.1 个月") == "PFS 为 5.1 个月"  # lone characters stay themselves
    assert search.bigrams("grade\t3\n\nneutropenia") == "grade 3 neutropenia"


def test_nothing_gives_nothing():
    assert search.bigrams("") == search.bigrams(None) == ""
