"""A batch that never loses work: encodings, bad files, and a run killed with SIGKILL then rerun."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from ingest.extract import extract_path
from kb.ingest_files import ingest_paths
from tests.conftest import CORPUS, SEED

FIELDS = ("id", "citation", "sections", "trial", "drugs", "targets", "population", "endpoints", "results",
          "adverse_events", "consistency", "glossary")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "gb18030"])
def test_encodings_give_the_same_record(tmp_path, seed_record, encoding):
    path = tmp_path / f"seed-{encoding}.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode(encoding))
    outcome = next(extract_path(path))
    assert outcome.error is None, outcome.error
    record = outcome.record.to_json_dict()
    for field in FIELDS:
        assert record[field] == seed_record[field], field


@pytest.mark.parametrize("data", [
    "Objective: text".encode("utf-16-le") + b"x",  # UTF-16 cut at an odd byte
    "\ufeffObjective: text".encode("utf-16") + b"x",
    b"\xef\xbb\xbf\xffObjective",  # a UTF-8 BOM before bytes that are not UTF-8
])
def test_bytes_that_break_the_encoding_their_marks_announce_are_one_error(tmp_path, data):
    path = tmp_path / "broken.txt"
    path.write_bytes(data)
    outcomes = list(extract_path(path))
    assert len(outcomes) == 1 and outcomes[0].record is None
    assert outcomes[0].error.startswith("not valid UTF-"), outcomes[0].error


def test_a_heading_in_letters_that_fold_to_ascii_is_read_not_a_crash(tmp_path):
    # case-blind, "İntroduction" (dotted capital I) matches the heading "introduction"; its lower case does not
    path = tmp_path / "dotted.txt"
    path.write_text("İntroduction: Patients with advanced non-small cell lung cancer need better treatments after "
                    "chemotherapy. Methods: In this phase 2 trial we enrolled 40 patients who received gefitinib "
                    "250 mg daily until progression. Results: The objective response rate was 30% and the median "
                    "progression-free survival was 5.1 months.\n", encoding="utf-8")
    outcome = next(extract_path(path))
    assert outcome.error is None, outcome.error
    assert [s.role for s in outcome.record.sections] == ["background", "methods", "results"]


def test_a_text_far_longer_than_an_abstract_is_one_clear_error(tmp_path):
    path = tmp_path / "book.txt"
    path.write_text("Results: " + "The patients did well. " * 60_000 + "\n", encoding="utf-8")
    outcome = next(extract_path(path))
    assert outcome.record is None
    assert outcome.error.startswith("text too long to be an abstract"), outcome.error


def test_html_entities_are_decoded(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("95% CI:1.8, 3.7", "95% CI:1.8, 3.7").replace(
        "The median PFS", "The median&nbsp;PFS")
    path = tmp_path / "entities.txt"
    path.write_text(text, encoding="utf-8")
    record = next(extract_path(path)).record
    assert "&nbsp;" not in record.sections[2].en
    assert any(r.endpoint == "PFS" and r.value == 3.5 for r in record.results)


def _dump(db_path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return [line for line in conn.iterdump()]
    finally:
        conn.close()


def _corpus_copies(folder, copies=6):
    """Many files: the test corpus copied under several names (same texts, so the same record ids)."""
    folder.mkdir()
    files = sorted(p for p in (CORPUS / "dev").iterdir() if not p.name.endswith(".gold.json"))
    files.append(SEED)
    for i in range(copies):
        for f in files:
            shutil.copy(f, folder / f"{i:02d}-{f.name}")
    return folder


def _wait_for_committed_files(proc, db, at_least: int = 10, seconds: float = 120) -> int:
    """Wait until the running ingest ``proc`` has committed ``at_least`` files to ``db`` (or has ended,
    or time is up); returns how many it had."""
    deadline, stored = time.time() + seconds, 0
    while time.time() < deadline and proc.poll() is None and stored < at_least:
        time.sleep(0.05)
        if db.exists():
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                stored = conn.execute("select count(*) from sources").fetchone()[0]
                conn.close()
            except sqlite3.Error:
                stored = 0
    return stored


def test_killed_run_then_rerun_equals_one_clean_run(tmp_path):
    folder = _corpus_copies(tmp_path / "in")
    clean = tmp_path / "clean.db"
    ingest_paths([folder], clean, batch=5)

    killed = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "kb.cli", "ingest", str(folder), "--db", str(killed), "--batch", "5"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = _wait_for_committed_files(proc, killed)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert stored >= 10, "the run ended before it could be killed mid-way"
    # the rerun finishes the job and skips what the killed run had committed
    again = ingest_paths([folder], killed, batch=5)
    assert again.unchanged >= 10
    assert again.unchanged < again.files  # it was killed before the end: the rerun had work left
    assert _dump(killed) == _dump(clean)


def test_parallel_ingest_equals_one_process(tmp_path):
    folder = _corpus_copies(tmp_path / "in", copies=2)
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    a = ingest_paths([folder], one)
    b = ingest_paths([folder], two, jobs=2)
    assert a.as_dict() == b.as_dict() and a.stored > 0
    assert _dump(one) == _dump(two)


def test_one_paper_from_two_files_is_one_record_with_both_sources(tmp_path, seed_record):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    english, chinese = tmp_path / "a-english.txt", tmp_path / "b-chinese.txt"
    english.write_text("\n".join(lines[:8]), encoding="utf-8")
    chinese.write_text("\n".join([lines[3]] + lines[8:]), encoding="utf-8")  # its citation line + Chinese
    db_path = tmp_path / "kb.db"
    ingest_paths([english], db_path)
    ingest_paths([chinese], db_path)
    db = sqlite3.connect(db_path)
    rows = db.execute("select id, languages, record_json from records").fetchall()
    assert len(rows) == 1
    import json

    record = json.loads(rows[0][2])
    assert rows[0][0] == seed_record["id"] and rows[0][1] == "en,zh"
    assert sorted(s["path"] for s in record["sources"]) == [str(english), str(chinese)]
    assert [s["role"] for s in record["sections"]] == ["background", "methods", "results", "conclusions"]
    assert all(s["en"] and s["zh"] for s in record["sections"])
    assert record["consistency"] and all(c["agree"] for c in record["consistency"])
    assert record["drugs"][0]["name_zh"] == "米拉德美坦"
    # the same two files in the other order, in one run, give the same record
    other = tmp_path / "other.db"
    ingest_paths([chinese, english], other)
    again = json.loads(sqlite3.connect(other).execute("select record_json from records").fetchone()[0])
    assert {k: v for k, v in again.items() if k not in ("source", "sources")} == \
        {k: v for k, v in record.items() if k not in ("source", "sources")}


def test_no_document_of_the_corpora_makes_extraction_fail():
    """Bad input gets a reason; but a document we can read must never hit a bug of ours."""
    failures = []
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and not path.name.endswith(".gold.json") and not path.name.startswith("."):
            failures += [(path.name, o.error) for o in extract_path(path)
                         if o.error and o.error.startswith("extraction failed")]
    assert failures == []


def test_an_impossible_figure_is_dropped_not_the_record():
    """A typo such as a 102% event rate leaves that figure out; the record is still extracted."""
    from ingest.document import Paragraph, RawDocument
    from ingest.extract import extract_document

    raw = RawDocument(format="digest", path="typo", paragraphs=[Paragraph(
        "en", "In this phase 2 trial, 40 patients received erlotinib. Grade 3 adverse events were rash (102%) "
              "and diarrhea (12%).")])
    record = extract_document(raw)
    rates = {a.term: a.rate for a in record.adverse_events}
    assert rates.get("diarrhea") == 12 and "rash" in rates and rates["rash"] is None


def _medline_export(tmp_path):
    """One MEDLINE file of 24 papers (the dev corpus' .nbib records, each copy its own PMID, no DOI)."""
    import re

    records = []
    for path in sorted((CORPUS / "dev").glob("*.nbib")):
        text = path.read_text(encoding="utf-8").strip()
        for _ in range(12):  # distinct papers: their own PMID, no DOI
            pmid = f"PMID- {990000 + len(records)}"
            body = re.sub(r"^PMID- \d+", pmid, text, flags=re.M) if "PMID- " in text else f"{pmid}\n{text}"
            records.append(re.sub(r"^(?:AID|LID) - .*\[doi\]\n", "", body, flags=re.M))
    big = tmp_path / "in" / "export.nbib"
    big.parent.mkdir()
    big.write_text("\n\n".join(records) + "\n", encoding="utf-8")
    return big, len(records)


def test_parallel_ingest_shares_out_one_large_file(tmp_path):
    """One MEDLINE file of many papers, its documents shared out to the workers in chunks (the file's
    end inside a chunk), gives the database one process gives."""
    big, n = _medline_export(tmp_path)
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    a = ingest_paths([big], one)
    b = ingest_paths([big], two, jobs=2)
    assert a.stored == n > 16 and a.as_dict() == b.as_dict()
    assert _dump(one) == _dump(two)


def test_parallel_ingest_of_mixed_input_reports_bad_files_as_one_process_does(tmp_path):
    """Small files (read by the workers), bad ones (unreadable bytes, a truncated PubMed XML) and a large
    export (read here and shared out) in one run: the same records, error lines and database as one
    process gives."""
    big, _ = _medline_export(tmp_path)
    folder = big.parent
    for f in sorted((CORPUS / "dev").glob("*.txt"))[:6]:
        shutil.copy(f, folder / f.name)
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 8)
    xml = next(iter(sorted((CORPUS / "dev").glob("*.xml"))))
    (folder / "truncated.xml").write_text(xml.read_text(encoding="utf-8")[:700], encoding="utf-8")
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    errors: dict[str, list] = {"one": [], "two": []}
    a = ingest_paths([folder], one, on_error=lambda o: errors["one"].append((os.path.basename(o.path), o.error)))
    b = ingest_paths([folder], two, jobs=2, on_error=lambda o: errors["two"].append((os.path.basename(o.path), o.error)))
    assert a.as_dict() == b.as_dict() and a.failed >= 2 and a.stored > 16
    assert {name for name, _ in errors["one"]} >= {"garbage.txt", "truncated.xml"}
    assert errors["one"] == errors["two"]
    assert _dump(one) == _dump(two)


def test_workers_by_default_only_for_a_large_input():
    from kb.ingest_files import PARALLEL_BYTES, auto_jobs

    assert auto_jobs(PARALLEL_BYTES - 1) == 1
    assert auto_jobs(PARALLEL_BYTES) == max(1, min(os.cpu_count() or 1, 4))


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_counts_documents_not_files(tmp_path, jobs):
    """The progress bar is over the documents the files hold (counted by each format's record marker),
    advanced as each is stored; a file that held fewer than counted makes up the rest at its end."""
    from kb.ingest_files import documents_in

    big, n = _medline_export(tmp_path)
    shutil.copy(SEED, big.parent / "digest.txt")
    (big.parent / "broken.xml").write_text("<PubmedArticleSet><PubmedArticle><Medline", encoding="utf-8")
    assert documents_in(big.read_bytes()) == n
    totals, steps = [], []

    def progress(total):
        totals.append(total)
        return steps.append

    summary = ingest_paths([big.parent], tmp_path / "kb.db", progress=progress, jobs=jobs)
    assert totals == [n + 2] and sum(steps) == n + 2
    assert steps.count(1) >= n  # one step per document of the large file, not one for the file
    assert summary.stored == n + 1 and summary.failed == 1
    again: list = []
    ingest_paths([big.parent], tmp_path / "kb.db", progress=lambda total: again.append(total) or again.append)
    assert again[0] == n + 2 and sum(again[1:]) == n + 2  # unchanged files count as done at once


def test_ctrl_c_during_a_parallel_ingest_ends_quietly(tmp_path):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops `kb ingest --jobs 2` with
    click's one-line "Aborted!", no worker tracebacks, and keeps the batches already committed."""
    folder = _corpus_copies(tmp_path / "in", copies=20)
    db = tmp_path / "kb.db"
    cmd = [sys.executable, "-m", "kb.cli", "ingest", str(folder), "--db", str(db), "--batch", "5", "--jobs", "2"]
    # SIGINT as a terminal leaves it, even when the tests run in the background (a shell ignores it there)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    _wait_for_committed_files(proc, db)
    if proc.poll() is not None:
        pytest.skip("the ingest ended before it could be interrupted")
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in err and "ForkPoolWorker" not in err and "Aborted!" in err
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from sources").fetchone()[0] >= 10


def test_a_worker_killed_mid_ingest_does_not_stop_it(tmp_path):
    """A worker process that dies (killed, out of memory) loses no document and hangs nothing: this
    process extracts what it had and the rest, and the database is the one a clean run gives."""
    folder = _corpus_copies(tmp_path / "in", copies=20)
    clean, db = tmp_path / "clean.db", tmp_path / "kb.db"
    ingest_paths([folder], clean, batch=5)
    cmd = [sys.executable, "-m", "kb.cli", "ingest", str(folder), "--db", str(db), "--batch", "5", "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline, killed = time.time() + 120, False
    while time.time() < deadline and proc.poll() is None and not killed:
        time.sleep(0.2)
        workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        if len(workers) >= 2 and db.exists():
            os.kill(int(workers[0]), signal.SIGKILL)
            killed = True
    if not killed:
        pytest.skip("the ingest ended before a worker could be killed")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert _dump(db) == _dump(clean)
