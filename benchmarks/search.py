"""Search at scale: a generated database of 1,000,000 records served by `kb serve`, and the latency of
Datasette's JSON API for English, Chinese and cross-language searches and for facet pages.

    python benchmarks/search.py [--records 1000000] [--db /tmp/kb-search-bench.db] [--requests 200]

The database is generated straight into kb's schema (records + records_fts, the same bigram indexing as
`kb ingest`): each record draws drugs, adverse events, conditions and figures from the lexicons and
writes an English and a Chinese title and summary from them, with three records in ten English-only and
two in ten Chinese-only, so cross-language search has something to cross. It is built once and reused.
Then `kb serve` runs as a real process on 127.0.0.1 and requests go over loopback, one at a time
(latency) and then 4 at a time (throughput); printed: p50 and p95 in milliseconds per kind, requests per
second, and errors. Each search runs twice: as the table page's JSON (with the metadata's facets and the
total count), bare (`_nofacet=1&_nocount=1`), and through the canned `search` query (`search.json?q=`),
which reads only the first 50 matches in index order and so stays fast however common the term.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = {
    "search en": ["thrombocytopenia", "neutropenia", "osimertinib", "progression-free survival", "pembrolizumab"],
    "search zh": ["血小板减少", "中性粒细胞", "贫血", "无进展生存期", "腹泻"],
    "cross-language": ["阿帕替尼", "anemia", "卡瑞利珠单抗", "diarrhea", "米拉德美坦"],
}
FACETS = ["_facet=phase", "_facet=year", "_facet=languages", "_facet=phase&_facet=year"]


def build(db_path: Path, n: int, seed: int = 11) -> None:
    from ingest.lexicon import lexicon
    from kb.search import index_text
    from kb.store import open_db

    lex = lexicon()
    rng = random.Random(seed)
    drugs = [d for d in lex.drugs.values() if d.name_zh]
    aes = [a for a in lex.adverse_events.values() if a.term_zh]
    conds = [c for c in lex.conditions.values() if c.name_zh]
    endpoints = [("objective response rate", "客观缓解率", "%"), ("progression-free survival", "无进展生存期", "months"),
                 ("overall survival", "总生存期", "months"), ("disease control rate", "疾病控制率", "%")]
    db = open_db(db_path)
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")
    batch_rows, batch_fts = [], []

    def flush() -> None:
        conn.executemany("INSERT INTO records (id, title_en, title_zh, journal, year, phase, languages, drug_names, "
                         "conditions, n_enrolled, summary_en, summary_zh, disagreements, record_json) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '{}')", batch_rows)
        conn.executemany("INSERT INTO records_fts (rowid, en, zh) VALUES (?, ?, ?)", batch_fts)
        conn.commit()
        batch_rows.clear()
        batch_fts.clear()

    for i in range(n):
        d, a, c, (ep_en, ep_zh, unit) = rng.choice(drugs), rng.choice(aes), rng.choice(conds), rng.choice(endpoints)
        value = round(rng.uniform(5, 80), 1) if unit == "%" else round(rng.uniform(2, 30), 1)
        patients = rng.randint(20, 900)
        phase = rng.choice(["1", "2", "2", "3", "3", "1/2"])
        lang = rng.random()
        has_en, has_zh = lang < 0.8, lang >= 0.3
        title_en = f"{d.name.capitalize()} in {c.name}: a phase {phase} trial" if has_en else None
        title_zh = f"{d.name_zh}治疗{c.name_zh}的{phase}期临床研究" if has_zh else None
        summary_en = (f"{d.name} — phase {phase}. {patients} patients with {c.name}. {ep_en} {value} {unit}. "
                      f"Grade 3–4 {a.term}.") if has_en else None
        summary_zh = (f"{d.name_zh} — {phase}期。入组{patients}例{c.name_zh}患者。{ep_zh}为{value}{unit}。"
                      f"3~4级{a.term_zh}。") if has_zh else None
        rid = f"gen:{i:07d}"
        batch_rows.append((rid, title_en, title_zh, rng.choice(["J Clin Oncol", "中华肿瘤杂志", "Lancet Oncol"]),
                           rng.randint(2000, 2025), phase, ",".join(x for x, on in (("en", has_en), ("zh", has_zh)) if on),
                           json.dumps([d.name]), json.dumps([c.name]), patients, summary_en, summary_zh))
        en, zh = index_text([title_en, title_zh, summary_en, summary_zh, d.name, d.name_zh, a.term, a.term_zh])
        batch_fts.append((i + 1, en, zh))
        if len(batch_rows) == 20_000:
            flush()
            print(f"\r  built {i + 1:,} records", end="", file=sys.stderr, flush=True)
    flush()
    # rowids of records start at 1 and follow insertion order, as records_fts assumes
    conn.execute("INSERT INTO records_fts(records_fts) VALUES ('optimize')")
    conn.commit()
    print(file=sys.stderr)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[float, bool]:
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            r.read()
            ok = r.status == 200
    except OSError:
        ok = False
    return (time.perf_counter() - t) * 1000, ok


def _report(kind: str, timings: list[tuple[float, bool]], seconds: float) -> None:
    ms = sorted(t for t, _ in timings)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    errors = sum(1 for _, ok in timings if not ok)
    print(f"{kind:<32}{statistics.median(ms):>9.1f}{p95:>9.1f}{len(ms) / seconds:>10.0f}{errors:>8}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/kb-search-bench.db"))
    ap.add_argument("--requests", type=int, default=200, help="requests per kind and concurrency level")
    args = ap.parse_args()
    if not args.db.exists():
        t = time.perf_counter()
        build(args.db, args.records)
        print(f"built {args.records:,} records in {time.perf_counter() - t:.0f} s → {args.db}")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "kb.cli", "serve", "--db", str(args.db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/{args.db.stem}/records.json"
    try:
        for _ in range(600):
            if _get(base + "?_size=1")[1]:
                break
            time.sleep(0.2)
        kinds = {k: [f"{base}?_search={urllib.parse.quote(q)}&_size=20" for q in qs] for k, qs in QUERIES.items()}
        # the same searches as a script asks them: no facets, no total count
        kinds.update({f"{k} (bare)": [u + "&_nofacet=1&_nocount=1" for u in urls] for k, urls in list(kinds.items())})
        # the canned `search` query (metadata.yml): the same matching, 50 rows in index order, no count
        api = f"http://127.0.0.1:{port}/{args.db.stem}/search.json"
        kinds.update({f"{k} (search API)": [f"{api}?q={urllib.parse.quote(q)}&_shape=array" for q in qs]
                      for k, qs in QUERIES.items()})
        kinds["facets"] = [f"{base}?{f}&_size=0" for f in FACETS]
        for urls in kinds.values():  # warm the page cache once
            for u in urls:
                _get(u)
        for workers in (1, 4):
            print(f"\n{workers} concurrent client(s), {args.requests} requests per kind")
            print(f"{'kind':<32}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>10}{'errors':>8}")
            for kind, urls in kinds.items():
                todo = [urls[i % len(urls)] for i in range(args.requests)]
                t = time.perf_counter()
                with concurrent.futures.ThreadPoolExecutor(workers) as pool:
                    timings = list(pool.map(_get, todo))
                _report(kind, timings, time.perf_counter() - t)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
