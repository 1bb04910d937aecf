"""Walking files and folders, extracting each and storing what came out: the API behind `kb ingest`."""
from __future__ import annotations

import gzip
import hashlib
import json
import multiprocessing
import os
import signal
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ingest.extract import Outcome, extract_outcome, extract_path, read_outcomes

from .store import Ready, checkpoint, known_sources, open_db, ready, refresh_learned, save_batch

SUFFIXES = {".txt", ".xml", ".gz", ".nbib", ".medline", ".ris", ".enw"}


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and the files inside folders named (recursively, sorted; gold and hidden files skipped)."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (f.is_file() and not f.name.startswith(".") and f.suffix.lower() in SUFFIXES
                        and not f.name.endswith(".gold.json")):
                    yield f
        else:
            yield p


@dataclass
class IngestSummary:
    files: int = 0
    read: int = 0
    stored: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[Outcome] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.files} files: {self.read} records read, {self.stored} stored, "
                f"{self.unchanged} files unchanged, {self.failed} failed")

    def as_dict(self) -> dict:
        return {"files": self.files, "read": self.read, "stored": self.stored, "unchanged": self.unchanged,
                "failed": self.failed}


def file_hash(path: Path) -> tuple[Optional[str], int]:
    digest, size, _ = _scan(path)
    return digest, size


def _scan(path: Path) -> tuple[Optional[str], int, int]:
    """A file's content hash, size and about how many documents it holds (for the progress bar)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None, 0, 1
    return hashlib.sha256(data).hexdigest(), len(data), documents_in(data)


def documents_in(data: bytes) -> int:
    """About how many documents a file holds, counted by each format's record marker (PubMed XML
    articles, MEDLINE PMID lines, RIS end tags); 1 for a digest or anything else."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return 1
    return max(1, data.count(b"<PubmedArticle>"), data.count(b"\nPMID-") + data.startswith(b"PMID-"),
               data.count(b"\nER  -"))


def _quiet_worker() -> None:
    """Ctrl-C is this process's to handle (it ends the pool): a worker ignores it, printing nothing."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _made_ready(outcome: Outcome) -> Ready | Outcome:
    """An extracted document made ready to store (``store.ready``), or its outcome when it has no record
    (or when making it ready failed: a bug of ours must not end the batch either)."""
    if outcome.record is None:
        return outcome
    try:
        return ready(outcome.record, outcome.raw)
    except Exception as exc:
        return Outcome(outcome.path, outcome.index, None, f"storing failed: {type(exc).__name__}: {exc}")


WHOLE = "read the whole file"  # a chunk's item (path, WHOLE): the worker reads the file itself


def _work(chunk: list) -> list:
    """In a worker: the chunk's documents extracted and made ready to store, as (path, Ready or failed
    Outcome), with (path, None) at each file's end. An item is (path, WHOLE), a file to read here, or
    (path, read outcome) from a large file this process read, or (path, None), that file's end."""
    out: list = []
    for path, read in chunk:
        if isinstance(read, str):  # WHOLE (a copy of it, in a worker)
            out += [(path, _made_ready(o)) for o in extract_path(path)]
            out.append((path, None))
        else:
            out.append((path, None if read is None else _made_ready(extract_outcome(read))))
    return out


CHUNK = 16  # documents sent to a worker at a time
# chunks in flight per worker: enough to keep the workers busy while this process commits a batch,
# bounded so a large input is never all read into memory
AHEAD = 32


def _extracted(paths: list[Path], jobs: int, expected: dict[Path, int]) -> Iterator[tuple[Path, object]]:
    """(path, Ready or failed Outcome) for each document of each file, in order, and (path, None) at each
    file's end. With jobs > 1 worker processes read and extract, CHUNK documents at a time, while this
    process writes; each worker loads the pipelines once. A file of more than CHUNK documents (as
    ``expected`` counts them) is read here and shared out by its documents, so one large export runs in
    parallel too."""
    if jobs <= 1 or not paths:
        for path in paths:
            yield from _work([(path, WHOLE)])
        return

    def items() -> Iterator[tuple[Path, object, int]]:
        """Each chunk item with the documents it stands for; a large file's read one by one, as it is read."""
        for path in paths:
            if expected.get(path, 1) <= CHUNK:
                yield path, WHOLE, expected.get(path, 1)
                continue
            for read in read_outcomes(path):
                yield path, read, 1
            yield path, None, 0

    def chunks() -> Iterator[list]:
        chunk: list = []
        size = 0
        for path, item, documents in items():
            chunk.append((path, item))
            size += documents
            if size >= CHUNK:
                yield chunk
                chunk, size = [], 0
        if chunk:
            yield chunk

    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_quiet_worker)
    pending: deque = deque()  # (future or None, chunk), in order
    broken = False

    def result(future, chunk: list) -> list:
        """A chunk's work; should a worker have died (killed, out of memory), this process does it,
        and every chunk after it: the ingest goes on rather than waiting for a lost worker."""
        nonlocal broken
        if future is not None and not broken:
            try:
                return future.result()
            except BrokenProcessPool:
                broken = True
        return _work(chunk)

    def submit(chunk: list):
        nonlocal broken
        if not broken:
            try:
                return pool.submit(_work, chunk)
            except BrokenProcessPool:
                broken = True
        return None

    try:
        for chunk in chunks():
            pending.append((submit(chunk), chunk))
            if len(pending) >= AHEAD * jobs:
                yield from result(*pending.popleft())
        while pending:
            yield from result(*pending.popleft())
    except BaseException:  # Ctrl-C, or the writer stopped: drop the queued chunks rather than wait for them
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def ingest_paths(paths: Iterable[str | Path], db_path: str | Path,
                 on_error: Optional[Callable[[Outcome], None]] = None,
                 progress: Optional[Callable[[int], object]] = None, batch: int = 200,
                 force: bool = False, jobs: int = 1) -> IngestSummary:
    """Extract every file and upsert its records into the database, in batches of about ``batch``
    records each committed with the files' content hashes; files whose hash is already stored are
    skipped unless ``force``. Failures go to ``ingest_errors`` and ``on_error`` and never stop the run.
    ``jobs`` > 1 extracts in that many processes (0: :func:`auto_jobs`); one process writes.
    ``progress(total)`` is called once, with about how many documents the files hold, and returns the
    callback that is given each step (documents done)."""
    db = open_db(db_path)
    known = known_sources(db)
    summary = IngestSummary()
    todo: list[Path] = []
    hashes: dict[Path, tuple[Optional[str], int]] = {}
    expected: dict[Path, int] = {}
    skipped = 0
    for path in iter_files(paths):
        summary.files += 1
        digest, size, expected[path] = _scan(path)
        hashes[path] = digest, size
        if digest is not None and not force and known.get(str(path)) == digest:
            summary.unchanged += 1
            skipped += expected[path]
            continue
        todo.append(path)
    step = progress(sum(expected.values())) if progress else None
    if step and skipped:
        step(skipped)
    if jobs == 0:
        jobs = auto_jobs(sum(hashes[p][1] for p in todo))
    _store(db, _extracted(todo, jobs, expected), hashes, summary, batch, on_error, step, expected)
    return summary


PARALLEL_BYTES = 1_000_000  # about 300 abstracts: below this, starting workers costs more than it saves


def auto_jobs(size: int) -> int:
    """Worker processes for ``size`` bytes of input: one per core (up to 4) for a large input, else none."""
    if size < PARALLEL_BYTES:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def store_extracted(extracted: Iterable[tuple[Path, list[Outcome]]], db_path: str | Path,
                    hashes: dict[Path, tuple[Optional[str], int]], batch: int = 200,
                    on_error: Optional[Callable[[Outcome], None]] = None) -> IngestSummary:
    """Store files' outcomes, already extracted, as ingest_paths does (``hashes``: each file's
    ``file_hash``); what benchmarks/store.py times."""
    summary = IngestSummary()
    extracted = list(extracted)
    summary.files = len(extracted)
    stream = [(path, None if o is None else _made_ready(o)) for path, outcomes in extracted for o in [*outcomes, None]]
    _store(open_db(db_path), stream, hashes, summary, batch, on_error)
    return summary


def _store(db, extracted: Iterable[tuple[Path, object]], hashes: dict[Path, tuple[Optional[str], int]],
           summary: IngestSummary, batch: int, on_error: Optional[Callable[[Outcome], None]],
           step: Optional[Callable[[int], object]] = None, expected: Optional[dict[Path, int]] = None) -> None:
    """Each document's outcome (and each file's end: outcome None) into the database in batches of about
    ``batch`` records, a file's records with its source row; then names learned in the run spread and the
    WAL checkpointed (closing ``db``). ``step(n)`` hears of each document done, and at a file's end of
    the rest of what ``expected`` said it held."""
    records: list = []
    sources: list[dict] = []
    errors: list[dict] = []
    ids: list[str] = []
    failed = 0

    def flush() -> None:
        nonlocal records, sources, errors
        if sources:
            summary.stored += save_batch(db, records, sources, errors)
        records, sources, errors = [], [], []

    for path, outcome in extracted:
        if outcome is None:  # the file's end
            digest, size = hashes[path]
            if digest is not None:
                sources.append({"path": str(path), "sha256": digest, "size": size,
                                "records": json.dumps(ids), "failed": failed})
            if step and expected:
                step(max(0, expected.get(path, 1) - len(ids) - failed))
            ids, failed = [], 0
            if len(records) >= batch:
                flush()
            continue
        if isinstance(outcome, Ready):
            summary.read += 1
            records.append(outcome)
            ids.append(outcome.id)
        else:
            failed += 1
            summary.failed += 1
            summary.errors.append(outcome)
            errors.append({"path": outcome.path, "record": "" if outcome.index is None else str(outcome.index),
                           "reason": outcome.error})
            if on_error:
                on_error(outcome)
        if step and (not expected or len(ids) + failed <= expected.get(path, 1)):
            step(1)
    flush()
    if summary.stored:
        refresh_learned(db)  # names learned in this run reach records stored before they were learned
    checkpoint(db)  # everything into the main file: a read-only (immutable) reader ignores the WAL
