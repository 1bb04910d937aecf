"""Static-site throughput: pages/second for a full `kb publish` and for incremental re-publishing.

    python benchmarks/publish.py [--records 10000] [--source ../shared/corpus]

Database: every document of --source (the seed, dev and bench corpora: about 1,000 real abstracts) is
ingested once; its records are then copied until there are --records of them, each copy with its own
id and its figures scaled by a random factor (results, AE rates, n), so pages differ and no cache
flatters the figures. Then, in one run:
  full         publish into an empty folder;
  unchanged    publish again with nothing changed (hash check only);
  incremental  ingest one new record, publish again (only the pages it touches are rendered).
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_db(db: Path, source: Path, records: int, seed: int = 7) -> int:
    from kb.models import Record
    from kb.store import open_db, save_records

    subprocess.run([sys.executable, "-m", "kb.cli", "ingest", "--jobs", "2", "--db", str(db), str(source)],
                   check=True, capture_output=True)
    conn = open_db(db)
    originals = [Record.model_validate_json(r[0]) for r in conn.execute("SELECT record_json FROM records")]
    rng = random.Random(seed)
    batch, made = [], len(originals)
    while made < records:
        rec = rng.choice(originals).model_copy(deep=True)
        rec.id = f"bench:{made}"
        factor = rng.uniform(0.8, 1.2)
        for r in rec.results:
            r.value = round(r.value * factor, 1) if r.unit != "%" else min(100.0, round(r.value * factor, 1))
            r.ci = None
        for a in rec.adverse_events:
            a.rate = None if a.rate is None else min(100.0, round(a.rate * factor, 1))
        if rec.population.n_enrolled:
            rec.population.n_enrolled = max(1, int(rec.population.n_enrolled * factor))
            rec.population.n_analyzed = None
        rec.consistency = []
        batch.append(rec)
        made += 1
        if len(batch) == 500:
            save_records(conn, batch)
            batch = []
    save_records(conn, batch)
    return conn.execute("SELECT count(*) FROM records").fetchone()[0]


def timed(label: str, fn):
    start = time.perf_counter()
    report = fn()
    seconds = time.perf_counter() - start
    rendered = len(report.written)
    print(f"{label:<12} {seconds:8.2f} s  {report.pages:7d} files  {rendered:7d} written  "
          f"{report.pages / seconds:9.0f} files/s checked  {rendered / seconds:8.0f} files/s written")
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = ap.parse_args()
    from kb.publish import publish

    with tempfile.TemporaryDirectory() as tmp:
        db, out = Path(tmp) / "bench.db", Path(tmp) / "site"
        t0 = time.perf_counter()
        n = build_db(db, args.source, args.records)
        print(f"database: {n} records built in {time.perf_counter() - t0:.1f} s")
        timed("full", lambda: publish(db, out))
        timed("unchanged", lambda: publish(db, out))
        late = ROOT / "tests" / "corpus" / "own" / "zh-apatinib-gastric-240-by-line.txt"
        subprocess.run([sys.executable, "-m", "kb.cli", "ingest", "--db", str(db), "--force", str(late)],
                       check=True, capture_output=True)
        timed("incremental", lambda: publish(db, out))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
        print(f"site: {size:.0f} MB; peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
