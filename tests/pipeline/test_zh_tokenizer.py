"""The compiled Chinese tokenizer cuts exactly as spaCy's jieba segmenter, with our user dictionary."""
from __future__ import annotations

import re

import pytest

from ingest.pipeline import nlp_for
from ingest.pipeline.zh_tokenizer import available, resplit
from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(not available(), reason="rjieba is not installed")


def chinese_lines() -> list[str]:
    lines = []
    for path in sorted(CORPUS.rglob("*.txt")):
        lines += [ln for ln in path.read_text(encoding="utf-8").splitlines() if re.search(r"[\u4e00-\u9fff]", ln)]
    return lines


def test_same_tokens_as_the_jieba_segmenter():
    fast, slow = nlp_for("zh", fast=True), nlp_for("zh", fast=False)
    lines = chinese_lines()
    assert len(lines) >= 20
    for line in lines:
        assert [t.text for t in fast.tokenizer(line)] == [t.text for t in slow.tokenizer(line)], line


def test_user_dictionary_keeps_terms_whole():
    words = [t.text for t in nlp_for("zh").tokenizer("米拉德美坦治疗后血小板减少,中位无进展生存期为3.5个月")]
    assert {"米拉德美坦", "血小板减少", "中位", "无进展生存期", "3.5"} <= set(words)


def test_latin_runs_are_cut_like_python_jieba():
    assert resplit(["TP53-wt", "64.2Gy", "19.4%", "MDM2amp", "米拉德美坦"]) == [
        "TP53", "-", "wt", "64.2", "Gy", "19.4%", "MDM2amp", "米拉德美坦"]


def _resplit_reference(tokens):  # the first, plain form of resplit
    out = []
    for tok in tokens:
        if not tok:
            continue
        if re.search(r"[\u4e00-\u9fd5]", tok) or len(tok) == 1:
            out.append(tok)
        else:
            out.extend(re.findall(r"[a-zA-Z0-9]+(?:\.\d+)?%?|\s+|.", tok, re.S))
    return out


TRICKY = ["", " ", "  中文 ", "\n\x00\n中位  OS\t为 3.5 个月。\r\n", " a  b ", "中 \n 文", "α-β 2 ", "Ⅲ期 ≥3级",
          "TP53-wt 64.2Gy  19.4%\u3000米拉德美坦", "a\u00a0b", "\t\t"]


def test_resplit_and_words_and_spaces_match_the_plain_forms():
    from spacy.util import get_words_and_spaces

    from ingest.pipeline.zh_tokenizer import words_and_spaces

    cut = nlp_for("zh").tokenizer._cut
    for line in chinese_lines() + ["\n\x00\n".join(chinese_lines()[:5])] + TRICKY:
        words = resplit(cut(line))
        assert words == _resplit_reference(cut(line)), line
        # each token is cut on its own: the tokenizer remembers the words of each token
        assert words == [w for tok in cut(line) for w in resplit([tok])], line
        assert words_and_spaces(words, line) == get_words_and_spaces(words, line), line


@pytest.mark.parametrize("words,text", [
    (["a", " ", "b"], "a b"), ([" ", "a"], " a"), (["a", " ", " ", "\n", "b", "  "], "a  \nb  "),
    (["a", " b"], "a b"), (["a", " ", " b"], "a  b"),  # a word that begins with whitespace: spaCy's own way
    (["a", "\n", "", "b"], "a\nb"),  # an empty word: spaCy's own way
    (["a b", "c"], "a bc"),  # whitespace inside a word
    (["a", "b"], "a b"),  # words that are not the text cut up
])
def test_words_and_spaces_is_spacys_on_any_input(words, text):
    from spacy.util import get_words_and_spaces

    from ingest.pipeline.zh_tokenizer import words_and_spaces

    def outcome(f):
        try:
            return f(list(words), text)
        except ValueError as e:
            return str(e)

    assert outcome(words_and_spaces) == outcome(get_words_and_spaces)


def test_a_doc_built_from_remembered_ids_is_the_doc_built_from_words(monkeypatch):
    """The tokenizer builds its Doc from the words' string-store ids: the same tokens, lexemes and attributes as
    a Doc built from the words, also when its memory of ids is emptied (here at every new word)."""
    from spacy.tokens import Doc

    from ingest.pipeline import zh_tokenizer
    from ingest.pipeline.zh_tokenizer import words_and_spaces

    tok = nlp_for("zh").tokenizer
    for kept in (zh_tokenizer._ORTHS_KEPT, 0):
        monkeypatch.setattr(zh_tokenizer, "_ORTHS_KEPT", kept)
        for line in chinese_lines() + TRICKY + ["全新的词语Ωψ", "全新的词语Ωψ"]:
            words, spaces = words_and_spaces(resplit(tok._cut(line)), line)
            plain = Doc(tok.vocab, words=words, spaces=spaces)
            doc = tok(line)
            assert doc.text == line
            assert [(t.text, t.whitespace_, t.orth, t.idx, t.is_alpha, t.like_num, t.lower_) for t in doc] == \
                [(t.text, t.whitespace_, t.orth, t.idx, t.is_alpha, t.like_num, t.lower_) for t in plain], line
