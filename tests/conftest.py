from __future__ import annotations

import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
SEED = CORPUS / "seed" / "bi-milademetan-mantra2.txt"
SEED_GOLD = CORPUS / "seed" / "bi-milademetan-mantra2.gold.json"


@pytest.fixture(scope="session")
def seed_record():
    from ingest.extract import extract_path

    outcomes = list(extract_path(SEED))
    assert len(outcomes) == 1 and outcomes[0].error is None
    return outcomes[0].record.to_json_dict()


@pytest.fixture(scope="session")
def seed_gold():
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))
