"""Extraction and ingest throughput: documents/second and peak memory, English and Chinese.

    python benchmarks/extract.py [--docs 5000] [--jobs 2] [--source ../shared/corpus/bench]

Corpus: English — the real RCT abstracts of ../shared/corpus/bench, each copy varied (every number
shifted, drug names swapped for other lexicon INNs) so that no tokenizer cache flatters the figures;
Chinese — the Chinese paragraphs of tests/corpus (seed, dev and own zh-/bi- documents) varied the same
way with Chinese drug names. Each stage runs in its own process, so its peak memory is its own:
  tokenizer  the bare spaCy tokenizer over the same paragraphs (English: blank("en")'s own; Chinese:
             our spaCy tokenizer over the compiled rjieba segmenter) — the ceiling; one process and N (each
             with its share of the texts, read before the clock starts). The English pipeline
             itself cuts tokens with a plainer rule (ingest/pipeline/en_tokenizer.py), cheaper than this;
  extract    reading + the full extraction pipeline, no storage; one process and N worker processes
             (each loads the pipelines once; the time starts when all are loaded);
  ingest     `kb ingest` into a fresh SQLite file, one process and --jobs N.
Prints docs/s per stage, its ratio to the one-process tokenizer and to the tokenizer in as many
processes, and peak RSS.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _vary(text: str, rng: random.Random, drugs: list[str], swap: dict[str, str]) -> str:
    def shift(m: re.Match) -> str:
        raw = m.group(0)
        if "." in raw:
            decimals = len(raw.split(".")[1])
            return f"{max(0.0, float(raw) * rng.uniform(0.8, 1.2)):.{decimals}f}"
        return str(max(1, int(int(raw) * rng.uniform(0.8, 1.2))))

    text = re.sub(r"(?<![A-Za-z])\d+(?:\.\d+)?", shift, text)
    for old, new in swap.items():
        text = text.replace(old, new)
    return text


def build_corpus(lang: str, n: int, out: Path, source: Path) -> list[Path]:
    from ingest.lexicon import lexicon

    lex = lexicon()
    rng = random.Random(42)
    if lang == "en":
        seeds = [p.read_text(encoding="utf-8") for p in sorted(source.glob("*.txt"))]
        names = sorted(lex.drugs)
    else:
        seeds = []
        for p in sorted((ROOT / "tests" / "corpus").rglob("*.txt")):
            text = p.read_text(encoding="utf-8")
            lines = [ln for ln in text.splitlines() if len(re.findall(r"[\u4e00-\u9fff]", ln)) >= 40]
            if lines:
                seeds.append("\n".join(lines))
        names = sorted(d.name_zh for d in lex.drugs.values() if d.name_zh)
    if not seeds:
        raise SystemExit(f"no {lang} source texts found")
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        base = seeds[i % len(seeds)]
        present = [d for d in names if d in base][:3]
        swap = {d: rng.choice(names) for d in present}
        path = out / f"{lang}-{i:06d}.txt"
        path.write_text(_vary(base, rng, names, swap), encoding="utf-8")
        files.append(path)
    return files


def _timed(fn, items: list, docs: int) -> dict:
    t = time.perf_counter()
    for item in items:
        fn(item)
    return {"docs": docs, "seconds": time.perf_counter() - t}


def _load(lang: str) -> None:
    from ingest.pipeline import nlp_for

    nlp_for(lang)


_TOKENIZER: list = []


def _load_tokenizer(lang: str) -> None:
    """The ceiling: English spaCy's own tokenizer (blank("en")); Chinese our spaCy tokenizer over rjieba."""
    if lang == "zh":
        from ingest.pipeline import nlp_for

        _TOKENIZER[:] = [nlp_for("zh").tokenizer]
    else:
        import spacy

        _TOKENIZER[:] = [spacy.blank("en").tokenizer]


def _tokenize_share(files: list[Path], lang: str, barrier, queue) -> None:
    """A worker process: read its files, wait for the others, tokenize; reports (docs, start, end)."""
    _load_tokenizer(lang)
    raws = [doc for f in files for doc in _read(f)]
    texts = [p.text for r in raws for p in r.paragraphs]
    barrier.wait()
    start = time.monotonic()
    for text in texts:
        _TOKENIZER[0](text)
    queue.put((len(raws), start, time.monotonic()))


def _read(path: Path) -> list:
    """A file's documents; none from a file that cannot be read."""
    from ingest.document import ReadError
    from ingest.readers import read_path

    try:
        return list(read_path(path))
    except ReadError:
        return []


def _extract_files(files: list[Path]) -> int:
    """Read and extract the files in a worker process; returns how many documents."""
    from ingest.extract import extract_document

    n = 0
    for f in files:
        for raw in _read(f):
            extract_document(raw)
            n += 1
    return n


def stage(name: str, lang: str, folder: Path, jobs: int) -> dict:
    """Run one stage in this process; returns docs and seconds."""
    files = sorted(folder.glob("*.txt"))
    if name == "tokenizer" and jobs > 1:  # N processes, each with its share of the texts read beforehand
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        barrier, queue = ctx.Barrier(jobs), ctx.Queue()
        procs = [ctx.Process(target=_tokenize_share, args=(files[i::jobs], lang, barrier, queue)) for i in range(jobs)]
        for p in procs:
            p.start()
        got = [queue.get() for _ in procs]
        for p in procs:
            p.join()
        return {"docs": sum(g[0] for g in got), "seconds": max(g[2] for g in got) - min(g[1] for g in got)}
    if name == "tokenizer":
        _load_tokenizer(lang)
        raws = [doc for f in files for doc in _read(f)]
        return _timed(_TOKENIZER[0], [p.text for r in raws for p in r.paragraphs], len(raws))
    if name == "extract" and jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        chunks = [files[i::jobs * 8] for i in range(jobs * 8)]
        with ProcessPoolExecutor(jobs, initializer=_load, initargs=(lang,)) as pool:
            list(pool.map(_extract_files, [[]] * jobs))  # every worker has its pipelines loaded
            t = time.perf_counter()
            docs = sum(pool.map(_extract_files, chunks))
            return {"docs": docs, "seconds": time.perf_counter() - t}
    if name == "extract":  # reading included, as in the worker processes and in ingest
        from ingest.pipeline import nlp_for

        nlp_for(lang)
        t = time.perf_counter()
        docs = _extract_files(files)
        return {"docs": docs, "seconds": time.perf_counter() - t}
    if name == "ingest":
        from ingest.pipeline import nlp_for
        from kb.ingest_files import ingest_paths

        nlp_for(lang)
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            summary = ingest_paths([folder], Path(tmp) / "bench.db", jobs=jobs, batch=500)
            return {"docs": summary.stored, "seconds": time.perf_counter() - t}
    raise ValueError(name)


def run_stage(name: str, lang: str, folder: Path, jobs: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--stage", name, "--lang", lang, "--folder", str(folder),
                          "--jobs", str(jobs)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=5000, help="documents per language")
    ap.add_argument("--jobs", type=int, default=2, help="processes for the parallel ingest")
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "corpus" / "bench")
    ap.add_argument("--lang", choices=["en", "zh", "both"], default="both")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        result = stage(args.stage, args.lang, args.folder, args.jobs)
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        result["peak_mb"] = max(result["peak_mb"], children)
        print(json.dumps(result))
        return
    langs = ["en", "zh"] if args.lang == "both" else [args.lang]
    with tempfile.TemporaryDirectory() as tmp:
        for lang in langs:
            folder = Path(tmp) / lang
            build_corpus(lang, args.docs, folder, args.source)
            rows = [("tokenizer", 1), ("tokenizer", args.jobs), ("extract", 1), ("extract", args.jobs), ("ingest", 1),
                    ("ingest", args.jobs)]
            results = {}
            print(f"\n{lang}: {args.docs} documents (varied copies; see the module docstring)")
            print(f"{'stage':<22}{'docs/s':>10}{'vs tokenizer':>14}{'vs tokenizer, same jobs':>25}{'peak MB':>10}")
            for name, jobs in rows:
                r = run_stage(name, lang, folder, jobs)
                rate = r["docs"] / r["seconds"] if r["seconds"] else float("inf")
                results[(name, jobs)] = rate
                label = name if jobs == 1 else f"{name} --jobs {jobs}"
                ratio = rate / results[("tokenizer", 1)]
                same = rate / results[("tokenizer", jobs)]
                print(f"{label:<22}{rate:>10.1f}{ratio:>13.0%}{same:>24.0%}{r['peak_mb']:>10.0f}")


if __name__ == "__main__":
    main()
