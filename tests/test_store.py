"""The SQLite store: upsert by id, normalised tables that hold what the record holds."""
from __future__ import annotations

import json

import sqlite_utils

from kb.ingest_files import ingest_paths
from tests.conftest import SEED


def _dump(db_path) -> list[str]:
    """Every statement that rebuilds the database, but the full-text index's internal segments (which
    record the history of writes), with the index's content instead."""
    db = sqlite_utils.Database(db_path)
    dump = [line for line in db.iterdump() if '"records_fts_' not in line]
    return dump + [repr(row) for row in db.execute("SELECT rowid, en, zh FROM records_fts ORDER BY rowid")]


def test_ingesting_the_seed_twice_leaves_one_record(tmp_path, seed_record):
    db_path = tmp_path / "kb.db"
    first = ingest_paths([SEED], db_path)
    dump1 = _dump(db_path)
    second = ingest_paths([SEED], db_path)
    assert (first.stored, second.stored, second.unchanged) == (1, 0, 1)  # unchanged file: skipped
    forced = ingest_paths([SEED], db_path, force=True)
    assert forced.stored == 1
    db = sqlite_utils.Database(db_path)
    assert db["records"].count == 1
    assert _dump(db_path) == dump1  # re-extracting and re-storing changes nothing


def test_tables_hold_what_the_record_holds(tmp_path, seed_record):
    db_path = tmp_path / "kb.db"
    ingest_paths([SEED], db_path)
    db = sqlite_utils.Database(db_path)
    rid = seed_record["id"]
    row = next(db.query("select * from records where id = ?", [rid]))
    assert json.loads(row["record_json"]) == seed_record
    assert row["phase"] == "2" and row["acronym"] == "MANTRA-2" and row["n_enrolled"] == 40
    assert row["journal"] == "Clin Cancer Res" and row["year"] == 2025
    results = list(db.query("select endpoint, value, unit, stat, n, n_total, ci_low, ci_high, qualifier "
                            "from results where record_id = ? order by idx", [rid]))
    assert [(r["endpoint"], r["value"], r["n"], r["n_total"]) for r in results] == [
        (x["endpoint"], x["value"], x["n"], x["N"]) for x in seed_record["results"]]
    pfs = next(r for r in results if r["endpoint"] == "PFS")
    assert (pfs["ci_low"], pfs["ci_high"], pfs["stat"]) == (1.8, 3.7, "median")
    aes = [r["term"] for r in db.query("select term from adverse_events where record_id = ? order by idx", [rid])]
    assert aes == [a["term"] for a in seed_record["adverse_events"]]
    drug = next(db.query("select d.name, d.name_zh, rd.role from record_drugs rd join drugs d on d.name = rd.drug "
                         "where rd.record_id = ?", [rid]))
    assert drug == {"name": "milademetan", "name_zh": "米拉德美坦", "role": "experimental"}
    assert [r["target"] for r in db.query("select target from drug_targets where drug = 'milademetan'")] == ["MDM2"]
    assert db["sections"].count == len(seed_record["sections"])
    assert db["spans"].count == len(seed_record["spans"])
    assert db["consistency"].count == len(seed_record["consistency"])
    fks = {fk.other_table for fk in db["results"].foreign_keys}
    assert fks == {"records"}
    assert any(i.columns == ["endpoint"] for i in db["results"].indexes)


def test_summaries_worked_out_ahead_give_way_to_learned_names():
    """A worker renders summaries before the glossary's learned names are known; they are used only when
    none of the names they asked for has been learned since, else made again from the record JSON."""
    from ingest.extract import extract_path
    from kb.store import RECORD_COLUMNS, _current, ready
    from tests.conftest import CORPUS

    rec = next(extract_path(CORPUS / "dev" / "en-lobaplatin-tnbc.txt")).record
    ahead = ready(rec)
    assert "tel" in ahead.asked  # an arm name no lexicon puts in Chinese
    assert _current(ahead, {}) is ahead and _current(ahead, {"unasked": "无关"}) is ahead
    learned = {"tel": "紫杉醇联合顺铂"}
    fresh = ready(rec, learned=learned)
    at = list(RECORD_COLUMNS).index("summary_zh")
    assert fresh.row[at] != ahead.row[at] and "紫杉醇联合顺铂" in fresh.row[at]
    again = _current(ahead, learned)
    assert again.row == fresh.row and again.search == fresh.search and again.children == fresh.children
