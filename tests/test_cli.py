"""Every command: help text, exit statuses, one clear error line per bad file."""
from __future__ import annotations

import json
import os

import pytest
import sqlite_utils
from click.testing import CliRunner

from kb.cli import cli
from tests.conftest import SEED

COMMANDS = ["extract", "ingest", "summary", "schema", "serve", "publish", "demo", "eval"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output) > 120


def test_readme_mentions_every_command():
    readme = open(os.path.join(os.path.dirname(__file__), "..", "README.md"), encoding="utf-8").read()
    for command in COMMANDS:
        assert f"kb {command}" in readme


def test_schema_is_json_schema():
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "Record" and "results" in schema["properties"]


def _bad_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    authors = tmp_path / "authors.txt"
    authors.write_text("Dumbrava Ecaterina E, Stinchcombe Thomas E, Gounder Mrinal\n", encoding="utf-8")
    return [empty, binary, authors]


def test_ingest_bad_files_one_error_line_each_and_good_files_stored(tmp_path):
    bad = _bad_files(tmp_path)
    db_path = tmp_path / "kb.db"
    result = CliRunner().invoke(cli, ["ingest", str(bad[0]), str(SEED), str(bad[1]), str(bad[2]),
                                      "--db", str(db_path)])
    assert result.exit_code == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 3
    for path, reason in zip(bad, ("empty", "binary", "no abstract")):
        line = next(ln for ln in errors if str(path) in ln)
        assert reason in line
    assert "Traceback" not in result.output + result.stderr
    db = sqlite_utils.Database(db_path)
    assert db["records"].count == 1
    assert db["ingest_errors"].count == 3
    assert "1 stored" in result.stdout and "3 failed" in result.stdout


def test_extract_bad_and_good_files(tmp_path):
    bad = _bad_files(tmp_path)
    result = CliRunner().invoke(cli, ["extract", str(bad[0]), str(SEED), str(bad[1])])
    assert result.exit_code == 1
    records = [json.loads(ln) for ln in result.stdout.splitlines() if ln.strip()]
    assert len(records) == 1 and records[0]["trial"]["acronym"] == "MANTRA-2"
    assert len([ln for ln in result.stderr.splitlines() if ln.startswith("error:")]) == 2


def test_extract_missing_file_is_an_error_not_a_traceback(tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "cannot read file" in result.stderr and "Traceback" not in result.stderr


def test_ingest_json_summary(tmp_path):
    result = CliRunner().invoke(cli, ["ingest", str(SEED), "--db", str(tmp_path / "kb.db"), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["stored"] == 1


def test_demo_builds_the_bundled_corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(tmp_path / "kb-demo.db")
    assert db["records"].count >= 5
    assert db.execute("select count(*) from records where acronym = 'MANTRA-2'").fetchone()[0] == 1
    site = tmp_path / "kb-demo-site"
    assert (site / "index.html").exists() and (site / "drugs" / "milademetan.html").exists()
    assert "kb-demo-site" in result.output  # it says where the pages are
