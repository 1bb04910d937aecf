"""Serving while ingesting: `kb serve --live` answers a bounded load while `kb ingest` writes.

    python benchmarks/live.py [--docs 3000] [--requests 2000] [--workers 4]

Builds --docs varied English abstracts (benchmarks/extract.py's corpus), starts `kb serve --live` on an
empty database, then runs `kb ingest` into it while --workers clients send --requests requests over
loopback: searches (English and Chinese), facet pages, record pages and an integrity query that checks,
in one snapshot, that every record has exactly the result rows its JSON lists (a half-written record
would fail it). Printed: requests/second, p50/p95 per kind, HTTP errors, integrity failures, and
whether the database ends with every ingested record (zero lost).
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
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from extract import build_corpus  # noqa: E402

INTEGRITY = ("select count(*) as bad from records r where json_array_length(r.record_json, '$.results') != "
             "(select count(*) from results x where x.record_id = r.id)")


def _get(url: str) -> tuple[float, bool, bytes]:
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            body = r.read()
            return (time.perf_counter() - t) * 1000, r.status == 200, body
    except OSError:
        return (time.perf_counter() - t) * 1000, False, b""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "corpus" / "bench")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "docs", Path(tmp) / "live.db"
        build_corpus("en", args.docs, folder, args.source)
        subprocess.run([sys.executable, "-m", "kb.cli", "ingest", "--db", str(db), str(ROOT / "tests" / "corpus" / "seed")],
                       check=True, capture_output=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "kb.cli", "serve", "--live", "--db", str(db), "--port",
                                   str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}/live"
        for _ in range(300):
            if _get(base + ".json")[1]:
                break
            time.sleep(0.1)
        kinds = {
            "search en": [f"{base}/records.json?_search={q}&_size=20" for q in ("thrombocytopenia", "placebo", "survival")],
            "search zh": [f"{base}/records.json?_search={urllib.parse.quote(q)}&_size=20" for q in ("血小板减少", "贫血")],
            "facets": [f"{base}/records.json?_facet=phase&_facet=year&_size=0"],
            "record page": [f"{base}/records/doi~3A10~2E1158~2F1078-0432~2Eccr-25-0762"],
            "integrity": [f"{base}.json?sql={urllib.parse.quote(INTEGRITY)}&_shape=array"],
        }
        plan = [(k, random.Random(i).choice(v)) for i in range(args.requests) for k, v in kinds.items()][:args.requests]
        results: dict[str, list] = {k: [] for k in kinds}
        bad_snapshots = 0
        t0 = time.perf_counter()
        ingest = subprocess.Popen([sys.executable, "-m", "kb.cli", "ingest", "--batch", "100", "--db", str(db),
                                   str(folder)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        lock = threading.Lock()

        def hit(item):
            nonlocal bad_snapshots
            kind, url = item
            ms, ok, body = _get(url)
            if kind == "integrity" and ok and json.loads(body)[0]["bad"]:
                with lock:
                    bad_snapshots += 1
            return kind, ms, ok

        with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
            for kind, ms, ok in pool.map(hit, plan):
                results[kind].append((ms, ok))
        load_seconds = time.perf_counter() - t0
        during = ingest.poll() is None
        ingest.wait()
        stored = sqlite_count(db)
        server.terminate()
        server.wait(timeout=10)
        print(f"{args.requests} requests by {args.workers} clients in {load_seconds:.1f} s "
              f"({args.requests / load_seconds:.0f} req/s); ingest {'still running' if during else 'finished'} "
              f"when the load ended")
        print(f"{'kind':<14}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
        for kind, rows in results.items():
            ms = sorted(m for m, _ in rows)
            p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
            print(f"{kind:<14}{len(ms):>6}{statistics.median(ms):>9.1f}{p95:>9.1f}{sum(not ok for _, ok in rows):>8}")
        print(f"integrity: {bad_snapshots} snapshots with a half-written record")
        print(f"records: {stored} stored of {args.docs + 1} ingested ({args.docs + 1 - stored} lost)")


def sqlite_count(db: Path) -> int:
    import sqlite3

    return sqlite3.connect(db).execute("SELECT count(*) FROM records").fetchone()[0]


if __name__ == "__main__":
    main()
