"""Glossary learning across records (issue 4): a Chinese name one record writes — 曲沙替尼(quxatinib) —
fills the Chinese name of the drug in other records, in either ingest order, and search finds them."""
from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys

import pytest

from kb.web import make_datasette

from .conftest import CORPUS

LEARNED = CORPUS / "learned"
EN_ID = "doi:10.9999/kb-quxatinib-en"


@pytest.mark.parametrize("order", [("en-quxatinib.txt", "bi-quxatinib.txt"),
                                   ("bi-quxatinib.txt", "en-quxatinib.txt")])
def test_a_learned_chinese_name_reaches_other_records(tmp_path, order):
    db = tmp_path / "kb.db"
    for name in order:  # two runs, as a user adds files over time
        subprocess.run([sys.executable, "-m", "kb.cli", "ingest", "--db", str(db), str(LEARNED / name)],
                       check=True, capture_output=True)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT name_zh FROM drugs WHERE name = 'quxatinib'").fetchone()[0] == "曲沙替尼"
    summary_zh, languages = conn.execute("SELECT summary_zh, languages FROM records WHERE id = ?", [EN_ID]).fetchone()
    assert languages == "en" and "曲沙替尼" in summary_zh
    assert conn.execute("SELECT kind FROM glossary WHERE zh = '曲沙替尼'").fetchone()[0] == "drug"
    ds = make_datasette(db)
    found = asyncio.run(ds.client.get("/kb/records.json?_search=曲沙替尼&_shape=array&_col=id")).json()
    assert EN_ID in {r["id"] for r in found}


def test_refreshing_again_rewrites_nothing(tmp_path):
    from kb.ingest_files import ingest_paths
    from kb.store import open_db, refresh_learned

    db = tmp_path / "kb.db"
    ingest_paths([LEARNED / "en-quxatinib.txt"], db)
    ingest_paths([LEARNED / "bi-quxatinib.txt"], db)  # the refresh after this run rewrites the English record
    assert refresh_learned(open_db(db)) == 0  # and nothing is left to change
