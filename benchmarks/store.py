"""Storage throughput: records/second for storing already-extracted records, and extraction for comparison.

    python benchmarks/store.py [--docs 1000] [--repeat 5] [--batch 200] [--profile 30] [--source DIR]

Corpus: varied copies of the English abstracts of ../shared/corpus/bench (benchmarks/extract.py's
build_corpus: every number shifted, drug names swapped). Every file is read and extracted once (the
extraction row); then the outcomes are stored into a fresh SQLite file exactly as `kb ingest` stores them
(kb.ingest_files.store_extracted: open, batches of --batch records each one transaction with its raw
documents, sources and errors, names learned spread, checkpoint), best of --repeat runs each into a new
file: the store row (wall clock), then the same by this process's CPU time (steadier on a shared
machine). The parts rows time the per-record Python work of storing alone (summaries, record JSON,
full-text rows, raw-document JSON, child rows); "SQLite and the rest" is the store time minus them.
--profile N prints the N costliest functions (cumulative) of one more storage run.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from extract import build_corpus  # noqa: E402  (the sibling benchmark's corpus)


def extract_all(files: list[Path]) -> tuple[list, float]:
    from ingest.extract import extract_path
    from ingest.pipeline import nlp_for

    nlp_for("en")
    t = time.perf_counter()
    extracted = [(f, list(extract_path(f))) for f in files]
    return extracted, time.perf_counter() - t


def store_all(extracted: list, hashes: dict, db_path: Path, batch: int) -> int:
    from kb.ingest_files import store_extracted

    return store_extracted(extracted, db_path, hashes, batch=batch).stored


def _best(fn, repeat: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return min(times)


def parts(extracted: list, repeat: int) -> dict[str, float]:
    """Seconds per part of the per-record work of storing, over every record (best of ``repeat``)."""
    from kb import store
    from kb.search import record_search_row
    from kb.summary import summaries

    pairs = [(o.record, o.raw) for _, outs in extracted for o in outs if o.record is not None]
    records = [r for r, _ in pairs]
    rows = [summaries(r, {}) for r in records]
    return {
        "summaries (2 Markdown cards)": _best(lambda: [summaries(r, {}) for r in records], repeat),
        "record JSON": _best(lambda: [store._json(r.to_json_dict()) for r in records], repeat),
        "full-text row": _best(lambda: [record_search_row(1, r, row) for r, row in zip(records, rows)], repeat),
        "raw-document JSON": _best(lambda: [store._raw_json(raw) for _, raw in pairs if raw is not None], repeat),
        "child rows": _best(lambda: [store.child_rows(r) for r in records], repeat),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5, help="storage runs (each into a fresh file); the best is shown")
    ap.add_argument("--batch", type=int, default=200, help="records per transaction (kb ingest's default)")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions")
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "corpus" / "bench")
    args = ap.parse_args()
    from kb.ingest_files import file_hash

    with tempfile.TemporaryDirectory() as tmp:
        files = build_corpus("en", args.docs, Path(tmp) / "docs", args.source)
        hashes = {f: file_hash(f) for f in files}
        extracted, extract_s = extract_all(files)
        n = sum(1 for _, outs in extracted for o in outs if o.record is not None)
        runs = iter(range(2 * args.repeat + 1))
        stored = 0

        def store_once() -> None:
            nonlocal stored
            stored = store_all(extracted, hashes, Path(tmp) / f"run{next(runs)}.db", args.batch)

        store_s = _best(store_once, args.repeat)
        store_cpu = _best(store_once, args.repeat, time.process_time)
        print(f"{args.docs} English documents, {n} records, {stored} stored (varied copies; see the docstring)")
        print(f"{'stage':<34}{'records/s':>10}{'ms/record':>11}")
        print(f"{'extract (read + extract)':<34}{n / extract_s:>10.1f}{1000 * extract_s / n:>11.3f}")
        print(f"{'store':<34}{stored / store_s:>10.1f}{1000 * store_s / stored:>11.3f}")
        print(f"{'store, CPU time of this process':<34}{stored / store_cpu:>10.1f}{1000 * store_cpu / stored:>11.3f}")
        both = extract_s / n + store_s / stored
        print(f"{'extract + store':<34}{1 / both:>10.1f}{1000 * both:>11.3f}")
        print("store, by part:")
        timed = parts(extracted, args.repeat)
        for name, seconds in timed.items():
            print(f"  {name:<32}{'':>10}{1000 * seconds / n:>11.3f}")
        rest = store_s / stored - sum(timed.values()) / n
        print(f"  {'SQLite and the rest':<32}{'':>10}{1000 * rest:>11.3f}")
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            store_all(extracted, hashes, Path(tmp) / "profile.db", args.batch)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
