"""The digest reader: parts recognised by content, language by script, sections aligned."""
from __future__ import annotations

import pytest

from ingest.document import ReadError
from ingest.readers import read_path
from ingest.readers.digest import read_digest
from ingest.sections import align_sections
from tests.conftest import CORPUS, SEED

EN_ONLY = """Alectinib in Crizotinib-Refractory ALK-Rearranged Non-Small-Cell Lung Cancer: A Phase II Global Study
Ou SH, Ahn JS, De Petris L
J Clin Oncol. 2016;34(7):661-8. doi: 10.1200/JCO.2015.63.9443.
PURPOSE: Crizotinib confers improved progression-free survival compared with chemotherapy.
PATIENTS AND METHODS: Alectinib 600 mg was administered orally twice daily.
RESULTS: Of the 138 patients treated, 122 were response evaluable.
CONCLUSION: Alectinib is highly active.
"""


def test_seed_parts_by_content():
    doc = next(read_path(SEED))
    assert doc.format == "digest"
    assert doc.title_en is None and doc.title_zh is None
    assert doc.journal == "Clin Cancer Res" and doc.published == "2025-08-11"
    assert doc.doi == "10.1158/1078-0432.CCR-25-0762"
    assert [p.lang for p in doc.paragraphs] == ["en"] * 4 + ["zh"] * 4


def test_english_only_digest_with_headings():
    doc = read_digest(EN_ONLY, "x.txt")
    assert doc.title_en.startswith("Alectinib in Crizotinib-Refractory")
    assert doc.authors == ["Ou SH", "Ahn JS", "De Petris L"]
    assert doc.published == "2016" and doc.doi == "10.1200/JCO.2015.63.9443"
    sections = align_sections(doc.paragraphs)
    assert [s["role"] for s in sections] == ["background", "methods", "results", "conclusions"]
    assert all(s["zh"] is None for s in sections)
    assert sections[2]["en"] == "Of the 138 patients treated, 122 were response evaluable."


def test_chinese_only_digest_with_inline_headings():
    doc = next(read_path(CORPUS / "dev" / "zh-rituximab-chop-dlbcl.txt"))
    sections = align_sections(doc.paragraphs)
    assert [s["role"] for s in sections] == ["background", "methods", "results", "conclusions"]
    assert all(s["en"] is None and s["zh"] for s in sections)
    assert sections[0]["zh"].startswith("探讨利妥昔单抗")


def test_chinese_journal_citation_and_authors():
    doc = next(read_path(CORPUS / "dev" / "zh-apatinib-gastric-60.txt"))
    assert doc.journal == "世界华人消化杂志" and doc.published == "2016-02-18"
    assert doc.doi == "10.11569/wcjd.v24.i5.759"
    assert doc.title_zh == "阿帕替尼治疗晚期胃癌的临床疗效及预后"
    assert doc.authors[:2] == ["王博", "宋丽杰"]


def test_translation_covering_only_part_of_the_english_pairs_by_position():
    doc = next(read_path(CORPUS / "dev" / "bi-anlotinib-sclc-third-line.txt"))
    sections = align_sections(doc.paragraphs)
    assert sections[0]["en"].startswith("This study aimed") and sections[0]["zh"].startswith("本研究旨在")
    assert sections[1]["role"] == "methods" and sections[1]["zh"].startswith("我们在中国")
    assert sections[-1]["role"] == "other" and "NCT03059797" in sections[-1]["en"]


@pytest.mark.parametrize("text", ["", "   \n\n", "Dumbrava Ecaterina E, Stinchcombe Thomas E\n"])
def test_no_abstract_is_a_read_error(text):
    with pytest.raises(ReadError):
        read_digest(text, "x.txt")
