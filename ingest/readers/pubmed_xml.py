"""Reader for PubMed XML (PubmedArticleSet from efetch): one raw document per article."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Optional

from ..document import Paragraph, RawDocument, ReadError, iso_date
from ..sections import split_headings
from ..text import lang_of

_ENTITY_DECL = re.compile(r"<!ENTITY", re.I)
_CATEGORY = {"BACKGROUND": "background", "OBJECTIVE": "background", "METHODS": "methods",
             "RESULTS": "results", "CONCLUSIONS": "conclusions"}


def _text(el: Optional[ET.Element]) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip() if el is not None else ""


def _date(pub: Optional[ET.Element]) -> Optional[str]:
    if pub is None:
        return None
    year = _text(pub.find("Year"))
    if not year:
        m = re.search(r"(19|20)\d{2}", _text(pub.find("MedlineDate")))
        return m.group(0) if m else None
    return iso_date(year, _text(pub.find("Month")) or None, _text(pub.find("Day")) or None)


def _paragraphs(abstract: ET.Element) -> list[Paragraph]:
    out: list[Paragraph] = []
    for part in abstract.findall("AbstractText"):
        text = _text(part)
        if not text:
            continue
        lang = lang_of(text)
        role = _CATEGORY.get((part.get("NlmCategory") or "").upper())
        label = part.get("Label")
        if role is None and label:
            found = split_headings(f"{label}: {text}", lang)
            role = found[0].role if len(found) == 1 else None
        if role is None and not label:
            out += split_headings(text, lang)
        else:
            out.append(Paragraph(lang=lang, text=text, role=role))
    return out


def _article(node: ET.Element, path: str, index: int) -> RawDocument:
    cit = node.find("MedlineCitation") if node.tag != "MedlineCitation" else node
    if cit is None:
        raise ReadError("no MedlineCitation", str(index))
    art = cit.find("Article")
    if art is None:
        raise ReadError("no Article", str(index))
    doc = RawDocument(format="pubmed-xml", path=path, index=index)
    doc.pmid = _text(cit.find("PMID")) or None
    title = _text(art.find("ArticleTitle"))
    if title:
        setattr(doc, "title_zh" if lang_of(title) == "zh" else "title_en", title)
    vern = _text(art.find("VernacularTitle"))
    if vern and lang_of(vern) == "zh":
        doc.title_zh = vern
    journal = art.find("Journal")
    if journal is not None:
        doc.journal = _text(journal.find("ISOAbbreviation")) or _text(journal.find("Title")) or None
        doc.published = _date(journal.find("JournalIssue/PubDate"))
    for a in art.findall("AuthorList/Author"):
        name = " ".join(x for x in (_text(a.find("LastName")), _text(a.find("ForeName"))) if x)
        name = name or _text(a.find("CollectiveName"))
        if name:
            doc.authors.append(name)
        for aff in a.findall("AffiliationInfo/Affiliation"):
            t = _text(aff)
            if t and t not in doc.affiliations:
                doc.affiliations.append(t)
    for el in art.findall("ELocationID"):
        if el.get("EIdType") == "doi":
            doc.doi = _text(el)
    for el in node.findall(".//ArticleIdList/ArticleId"):
        if el.get("IdType") == "doi" and not doc.doi:
            doc.doi = _text(el)
    for acc in art.findall("DataBankList/DataBank/AccessionNumberList/AccessionNumber"):
        rid = re.sub(r"\s+", "", _text(acc))
        if rid and rid not in doc.registry_ids:
            doc.registry_ids.append(rid)
    doc.keywords = [_text(k) for k in cit.findall(".//KeywordList/Keyword")] + [
        _text(d) for d in cit.findall("MeshHeadingList/MeshHeading/DescriptorName")]
    abstract = art.find("Abstract")
    if abstract is not None:
        doc.paragraphs += _paragraphs(abstract)
    for other in cit.findall("OtherAbstract"):
        doc.paragraphs += _paragraphs(other)
    if not doc.paragraphs:
        raise ReadError("article has no abstract", str(index))
    return doc


def read_pubmed_xml(text: str, path: str) -> Iterator[RawDocument]:
    """Every article of a PubmedArticleSet; entity declarations are refused, never expanded."""
    head = text[:5000]
    if _ENTITY_DECL.search(head) or (re.search(r"<!DOCTYPE[^>]*\[", head) and "<!ENTITY" in text):
        raise ReadError("XML declares entities (refused: entity expansion)")
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise ReadError(f"malformed XML: {exc}") from None
    nodes = [root] if root.tag in ("PubmedArticle", "MedlineCitation") else root.findall("PubmedArticle")
    if not nodes:
        raise ReadError("no PubmedArticle in the XML")
    for i, node in enumerate(nodes):
        try:
            yield _article(node, path, i)
        except ReadError as exc:
            yield exc
