"""The English and Chinese extraction pipelines: blank spaCy languages made of registered components.

Both pipelines run the same components (configured by language) and leave the same fact objects
in ``doc._.facts``; :func:`nlp_for` builds each once per process.
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.attrs import LANG, LOWER, NORM
from spacy.language import Language

from ..lexicon import lexicon
from . import (  # noqa: F401 (registered factories)
    adverse_events,
    en_tokenizer,
    endpoints,
    glossary,
    population,
    results,
    sentences,
    terms,
    trial,
    zh_tokenizer,
)
from .facts import Fact, facts_of

_LEX_ATTRS_USED = {LOWER, NORM, LANG}

COMPONENTS = ("kb_sentences", "kb_terms", "kb_trial", "kb_population", "kb_endpoints", "kb_results",
              "kb_adverse_events")


class KeepText:
    """The tokenizer, keeping the text it was given in ``doc.user_data["kb_text"]`` so components read it
    without rebuilding it from tokens (``doc.text`` makes a Python object per token)."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, text: str):
        doc = self.tokenizer(text)
        doc.user_data["kb_text"] = text
        return doc

    def __getattr__(self, name):
        return getattr(self.tokenizer, name)


@lru_cache(maxsize=4)
def nlp_for(lang: str, fast: bool = True) -> Language:
    """The pipeline for ``en`` or ``zh``. Chinese uses the compiled rjieba segmenter when it is installed
    (``fast``), else spaCy's jieba segmenter; both cut the same tokens."""
    if lang == "zh":
        if fast and zh_tokenizer.available():
            nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "kb.fast_zh_tokenizer.v1"}}})
        else:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
            add_user_words()
    else:
        nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "kb.fast_en_tokenizer.v1"}}})
    nlp.tokenizer = KeepText(nlp.tokenizer)
    # Our components read the text and token offsets, and match terms by LOWER and ORTH: no lexical flag
    # (is_alpha, like_num, shape, ...) is read, so a new word's lexeme gets only what is used — computing
    # the 23 attributes spaCy's languages define was half the tokenizer's cost on unseen text.
    nlp.vocab.lex_attr_getters = {k: f for k, f in nlp.vocab.lex_attr_getters.items() if k in _LEX_ATTRS_USED}
    for name in COMPONENTS:
        nlp.add_pipe(name, config={"lang": lang})
    if lang == "zh":
        nlp.add_pipe("kb_glossary")
    return nlp


@lru_cache(maxsize=1)
def add_user_words() -> None:
    """Teach jieba every Chinese lexicon term, so 血小板减少 and 米拉德美坦 stay whole (at every start:
    a saved pipeline does not keep them)."""
    import jieba

    for word in sorted(lexicon().words_zh()):
        jieba.add_word(word, freq=200000)
    jieba.add_word("中位", freq=200000)


def extract_facts(text: str, lang: str) -> list[Fact]:
    """Facts of one piece of (normalised) text."""
    return list(facts_of(nlp_for(lang)(text)))
