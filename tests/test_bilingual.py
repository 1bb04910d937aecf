"""EN/ZH: consistency flags a figure that differs between the languages; Traditional and full-width
Chinese give the same record; pairs the text writes go to the glossary."""
from __future__ import annotations

import opencc

from ingest.document import Paragraph, RawDocument
from ingest.extract import extract_document, extract_path
from ingest.readers.digest import read_digest
from tests.conftest import SEED

FIELDS = ("trial", "drugs", "targets", "population", "endpoints", "results", "adverse_events")


def _record_from_text(text: str) -> dict:
    return extract_document(read_digest(text, "x.txt")).to_json_dict()


def test_an_altered_chinese_figure_is_flagged_not_picked(seed_record):
    text = SEED.read_text(encoding="utf-8")
    assert "19.4%(6/31)" in text
    record = _record_from_text(text.replace("19.4%(6/31)", "19.6%(6/31)"))
    orr = [c for c in record["consistency"] if c["fact"].startswith("ORR (best overall")]
    assert len(orr) == 1 and orr[0]["agree"] is False
    assert orr[0]["en"] == "19.4% (6/31)" and orr[0]["zh"] == "19.6%(6/31)"
    # the English figure stays the record's; every other comparison still agrees
    assert record["results"] == seed_record["results"]
    others = [c for c in record["consistency"] if c is not orr[0]]
    assert all(c["agree"] for c in others)


def test_a_dropped_chinese_figure_is_flagged():
    text = SEED.read_text(encoding="utf-8").replace("中位PFS为3.5个月(95%CI:1.8,3.7)。", "")
    record = _record_from_text(text)
    pfs = [c for c in record["consistency"] if c["fact"].startswith("PFS")]
    assert pfs and pfs[0]["agree"] is False and pfs[0]["zh"] is None


def test_an_altered_chinese_count_is_flagged():
    text = SEED.read_text(encoding="utf-8").replace("40名患者接受了米拉德美坦", "41名患者接受了米拉德美坦")
    record = _record_from_text(text)
    enrolled = next(c for c in record["consistency"] if c["fact"] == "patients enrolled")
    assert enrolled["agree"] is False and (enrolled["en"], enrolled["zh"]) == ("40", "41")


def _fullwidth(text: str) -> str:
    table = {ord(c): ord(c) + 0xFEE0 for c in "0123456789%:,()"}
    return text.translate(table)


def test_traditional_and_fullwidth_chinese_give_the_same_record(seed_record):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    s2t = opencc.OpenCC("s2t")
    zh_only = "\n".join(lines[:4] + lines[8:])  # citation lines + the Chinese paragraphs
    simplified = _record_from_text(zh_only)
    traditional = _record_from_text("\n".join(lines[:4] + [s2t.convert(ln) for ln in lines[8:]]))
    fullwidth = _record_from_text("\n".join(lines[:4] + [_fullwidth(ln) for ln in lines[8:]]))
    assert traditional["sections"][2]["zh"] != simplified["sections"][2]["zh"]  # stored as written
    for field in FIELDS:
        got = {k: v for k, v in simplified[field].items() if k != "name_zh"} if isinstance(simplified[field], dict) \
            else simplified[field]
        for other in (traditional, fullwidth):
            theirs = {k: v for k, v in other[field].items() if k != "name_zh"} if isinstance(other[field], dict) \
                else other[field]
            if field in ("drugs", "adverse_events"):
                got = [{k: v for k, v in d.items() if k not in ("name_zh", "term_zh")} for d in simplified[field]]
                theirs = [{k: v for k, v in d.items() if k not in ("name_zh", "term_zh")} for d in other[field]]
            assert theirs == got, field
    # a Chinese-only record gives the English canonical fields
    assert [d["name"] for d in simplified["drugs"]] == ["milademetan"]
    assert [r["endpoint"] for r in simplified["results"]] == ["ORR", "ORR", "PFS"]
    assert simplified["adverse_events"][0]["term"] == "thrombocytopenia"
    assert simplified["trial"]["phase"] == "2"


def test_glossary_pairs_written_and_aligned(seed_record):
    pairs = {(g["zh"], g["en"]): g for g in seed_record["glossary"]}
    assert pairs[("米拉德美坦", "milademetan")]["origin"] == "written"
    assert pairs[("米拉德美坦", "milademetan")]["kind"] == "drug"
    assert ("MDM2扩增", "MDM2amp") in pairs and ("无进展生存期", "PFS") in pairs
    assert pairs[("血小板减少", "thrombocytopenia")]["origin"] == "aligned"


def test_glossary_gives_an_unknown_drug_its_chinese_name():
    raw = RawDocument(format="digest", path="x", paragraphs=[Paragraph(
        "zh", "本研究评估了曲沙替尼(quxatinib)治疗复发难治性套细胞淋巴瘤患者的疗效。共纳入86例患者。")])
    record = extract_document(raw).to_json_dict()
    drug = next(d for d in record["drugs"] if d["name"] == "quxatinib")
    assert drug["name_zh"] == "曲沙替尼"
    assert drug["drug_class"] == "tyrosine kinase inhibitor"  # from the WHO stem -tinib
    assert record["population"]["n_enrolled"] == 86


def test_extract_path_returns_one_outcome_per_document():
    assert len(list(extract_path(SEED))) == 1
