"""The evidence record: the project's data contract (shared/contract/record.md) as pydantic v2 models.

Every reader and pipeline ends in a :class:`Record`; the JSON Schema, the SQLite tables and the
templates all follow from these classes.
"""
from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

Phase = Literal["1", "1/2", "2", "2/3", "3", "4"]
Design = Literal[
    "randomized", "single-arm", "basket", "umbrella", "open-label", "double-blind",
    "placebo-controlled", "multicenter", "dose-escalation", "retrospective", "observational",
]
Role = Literal["background", "methods", "results", "conclusions", "other"]
Grade = Literal["any", "1-2", "3", "3-4", ">=3", "4", "5"]
Unit = Literal["%", "months", "weeks", "days", "years", "ratio", "count", "mg", "mg/m2", "mg/kg"]
Stat = Literal["median", "mean", "rate", "hr", "or", "rr"]
EndpointKind = Literal["primary", "secondary", "exploratory"]
DrugRole = Literal["experimental", "comparator", "background"]
Lang = Literal["en", "zh"]
ENDPOINTS = (
    "ORR", "CR", "PR", "DCR", "CBR", "DoR", "PFS", "OS", "EFS", "DFS", "RFS", "TTP", "TTF", "pCR",
    "MRD", "DLT", "MTD", "RP2D", "AE", "PK", "QoL",
)
Endpoint = Literal[ENDPOINTS]  # type: ignore[valid-type]


class Model(BaseModel):
    """Base: unknown keys are an error, so a typo fails loudly."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Source(Model):
    format: str
    path: Optional[str] = None
    languages: list[Lang] = Field(default_factory=list)


class Title(Model):
    en: Optional[str] = None
    zh: Optional[str] = None


class Citation(Model):
    title: Title = Field(default_factory=Title)
    authors: list[str] = Field(default_factory=list)
    affiliations: list[str] = Field(default_factory=list)
    journal: Optional[str] = None
    published: Optional[str] = Field(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    doi: Optional[str] = None
    pmid: Optional[str] = None


class Section(Model):
    role: Role
    en: Optional[str] = None
    zh: Optional[str] = None


class Trial(Model):
    acronym: Optional[str] = None
    registry_ids: list[str] = Field(default_factory=list)
    phase: Optional[Phase] = None
    phase_detail: Optional[str] = None
    design: list[Design] = Field(default_factory=list)


class Drug(Model):
    name: str
    name_zh: Optional[str] = None
    aliases: list[str] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list)
    drug_class: Optional[str] = None
    role: Optional[DrugRole] = None


class Population(Model):
    conditions: list[str] = Field(default_factory=list)
    biomarkers: list[str] = Field(default_factory=list)
    n_enrolled: Optional[int] = Field(None, ge=0)
    n_analyzed: Optional[int] = Field(None, ge=0)
    setting: list[str] = Field(default_factory=list)


class EndpointItem(Model):
    name: Endpoint
    kind: Optional[EndpointKind] = None


class CI(Model):
    level: Union[int, float] = 95
    low: Optional[float] = None
    high: Optional[float] = None  # None: "to not reached"

    @model_validator(mode="after")
    def _ordered(self) -> CI:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"CI low {self.low} > high {self.high}")
        return self


class Result(Model):
    endpoint: Endpoint
    value: float
    unit: Optional[Unit] = None
    stat: Optional[Stat] = None
    n: Optional[int] = None
    N: Optional[int] = None
    ci: Optional[CI] = None
    p: Optional[float] = Field(None, ge=0, le=1)
    p_op: Optional[Literal["<", "<=", "=", ">", ">="]] = None
    arm: Optional[str] = None
    qualifier: Optional[str] = None


class AdverseEvent(Model):
    term: str
    term_zh: Optional[str] = None
    grade: Optional[Grade] = None
    rate: Optional[float] = Field(None, ge=0, le=100)
    n: Optional[int] = None
    arm: Optional[str] = None


class Consistency(Model):
    fact: str
    en: Optional[str] = None
    zh: Optional[str] = None
    agree: bool


class GlossaryPair(Model):
    """A Chinese term and its English counterpart, as the text wrote them or as aligned sections imply."""

    zh: str
    en: str
    kind: Optional[str] = None  # drug, adverse_event, endpoint, condition, target, or None when unknown
    origin: Literal["written", "aligned"] = "written"


class Span(Model):
    field: str
    lang: Lang
    part: Literal["title", "section"] = "section"
    section: Optional[int] = None
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Record(Model):
    id: str
    source: Source
    citation: Citation = Field(default_factory=Citation)
    sections: list[Section] = Field(default_factory=list)
    trial: Trial = Field(default_factory=Trial)
    drugs: list[Drug] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list)
    population: Population = Field(default_factory=Population)
    endpoints: list[EndpointItem] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
    adverse_events: list[AdverseEvent] = Field(default_factory=list)
    consistency: list[Consistency] = Field(default_factory=list)
    glossary: list[GlossaryPair] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)  # every file this paper came from, when several
    spans: list[Span] = Field(default_factory=list)

    def to_json_dict(self) -> dict:
        """The record as plain JSON data, every field present (the shape `kb extract` prints)."""
        return self.model_dump(mode="json", by_alias=True)


def json_schema() -> dict:
    return Record.model_json_schema()
