"""RIS exports: an English and a Chinese record, and a record without abstract."""
from __future__ import annotations

from ingest.extract import extract_path
from tests.conftest import CORPUS, SEED


def test_ris_records_english_and_chinese(tmp_path):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    zh = (CORPUS / "dev" / "zh-rituximab-chop-dlbcl.txt").read_text(encoding="utf-8").strip()
    ris = "\n".join([
        "TY  - JOUR", "TI  - Milademetan in MDM2-amplified solid tumors", "AU  - Dumbrava, Ecaterina E",
        "PY  - 2025/08/11", "JO  - Clin Cancer Res", "DO  - 10.1158/1078-0432.CCR-25-0762",
        "AB  - " + " ".join(lines[4:8]), "ER  - ",
        "TY  - JOUR", "T1  - 利妥昔单抗联合化疗治疗弥漫大B细胞淋巴瘤", "AB  - " + zh, "ER  - ",
        "TY  - JOUR", "TI  - A letter without abstract", "ER  - ", ""])
    path = tmp_path / "export.ris"
    path.write_text(ris, encoding="utf-8")
    outcomes = list(extract_path(path))
    assert [o.error is None for o in outcomes] == [True, True, False]
    en, zh_rec = outcomes[0].record, outcomes[1].record
    assert en.source.format == "ris" and en.id == "doi:10.1158/1078-0432.ccr-25-0762"
    assert en.citation.published == "2025-08-11" and en.trial.acronym == "MANTRA-2"
    assert [r.value for r in en.results] == [19.4, 3.2, 3.5]
    assert zh_rec.source.languages == ["zh"] and zh_rec.citation.title.zh.startswith("利妥昔单抗")
    assert [d.name for d in zh_rec.drugs] == ["rituximab"]
    assert "no abstract" in outcomes[2].error
