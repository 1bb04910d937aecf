"""SQLite storage on sqlite-utils: one row per record plus normalised child tables.

The full record JSON is kept in ``records.record_json``; the child tables (sections, drugs,
record_drugs, targets, endpoints, results, adverse_events, ...) hold the same facts in rows for SQL,
facets and Datasette. Saving a record replaces everything it had before, so re-ingesting changes
nothing and duplicates nothing.
"""
from __future__ import annotations

import dataclasses
import json
import operator
from collections.abc import Iterable
from functools import cache
from json.encoder import encode_basestring
from pathlib import Path
from typing import NamedTuple, Optional

import sqlite_utils

from .models import Record
from .search import FTS_TABLE, create_index, record_search_row

RECORD_COLUMNS = {
    "id": str, "title_en": str, "title_zh": str, "journal": str, "published": str, "year": int, "doi": str,
    "pmid": str, "authors": str, "languages": str, "source_format": str, "source_path": str, "phase": str,
    "phase_detail": str, "acronym": str, "registry_ids": str, "design": str, "conditions": str, "biomarkers": str,
    "setting": str, "n_enrolled": int, "n_analyzed": int, "drug_names": str, "target_names": str,
    "abstract_en": str, "abstract_zh": str, "summary_en": str, "summary_zh": str, "disagreements": int,
    "record_json": str,
}

# child table → (columns, primary key, foreign keys besides record_id)
CHILD_TABLES: dict[str, tuple[dict, list[str], list[tuple]]] = {
    "sections": ({"record_id": str, "idx": int, "role": str, "en": str, "zh": str}, ["record_id", "idx"], []),
    "record_drugs": ({"record_id": str, "drug": str, "role": str, "name_zh": str, "aliases": str},
                     ["record_id", "drug"], [("drug", "drugs", "name")]),
    "record_targets": ({"record_id": str, "target": str}, ["record_id", "target"], [("target", "targets", "symbol")]),
    "registry_ids": ({"record_id": str, "registry_id": str}, ["record_id", "registry_id"], []),
    "endpoints": ({"record_id": str, "idx": int, "name": str, "kind": str}, ["record_id", "idx"], []),
    "results": ({"record_id": str, "idx": int, "endpoint": str, "value": float, "unit": str, "stat": str,
                 "n": int, "n_total": int, "ci_level": float, "ci_low": float, "ci_high": float, "p": float,
                 "p_op": str, "arm": str, "qualifier": str}, ["record_id", "idx"], []),
    "adverse_events": ({"record_id": str, "idx": int, "term": str, "term_zh": str, "grade": str, "rate": float,
                        "n": int, "arm": str}, ["record_id", "idx"], []),
    "consistency": ({"record_id": str, "idx": int, "fact": str, "en": str, "zh": str, "agree": int},
                    ["record_id", "idx"], []),
    "record_glossary": ({"record_id": str, "zh": str, "en": str, "kind": str, "origin": str},
                        ["record_id", "zh", "en"], []),
    "spans": ({"record_id": str, "idx": int, "field": str, "lang": str, "part": str, "section": int,
               "start": int, "end": int, "text": str}, ["record_id", "idx"], []),
}
INDEXES = {
    "records": [["journal"], ["year"], ["phase"], ["doi"], ["pmid"], ["languages"], ["disagreements"]],
    "results": [["endpoint"], ["record_id"]],
    "adverse_events": [["term"], ["grade"], ["record_id"]],
    "record_drugs": [["drug"]],
    "record_targets": [["target"]],
    "endpoints": [["name"]],
    "spans": [["record_id", "field"]],
    "raw_documents": [["doi"], ["pmid"], ["record_id"]],
}


def open_db(path: str | Path) -> sqlite_utils.Database:
    """The database at ``path``, with every table created (idempotent); WAL, so readers never block."""
    db = sqlite_utils.Database(path)
    # A new file gets 16 KiB pages (a no-op on an existing one): a record's row (its JSON, abstracts and
    # summaries) then fits one page instead of a chain of overflow pages, which makes bulk writes about a
    # quarter cheaper. Must precede the switch to WAL.
    db.execute("PRAGMA page_size = 16384")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = ON")
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create what is missing, in one transaction: a half-made schema is never left behind (and a new
    file is made with one commit, not one per statement)."""
    with db.conn:
        if not db.conn.in_transaction:
            db.conn.execute("BEGIN")  # DDL opens no transaction by itself
        db["records"].create(RECORD_COLUMNS, pk="id", not_null={"record_json"}, if_not_exists=True)
        have = db["records"].columns_dict
        for name, kind in RECORD_COLUMNS.items():  # a database made by an older kb gains the new columns
            if name not in have:
                db["records"].add_column(name, kind)
        db["drugs"].create({"name": str, "name_zh": str, "drug_class": str, "targets": str}, pk="name",
                           if_not_exists=True)
        db["targets"].create({"symbol": str, "name_zh": str}, pk="symbol", if_not_exists=True)
        db["drug_targets"].create({"drug": str, "target": str}, pk=("drug", "target"), if_not_exists=True,
                                  foreign_keys=[("drug", "drugs", "name"), ("target", "targets", "symbol")])
        for name, (cols, pk, fks) in CHILD_TABLES.items():
            db[name].create(cols, pk=tuple(pk), foreign_keys=[("record_id", "records", "id"), *fks],
                            if_not_exists=True)
        db["ingest_errors"].create({"path": str, "record": str, "reason": str}, pk=("path", "record"),
                                   if_not_exists=True)
        db["raw_documents"].create({"path": str, "idx": int, "record_id": str, "doi": str, "pmid": str,
                                    "raw_json": str}, pk=("path", "idx"), if_not_exists=True)
        db["sources"].create({"path": str, "sha256": str, "size": int, "records": str, "failed": int}, pk="path",
                             if_not_exists=True)
        db.execute("""CREATE VIEW IF NOT EXISTS glossary AS
            SELECT zh, en, max(kind) AS kind, count(*) AS records, group_concat(DISTINCT origin) AS origins,
                   group_concat(record_id, ' ') AS record_ids
            FROM record_glossary GROUP BY zh, en""")
        for table, indexes in INDEXES.items():
            for cols in indexes:
                db[table].create_index(cols, if_not_exists=True)
        create_index(db)


_DUMPS = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(value, ensure_ascii=False), made once


def _json(value) -> Optional[str]:
    if not value:
        return None
    if type(value) is list and all(type(v) is str for v in value):  # the usual list of names, written as dumps would
        return "[" + ", ".join(map(encode_basestring, value)) + "]"
    return _DUMPS(value)


_RECORD_VALUES = operator.itemgetter(*RECORD_COLUMNS)  # a record_row as a tuple in the columns' order


class Ready(NamedTuple):
    """A record as storing needs it, worked out without the database (in an extraction worker, or here
    just before writing): plain strings, numbers and tuples, which cross between processes at a fraction
    of what the Record costs (unpickling rebuilds its pydantic models one by one). Its summaries were
    rendered before the glossary's learned names were known: ``asked`` holds the names they asked for,
    and writing renders them again (from the record JSON) should one of those have been learned."""

    id: str
    row: tuple  # the ``records`` row, in RECORD_COLUMNS' order
    search: tuple[str, str]  # the ``records_fts`` (en, zh) columns
    children: dict[str, list[tuple]]  # child_rows
    drugs: tuple[tuple, ...]  # (name, Chinese name or None, class, targets JSON, targets)
    targets: tuple[tuple[str, Optional[str]], ...]  # (symbol, Chinese name) named by the record or its drugs
    pairs: tuple[tuple[str, str], ...]  # its glossary pairs of the kinds names are learned from
    asked: frozenset
    raw: Optional[tuple]  # (path, index, DOI lower-cased, PMID, raw JSON) of the document it came from

    def record(self) -> Record:
        return Record.model_validate_json(self.row[_JSON_AT])


_JSON_AT = list(RECORD_COLUMNS).index("record_json")


def ready(rec: Record, raw=None, learned: Optional[dict[str, str]] = None) -> Ready:
    """``rec`` (read from ``raw``) made ready to store; ``learned``: the glossary's learned names, when
    known (else the summaries note what they asked for)."""
    from ingest.lexicon import lexicon  # the lexicon gives drugs' and targets' Chinese names

    from .summary import AskedNames, summaries

    lex = lexicon()
    asked = AskedNames() if not learned else learned
    summary = summaries(rec, asked)
    targets = {t for d in rec.drugs for t in d.targets} | set(rec.targets)
    doi = ((raw.doi or "").lower() or None) if raw is not None else None
    return Ready(
        rec.id, _RECORD_VALUES(record_row(rec, summary)), record_search_row(0, rec, summary)[1:], child_rows(rec),
        tuple((d.name, d.name_zh or lex.zh_name("drug", d.name), d.drug_class, _json(d.targets), tuple(d.targets))
              for d in rec.drugs),
        tuple((t, lex.zh_name("target", t)) for t in sorted(targets)), tuple(_pairs([rec])),
        frozenset(asked.asked) if isinstance(asked, AskedNames) else frozenset(),
        None if raw is None else (raw.path, raw.index, doi, raw.pmid, _raw_json(raw)))


def _current(item: Ready, learned: dict[str, str]) -> Ready:
    """``item`` as it is, or made again with ``learned`` when its summaries asked for a name learned since."""
    if learned and not item.asked.isdisjoint(learned):
        return ready(item.record(), learned=learned)._replace(raw=item.raw)
    return item


def record_row(rec: Record, summary: dict[str, str]) -> dict:
    """The ``records`` row of ``rec``, with its ``summaries``."""
    c, t, p = rec.citation, rec.trial, rec.population
    return {
        "id": rec.id, "title_en": c.title.en, "title_zh": c.title.zh, "journal": c.journal,
        "published": c.published, "year": int(c.published[:4]) if c.published else None, "doi": c.doi,
        "pmid": c.pmid, "authors": _json(c.authors), "languages": ",".join(rec.source.languages),
        "source_format": rec.source.format, "source_path": rec.source.path, "phase": t.phase,
        "phase_detail": t.phase_detail, "acronym": t.acronym, "registry_ids": _json(t.registry_ids),
        "design": _json(t.design), "conditions": _json(p.conditions), "biomarkers": _json(p.biomarkers),
        "setting": _json(p.setting), "n_enrolled": p.n_enrolled, "n_analyzed": p.n_analyzed,
        "drug_names": _json([d.name for d in rec.drugs]), "target_names": _json(rec.targets),
        "abstract_en": "\n\n".join(s.en for s in rec.sections if s.en) or None,
        "abstract_zh": "\n\n".join(s.zh for s in rec.sections if s.zh) or None,
        **summary,
        "disagreements": sum(1 for x in rec.consistency if not x.agree),
        "record_json": rec.model_dump_json(by_alias=True),  # to_json_dict's data, at half the cost
    }


def child_rows(rec: Record) -> dict[str, list[tuple]]:
    """Each child table's rows of ``rec``, as tuples in the order of CHILD_TABLES' columns."""
    rid = rec.id
    return {
        "sections": [(rid, i, s.role, s.en, s.zh) for i, s in enumerate(rec.sections)],
        "record_drugs": [(rid, d.name, d.role, d.name_zh, _json(d.aliases)) for d in rec.drugs],
        "record_targets": [(rid, t) for t in rec.targets],
        "registry_ids": [(rid, r) for r in rec.trial.registry_ids],
        "endpoints": [(rid, i, e.name, e.kind) for i, e in enumerate(rec.endpoints)],
        "results": [(rid, i, r.endpoint, r.value, r.unit, r.stat, r.n, r.N,
                     *((r.ci.level, r.ci.low, r.ci.high) if r.ci else (None, None, None)),
                     r.p, r.p_op, r.arm, r.qualifier) for i, r in enumerate(rec.results)],
        "adverse_events": [(rid, i, a.term, a.term_zh, a.grade, a.rate, a.n, a.arm)
                           for i, a in enumerate(rec.adverse_events)],
        "consistency": [(rid, i, x.fact, x.en, x.zh, int(x.agree)) for i, x in enumerate(rec.consistency)],
        "record_glossary": [(rid, g.zh, g.en, g.kind, g.origin) for g in rec.glossary],
        "spans": [(rid, i, s.field, s.lang, s.part, s.section, s.start, s.end, s.text)
                  for i, s in enumerate(rec.spans)],
    }


# Rows are written right after the records' old ones are deleted (and foreign keys leave no row without its
# record), so a plain INSERT stores what INSERT OR REPLACE would, at a fraction of the cost with foreign
# keys on, whenever the rows' keys are distinct: always for records (one per id in a batch) and rows keyed
# by position (idx). Rows keyed by a name repeated within a batch (a drug written twice, a glossary pair
# twice) keep OR REPLACE: the last one wins, as it always has.
CHILD_KEYS: dict[str, Optional[list[int]]] = {
    table: None if "idx" in pk else [list(cols).index(c) for c in pk] for table, (cols, pk, _) in CHILD_TABLES.items()}


@cache
def _insert_sql(table: str, cols: tuple[str, ...], verb: str = "INSERT") -> str:
    return (f"{verb} INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)})")


def _insert_rows(conn, table: str, cols: tuple[str, ...], rows: list[tuple], key: Optional[list[int]]) -> None:
    """Insert ``rows`` (tuples in the order of ``cols``); ``key``: the key's positions, None when the rows'
    keys are distinct by construction."""
    if not rows:
        return
    distinct = key is None or len({tuple(r[i] for i in key) for r in rows}) == len(rows)
    conn.executemany(_insert_sql(table, cols, "INSERT" if distinct else "INSERT OR REPLACE"), rows)


def _insert_many(db: sqlite_utils.Database, table: str, rows: list[dict], verb: str = "INSERT") -> None:
    if not rows:
        return
    cols = list(rows[0])
    db.conn.executemany(_insert_sql(table, tuple(cols), verb), [[r[c] for c in cols] for r in rows])


def _rowids(db: sqlite_utils.Database, ids: list[str]) -> dict[str, int]:
    """Id → rowid of those of ``ids`` stored in ``records``."""
    found: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        found.update(db.conn.execute(f"SELECT id, rowid FROM records WHERE id IN ({', '.join('?' * len(chunk))})",
                                     chunk))
    return found


def _existing(db: sqlite_utils.Database, ids: list[str]) -> list[str]:
    """Those of ``ids`` stored in ``records``, in the order given."""
    found = _rowids(db, ids)
    return [i for i in ids if i in found]


def _delete_records(db: sqlite_utils.Database, ids: list[str]) -> None:
    """Remove records and everything hanging off them; ids not stored are passed over (a child row
    always has its record: foreign keys are on)."""
    ids = _existing(db, ids)
    if not ids:
        return
    params = [[i] for i in ids]
    db.conn.executemany(f"DELETE FROM [{FTS_TABLE}] WHERE rowid = (SELECT rowid FROM records WHERE id = ?)", params)
    for table in CHILD_TABLES:
        db.conn.executemany(f"DELETE FROM [{table}] WHERE record_id = ?", params)
    db.conn.executemany("DELETE FROM records WHERE id = ?", params)


LEARNED_KINDS = ("drug", "adverse_event", "condition")


class _Glossary:
    """(English lower-cased, Chinese) → records showing the pair, read once per connection and kept up to
    date by _write_records (a GROUP BY over the whole glossary per batch would make big ingests quadratic),
    with each English name's winning Chinese form kept alongside."""

    def __init__(self, db: sqlite_utils.Database):
        kinds = ", ".join("?" * len(LEARNED_KINDS))
        flat = {(en.lower(), zh): n for zh, en, n in db.execute(
            f"SELECT zh, en, count(*) FROM record_glossary WHERE kind IN ({kinds}) GROUP BY zh, en", LEARNED_KINDS)}
        self.counts: dict[str, dict[str, int]] = {}  # English → Chinese → records
        for (en, zh), n in flat.items():
            self.counts.setdefault(en, {})[zh] = n
        self.best = {en: _winner(zhs) for en, zhs in self.counts.items() if len(en) > 2}

    def learned(self, pairs: list[tuple[str, str]]) -> dict[str, str]:
        """English → Chinese as the stored counts plus ``pairs`` rank them."""
        learned = dict(self.best)
        extra: dict[str, dict[str, int]] = {}
        for en, zh in pairs:
            zhs = extra.setdefault(en, {})
            zhs[zh] = zhs.get(zh, 0) + 1
        for en, added in extra.items():
            if len(en) > 2:
                zhs = dict(self.counts.get(en, {}))
                for zh, n in added.items():
                    zhs[zh] = zhs.get(zh, 0) + n
                learned[en] = _winner(zhs)
        return learned

    def add(self, pairs: list[tuple[str, str]]) -> None:
        for en, zh in pairs:  # approximate when a record is rewritten: the counts only rank names
            zhs = self.counts.setdefault(en, {})
            zhs[zh] = zhs.get(zh, 0) + 1
        for en in {en for en, _ in pairs}:
            if len(en) > 2:
                self.best[en] = _winner(self.counts[en])


def _winner(zhs: dict[str, int]) -> str:
    """The Chinese form most records show; on a tie the first in sort order."""
    return min(zhs.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _glossary(db: sqlite_utils.Database) -> _Glossary:
    glossary = getattr(db, "_kb_glossary", None)
    if glossary is None:
        glossary = db._kb_glossary = _Glossary(db)
    return glossary


def learned_names(db: sqlite_utils.Database, records: Iterable[Record] = ()) -> dict[str, str]:
    """English → Chinese names the glossary has learned (written pairs such as 曲沙替尼(quxatinib) and
    aligned ones), from stored records and ``records``: what fills a Chinese name no lexicon has. When
    a name has several Chinese forms, the one most records show wins."""
    return _glossary(db).learned(_pairs(records))


def _pairs(records: Iterable[Record]) -> list[tuple[str, str]]:
    return [(g.en.lower(), g.zh) for rec in records for g in rec.glossary if g.kind in LEARNED_KINDS]


def _write_records(db: sqlite_utils.Database, items: list[Ready]) -> None:
    """Write the records of ``items`` (replacing any of the same ids)."""
    pairs = [pair for item in items for pair in item.pairs]
    glossary = _glossary(db)
    learned = glossary.learned(pairs)
    _delete_records(db, [item.id for item in items])
    items = [_current(item, learned) for item in items]
    targets, drugs, drug_targets = {}, {}, set()
    for item in items:
        targets.update((t[0], t) for t in item.targets)
        for name, name_zh, drug_class, targets_json, its_targets in item.drugs:
            drugs[name] = (name, name_zh or learned.get(name.lower()), drug_class, targets_json)
            drug_targets.update((name, t) for t in its_targets)
    conn = db.conn
    if targets:
        conn.executemany("INSERT OR REPLACE INTO [targets] ([symbol], [name_zh]) VALUES (?, ?)",
                         [targets[k] for k in sorted(targets)])
    if drugs:
        conn.executemany("INSERT OR REPLACE INTO [drugs] ([name], [name_zh], [drug_class], [targets]) "
                         "VALUES (?, ?, ?, ?)", [drugs[k] for k in sorted(drugs)])
    if drug_targets:
        conn.executemany("INSERT OR IGNORE INTO [drug_targets] ([drug], [target]) VALUES (?, ?)", sorted(drug_targets))
    glossary.add(pairs)
    if not items:
        return
    _insert_rows(conn, "records", tuple(RECORD_COLUMNS), [item.row for item in items], None)
    rowids = _rowids(db, [item.id for item in items])
    conn.executemany(f"INSERT INTO [{FTS_TABLE}] (rowid, en, zh) VALUES (?, ?, ?)",
                     [(rowids[item.id], *item.search) for item in items])
    for table, (cols, _, _) in CHILD_TABLES.items():
        _insert_rows(conn, table, tuple(cols), [row for item in items for row in item.children[table]],
                     CHILD_KEYS[table])


def save_records(db: sqlite_utils.Database, records: Iterable[Record]) -> int:
    """Upsert records by id in one transaction; returns how many were written."""
    batch = list({r.id: r for r in records}.values())
    with db.conn:
        _write_records(db, [ready(r) for r in batch])
    return len(batch)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _raw_json(raw) -> str:
    """The raw document as JSON: what ``json.dumps(dataclasses.asdict(raw))`` gives, without asdict's
    deep copy of every value (kept for a document holding other dataclasses than its paragraphs)."""
    data = {name: getattr(raw, name) for name in _field_names(type(raw))}
    data["paragraphs"] = [{name: getattr(p, name) for name in _field_names(type(p))} for p in raw.paragraphs]
    try:
        return _DUMPS(data)
    except TypeError:
        return _DUMPS(dataclasses.asdict(raw))


def _raw_from_json(text: str):
    from ingest.document import Paragraph, RawDocument

    data = json.loads(text)
    data["paragraphs"] = [Paragraph(**p) for p in data["paragraphs"]]
    return RawDocument(**data)


class _RawKeys:
    """Every DOI and PMID in ``raw_documents`` (read once per connection, then kept up to date; a
    superset once a row is replaced), so a paper no stored document shares needs no query; and the
    raw documents of the batch not yet written, written together before the next query."""

    def __init__(self, db: sqlite_utils.Database):
        self.dois = {r[0] for r in db.conn.execute("SELECT DISTINCT doi FROM raw_documents WHERE doi IS NOT NULL")}
        self.pmids = {r[0] for r in db.conn.execute("SELECT DISTINCT pmid FROM raw_documents WHERE pmid IS NOT NULL")}
        self.pending: list[tuple] = []

    def flush(self, db: sqlite_utils.Database) -> None:
        if self.pending:
            db.conn.executemany("INSERT OR REPLACE INTO raw_documents (path, idx, record_id, doi, pmid, raw_json) "
                                "VALUES (?, ?, ?, ?, ?, ?)", self.pending)
            self.pending = []


def _raw_keys(db: sqlite_utils.Database) -> _RawKeys:
    keys = getattr(db, "_kb_raw_keys", None)
    if keys is None:
        keys = db._kb_raw_keys = _RawKeys(db)
    return keys


def _merge_sources(db: sqlite_utils.Database, item: Ready) -> tuple[Ready, list[str]]:
    """The record of this paper from every file that holds it (same DOI, else same PMID), and the ids
    of stored records it replaces. The document is stored so later files can join it (queued: the
    caller flushes ``_raw_keys(db)`` before the transaction ends)."""
    path, index, doi, pmid, raw_json = item.raw
    keys = _raw_keys(db)
    others = []
    if (doi or pmid) and (doi in keys.dois or (pmid is not None and pmid in keys.pmids)):
        keys.flush(db)
        others = list(db.conn.execute(
            "SELECT path, idx, record_id, raw_json FROM raw_documents WHERE NOT (path = ? AND idx = ?) "
            "AND ((doi IS NOT NULL AND doi = ?) OR (pmid IS NOT NULL AND pmid = ?)) ORDER BY path, idx",
            [path, index, doi, pmid]))
    if others:
        from ingest.extract import extract_document, merge_raw

        raws = [_raw_from_json(raw_json)] + [_raw_from_json(r[3]) for r in others]
        item = ready(extract_document(merge_raw(raws)))._replace(raw=item.raw)
        db.conn.executemany("UPDATE raw_documents SET record_id = ? WHERE path = ? AND idx = ?",
                            [[item.id, r[0], r[1]] for r in others])
    keys.pending.append((path, index, item.id, doi, pmid, raw_json))
    if doi is not None:
        keys.dois.add(doi)
    if pmid is not None:
        keys.pmids.add(pmid)
    return item, sorted({r[2] for r in others} - {item.id})


def save_batch(db: sqlite_utils.Database, items: list[Ready], sources: list[dict], errors: list[dict]) -> int:
    """One transaction: the records of some files (with their raw documents, merged with stored ones of
    the same paper), those files' hashes and their errors. A run killed before the commit leaves no
    trace of the batch, so running again redoes exactly it."""
    keys = _raw_keys(db)
    try:
        with db.conn:
            merged: dict[str, Ready] = {}
            for item in items:
                if item.raw is not None:
                    item, replaced = _merge_sources(db, item)
                    if replaced:
                        _delete_records(db, replaced)
                    for old in replaced:
                        merged.pop(old, None)
                merged[item.id] = item
            keys.flush(db)
            batch = list(merged.values())
            _write_records(db, batch)
            paths = [[s["path"]] for s in sources]
            db.conn.executemany("DELETE FROM ingest_errors WHERE path = ?", paths)
            _insert_many(db, "ingest_errors", errors, "INSERT OR REPLACE")
            _insert_many(db, "sources", sources, "INSERT OR REPLACE")
    finally:
        keys.pending = []  # a failed batch leaves nothing queued for the next
    return len(batch)


def refresh_learned(db: sqlite_utils.Database) -> int:
    """Re-render what depends on learned names after an ingest: drugs with no Chinese name get the one
    the glossary now knows, and records naming a drug or adverse event only the glossary can put in
    Chinese get their summaries again. Returns how many records were rewritten."""
    from ingest.lexicon import lexicon

    learned = learned_names(db)
    if not learned:
        return 0
    lex = lexicon()
    ids = set()
    for record_id, name in db.execute("SELECT record_id, drug FROM record_drugs WHERE name_zh IS NULL"):
        if name.lower() in learned and not lex.zh_name("drug", name):
            ids.add(record_id)
    for record_id, term in db.execute("SELECT record_id, term FROM adverse_events WHERE term_zh IS NULL"):
        if term.lower() in learned and not lex.zh_name("ae", term):
            ids.add(record_id)
    with db.conn:
        nameless = [r[0] for r in db.execute("SELECT name FROM drugs WHERE name_zh IS NULL") if r[0].lower() in learned]
        db.conn.executemany("UPDATE drugs SET name_zh = ? WHERE name = ?",
                            [[learned[name.lower()], name] for name in nameless])
        from .summary import render

        stored = dict(db.execute(f"SELECT id, summary_zh FROM records WHERE id IN ({', '.join('?' * len(ids))})",
                                 sorted(ids))) if ids else {}
        changed = [r for r in (load_record(db, i) for i in sorted(ids))
                   if r is not None and render(r, "zh", "md", learned) != stored.get(r.id)]
        if changed:  # only records whose Chinese summary the new names change: a second run rewrites nothing
            _write_records(db, [ready(r, learned=learned) for r in changed])
    return len(changed)


def delete_record(db: sqlite_utils.Database, record_id: str) -> None:
    with db.conn:
        _delete_records(db, [record_id])


def checkpoint(db: sqlite_utils.Database) -> None:
    """Move the write-ahead log into the database file and close: what a finished writer leaves behind.
    Datasette's immutable mode reads the main file only."""
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


def checkpoint_file(path: str | Path) -> None:
    """Checkpoint a database file whose writer left a WAL behind (killed, or still open elsewhere)."""
    import sqlite3

    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size:
        conn = sqlite3.connect(str(path))
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


def known_sources(db: sqlite_utils.Database) -> dict[str, str]:
    """Path → content hash of every file already ingested."""
    return {row[0]: row[1] for row in db.execute("SELECT path, sha256 FROM sources")}


def load_record(db: sqlite_utils.Database, record_id: str) -> Optional[Record]:
    rows = list(db.query("SELECT record_json FROM records WHERE id = ?", [record_id]))
    return Record.model_validate_json(rows[0]["record_json"]) if rows else None
