"""One paper exported four ways — PubMed XML, MEDLINE, RIS, digest — gives one record (issue 5), and
files of every size are read without holding more than they must."""
from __future__ import annotations

import subprocess
import sys

import pytest

from ingest.extract import extract_path
from tests.conftest import CORPUS

FORMATS = CORPUS / "formats"
EXTRACTED = ("trial", "drugs", "targets", "population", "endpoints", "results", "adverse_events", "consistency")


def _record(ext: str) -> dict:
    outcomes = list(extract_path(FORMATS / f"alta1l.{ext}"))
    assert len(outcomes) == 1 and outcomes[0].error is None
    return outcomes[0].record.to_json_dict()


@pytest.mark.parametrize("ext", ["nbib", "ris", "txt"])
def test_same_paper_in_every_format_gives_the_same_record(ext):
    xml, other = _record("xml"), _record(ext)
    assert other["id"] == xml["id"] == "doi:10.1056/nejmoa1810171"
    for field in EXTRACTED:
        assert other[field] == xml[field], field
    assert [(s["role"], s["en"]) for s in other["sections"]] == [(s["role"], s["en"]) for s in xml["sections"]]
    assert other["citation"]["title"] == xml["citation"]["title"]
    assert other["citation"]["journal"] == xml["citation"]["journal"] == "N Engl J Med"
    assert other["citation"]["published"][:4] == "2018"
    if ext != "txt":  # a digest carries no PMID
        assert other["citation"]["pmid"] == "30280657"
    assert xml["results"] and xml["trial"]["acronym"] == "ALTA-1L"


def test_the_four_files_ingest_as_one_record_with_every_source(tmp_path):
    import sqlite3

    db = tmp_path / "kb.db"
    subprocess.run([sys.executable, "-m", "kb.cli", "ingest", "--db", str(db), str(FORMATS)], check=True,
                   capture_output=True)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 1
    import json

    record = json.loads(conn.execute("SELECT record_json FROM records").fetchone()[0])
    assert sorted(s["format"] for s in record["sources"]) == ["digest", "medline", "pubmed-xml", "ris"]


BIG = """
import resource, sys
from ingest.readers import read_path
count, pmids = 0, set()
for doc in read_path(sys.argv[1]):
    count += 1
    pmids.add(doc.pmid)
print(count, len(pmids), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_a_50_mb_pubmed_file_is_read_whole(tmp_path):
    """12,000 articles in one 50 MB efetch file: every one read, memory bounded (a few times the file)."""
    xml = (FORMATS / "alta1l.xml").read_text(encoding="utf-8")
    head, rest = xml.split("<PubmedArticle>", 1)
    article = "<PubmedArticle>" + rest.rsplit("</PubmedArticleSet>", 1)[0]
    path = tmp_path / "big.xml"
    n = 0
    with path.open("w", encoding="utf-8") as f:
        f.write(head)
        while f.tell() < 50 * 1024 * 1024:
            f.write(article.replace("30280657", str(40000000 + n)).replace("NEJMoa1810171", f"NEJMoa{n:07d}"))
            n += 1
        f.write("</PubmedArticleSet>\n")
    out = subprocess.run([sys.executable, "-c", BIG, str(path)], check=True, capture_output=True, text=True,
                         cwd=CORPUS.parent.parent).stdout.split()
    count, distinct, peak_mb = map(int, out)
    assert count == distinct == n
    assert peak_mb < 1024, f"peak {peak_mb} MB reading a 50 MB file"
