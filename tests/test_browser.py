"""End to end in a real browser (Playwright driving Debian's /usr/bin/chromium): `kb serve` runs as a
real process on 127.0.0.1; a search in Chinese from the home page finds the seed; its record page shows
both columns, and the Chinese is drawn in real glyphs, not the empty boxes of a missing font.
Screenshots go to test-output/."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import CORPUS

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
SEED_PATH = "doi~3A10~2E1158~2F1078-0432~2Eccr-25-0762"  # the seed's id as Datasette writes it in URLs
OUT = Path(__file__).parent.parent / "test-output"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None,
                                reason=f"no Chromium at {CHROMIUM} (.ci/run installs Debian's chromium)")

GLYPHS = """(sel) => {
  const el = document.querySelector(sel);
  const font = getComputedStyle(el).fontFamily;
  const c = document.createElement('canvas'); c.width = 64; c.height = 64;
  const g = c.getContext('2d');
  const draw = (ch) => { g.clearRect(0, 0, 64, 64); g.font = '40px ' + font; g.fillText(ch, 8, 48);
                         return Array.from(g.getImageData(0, 0, 64, 64).data).join(','); };
  const a = draw('血'), b = draw('板'), box = draw('\\u0378');
  return {distinct: a !== b, notBox: a !== box && b !== box, ink: /[1-9]/.test(a)};
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    db = folder / "kb.db"
    subprocess.run([sys.executable, "-m", "kb.cli", "ingest", "--db", str(db), str(CORPUS / "seed"),
                    str(CORPUS / "dev")], check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode()) from None
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1300, "height": 1100})
        yield pg
        browser.close()


def test_chinese_search_to_bilingual_record_page(server, page):
    OUT.mkdir(exist_ok=True)
    page.goto(server + "/")
    page.fill("form.kb-search-box input[name=_search]", "血小板减少")
    page.click("form.kb-search-box input[type=submit]")
    page.wait_for_load_state()
    assert "_search=" in page.url
    link = page.locator(f'a[href$="/kb/records/{SEED_PATH}"]').first
    assert link.count() == 1, "the seed is not among the search hits"
    page.screenshot(path=str(OUT / "search-zh.png"))
    link.click()
    page.wait_for_load_state()
    en = page.locator('.summaries .col[lang="en"]')
    zh = page.locator('.summaries .col[lang="zh-Hans"]')
    assert en.is_visible() and zh.is_visible()
    assert "thrombocytopenia" in en.inner_text() and "血小板减少" in zh.inner_text()
    en_box, zh_box = en.bounding_box(), zh.bounding_box()
    assert en_box["x"] + en_box["width"] <= zh_box["x"]  # side by side, English on the left
    abstract_zh = page.locator('.abstract .col[lang="zh-Hans"]').first
    assert abstract_zh.is_visible() and abstract_zh.inner_text().strip()
    glyphs = page.evaluate(GLYPHS, '.summaries .col[lang="zh-Hans"]')
    assert glyphs == {"distinct": True, "notBox": True, "ink": True}, f"Chinese drawn as tofu: {glyphs}"
    page.screenshot(path=str(OUT / "record-page.png"), full_page=False)
    assert (OUT / "record-page.png").stat().st_size > 10_000


def test_fact_link_jumps_to_its_span(server, page):
    page.goto(f"{server}/kb/records/{SEED_PATH}")
    link = page.locator('table.facts-aes a.spanlink[lang="zh"]').first
    target = link.get_attribute("href")
    link.click()
    assert page.url.endswith(target)
    mark = page.locator(f"mark{target}")
    assert mark.is_visible() and mark.inner_text() == "血小板减少"
