"""The `kb` command: a thin click layer over kb.* and ingest.* with the same nouns."""
from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from . import __version__

DEMO_CORPUS = Path(__file__).parent / "demo_corpus"


def _err(outcome) -> None:
    where = outcome.path if outcome.index is None else f"{outcome.path} [record {outcome.index}]"
    click.echo(f"error: {where}: {outcome.error}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kb")
def cli() -> None:
    """kb: a bilingual (English/Chinese) clinical-trial evidence knowledge base.

    Parse trial abstracts (digests, PubMed XML, MEDLINE) into structured evidence records,
    store them in SQLite and browse them in Datasette.
    """


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--pretty", is_flag=True, help="Indent the JSON (one record per block, not per line).")
def extract(files: tuple[Path, ...], pretty: bool) -> None:
    """Print the evidence records of FILES as JSON Lines on stdout; errors go to stderr.

    Exit status 1 when any file or record could not be read.
    """
    from ingest.extract import extract_path

    from .ingest_files import iter_files

    failed = 0
    for path in iter_files(files):
        for outcome in extract_path(path):
            if outcome.record is None:
                failed += 1
                _err(outcome)
                continue
            data = outcome.record.to_json_dict()
            click.echo(json.dumps(data, ensure_ascii=False, indent=2 if pretty else None))
    sys.exit(1 if failed else 0)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", "db_path", default="kb.db", show_default=True, type=click.Path(path_type=Path),
              help="SQLite database to write (created if missing).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--force", is_flag=True, help="Re-extract files whose content has not changed since the last run.")
@click.option("--batch", default=200, show_default=True, type=click.IntRange(1),
              help="Records per committed batch.")
@click.option("--jobs", "-j", default=0, type=click.IntRange(0),
              help="Extract in this many processes (one process writes). Default: one per core, up to 4, "
                   "when the input is over 1 MB; else 1.")
def ingest(paths: tuple[Path, ...], db_path: Path, as_json: bool, force: bool, batch: int, jobs: int) -> None:
    """Extract every file in PATHS (files or folders) and store the records in the database.

    Records are upserted by id, and files whose content is unchanged since the last run are skipped:
    ingesting the same files again changes nothing. Batches are committed as they go, so an
    interrupted run loses nothing already stored. Bad files are reported on stderr and in the
    ingest_errors table; the others are stored. Exit status 1 when anything failed.
    """
    from .ingest_files import ingest_paths, iter_files

    files = list(iter_files(paths))
    with contextlib.ExitStack() as stack:
        def progress(total: int):  # a bar over the documents the files hold
            bar = stack.enter_context(click.progressbar(length=total, label="ingesting", file=sys.stderr,
                                                        show_pos=True))
            return bar.update

        summary = ingest_paths(files, db_path, on_error=_err, progress=progress, force=force, batch=batch,
                               jobs=jobs)
    if as_json:
        click.echo(json.dumps({**summary.as_dict(), "db": str(db_path)}))
    else:
        click.echo(f"{summary.line()} → {db_path}")
    sys.exit(1 if summary.failed else 0)


@cli.command()
@click.argument("items", nargs=-1, required=True)
@click.option("--db", "db_path", default="kb.db", show_default=True, type=click.Path(path_type=Path),
              help="Database to look record ids up in (files are extracted directly).")
@click.option("--lang", type=click.Choice(["en", "zh", "both"]), default="both", show_default=True,
              help="Language of the summary.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True,
              help="Markdown, an HTML partial, or JSON Lines ({id, summary_en, summary_zh}).")
def summary(items: tuple[str, ...], db_path: Path, lang: str, fmt: str) -> None:
    """Print the evidence summary of each FILE or RECORD-ID, in English, Chinese or both.

    A summary is rendered from the structured record, never from the abstract text: every number and
    name in it comes from the record's fields or the lexicons. Exit status 1 when an item could not be
    read or found.
    """
    from .summary import as_json, render

    langs = ("en", "zh") if lang == "both" else (lang,)
    learned = {}
    if db_path.exists():  # Chinese names the database's glossary has learned
        from .store import learned_names, open_db

        learned = learned_names(open_db(db_path))
    failed = 0
    for rec in _records_for(items, db_path):
        if isinstance(rec, str):
            failed += 1
            click.echo(f"error: {rec}", err=True)
        elif fmt == "json":
            click.echo(as_json(rec, langs, learned))
        else:
            click.echo("\n".join(render(rec, code, fmt, learned) for code in langs))
    sys.exit(1 if failed else 0)


def _records_for(items: tuple[str, ...], db_path: Path):
    """Records for each item: a file or folder is extracted; anything else is a record id in the
    database. Yields an error message (str) for what cannot be had."""
    from ingest.extract import extract_path

    from .ingest_files import iter_files

    db = None
    for item in items:
        path = Path(item)
        if path.exists():
            for file in iter_files([path]):
                for outcome in extract_path(file):
                    if outcome.record is None:
                        where = file if outcome.index is None else f"{file} [record {outcome.index}]"
                        yield f"{where}: {outcome.error}"
                    else:
                        yield outcome.record
            continue
        if db is None:
            if not db_path.exists():
                yield f"{item}: no such file, and no database {db_path} to look the id up in"
                continue
            from .store import load_record, open_db

            db = open_db(db_path)
        rec = load_record(db, item)
        yield rec if rec is not None else f"{item}: no such file or record id in {db_path}"


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the evidence record."""
    from .models import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


@cli.command()
@click.option("--db", "db_path", default="kb-demo.db", show_default=True, type=click.Path(path_type=Path),
              help="Database to build from the bundled demo corpus.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port on 127.0.0.1.")
@click.option("--site", "site_dir", default="kb-demo-site", show_default=True, type=click.Path(path_type=Path),
              help="Folder to publish the static evidence pages into.")
@click.option("--no-serve", is_flag=True, help="Build only; do not start the server.")
def demo(db_path: Path, port: int, site_dir: Path, no_serve: bool) -> None:
    """Ingest the demo corpus bundled with kb, publish it as static pages, then serve it in Datasette."""
    from .ingest_files import ingest_paths
    from .publish import publish as build_site

    summary = ingest_paths([DEMO_CORPUS], db_path, on_error=_err)
    click.echo(f"demo: {summary.line()}")
    click.echo(f"demo database: {db_path.resolve()}")
    if summary.failed:
        sys.exit(1)
    report = build_site(db_path, site_dir)
    click.echo(f"static pages: {report.line()} → {(site_dir / 'index.html').resolve()}")
    if not no_serve:
        from .web import serve as run

        click.echo(f"serving at http://127.0.0.1:{port}/ — try /{db_path.stem}/records?_search=血小板减少 (Ctrl-C stops)")
        run(db_path, port=port)


@cli.command()
@click.option("--db", "db_path", default="kb.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Database to serve.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port on 127.0.0.1.")
@click.option("--live", is_flag=True,
              help="Serve a database that is being written to (by default it is opened immutable, read-only).")
def serve(db_path: Path, port: int, live: bool) -> None:
    """Browse and search the database in Datasette, with kb's metadata, record pages and search.

    Listens on 127.0.0.1 only. Ctrl-C stops it.
    """
    from .web import serve as run

    click.echo(f"serving {db_path} at http://127.0.0.1:{port}/ ({'live' if live else 'immutable'}; Ctrl-C stops)",
               err=True)
    run(db_path, port=port, live=live)


@cli.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--db", "db_path", default="kb.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Database to publish.")
@click.option("--base-url", default="http://localhost:8000/", show_default=True,
              help="Where the site will be hosted (used only for the absolute URLs sitemap.xml needs).")
@click.option("--list", "list_written", is_flag=True, help="Print every file written or removed.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def publish(out: Path, db_path: Path, base_url: str, list_written: bool, as_json: bool) -> None:
    """Render the database as static evidence pages into OUT (record, drug, target, adverse-event and
    endpoint pages with SVG charts, offline search, sitemap.xml).

    The same database gives byte-identical output; publishing again rewrites only the pages whose
    content changed and says which.
    """
    from .publish import publish as run

    def bar(length):
        return click.progressbar(length=length, label="publishing", file=sys.stderr, show_pos=True)

    report = run(db_path, out, base_url=base_url, progress_factory=bar)
    if as_json:
        click.echo(json.dumps({"out": str(out), "files": report.pages, "written": report.written,
                               "unchanged": report.unchanged, "removed": report.removed}, ensure_ascii=False))
        return
    if list_written:
        for path in report.written:
            click.echo(f"wrote {path}")
        for path in report.removed:
            click.echo(f"removed {path}")
    elif report.written:
        shown = ", ".join(report.written[:8]) + (" …" if len(report.written) > 8 else "")
        click.echo(f"wrote: {shown}")
    click.echo(f"{report.line()} → {out / 'index.html'}")


@cli.command(name="eval")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--show-misses", is_flag=True, help="List every false positive and false negative with its file.")
def evaluate_cmd(dirs: tuple[Path, ...], as_json: bool, show_misses: bool) -> None:
    """Score extraction against the NAME.gold.json files in DIRS: precision, recall and F1 per field,
    overall and per file prefix (en-, zh-, bi-)."""
    from .evaluate import evaluate, format_report

    report = evaluate(dirs)
    if as_json:
        data = report.as_dict()
        if show_misses:
            data["misses"] = [{"file": m.file, "field": m.field, "kind": m.kind, "item": m.item}
                              for m in report.misses]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(format_report(report))
        if show_misses:
            click.echo("")
            for m in sorted(report.misses, key=lambda m: (m.file, m.field, m.kind)):
                click.echo(f"{m.file}: {m.field}: {m.kind}: {m.item}")
    if not report.files:
        click.echo("no NAME.gold.json with its raw file found", err=True)
        sys.exit(2)


def main() -> None:
    """Entry point: a failure of kb itself is one line, not a traceback (KB_DEBUG=1 shows it)."""
    import os

    try:
        cli(standalone_mode=True)
    except Exception as exc:  # click handles usage errors (exit 2) itself
        if os.environ.get("KB_DEBUG"):
            raise
        click.echo(f"kb: internal error: {type(exc).__name__}: {exc} (set KB_DEBUG=1 for details)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
