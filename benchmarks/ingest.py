"""Ingest at scale: documents/second and peak memory for 10,000 and 100,000 abstracts, one process and
all cores.

    python benchmarks/ingest.py [--sizes 10000 100000] [--lang en] [--jobs N]

The documents are varied copies of real abstracts (English: ../shared/corpus/bench; Chinese: the Chinese
paragraphs of tests/corpus), made by benchmarks/extract.py's build_corpus: every number shifted and drug
names swapped, so no cache flatters the figures. Each run is `kb ingest` into a fresh SQLite file in its
own process (peak memory is that process tree's); printed: documents stored, seconds, documents/second and
peak RSS in MB.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from extract import build_corpus, run_stage  # noqa: E402  (the sibling benchmark's corpus and runner)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--lang", choices=["en", "zh"], default="en")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="processes for the parallel run")
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "corpus" / "bench")
    args = ap.parse_args()
    print(f"{'docs':>8} {'jobs':>5} {'stored':>8} {'seconds':>9} {'docs/s':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = Path(tmp) / f"{args.lang}-{size}"
            build_corpus(args.lang, size, folder, args.source)
            for jobs in sorted({1, args.jobs}):
                r = run_stage("ingest", args.lang, folder, jobs)
                print(f"{size:>8} {jobs:>5} {r['docs']:>8} {r['seconds']:>9.1f} {r['docs'] / r['seconds']:>8.0f} "
                      f"{r['peak_mb']:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
