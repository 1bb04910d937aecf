"""Datasette glue: the instance `kb serve` runs, and the plugin that makes it kb's front end.

The plugin (registered as the ``kb`` Datasette plugin, and by :func:`make_datasette` for tests):
- replaces ``escape_fts`` on kb databases with :class:`kb.search.QueryBuilder`, so ``?_search=`` finds
  Chinese inside longer words and across languages while the search box still shows what was typed;
- gives the record page (``templates/row.html``) its bilingual view (:func:`kb.render.record_view`);
- links record ids in canned-query results to their pages.
"""
from __future__ import annotations

import copy
from pathlib import Path
from urllib.parse import parse_qsl, quote

import yaml
from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from markupsafe import Markup, escape

from .paths import METADATA_PATH, TEMPLATES_DIR
from .search import FTS_TABLE, QueryBuilder

STATIC_DIR = TEMPLATES_DIR / "static"
RECORD_COLUMNS_LINKED = ("record", "record_id")
TRIAL_LISTS = {  # drug and target pages list the trials with their one-line summaries
    "drugs": "SELECT r.id, r.record_json FROM record_drugs d JOIN records r ON r.id = d.record_id "
             "WHERE d.drug = ? ORDER BY r.year DESC, r.id",
    "targets": "SELECT r.id, r.record_json FROM record_targets t JOIN records r ON r.id = t.record_id "
               "WHERE t.target = ? ORDER BY r.year DESC, r.id",
}


def load_metadata(db_name: str) -> dict:
    """metadata.yml, its ``databases.kb`` section applied to the database actually served."""
    meta = yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))
    dbs = meta.get("databases", {})
    if "kb" in dbs and db_name != "kb":
        dbs[db_name] = copy.deepcopy(dbs.pop("kb"))
    return meta


def make_datasette(db_path: str | Path, live: bool = False, **settings):
    """A Datasette serving ``db_path`` with kb's metadata, templates, static files and plugin.

    Immutable (read-only, counted once) by default; ``live`` serves a database being written to."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from . import web

    if not pm.is_registered(web) and "kb" not in {name for name, _ in pm.list_name_plugin()}:
        pm.register(web, name="kb")
    path = str(db_path)
    if not live:
        from .store import checkpoint_file

        checkpoint_file(path)  # immutable mode reads the main file only
    scale = _scale_settings(path)
    options = {"truncate_cells_html": 160, "default_page_size": 50, **scale, **settings}
    metadata = load_metadata(Path(path).stem)
    if scale:
        _index_facets_only(metadata)
    return Datasette(
        files=[path] if live else [], immutables=[] if live else [path],
        metadata=metadata, template_dir=str(TEMPLATES_DIR),
        static_mounts=[("kb-static", str(STATIC_DIR))], settings=options,
    )


LARGE = 100_000  # records beyond which facet suggestions (a query per column per page view) are off


def _scale_settings(path: str) -> dict:
    """At hundreds of thousands of records, suggesting facets costs seconds per page and a facet may
    scan every match: suggestions go off and each facet gets 50 ms before Datasette drops it."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT max(rowid) FROM records").fetchone()[0] or 0
    except sqlite3.Error:
        return {}
    return {"suggest_facets": False, "facet_time_limit_ms": 50} if rows > LARGE else {}


def _index_facets_only(metadata: dict) -> None:
    """At that size the records page keeps the facets an index counts (phase, year, journal, languages,
    disagreements); the JSON-array ones (drugs, targets, conditions, design) read every row, and stay one
    click away (``_facet_array=drug_names``)."""
    for db in metadata.get("databases", {}).values():
        records = db.get("tables", {}).get("records", {})
        if "facets" in records:
            records["facets"] = [f for f in records["facets"] if isinstance(f, str)]


# plugin hooks ------------------------------------------------------------------------------------
def _is_kb(conn) -> bool:
    try:
        return bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [FTS_TABLE]).fetchone())
    except Exception:  # a database that cannot be read is not ours to change
        return False


@hookimpl
def asgi_wrapper(datasette):
    """A search of the records with no sort asked for is answered in index order (``_sort=rowid``): at a
    million records, sorting every match by year costs far more than finding them."""
    def wrap(app):
        async def search_in_index_order(scope, receive, send):
            if scope.get("type") == "http" and scope.get("path", "").rstrip("/").rsplit("/", 1)[-1] in (
                    "records", "records.json"):
                query = scope.get("query_string", b"")
                args = {k for k, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True)}
                if "_search" in args and not args & {"_sort", "_sort_desc"}:
                    scope = dict(scope, query_string=query + b"&_sort=rowid")
            await app(scope, receive, send)
        return search_in_index_order
    return wrap


@hookimpl(trylast=True)
def prepare_connection(conn, database, datasette):
    """After Datasette's own escape_fts (trylast), so ours is the one a kb database uses."""
    if not _is_kb(conn):
        return
    try:
        glossary = conn.execute("SELECT zh, en FROM glossary").fetchall()
    except Exception:
        glossary = []
    conn.create_function("escape_fts", 1, QueryBuilder(glossary).build)


class Urls:
    """Links from a record page to the pages of its drugs, targets, adverse events and endpoints."""

    def __init__(self, datasette, database: str):
        self.ds, self.db = datasette, database

    def _row(self, table: str, pk: str) -> str:
        return self.ds.urls.row(self.db, table, tilde_encode(pk))

    def drug(self, name: str) -> str:
        return self._row("drugs", name)

    def target(self, symbol: str) -> str:
        return self._row("targets", symbol)

    def ae(self, term: str) -> str:
        return self.ds.urls.table(self.db, "adverse_events") + "?term=" + quote(term)

    def endpoint(self, name: str) -> str:
        return self.ds.urls.table(self.db, "results") + "?endpoint=" + quote(name)

    def record(self, record_id: str) -> str:
        return self._row("records", record_id)


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name == "row" and table == "records" and request is not None:
        async def record_vars():
            from .models import Record
            from .render import doi_url, pmid_url, record_view

            pk = request.url_vars.get("pks")
            db = datasette.get_database(database)
            rows = await db.execute("SELECT record_json FROM records WHERE id = ?", [tilde_decode(pk)])
            row = rows.first()
            if row is None:
                return {}
            rec = Record.model_validate_json(row[0])
            return {"v": record_view(rec), "links": Urls(datasette, database),
                    "doi_url": doi_url(rec.citation.doi), "pmid_url": pmid_url(rec.citation.pmid)}
        return record_vars
    if view_name == "row" and table in TRIAL_LISTS and request is not None:
        async def trial_vars():
            from .models import Record
            from .summary import one_line

            key = tilde_decode(request.url_vars.get("pks"))
            rows = await datasette.get_database(database).execute(TRIAL_LISTS[table], [key])
            links = Urls(datasette, database)
            trials = []
            for record_id, record_json in rows.rows:
                rec = Record.model_validate_json(record_json)
                trials.append({"url": links.record(record_id), "en": one_line(rec, "en"), "zh": one_line(rec, "zh")})
            return {"kb_trials": trials}
        return trial_vars
    if view_name == "index":
        async def index_vars():
            for db in datasette.databases.values():
                if db.name != "_internal" and await db.table_exists("records"):
                    count = (await db.execute("SELECT count(*) FROM records")).first()[0]
                    return {"kb_db": db.name, "kb_count": count}
            return {}
        return index_vars
    return {}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Record ids in query results link to their record pages."""
    if table is None and column in RECORD_COLUMNS_LINKED and isinstance(value, str) and value:
        url = Urls(datasette, database).record(value)
        return Markup('<a href="{}">{}</a>').format(url, escape(value))
    return None


def serve(db_path: Path, port: int = 8001, live: bool = False, host: str = "127.0.0.1") -> None:
    """Serve the database until interrupted."""
    import uvicorn

    ds = make_datasette(db_path, live=live)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
