"""Static evidence pages (issue 8): `kb publish` on a real database built from the bundled corpora.
Every page parses, no internal link is broken, nothing is fetched from elsewhere, hostile abstracts
render as text, output is deterministic and incremental, and a real browser searches it in Chinese."""
from __future__ import annotations

import filecmp
import functools
import http.server
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import html5lib
import pytest

from .conftest import CORPUS
from .test_browser import ARGS, CHROMIUM, GLYPHS
from .test_datasette import SCRIPT, SEED_ID, XSS_ID, hostile_digest

LATE = CORPUS / "dev" / "en-ceritinib-ros1-phase2.txt"  # ingested after the first publish


def kb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("publish")
    corpus = folder / "corpus"
    corpus.mkdir()
    for sub in ("seed", "dev", "own"):
        shutil.copytree(CORPUS / sub, corpus / sub)
    (corpus / "dev" / LATE.name).unlink()
    hostile_digest(corpus)
    db = folder / "kb.db"
    kb("ingest", "--db", str(db), str(corpus))
    site = folder / "site"
    out = kb("publish", str(site), "--db", str(db), "--json")
    return {"folder": folder, "db": db, "site": site, "report": json.loads(out.stdout)}


def _slug_of(db: Path, record_id: str) -> str:
    from kb.publish import slug

    assert sqlite3.connect(db).execute("SELECT 1 FROM records WHERE id = ?", [record_id]).fetchone()
    return slug(record_id)


def _links(page: Path) -> list[tuple[str, str, str]]:
    """(tag, attribute, url) of every href and src in the page."""
    doc = html5lib.parse(page.read_text(encoding="utf-8"), namespaceHTMLElements=False)
    return [(el.tag, attr, el.get(attr)) for el in doc.iter() for attr in ("href", "src") if el.get(attr)]


def test_every_page_parses(built):
    pages = sorted(built["site"].rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        parser = html5lib.HTMLParser(strict=True)
        parser.parse(page.read_text(encoding="utf-8"))


def test_no_broken_internal_link_and_every_page_reachable(built):
    site = built["site"]
    seen, queue = set(), [site / "index.html"]
    while queue:
        page = queue.pop()
        if page in seen:
            continue
        seen.add(page)
        for _tag, _attr, url in _links(page):
            parsed = urlparse(url)
            if parsed.scheme or url.startswith("//"):
                continue
            path = urldefrag(parsed.path)[0]
            if not path:
                continue
            target = (page.parent / unquote(path)).resolve()
            assert target.exists(), f"{page.relative_to(site)} links to missing {url}"
            if target.suffix == ".html":
                queue.append(target)
    unreached = {p.resolve() for p in site.rglob("*.html")} - {p.resolve() for p in seen}
    assert not unreached, f"pages no link leads to: {sorted(map(str, unreached))[:5]}"


def test_nothing_is_fetched_from_elsewhere(built):
    """The only absolute URLs are outbound citation links (rel=external); scripts, styles and images
    are local."""
    for page in built["site"].rglob("*.html"):
        doc = html5lib.parse(page.read_text(encoding="utf-8"), namespaceHTMLElements=False)
        for el in doc.iter():
            for attr in ("href", "src"):
                url = el.get(attr) or ""
                if re.match(r"(https?:)?//", url):
                    assert el.tag == "a" and el.get("rel") == "external", f"{page.name}: {el.tag} {url}"
    css = (built["site"] / "static" / "kb.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css


def test_record_page_json_and_summaries(built):
    site, db = built["site"], built["db"]
    name = _slug_of(db, SEED_ID)
    page = (site / "records" / f"{name}.html").read_text(encoding="utf-8")
    for expected in ("grade 3–4 thrombocytopenia", "3~4级血小板减少", 'lang="zh-Hans"', "https://doi.org/10.1158"):
        assert expected in page
    data = json.loads((site / "records" / f"{name}.json").read_text(encoding="utf-8"))
    stored = json.loads(sqlite3.connect(db).execute("SELECT record_json FROM records WHERE id = ?",
                                                     [SEED_ID]).fetchone()[0])
    assert data == stored


def test_drug_page_has_charts_from_the_records(built):
    page = (built["site"] / "drugs" / "milademetan.html").read_text(encoding="utf-8")
    doc = html5lib.parse(page, namespaceHTMLElements=False)
    svgs = [el for el in doc.iter() if el.tag.endswith("svg")]
    assert svgs, "no chart"
    text = "".join("".join(s.itertext()) for s in svgs)
    assert "19.4% (6/31)" in text and "3.5 mo (1.8–3.7)" in text
    assert "米拉德美坦" in page and "thrombocytopenia" in page


def test_hostile_abstract_renders_as_text(built):
    page = (built["site"] / "records" / f"{_slug_of(built['db'], XSS_ID)}.html").read_text(encoding="utf-8")
    assert SCRIPT not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    doc = html5lib.parse(page, namespaceHTMLElements=False)
    scripts = [el.get("src") for el in doc.iter("script")]
    assert scripts == ["../static/site.js"]  # our own script, nothing injected
    assert not any(el.get("onerror") for el in doc.iter())


def test_sitemap_lists_every_page(built):
    site = built["site"]
    xml = (site / "sitemap.xml").read_text(encoding="utf-8")
    locs = set(re.findall(r"<loc>http://localhost:8000/([^<]+)</loc>", xml))
    assert locs == {str(p.relative_to(site)) for p in site.rglob("*.html")}


def test_same_database_gives_identical_output(built, tmp_path):
    again = tmp_path / "again"
    kb("publish", str(again), "--db", str(built["db"]))
    cmp = filecmp.dircmp(built["site"], again)

    def same(c) -> bool:
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        return not (c.left_only or c.right_only or mismatch or errors) and all(same(s) for s in c.subdirs.values())

    assert same(cmp)


def test_republishing_after_one_new_record_rewrites_only_what_changed(built, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built["site"], site)
    db = tmp_path / "kb.db"
    shutil.copy(built["db"], db)
    untouched = kb("publish", str(site), "--db", str(db), "--json")
    assert json.loads(untouched.stdout)["written"] == []
    kb("ingest", "--db", str(db), str(LATE))
    report = json.loads(kb("publish", str(site), "--db", str(db), "--json").stdout)
    written = set(report["written"])
    new_id = sqlite3.connect(db).execute("SELECT id FROM records WHERE source_path LIKE ?",
                                         [f"%{LATE.name}"]).fetchone()[0]
    name = _slug_of(db, new_id)
    assert {f"records/{name}.html", f"records/{name}.json", "drugs/ceritinib.html", "index.html"} <= written
    record_pages = {w for w in written if w.startswith("records/") and w != "records/index.html"}
    assert record_pages == {f"records/{name}.html", f"records/{name}.json"}
    assert len(written) < report["files"] / 4
    fresh = tmp_path / "fresh"
    kb("publish", str(fresh), "--db", str(db))
    for page in fresh.rglob("*"):
        if page.is_file():
            assert page.read_bytes() == (site / page.relative_to(fresh)).read_bytes(), page


@pytest.fixture(scope="module")
def static_server(built):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(built["site"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")
def test_browser_searches_in_chinese_and_opens_the_record(built, static_server):
    from playwright.sync_api import sync_playwright

    out = Path(__file__).parent.parent / "test-output"
    out.mkdir(exist_ok=True)
    name = _slug_of(built["db"], SEED_ID)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1100})
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(static_server + "/index.html")
        page.fill("form.kb-search-box input[name=q]", "血小板减少")
        page.click("form.kb-search-box input[type=submit]")
        page.wait_for_selector("#kb-results li")
        hits = page.locator("#kb-results a")
        hrefs = [hits.nth(i).get_attribute("href") for i in range(hits.count())]
        assert f"records/{name}.html" in hrefs
        page.screenshot(path=str(out / "site-search-zh.png"))
        page.fill("#kb-q", "thrombocytopenia")
        page.click("#kb-search input[type=submit]")
        page.wait_for_selector(f'#kb-results a[href="records/{name}.html"]')
        page.click(f'#kb-results a[href="records/{name}.html"]')
        page.wait_for_load_state()
        assert page.locator('.summaries .col[lang="zh-Hans"]').is_visible()
        glyphs = page.evaluate(GLYPHS, '.summaries .col[lang="zh-Hans"]')
        assert glyphs == {"distinct": True, "notBox": True, "ink": True}
        page.screenshot(path=str(out / "site-record.png"))
        page.goto(static_server + "/drugs/milademetan.html")
        page.click("[data-lang-switch]")
        assert page.locator("h2 .ui-zh").first.is_visible() and not page.locator("h2 .ui-en").first.is_visible()
        page.screenshot(path=str(out / "site-drug.png"))
        browser.close()
    assert all(u.startswith(static_server) for u in requests), [u for u in requests if not u.startswith(static_server)]
