"""Full-text search in both languages, over one SQLite FTS5 table (``records_fts``).

Measured (issue 7): unicode61 on raw Chinese finds almost nothing, trigram cannot find 2-character words,
jieba-segmented text misses words nested in longer ones. So Chinese text is indexed as overlapping
character bigrams (血小板减少 → 血小 小板 板减 减少) and a query is cut the same way into a phrase of
bigrams, which matches exactly the texts that contain it, nested or not. English goes through the
porter stemmer. One FTS5 table with the tokenizer ``porter unicode61`` holds both: bigrams are plain
tokens to it.

Cross-language: each query term is OR-ed with its counterparts in the other language, from the
lexicons (drugs, adverse events, conditions, endpoints, targets) and the database's glossary, so
``血小板减少`` also finds English-only records and ``thrombocytopenia`` Chinese-only ones.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

FTS_TABLE = "records_fts"
FTS_COLUMNS = ("en", "zh")
TOKENIZE = "porter unicode61 remove_diacritics 2"
_HAN = r"\u3400-\u9fff\uf900-\ufaff"  # the characters cut into bigrams
_HAS_HAN = re.compile(f"[{_HAN}]")
_TERMS = re.compile(r'"([^"]*)"|(\S+)')
# Each match consumes one Chinese character, a run of other non-space characters or a run of spaces, and
# captures (in a lookahead, so bigrams overlap) the token it gives: a character with the next one, a lone
# character, the other characters as they are, or nothing (a run's last character, spaces).
_TOKEN = re.compile(f"(?=([{_HAN}][{_HAN}]|(?<![{_HAN}])[{_HAN}]|[^{_HAN}\\s]+|))(?:[{_HAN}]|[^{_HAN}\\s]+|\\s+)")


def bigrams(text: str) -> str:
    """Chinese runs as overlapping character bigrams (a lone character stays itself); other text as is,
    its spaces squeezed to one. One regex scan returns the tokens: no Python call per Chinese run, which
    halves the time of a record's search row."""
    return " ".join(filter(None, _TOKEN.findall(text or "")))


def _has_han(text: str) -> bool:
    return not text.isascii() and _HAS_HAN.search(text) is not None  # ASCII: no regex scan needed


def index_text(parts: Iterable[str | None]) -> tuple[str, str]:
    """The (en, zh) column values for the texts of one record: English as written, Chinese in bigrams."""
    en, zh = [], []
    for part in parts:
        if not part:
            continue
        (zh if _has_han(part) else en).append(part)
    return "\n".join(en), bigrams("\n".join(zh))


def _phrase(text: str) -> str:
    """One FTS5 phrase for ``text``: Chinese as its bigrams, quotes escaped."""
    tokens = bigrams(text) if _HAS_HAN.search(text) else text
    tokens = re.sub(r"[^\w\s\-.+/]", " ", tokens)  # keep words; FTS5 syntax characters never pass
    tokens = " ".join(tokens.split())
    if not tokens:
        return ""
    if _HAS_HAN.search(text) and len(text.strip()) == 1:
        return f'"{tokens}" *'  # one character: every bigram that starts with it
    return '"' + tokens.replace('"', '""') + '"'


def _without_subsumed(phrases: list[str]) -> list[str]:
    """Drop each phrase that holds another one: in an OR, "无进 进展 展生 生存 存期" adds nothing to "无进 进展
    展生 生存" but the cost of reading its five bigram lists — what makes a common Chinese term slow."""
    def tokens(p: str) -> tuple[str, ...] | None:
        if not (p.startswith('"') and p.endswith('"')):
            return None  # a prefix query ("血" *) is kept as it is
        return tuple(re.findall(r"\w+", p.lower()))  # as unicode61 cuts it: "progression-free" is two words

    def within(short: tuple, long: tuple) -> bool:
        return any(long[i:i + len(short)] == short for i in range(len(long) - len(short) + 1))

    toks = [tokens(p) for p in phrases]
    return [p for i, (p, t) in enumerate(zip(phrases, toks))
            if t is None or not any(o is not None and j != i and within(o, t) and (o != t or j < i)
                                    for j, o in enumerate(toks))]


@lru_cache(maxsize=1)
def _lexicon_pairs() -> dict[str, set[str]]:
    """Every written form (lower-cased) → the forms of the same thing in both languages."""
    from ingest.lexicon import _split, lexicon

    lex = lexicon()
    groups: list[set[str]] = []
    for d in lex.drugs.values():
        groups.append({d.name, *([d.name_zh] if d.name_zh else []), *_split(d.aliases)})
    for a in lex.adverse_events.values():
        groups.append({a.term, *([a.term_zh] if a.term_zh else []), *_split(a.synonyms_en), *_split(a.synonyms_zh)})
    for c in lex.conditions.values():
        groups.append({c.name, *([c.name_zh] if c.name_zh else []), *_split(c.synonyms_en), *_split(c.synonyms_zh)})
    for t in lex.targets.values():
        groups.append({t.symbol, *_split(t.aliases), *([t.name_zh] if t.name_zh else [])})
    by_code: dict[str, set[str]] = {}
    for e in lex.endpoints:
        if e.code != "-" and not e.qualifier:
            by_code.setdefault(e.code, {e.code}).add(e.term)
    groups += by_code.values()
    out: dict[str, set[str]] = {}
    for group in groups:
        for name in group:
            out.setdefault(name.lower(), set()).update(group)
    return out


class QueryBuilder:
    """Turns what a user types into an FTS5 MATCH expression (both languages, both scripts)."""

    def __init__(self, glossary: Iterable[tuple[str, str]] = ()):
        self.pairs = {k: set(v) for k, v in _lexicon_pairs().items()}
        for zh, en in glossary:
            if zh and en and len(en) > 2:  # an abbreviation alone ("wt") would widen searches wrongly
                group = self.pairs.get(zh.lower(), {zh}) | self.pairs.get(en.lower(), {en})
                for name in group:
                    self.pairs[name.lower()] = group

    def variants(self, term: str) -> list[str]:
        found = self.pairs.get(term.lower(), set())
        return [term] + sorted(v for v in found if v.lower() != term.lower())

    def build(self, query: str) -> str:
        """All terms must match (AND); each term matches in either language (OR of its forms)."""
        clauses = []
        for m in _TERMS.finditer(query or ""):
            term = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
            phrases = _without_subsumed([p for p in dict.fromkeys(_phrase(v) for v in self.variants(term)) if p])
            if phrases:
                clauses.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
        return " AND ".join(clauses) if clauses else "\"\""


def create_index(db) -> None:
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS [{FTS_TABLE}] USING fts5(en, zh, tokenize='{TOKENIZE}')")


def record_search_row(rowid: int, rec, summaries: dict[str, str]) -> tuple:
    """(rowid, en, zh) of one record for ``records_fts``."""
    parts: list[str | None] = [rec.citation.title.en, rec.citation.title.zh, rec.trial.acronym,
                               *rec.trial.registry_ids, summaries.get("summary_en"), summaries.get("summary_zh")]
    for s in rec.sections:
        parts += [s.en, s.zh]
    for d in rec.drugs:
        parts += [d.name, d.name_zh, *d.aliases, d.drug_class]
    parts += rec.targets + rec.population.conditions + rec.population.biomarkers
    for a in rec.adverse_events:
        parts += [a.term, a.term_zh]
    for g in rec.glossary:
        parts += [g.zh, g.en]
    en, zh = index_text(parts)
    return rowid, en, zh
