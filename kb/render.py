"""What a record page shows, as template data: shared by the Datasette record page and the static site.

:func:`record_view` gives the summaries (HTML partials), the abstract as aligned EN/ZH columns with
each extracted fact's source span highlighted (``<mark id="span-N">``), and the facts, each with links
to its spans. Every piece of text is escaped here or by Jinja2's autoescape; only the ``<mark>`` tags
made here are markup.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

from markupsafe import Markup, escape

from .models import Record, Span
from .summary import ci_range, num, one_line, render

ROLE_LABELS = {  # section roles in both languages
    "background": ("Background", "背景"), "methods": ("Methods", "方法"), "results": ("Results", "结果"),
    "conclusions": ("Conclusions", "结论"), "other": ("Abstract", "摘要"),
}


def highlight(text: str, spans: list[tuple[int, Span]]) -> Markup:
    """``text`` escaped, with each span wrapped in a ``<mark>`` that facts link to (overlaps: first wins)."""
    out, pos = [], 0
    for idx, s in sorted(spans, key=lambda x: (x[1].start, -x[1].end)):
        if s.start < pos or s.end > len(text) or s.start >= s.end:
            continue
        out.append(escape(text[pos:s.start]))
        out.append(Markup('<mark id="span-{}" class="span" data-field="{}" title="{}">{}</mark>').format(
            idx, s.field, s.field, text[s.start:s.end]))
        pos = s.end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


@dataclass
class SectionView:
    role: str
    label_en: str
    label_zh: str
    en: Optional[Markup]
    zh: Optional[Markup]


@dataclass
class RecordView:
    record: Record
    summary_en: Markup
    summary_zh: Markup
    langs: list[str]
    title_en: Optional[Markup]
    title_zh: Optional[Markup]
    sections: list[SectionView]
    anchors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # fact → [(span id, lang)]
    results: list[dict] = field(default_factory=list)
    disagreements: list = field(default_factory=list)
    heading_en: str = ""  # the summary's heading: what names a record that has no title

    def links(self, fact: str) -> list[tuple[str, str]]:
        """The (span id, lang) pairs of ``fact`` and its sub-fields (``drugs[0]`` has ``drugs[0].name_zh``)."""
        return [a for key, found in self.anchors.items() if key == fact or key.startswith((fact + ".", fact + "["))
                for a in found]


def _ci(r) -> str:
    bounds = ci_range(r.ci)
    return f"{num(r.ci.level)}% CI {bounds}" if bounds else ""


def record_view(rec: Record) -> RecordView:
    by_place: dict[tuple, list[tuple[int, Span]]] = defaultdict(list)
    anchors: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for i, s in enumerate(rec.spans):
        by_place[(s.part, s.section, s.lang)].append((i, s))
        anchors[s.field].append((f"span-{i}", s.lang))
    sections = []
    for n, s in enumerate(rec.sections):
        en_label, zh_label = ROLE_LABELS.get(s.role, ROLE_LABELS["other"])
        sections.append(SectionView(
            role=s.role, label_en=en_label, label_zh=zh_label,
            en=highlight(s.en, by_place[("section", n, "en")]) if s.en else None,
            zh=highlight(s.zh, by_place[("section", n, "zh")]) if s.zh else None))
    title = rec.citation.title
    langs = [lang for lang in ("en", "zh") if any(getattr(s, lang) for s in rec.sections) or getattr(title, lang)]
    results = [{"i": i, "endpoint": r.endpoint, "value": num(r.value), "unit": r.unit or "", "stat": r.stat or "",
                "n": "" if r.n is None else (f"{r.n}/{r.N}" if r.N is not None else str(r.n)),
                "ci": _ci(r), "p": "" if r.p is None else f"{r.p_op or '='} {num(r.p)}", "arm": r.arm or "",
                "qualifier": r.qualifier or ""} for i, r in enumerate(rec.results)]
    return RecordView(
        record=rec, summary_en=Markup(render(rec, "en", "html")), summary_zh=Markup(render(rec, "zh", "html")),
        langs=langs or ["en"],
        title_en=highlight(title.en, by_place[("title", None, "en")]) if title.en else None,
        title_zh=highlight(title.zh, by_place[("title", None, "zh")]) if title.zh else None,
        sections=sections, anchors=dict(anchors), results=results,
        disagreements=[c for c in rec.consistency if not c.agree],
        heading_en=one_line(rec, "en").split(": ")[0])


def doi_url(doi: Optional[str]) -> Optional[str]:
    return f"https://doi.org/{doi}" if doi and re.match(r"^10\.\d{4,9}/\S+$", doi) else None


def pmid_url(pmid: Optional[str]) -> Optional[str]:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid and pmid.isdigit() else None
