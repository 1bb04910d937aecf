"""What our spaCy tokenizers share: ``pipe`` over ``__call__``, and serialisation hooks with nothing to
save (their rules are code, and the Chinese user dictionary is added again at every start)."""
from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc


class StatelessTokenizer:
    def __call__(self, text: str) -> Doc:
        raise NotImplementedError

    def pipe(self, texts: Iterable[str], batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs):
        return self

    def to_disk(self, path, **kwargs) -> None:
        return None

    def from_disk(self, path, **kwargs):
        return self
