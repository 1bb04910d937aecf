"""`kb publish`: the knowledge base as static evidence pages, rendered with Jinja2 from ``templates/``.

Pages: a home page, one page per record (with its JSON beside it), per drug, per target, per adverse
event and per endpoint, lists to browse them, an offline search page over a prebuilt index, and
``sitemap.xml``. Charts are SVG drawn here (:mod:`kb.charts`). Every asset is local.

Deterministic and incremental: pages are rendered in a fixed order from sorted data with no clock, so
the same database gives the same bytes; a manifest (``.kb-publish.json``) keeps a hash of each page's
inputs, so publishing again renders only pages whose inputs changed, writes only files whose bytes
changed and removes pages that no longer exist.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Optional

import jinja2

from . import __version__
from .charts import Point, forest_chart, rate_chart, ratio_chart
from .models import Record
from .paths import TEMPLATES_DIR
from .render import doi_url, pmid_url, record_view
from .search import bigrams
from .summary import SEVERE, ci_range, num, one_line

MANIFEST = ".kb-publish.json"
STATIC = ("kb.css", "site.js")
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*[a-z0-9]|[a-z0-9]")


def slug(text: str) -> str:
    """A file name for ``text``: readable ASCII, with a short hash when that alone could collide."""
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
    if base and len(text) <= 60 and not re.search(r"[^A-Za-z0-9 \-]", text):
        return base
    return (base + "-" if base else "") + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _sha(*parts: str) -> str:
    h = hashlib.sha1()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def _template_hash() -> str:
    files = sorted(p for p in TEMPLATES_DIR.rglob("*") if p.is_file())
    return _sha(__version__, *(p.read_text(encoding="utf-8", errors="replace") for p in files))


class Links:
    """Relative links between the pages of the site, from a page ``depth`` folders below the root."""

    def __init__(self, root: str):
        self.root = root

    def record(self, record_id: str) -> str:
        return f"{self.root}records/{slug(record_id)}.html"

    def drug(self, name: str) -> str:
        return f"{self.root}drugs/{slug(name)}.html"

    def target(self, symbol: str) -> str:
        return f"{self.root}targets/{slug(symbol)}.html"

    def ae(self, term: str) -> str:
        return f"{self.root}ae/{slug(term)}.html"

    def endpoint(self, name: str) -> str:
        return f"{self.root}endpoints/{slug(name)}.html"


@dataclass
class Report:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return len(self.written) + self.unchanged

    def line(self) -> str:
        return (f"{self.pages} files: {len(self.written)} written, {self.unchanged} unchanged, "
                f"{len(self.removed)} removed")


class Data:
    """What the site shows, read from the database; records are parsed only when a page needs them."""

    def __init__(self, db):
        from ingest.lexicon import lexicon

        self.db = db
        self.lex = lexicon()
        rows = db.execute("SELECT id, record_json FROM records ORDER BY id").fetchall()
        self.json = {rid: text for rid, text in rows}
        self.hash = {rid: _sha(text) for rid, text in rows}
        self.by_drug = self._groups("SELECT drug, record_id FROM record_drugs")
        # a target's trials: those that name it, and those of every drug that hits it
        self.by_target = self._groups("SELECT target, record_id FROM record_targets UNION "
                                      "SELECT t.target, d.record_id FROM drug_targets t "
                                      "JOIN record_drugs d ON d.drug = t.drug")
        self.by_ae = self._groups("SELECT term, record_id FROM adverse_events")
        self.by_endpoint = self._groups("SELECT endpoint, record_id FROM results UNION "
                                        "SELECT name, record_id FROM endpoints")
        self.drugs = {r[0]: {"name": r[0], "name_zh": r[1], "drug_class": r[2], "targets": json.loads(r[3] or "[]")}
                      for r in db.execute("SELECT name, name_zh, drug_class, targets FROM drugs ORDER BY name")
                      if r[0] in self.by_drug}
        self.targets = {r[0]: r[1] for r in db.execute("SELECT symbol, name_zh FROM targets ORDER BY symbol")
                        if r[0] in self.by_target}
        self.drugs_of_target = defaultdict(list)
        for drug, target in db.execute("SELECT drug, target FROM drug_targets ORDER BY target, drug"):
            if drug in self.drugs:
                self.drugs_of_target[target].append(drug)
        self._records: dict[str, Record] = {}

    def _groups(self, sql: str) -> dict[str, list[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for key, rid in self.db.execute(sql):
            if key:
                out[key].add(rid)
        return {k: sorted(v) for k, v in sorted(out.items())}

    def record(self, rid: str) -> Record:
        if rid not in self._records:
            self._records[rid] = Record.model_validate_json(self.json[rid])
        return self._records[rid]

    def inputs(self, ids: list[str], *extra: str) -> str:
        return _sha(*extra, *(self.hash[i] for i in ids))

    @cached_property
    def ae_zh(self) -> dict[str, Optional[str]]:
        return {t: self.lex.zh_name("ae", t) for t in self.by_ae}


def trial_label(rec: Record) -> str:
    """How a chart row or a list names a trial: acronym, else first author and year, else title."""
    year = (rec.citation.published or "")[:4]
    if rec.trial.acronym:
        return rec.trial.acronym + (f" ({year})" if year else "")
    if rec.citation.authors:
        return f"{rec.citation.authors[0].split()[0]} {year}".strip()
    if rec.trial.registry_ids:
        return rec.trial.registry_ids[0]
    title = rec.citation.title.en or rec.citation.title.zh
    if title:
        return title[:40]
    drugs = " + ".join(d.name for d in rec.drugs if d.role != "background")
    return drugs[:40] or rec.id


def _point(rec: Record, r, links: Links, note: str) -> Point:
    label = trial_label(rec) + (f" · {r.arm}" if r.arm else "") + (f" · {r.qualifier}" if r.qualifier else "")
    low = r.ci.low if r.ci else None
    high = r.ci.high if r.ci else None
    return Point(label=label, value=r.value, low=low, high=high, note=note, href=links.record(rec.id))


def _ci_text(r) -> str:
    bounds = ci_range(r.ci)
    return f" ({bounds})" if bounds else ""


def charts_for(records: list[Record], links: Links, endpoints=("ORR", "PFS", "OS")) -> list[str]:
    """The SVG charts of a drug, target or endpoint page: rates, medians, ratios across its trials."""
    out = []
    for code in endpoints:
        rates, medians, ratios = [], [], []
        for rec in records:
            for r in rec.results:
                if r.endpoint != code:
                    continue
                if r.unit == "%" and r.stat in (None, "rate"):
                    nn = f" ({r.n}/{r.N})" if r.n is not None and r.N is not None else ""
                    rates.append(_point(rec, r, links, f"{num(r.value)}%{nn}{_ci_text(r)}"))
                elif r.stat == "median" and r.unit == "months":
                    medians.append(_point(rec, r, links, f"{num(r.value)} mo{_ci_text(r)}"))
                elif r.stat in ("hr", "or", "rr"):
                    ratios.append(_point(rec, r, links, f"{r.stat.upper()} {num(r.value)}{_ci_text(r)}"))
        if rates:
            out.append(rate_chart(f"{code} (%) with n/N and 95% CI", rates[:40]))
        if medians:
            out.append(forest_chart(f"Median {code} (months) with 95% CI", medians[:40]))
        if ratios:
            out.append(ratio_chart(f"{code} ratios (log scale) with 95% CI", ratios[:40]))
    return out


def severe_profile(records: list[Record], lex) -> list[dict]:
    """Grade >=3 adverse events across trials: term, Chinese term, trials, rates."""
    rows: dict[str, dict] = {}
    for rec in records:
        for a in rec.adverse_events:
            if a.grade not in SEVERE:
                continue
            row = rows.setdefault(a.term, {"term": a.term, "term_zh": lex.zh_name("ae", a.term) or a.term_zh,
                                           "trials": set(), "rates": []})
            row["trials"].add(rec.id)
            if a.rate is not None:
                row["rates"].append(f"{num(a.rate)}%")
    out = [{**r, "trials": len(r["trials"])} for r in rows.values()]
    return sorted(out, key=lambda r: (-r["trials"], r["term"]))


class Site:
    def __init__(self, db, out: Path, base_url: str = "http://localhost:8000/"):
        self.data = Data(db)
        self.out = out
        self.base_url = base_url.rstrip("/") + "/"
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                                      trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
        self.env.filters["num"] = num
        self.tpl = _template_hash()
        self.pages: dict[str, tuple[str, Callable[[], str | bytes]]] = {}  # path → (input hash, render)

    def _page(self, path: str, inputs: str, template: str, ctx: Callable[[], dict]) -> None:
        depth = path.count("/")
        root = "../" * depth

        def render() -> str:
            return self.env.get_template(template).render(root=root, links=Links(root), page_path=path, **ctx())

        self.pages[path] = (_sha(self.tpl, inputs), render)

    def plan(self) -> None:
        d = self.data
        everything = d.inputs(sorted(d.json))
        for rid in d.json:
            self._plan_record(rid)
        for name in d.drugs:
            self._plan_group("drugs", slug(name), d.by_drug[name], "site_drug.html", name,
                             lambda name=name: {"drug": d.drugs[name]})
        for symbol in d.targets:
            self._plan_group("targets", slug(symbol), d.by_target[symbol], "site_target.html", symbol,
                             lambda s=symbol: {"target": s, "target_zh": d.targets[s],
                                               "drugs": [d.drugs[x] for x in d.drugs_of_target.get(s, [])]})
        for term in d.by_ae:
            self._plan_group("ae", slug(term), d.by_ae[term], "site_ae.html", term,
                             lambda t=term: {"term": t, "term_zh": d.ae_zh[t]})
        for code in d.by_endpoint:
            self._plan_group("endpoints", slug(code), d.by_endpoint[code], "site_endpoint.html", code,
                             lambda c=code: {"code": c, "label_en": d.lex.label("endpoint", c, "en") or c,
                                             "label_zh": d.lex.label("endpoint", c, "zh") or c})
        self._page("index.html", everything, "site_index.html", lambda: self._index_ctx())
        self._page("records/index.html", everything, "site_list.html", lambda: self._list_ctx("records"))
        for kind in ("drugs", "targets", "ae", "endpoints"):
            self._page(f"{kind}/index.html", everything, "site_list.html", lambda k=kind: self._list_ctx(k))
        self._page("search.html", "", "site_search.html", lambda: {})
        self.pages["static/search-index.js"] = (_sha(self.tpl, everything), self._search_index)
        for name in STATIC:
            src = TEMPLATES_DIR / "static" / name
            self.pages[f"static/{name}"] = (_sha(src.read_text(encoding="utf-8")), lambda s=src: s.read_bytes())
        paths = sorted(p for p in self.pages if p.endswith(".html"))
        self.pages["sitemap.xml"] = (_sha(self.base_url, *paths), lambda: self._sitemap(paths))

    def _plan_record(self, rid: str) -> None:
        d = self.data
        name = slug(rid)

        def ctx():
            rec = d.record(rid)
            return {"v": record_view(rec), "doi_url": doi_url(rec.citation.doi), "pmid_url": pmid_url(rec.citation.pmid),
                    "json_name": f"{name}.json", "title": trial_label(rec)}

        self._page(f"records/{name}.html", d.hash[rid], "site_record.html", ctx)
        self.pages[f"records/{name}.json"] = (d.hash[rid], lambda: json.dumps(
            json.loads(d.json[rid]), ensure_ascii=False, indent=2, sort_keys=True) + "\n")

    def _plan_group(self, kind: str, name: str, ids: list[str], template: str, key: str, extra) -> None:
        d = self.data

        def ctx():
            records = [d.record(i) for i in ids]
            root = "../"
            trials = [{"rec": r, "label": trial_label(r), "en": one_line(r, "en"), "zh": one_line(r, "zh")}
                      for r in records]
            return {**extra(), "trials": trials, "charts": charts_for(records, Links(root)),
                    "severe": severe_profile(records, d.lex), "records": records}

        self._page(f"{kind}/{name}.html", d.inputs(ids, kind, key), template, ctx)

    def _index_ctx(self) -> dict:
        d = self.data
        return {"counts": {"records": len(d.json), "drugs": len(d.drugs), "targets": len(d.targets),
                           "ae": len(d.by_ae), "endpoints": len(d.by_endpoint)},
                "drugs": list(d.drugs.values())[:60], "targets": list(d.targets)[:60],
                "aes": [(t, d.ae_zh[t], len(ids)) for t, ids in sorted(d.by_ae.items(), key=lambda x: -len(x[1]))[:40]],
                "endpoints": list(d.by_endpoint)}

    def _list_ctx(self, kind: str) -> dict:
        d = self.data
        links = Links("../")
        if kind == "records":
            rows = d.db.execute("SELECT id, coalesce(title_en, title_zh, id), summary_en FROM records ORDER BY id")
            items = [(links.record(rid), title, (summary or "").split("\n")[0].strip("*")) for rid, title, summary in rows]
        elif kind == "drugs":
            items = [(links.drug(n), n, d.drugs[n]["name_zh"] or "") for n in d.drugs]
        elif kind == "targets":
            items = [(links.target(s), s, d.targets[s] or "") for s in d.targets]
        elif kind == "ae":
            items = [(links.ae(t), t, d.ae_zh[t] or "") for t in d.by_ae]
        else:
            items = [(links.endpoint(c), c, d.lex.label("endpoint", c, "zh") or "") for c in d.by_endpoint]
        return {"kind": kind, "items": items}

    def _search_index(self) -> str:
        """window.KB_SEARCH: the pages and an inverted index of their words (English) and character
        bigrams (Chinese), cut the way site.js cuts a query. A script, so it loads from file:// too."""
        d = self.data
        pages, postings = [], defaultdict(set)

        def add(url: str, title: str, subtitle: str, texts: list[Optional[str]]) -> None:
            pid = len(pages)
            pages.append([url, title, subtitle])
            for token in tokens(" ".join(t for t in texts if t)):
                postings[token].add(pid)

        rows = d.db.execute("SELECT id, title_en, title_zh, summary_en, summary_zh, drug_names, target_names, "
                            "conditions FROM records ORDER BY id").fetchall()
        for rid, ten, tzh, sen, szh, drugs, targets, conditions in rows:
            heading = (sen or "").split("\n")[0].strip("*")
            add(f"records/{slug(rid)}.html", ten or tzh or heading or rid, heading if (ten or tzh) else rid,
                [ten, tzh, sen, szh, drugs, targets, conditions, rid])
        for name, info in d.drugs.items():
            add(f"drugs/{slug(name)}.html", name, info["name_zh"] or "", [name, info["name_zh"], info["drug_class"]])
        for symbol, zh in d.targets.items():
            add(f"targets/{slug(symbol)}.html", symbol, zh or "", [symbol, zh])
        for term in d.by_ae:
            add(f"ae/{slug(term)}.html", term, d.ae_zh[term] or "", [term, d.ae_zh[term]])
        index = {k: sorted(v) for k, v in sorted(postings.items())}
        body = json.dumps({"pages": pages, "index": index}, ensure_ascii=False, separators=(",", ":"))
        return f"window.KB_SEARCH = {body};\n"

    def _sitemap(self, paths: list[str]) -> str:
        from xml.sax.saxutils import escape

        urls = "".join(f"<url><loc>{escape(self.base_url + p)}</loc></url>\n" for p in paths)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')

    def write(self, progress: Optional[Callable[[str], None]] = None) -> Report:
        report = Report()
        manifest_path = self.out / MANIFEST
        try:
            old = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        new = {}
        for path in sorted(self.pages):
            key, render = self.pages[path]
            new[path] = key
            target = self.out / path
            if old.get(path) == key and target.exists():
                report.unchanged += 1
            else:
                content = render()
                data = content.encode("utf-8") if isinstance(content, str) else content
                if target.exists() and target.read_bytes() == data:
                    report.unchanged += 1
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    tmp = target.with_name(target.name + ".tmp")
                    tmp.write_bytes(data)
                    tmp.replace(target)
                    report.written.append(path)
            if progress:
                progress(path)
        for path in sorted(set(old) - set(new)):
            (self.out / path).unlink(missing_ok=True)
            report.removed.append(path)
        manifest_path.write_text(json.dumps(new, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        return report


def tokens(text: str) -> set[str]:
    """Search tokens: lower-cased English words, Chinese character bigrams (site.js cuts queries alike)."""
    out = set()
    for part in bigrams(text.lower()).split():
        if _HAN.search(part):
            out.add(part)
        else:
            out.update(_WORD.findall(part))
    return out


def publish(db_path: Path, out: Path, base_url: str = "http://localhost:8000/",
            progress_factory=None) -> Report:
    """Render the whole site for the database at ``db_path`` into ``out``."""
    from .store import open_db

    db = open_db(db_path)
    out.mkdir(parents=True, exist_ok=True)
    try:
        site = Site(db.conn, out, base_url)
        site.plan()
        if progress_factory is None:
            return site.write()
        with progress_factory(len(site.pages)) as bar:
            return site.write(progress=lambda _p: bar.update(1))
    finally:
        db.conn.close()

