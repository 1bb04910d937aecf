"""Walking files and folders, extracting each and storing what came out: the API behind `kb ingest`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from ingest.extract import Outcome, extract_path

from .store import log_error, open_db, save_records

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
    failed: int = 0
    errors: list[Outcome] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.files} files, {self.read} records read, {self.stored} stored, {self.failed} failed")


def ingest_paths(paths: Iterable[str | Path], db_path: str | Path,
                 on_error: Optional[Callable[[Outcome], None]] = None,
                 progress: Optional[Callable[[Path], None]] = None, batch: int = 200) -> IngestSummary:
    """Extract every file and upsert its records into the database, batch by batch; failures are
    logged to ``ingest_errors`` and passed to ``on_error``, and never stop the run."""
    db = open_db(db_path)
    summary = IngestSummary()
    pending = []
    for path in iter_files(paths):
        summary.files += 1
        for outcome in extract_path(path):
            if outcome.record is not None:
                summary.read += 1
                pending.append(outcome.record)
            else:
                summary.failed += 1
                summary.errors.append(outcome)
                log_error(db, outcome.path, None if outcome.index is None else str(outcome.index), outcome.error)
                if on_error:
                    on_error(outcome)
        if len(pending) >= batch:
            summary.stored += save_records(db, pending)
            pending = []
        if progress:
            progress(path)
    if pending:
        summary.stored += save_records(db, pending)
    return summary
