"""A fast Chinese tokenizer for spaCy: rjieba (jieba-rs, compiled) with our user dictionary, cutting
exactly as spaCy's own jieba segmenter does (measured 20x faster).

jieba-rs keeps Latin runs such as "TP53-wt" or "64.2Gy" whole where Python jieba splits them; runs
without Han characters are therefore re-split the way Python jieba's finite-state segmenter does, so
both tokenizers give the same tokens (tests/pipeline/test_zh_tokenizer.py).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain, compress

from spacy.tokens import Doc
from spacy.util import get_words_and_spaces, registry

from .tokenizer_base import StatelessTokenizer

_HAN = re.compile(r"[\u4e00-\u9fd5]")
# Python jieba's finalseg: alphanumeric runs (with one decimal part and a %), else single characters
_LATIN_RUN = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?|\s+|.", re.S)


_SPACE = re.compile(r"\s")
_ORTHS_KEPT = 500_000  # words whose ids are remembered, at most (each costs a dict entry besides its lexeme)


def resplit(tokens: Iterable[str]) -> list[str]:
    out: list[str] = []
    append, extend, han, cut = out.append, out.extend, _HAN.search, _LATIN_RUN.findall
    for tok in tokens:
        if len(tok) == 1:
            append(tok)
        elif tok.isascii():  # no Han character
            if tok.isalnum():  # one ASCII alphanumeric run: cut would keep it whole
                append(tok)
            elif tok:
                extend(cut(tok))
        elif "\u4e00" <= tok[0] <= "\u9fd5" or han(tok):  # most words begin with a Han character: no regex call
            append(tok)
        else:
            extend(cut(tok))
    return out


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's ``get_words_and_spaces(words, text)``, fast when the words are the text cut into non-empty
    pieces each all whitespace or without any (as ``resplit`` gives), else spaCy's own.

    Then each run of whitespace words becomes one token, less the one space that follows a word and
    becomes its trailing whitespace; only the whitespace words are visited."""
    if _SPACE.search(text) is None:  # most Chinese texts: no whitespace word, nothing to merge
        if "".join(words) == text and "" not in words:
            return list(words), [False] * len(words)
        return get_words_and_spaces(words, text)
    blank = list(compress(range(len(words)), map(str.isspace, words)))
    if ("".join(words) != text or "" in words
            or sum(len(words[i]) for i in blank) != len(text) - sum(map(len, text.split()))):
        return get_words_and_spaces(words, text)
    if not blank:
        return list(words), [False] * len(words)
    out_words: list[str] = []
    out_spaces: list[bool] = []
    prev = k = 0
    while k < len(blank):
        i = j = blank[k]
        while k < len(blank) and blank[k] == j:  # words i..j-1: one run of whitespace
            k += 1
            j += 1
        out_words += words[prev:i]
        out_spaces += [False] * (i - prev)
        gap = words[i] if j == i + 1 else "".join(words[i:j])
        if i and gap[0] == " ":  # the space after a word
            out_spaces[-1] = True
            gap = gap[1:]
        if gap:
            out_words.append(gap)
            out_spaces.append(False)
        prev = j
    out_words += words[prev:]
    out_spaces += [False] * (len(words) - prev)
    return out_words, out_spaces


class FastChineseTokenizer(StatelessTokenizer):
    def __init__(self, vocab, words: Iterable[str] = ()):
        import rjieba

        self.vocab = vocab
        self._cut = rjieba.cut
        self._orths: dict[str, int] = {}
        self._token_ids: dict[str, tuple[int, ...]] = {}
        for w in words:
            rjieba.add_word(w, 200000, None)

    def __call__(self, text: str) -> Doc:
        tokens = self._cut(text)
        if _SPACE.search(text) is None and "".join(tokens) == text and "" not in tokens:
            # most Chinese texts: no whitespace, so no word to merge (words_and_spaces), and the words are those of
            # resplit, which cuts each token on its own: the ids of each token's words are remembered together
            ids = self.token_ids(tokens)
            return Doc(self.vocab, words=ids, spaces=[False] * len(ids))
        words, spaces = words_and_spaces(resplit(tokens), text)
        return Doc(self.vocab, words=self.orths(words), spaces=spaces)

    def token_ids(self, tokens: list[str]) -> list[int]:
        """The string-store ids of the words ``resplit(tokens)`` gives, remembered by token (see :meth:`orths`)."""
        try:
            return list(chain.from_iterable(map(self._token_ids.__getitem__, tokens)))
        except KeyError:
            if len(self._token_ids) > _ORTHS_KEPT:
                self._token_ids.clear()
            for tok in tokens:
                if tok not in self._token_ids:
                    self._token_ids[tok] = tuple(self.orths(resplit([tok])))
            return list(chain.from_iterable(map(self._token_ids.__getitem__, tokens)))

    def orths(self, words: list[str]) -> list[int]:
        """The words' ids in the string store (what spaCy hashes each word to), remembered: a Doc built from
        ids looks its lexemes up directly (a third of the cost of a Doc built from strings, which hashes each
        word and then checks the store again); the same lexemes, so the same tokens."""
        try:
            return list(map(self._orths.__getitem__, words))
        except KeyError:
            if len(self._orths) > _ORTHS_KEPT:
                self._orths.clear()
            add = self.vocab.strings.add
            for w in words:
                if w not in self._orths:
                    self._orths[w] = add(w)
            return list(map(self._orths.__getitem__, words))


@registry.tokenizers("kb.fast_zh_tokenizer.v1")
def create_fast_zh_tokenizer():
    def make(nlp):
        from ..lexicon import lexicon

        return FastChineseTokenizer(nlp.vocab, sorted(lexicon().words_zh()) + ["中位"])

    return make


def available() -> bool:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True
