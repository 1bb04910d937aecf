"""Datasette front end (issue 7), through Datasette's own test client on a real database built by
`kb ingest` from the bundled corpora: searches in both languages and across them, metadata coverage,
canned queries, facets, the bilingual record page and escaping of hostile abstracts."""
from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.search import QueryBuilder
from kb.web import load_metadata, make_datasette

from .conftest import CORPUS, SEED

SEED_ID = "doi:10.1158/1078-0432.ccr-25-0762"
XSS_ID = "doi:10.9999/kb-xss-test"
SCRIPT = '<script>alert("kb-xss")</script>'
IMG = '"><img src=x onerror=alert(1)>'


def hostile_digest(folder: Path) -> Path:
    """The seed with a script tag and an attribute break-out in its English abstract, under a new DOI."""
    text = SEED.read_text(encoding="utf-8").replace("10.1158/1078-0432.CCR-25-0762", "10.9999/kb-xss-test")
    text = text.replace("MDM2 is an E3 ubiquitin ligase", f"MDM2 {SCRIPT} is an E3 {IMG} ubiquitin ligase", 1)
    path = folder / "bi-hostile-xss.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kb")
    db = folder / "kb.db"
    hostile = hostile_digest(folder)
    subprocess.run([sys.executable, "-m", "kb.cli", "ingest", "--db", str(db), str(CORPUS / "seed"),
                    str(CORPUS / "dev"), str(CORPUS / "own"), str(hostile)], check=True, capture_output=True)
    return db


@pytest.fixture(scope="module")
def ds(db_path):
    return make_datasette(db_path)


def get(ds, path: str):
    return asyncio.run(ds.client.get(path))


def ids_for(ds, query: str) -> list[str]:
    r = get(ds, f"/kb/records.json?_search={query}&_shape=array&_col=id&_size=max")
    assert r.status_code == 200, r.text
    return [row["id"] for row in r.json()]


@pytest.mark.parametrize("query", ["血小板减少", "贫血", "中性粒细胞", "thrombocytopenia", "milademetan",
                                   "米拉德美坦", "MANTRA-2", "MDM2"])
def test_searches_find_the_seed(ds, query):
    assert SEED_ID in ids_for(ds, query)


def test_chinese_search_finds_words_inside_longer_words(ds, db_path):
    """中性粒细胞 is only ever written inside 中性粒细胞减少 in the seed; every record whose Chinese text
    contains the query (a full scan) is found."""
    conn = sqlite3.connect(db_path)
    for query in ("中性粒细胞", "血小板", "贫血", "腹泻", "无进展"):
        scan = {r[0] for r in conn.execute(
            "SELECT id FROM records WHERE coalesce(abstract_zh, '') || coalesce(title_zh, '') LIKE ?", [f"%{query}%"])}
        assert scan and scan <= set(ids_for(ds, query)), query


def test_search_crosses_languages(ds, db_path):
    """A term in one language finds records written only in the other (lexicon and glossary)."""
    conn = sqlite3.connect(db_path)
    zh_only = conn.execute(
        "SELECT r.id, a.term FROM records r JOIN adverse_events a ON a.record_id = r.id "
        "WHERE r.languages = 'zh' AND instr(lower(r.abstract_zh), lower(a.term)) = 0 LIMIT 5").fetchall()
    en_only = conn.execute(
        "SELECT r.id, a.term_zh FROM records r JOIN adverse_events a ON a.record_id = r.id "
        "WHERE r.languages = 'en' AND a.term_zh IS NOT NULL LIMIT 5").fetchall()
    assert zh_only and en_only
    for record_id, english in zh_only:
        assert record_id in ids_for(ds, english), (record_id, english)
    for record_id, chinese in en_only:
        assert record_id in ids_for(ds, chinese), (record_id, chinese)


def test_search_page_shows_what_was_typed(ds):
    r = get(ds, "/kb/records?_search=血小板减少")
    assert r.status_code == 200
    assert 'value="血小板减少"' in r.text


def test_every_table_and_column_is_described(db_path):
    meta = yaml.safe_load((Path(__file__).parent.parent / "metadata.yml").read_text(encoding="utf-8"))
    tables = meta["databases"]["kb"]["tables"]
    conn = sqlite3.connect(db_path)
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'records_fts_%' "
        "AND name NOT LIKE 'sqlite_%'")]
    for name in names:
        assert name in tables and tables[name].get("description"), f"{name} has no description"
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info([{name}])")]
        missing = [c for c in cols if not tables[name].get("columns", {}).get(c)]
        assert not missing, f"{name}: columns without description: {missing}"


def test_metadata_follows_the_database_name():
    meta = load_metadata("kb-demo")
    assert "kb-demo" in meta["databases"] and "kb" not in meta["databases"]


@pytest.mark.parametrize("path,expect", [
    ("/kb/target_evidence.json?target=mdm2&_shape=array", SEED_ID),
    ("/kb/drug_safety.json?drug=milademetan&_shape=array", "thrombocytopenia"),
    ("/kb/drug_safety.json?drug=米拉德美坦&_shape=array", "血小板减少"),
    ("/kb/head_to_head.json?_shape=array", "PFS"),
    ("/kb/glossary_term.json?term=血小板&_shape=array", "thrombocytopenia"),
])
def test_canned_queries_answer(ds, path, expect):
    r = get(ds, path)
    assert r.status_code == 200, r.text
    rows = r.json()
    assert rows and expect in str(rows)


def test_disagreements_query_lists_only_mismatches(ds, db_path):
    rows = get(ds, "/kb/disagreements.json?_shape=array&_size=max").json()
    expected = sqlite3.connect(db_path).execute("SELECT count(*) FROM consistency WHERE agree = 0").fetchone()[0]
    assert len(rows) == expected


@pytest.mark.parametrize("path", ["/", "/kb", "/kb/records", "/kb/records?_facet=phase&_facet_array=drug_names",
                                  "/kb/adverse_events?_facet=grade", "/kb/results?_sort=value", "/kb/glossary",
                                  "/kb/records?_search=PFS&_sort=year", "/kb/target_evidence?target=ALK"])
def test_pages_answer(ds, path):
    r = get(ds, path)
    assert r.status_code == 200, (path, r.text[:500])
    html5lib.HTMLParser(strict=False).parse(r.text)


def test_index_explains_and_searches(ds):
    text = get(ds, "/").text
    assert 'name="_search"' in text and "/kb/records" in text and "target_evidence" in text


def _record_page(ds, record_id: str) -> str:
    from datasette.utils import tilde_encode

    r = get(ds, f"/kb/records/{tilde_encode(record_id)}")
    assert r.status_code == 200
    return r.text


def test_record_page_is_bilingual_with_linked_facts(ds):
    page = _record_page(ds, SEED_ID)
    doc = html5lib.parse(page, namespaceHTMLElements=False)
    cols = doc.findall(".//div[@class='col']")
    assert {c.get("lang") for c in cols} == {"en", "zh-Hans"}
    text = "".join(doc.itertext())
    for expected in ("Evidence summary", "证据摘要", "grade 3–4 thrombocytopenia", "3~4级血小板减少", "BACKGROUND".title(),
                     "背景", "MANTRA-2", "milademetan"):
        assert expected in text, expected
    marks = {m.get("id") for m in doc.iter("mark")}
    links = {a.get("href")[1:] for a in doc.iter("a") if (a.get("href") or "").startswith("#span-")}
    assert links and links <= marks  # every fact's source link lands on a highlighted span


def test_record_page_shows_disagreement_warning(ds, db_path):
    conn = sqlite3.connect(db_path)
    row = conn.execute("SELECT record_id, fact FROM consistency WHERE agree = 0 LIMIT 1").fetchone()
    if row is None:
        pytest.skip("no EN/ZH disagreement in the corpora")
    page = _record_page(ds, row[0])
    assert 'class="warnings"' in page and "中英文数据不一致" in page


def test_hostile_abstract_renders_as_text(ds):
    page = _record_page(ds, XSS_ID)
    assert SCRIPT not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    table = get(ds, "/kb/records?_search=kb-xss").text
    assert SCRIPT not in table


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_query_is_valid_fts(query):
    """Whatever a user types becomes a valid FTS5 expression, never a syntax error."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(en, zh, tokenize='porter unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO t VALUES ('thrombocytopenia grade 3', '血小 小板 板减 减少')")
    conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", [QueryBuilder().build(query)]).fetchone()


@pytest.mark.parametrize("path,en,zh", [("/kb/drugs/milademetan", "ORR 19.4% (6/31)", "客观缓解率(ORR)为19.4%(6/31)"),
                                        ("/kb/targets/MDM2", "milademetan", "米拉德美坦")])
def test_drug_and_target_pages_list_trials_with_one_line_summaries(ds, path, en, zh):
    page = get(ds, path).text
    doc = html5lib.parse(page, namespaceHTMLElements=False)
    items = doc.findall(".//section[@class='kb-trials']/ul/li")
    assert items
    text = "".join(items[0].itertext())
    assert en in text and zh in text


def test_live_mode_sees_records_written_after_start(tmp_path):
    """`kb serve --live` serves a database that `kb ingest` is still writing to."""
    db = tmp_path / "live.db"
    subprocess.run([sys.executable, "-m", "kb.cli", "ingest", "--db", str(db), str(CORPUS / "dev")], check=True,
                   capture_output=True)
    live = make_datasette(db, live=True)
    before = get(live, "/live/records.json?_search=milademetan&_shape=array").json()
    subprocess.run([sys.executable, "-m", "kb.cli", "ingest", "--db", str(db), str(SEED)], check=True,
                   capture_output=True)
    after = get(live, "/live/records.json?_search=milademetan&_shape=array&_col=id").json()
    assert before == [] and [r["id"] for r in after] == [SEED_ID]


def test_ingest_then_serve_in_one_process(tmp_path):
    """`kb demo` ingests and serves in one process: the immutable server must see what was just written
    (an immutable reader ignores the write-ahead log, so ingest checkpoints it)."""
    import gc

    from kb.ingest_files import ingest_paths
    from kb.publish import publish

    db = tmp_path / "demo.db"
    gc.disable()  # as in a long-lived process: nothing closes the writer's connection behind our back
    try:
        ingest_paths([SEED], db)
        publish(db, tmp_path / "site")
        ds = make_datasette(db)
        rows = get(ds, "/demo/records.json?_search=血小板减少&_shape=array&_col=id").json()
    finally:
        gc.enable()
    assert [r["id"] for r in rows] == [SEED_ID]


def test_a_search_without_a_sort_is_answered_in_index_order(ds):
    """At a million records sorting every match by year costs seconds; a search asks for index order."""
    plain = get(ds, "/kb/records.json?_search=ORR&_nofacet=1").json()
    assert "sorted by rowid" in plain["human_description_en"]
    chosen = get(ds, "/kb/records.json?_search=ORR&_sort_desc=year&_nofacet=1").json()
    assert "sorted by year descending" in chosen["human_description_en"]
    browse = get(ds, "/kb/records.json?_nofacet=1").json()
    assert "rowid" not in browse["human_description_en"]


def test_search_query_finds_what_the_table_search_finds(ds):
    """The canned `search` (fast at a million records) finds what the table's search box finds, in both
    languages, in rowid order; `after` = a row's rowid gives the rows after it."""
    for query in ("血小板减少", "thrombocytopenia", "ORR", "中性粒细胞", "患者"):
        r = get(ds, f"/kb/search.json?q={query}&_shape=array")
        assert r.status_code == 200, r.text
        rows = r.json()
        rowids = [x["rowid"] for x in rows]
        assert rowids == sorted(rowids) and {x["record"] for x in rows} == set(ids_for(ds, query)), query
        later = get(ds, f"/kb/search.json?q={query}&after={rowids[2]}&_shape=array").json()
        assert [x["rowid"] for x in later] == rowids[3:], query


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "near(", "*", "血 小板 -x ^"])
def test_search_query_takes_any_input(ds, query):
    r = get(ds, "/kb/search.json?q=" + query.replace(" ", "%20").replace('"', "%22") + "&_shape=array")
    assert r.status_code == 200, r.text


def test_a_form_that_holds_another_form_is_not_searched_twice():
    """无进展生存期 holds 无进展生存 (a lexicon form of PFS): OR-ing both reads five bigram lists for
    nothing; the shorter one finds every record the longer would."""
    built = QueryBuilder().build("无进展生存期")
    assert '"无进 进展 展生 生存"' in built and '"无进 进展 展生 生存 存期"' not in built
    assert built.count('"progression free survival"') + built.count('"progression-free survival"') == 1


def test_a_large_database_keeps_the_facets_an_index_counts(db_path, tmp_path):
    """Past 100,000 records the JSON-array facets (a read of every row) leave the records page, the
    indexed ones stay, and facet suggestions are off; a small database shows them all."""
    small = get(make_datasette(db_path), "/kb/records.json?_size=0").json()
    assert {"phase", "drug_names", "languages"} <= set(small["facet_results"])
    big = tmp_path / "kb.db"
    big.write_bytes(db_path.read_bytes())
    with sqlite3.connect(big) as conn:  # rowids as a database past the threshold has them
        conn.execute("UPDATE records SET rowid = rowid + 100000")
    page = get(make_datasette(big), "/kb/records.json?_size=0").json()
    facets = set(page["facet_results"])
    assert {"phase", "year", "languages"} <= facets and not facets & {"drug_names", "target_names"}
    assert not page.get("suggested_facets")
