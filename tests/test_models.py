"""The record models validate the contract's vocabularies."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from kb.models import CI, AdverseEvent, Record, Result, Trial, json_schema


def test_phase_vocabulary():
    assert Trial(phase="1/2").phase == "1/2"
    with pytest.raises(ValidationError):
        Trial(phase="II")


def test_grade_vocabulary_and_rate_range():
    assert AdverseEvent(term="anemia", grade=">=3").grade == ">=3"
    with pytest.raises(ValidationError):
        AdverseEvent(term="anemia", grade="3 or 4")
    with pytest.raises(ValidationError):
        AdverseEvent(term="anemia", rate=130)


def test_ci_low_not_above_high():
    assert CI(low=1.8, high=3.7).level == 95
    with pytest.raises(ValidationError):
        CI(low=3.7, high=1.8)


def test_endpoint_codes_and_unknown_keys():
    with pytest.raises(ValidationError):
        Result(endpoint="Response", value=1)
    with pytest.raises(ValidationError):
        Result(endpoint="ORR", value=1, units="%")


def test_record_round_trip_and_schema(seed_record):
    rec = Record.model_validate(seed_record)
    assert rec.to_json_dict() == seed_record
    schema = json_schema()
    assert set(schema["properties"]) >= {"id", "source", "citation", "sections", "trial", "drugs", "targets",
                                         "population", "endpoints", "results", "adverse_events", "consistency",
                                         "spans"}
