"""The fast English tokenizer keeps the text exactly and cuts terms and text by one rule."""
from __future__ import annotations

from ingest.pipeline import nlp_for
from ingest.pipeline.facts import terms_of


def test_doc_text_is_the_text_given():
    tok = nlp_for("en").tokenizer
    for text in ["", " ", "a  b\n\n c\t", "  leading", "HR 0.61 (95% CI, 0.49-0.75; P<.001).",
                 "ADA+MTX vs. PBO+MTX — 39% (187/544)"]:
        doc = tok(text)
        assert doc.text == text
        assert all(not t.text.isspace() or t.whitespace_ == "" for t in doc)


def test_words_and_punctuation_are_cut_apart():
    words = [t.text for t in nlp_for("en").tokenizer("ADA+MTX (EQ-5D) 0.61-0.75")]
    assert words == ["ADA", "+", "MTX", "(", "EQ", "-", "5D", ")", "0", ".", "61", "-", "0", ".", "75"]


def test_terms_are_found_inside_joined_words():
    doc = nlp_for("en")("Patients on ADA+MTX or (MTX)-refractory disease had PD-L1-positive tumours.")
    found = {(s.label_, s.text) for s in terms_of(doc)}
    assert ("DRUG", "MTX") in found and ("TARGET", "PD-L1") in found



def test_tokens_as_the_three_group_rule_cut_them():
    import random
    import re

    first = re.compile(r"(\w+|[^\w\s])( ?)|(\s+)")
    rnd = random.Random(3)
    texts = ["".join(rnd.choice("ab1_ .,-\n\t\u00a0\u3000é") for _ in range(rnd.randint(0, 12))) for _ in range(5000)]
    tok = nlp_for("en").tokenizer
    for text in texts:
        expected = [(w or b, bool(s)) for w, s, b in first.findall(text)]
        assert [(t.text, bool(t.whitespace_)) for t in tok(text)] == expected, text
