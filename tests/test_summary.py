"""Evidence summaries (issue 6): what the seed's cards say, faithfulness over every document we have,
cross-language cards checked against the gold, escaping, `kb summary` and the stored summaries."""
from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.extract import extract_path
from ingest.lexicon import lexicon
from kb.models import Record
from kb.summary import one_line, render

from .conftest import CORPUS, SEED

RAW = (".txt", ".xml", ".nbib", ".ris")
DOCS = sorted(p for p in CORPUS.rglob("*") if p.suffix in RAW and p.parent.name != "hostile"
              and p.name != "README.txt")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
EMPTY_CLAUSE = re.compile(r"\bNone\b|\(\s*\)|（\s*）|[:：]\s*[.;。；]|[;；,，、]\s*[.。)）]|[;；]\s*[;；]|\bnan\b")


def _records(path: Path) -> list[Record]:
    return [o.record for o in extract_path(path) if o.record is not None]


def _numbers(value) -> set[str]:
    """Every number the record holds: numeric fields (as written and as integers) and digits in text."""
    out: set[str] = set()
    if isinstance(value, bool) or value is None:
        return out
    if isinstance(value, (int, float)):
        out.add(f"{value:g}")
        if float(value).is_integer():
            out.add(str(int(value)))
        return out
    if isinstance(value, str):
        return set(NUMBER.findall(value))
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        out |= _numbers(item)
    return out


@pytest.fixture(scope="module")
def seed():
    return _records(SEED)[0]


def test_seed_english_card(seed):
    text = render(seed, "en")
    for expected in ("milademetan", "MDM2", "phase 2", "MANTRA-2", "40 patients (31 analysed)",
                     "ORR 19.4% (6/31)", "median PFS 3.5 months (95% CI 1.8–3.7)", "grade 3–4 thrombocytopenia"):
        assert expected in text, expected
    assert text.index("Primary endpoint") < text.index("median PFS")  # the primary result comes first


def test_seed_chinese_card(seed):
    text = render(seed, "zh")
    for expected in ("米拉德美坦", "MDM2抑制剂", "II期", "40例", "可评估31例", "19.4%(6/31)", "3.5个月(95%CI:1.8~3.7)",
                     "3~4级血小板减少"):
        assert expected in text, expected


def test_cli_summary_both_languages():
    out = subprocess.run([sys.executable, "-m", "kb.cli", "summary", str(SEED), "--lang", "both"],
                         capture_output=True, text=True, check=True).stdout
    assert "MANTRA-2" in out and "grade 3–4 thrombocytopenia" in out
    assert "米拉德美坦" in out and "血小板减少" in out
    assert out.index("phase 2") < out.index("II期")  # English first


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_summaries_are_faithful(path):
    """Every number in every summary is one of the record's; no template leaves None or an empty clause."""
    for rec in _records(path):
        allowed = _numbers(rec.to_json_dict())
        for lang in ("en", "zh"):
            for fmt in ("md", "html"):
                text = render(rec, lang, fmt)
                plain = re.sub(r"<[^>]+>", " ", text) if fmt == "html" else text
                stray = [n for n in NUMBER.findall(plain) if n not in allowed]
                assert not stray, f"{lang}/{fmt}: numbers not in the record: {stray}\n{text}"
                assert not EMPTY_CLAUSE.search(plain), f"{lang}/{fmt}: empty clause\n{text}"
            assert one_line(rec, lang) and "None" not in one_line(rec, lang)


def _gold_pairs(prefix: str):
    for gold in sorted(CORPUS.rglob(f"{prefix}-*.gold.json")):
        raw = [gold.with_name(gold.name.replace(".gold.json", ext)) for ext in RAW]
        raw = [p for p in raw if p.exists()]
        if raw:
            yield raw[0], json.loads(gold.read_text(encoding="utf-8"))


def _drug_names(gold: dict) -> list[str]:
    return [d["name"] if isinstance(d, dict) else d for d in gold.get("drugs", [])]


def test_chinese_only_documents_get_a_correct_english_summary():
    """Checked against the gold, not against our own extraction: the drugs (by INN), the patient count
    and the gold's headline figures appear in the English card of each Chinese-only abstract."""
    checked = 0
    for raw, gold in _gold_pairs("zh"):
        rec = _records(raw)[0]
        text = render(rec, "en")
        assert not re.search(r"[\u4e00-\u9fff]{4,}", text.split("\n")[0]), f"{raw.name}: Chinese left in heading"
        n = gold.get("population", {}).get("n_enrolled")
        if n is not None and rec.population.n_enrolled == n:
            assert f"{n} patients" in text, raw.name
        known = [d for d in _drug_names(gold) if d in lexicon().drugs]
        found = [name for name in known if name in text]
        assert len(found) >= min(1, len(known)), f"{raw.name}: {known} not in\n{text}"
        checked += 1
    assert checked >= 4


def test_english_only_documents_get_a_correct_chinese_summary():
    """The gold's drugs appear under their Chinese generic names (from the lexicon), the patient count
    as N例, and endpoints under their Chinese names."""
    lex = lexicon()
    checked = 0
    for raw, gold in _gold_pairs("en"):
        rec = _records(raw)[0]
        text = render(rec, "zh")
        for name in _drug_names(gold):
            zh = lex.zh_name("drug", name)
            if zh and any(x.name == name for x in rec.drugs):
                assert zh in text, f"{raw.name}: {zh}"
        n = gold.get("population", {}).get("n_enrolled")
        if n is not None and rec.population.n_enrolled == n:
            assert f"入组{n}例" in text, raw.name
        found = [r["endpoint"] for r in gold.get("results", [])
                 if any(x.endpoint == r["endpoint"] and x.value == r["value"] for x in rec.results)]
        if found:  # the card shows a handful of figures: at least one found endpoint, by its Chinese name
            assert any(lex.label("endpoint", e, "zh") in text for e in found), f"{raw.name}: {found}"
        checked += 1
    assert checked >= 10


def test_html_summary_escapes_hostile_text(seed):
    rec = seed.model_copy(deep=True)
    rec.drugs[0].drug_class = '<script>alert(1)</script>'
    rec.population.conditions = ['"><img src=x onerror=alert(1)>']
    for lang in ("en", "zh"):
        html = render(rec, lang, "html")
        assert "<script>" not in html and "<img" not in html
        assert "&lt;script&gt;" in html and "&lt;img" in html


def test_ingest_stores_both_summaries(tmp_path, seed):
    db = tmp_path / "kb.db"
    subprocess.run([sys.executable, "-m", "kb.cli", "ingest", "--db", str(db), str(SEED)], check=True,
                   capture_output=True)
    row = sqlite3.connect(db).execute("SELECT id, summary_en, summary_zh FROM records").fetchone()
    assert row[1] == render(seed, "en") and row[2] == render(seed, "zh")
    out = subprocess.run([sys.executable, "-m", "kb.cli", "summary", row[0], "--db", str(db), "--lang", "zh",
                          "--format", "json"], capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    assert data == {"id": row[0], "summary_zh": row[2]}
    missing = subprocess.run([sys.executable, "-m", "kb.cli", "summary", "doi:no/such", "--db", str(db)],
                             capture_output=True, text=True)
    assert missing.returncode == 1 and "no such file or record id" in missing.stderr
    assert "Traceback" not in missing.stderr
