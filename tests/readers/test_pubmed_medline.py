"""PubMed XML and MEDLINE readers on real dev files, plus hostile input."""
from __future__ import annotations

import pytest

from ingest.document import ReadError
from ingest.extract import extract_path
from ingest.readers import read_path
from tests.conftest import CORPUS

DEV = CORPUS / "dev"


def test_pubmed_xml_article():
    doc = next(read_path(DEV / "en-brigatinib-vs-crizotinib-alta1l.xml"))
    assert doc.format == "pubmed-xml"
    assert (doc.doi, doc.pmid, doc.journal) == ("10.1056/NEJMoa1810171", "30280657", "N Engl J Med")
    assert [p.role for p in doc.paragraphs] == ["background", "methods", "results", "conclusions"]
    assert doc.paragraphs[2].text.startswith("A total of 275 patients underwent randomization")


def test_medline_record_read_by_content_even_as_txt(tmp_path):
    text = (DEV / "en-blinatumomab-mrd-all.nbib").read_text(encoding="utf-8")
    path = tmp_path / "export.txt"
    path.write_text(text, encoding="utf-8")
    doc = next(read_path(path))
    assert doc.format == "medline"
    assert doc.title_en.startswith("Blinatumomab for minimal residual disease")
    assert doc.authors[0] == "Gökbuget Nicola"
    assert "One hundred sixteen patients received blinatumomab." in doc.paragraphs[0].text


def test_xml_entity_expansion_is_refused(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            '<PubmedArticleSet><PubmedArticle>&lol2;</PubmedArticle></PubmedArticleSet>')
    path = tmp_path / "bomb.xml"
    path.write_text(bomb, encoding="utf-8")
    outcomes = list(extract_path(path))
    assert len(outcomes) == 1 and "entit" in outcomes[0].error


def test_truncated_xml_is_one_clear_error(tmp_path):
    text = (DEV / "en-brigatinib-vs-crizotinib-alta1l.xml").read_text(encoding="utf-8")
    path = tmp_path / "cut.xml"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    outcomes = list(extract_path(path))
    assert len(outcomes) == 1 and outcomes[0].error.startswith("malformed XML")


def test_article_without_abstract_beside_one_with(tmp_path):
    text = (DEV / "en-brigatinib-vs-crizotinib-alta1l.xml").read_text(encoding="utf-8")
    start, end = text.index("<PubmedArticle>"), text.index("</PubmedArticle>") + len("</PubmedArticle>")
    article = text[start:end]
    import re

    bare = re.sub(r"<Abstract>.*?</Abstract>", "", article, flags=re.S).replace("30280657", "1")
    path = tmp_path / "two.xml"
    path.write_text(text[:end] + bare + text[end:], encoding="utf-8")
    outcomes = list(extract_path(path))
    assert [o.error is None for o in outcomes] == [True, False]
    assert "no abstract" in outcomes[1].error and outcomes[1].index == 1


@pytest.mark.parametrize("data", [b"<html><body>hi</body></html>", b"\x00\x01\x02binary"])
def test_other_bytes_are_errors(tmp_path, data):
    path = tmp_path / "x.xml"
    path.write_bytes(data)
    with pytest.raises(ReadError):
        list(read_path(path))
