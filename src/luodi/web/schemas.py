"""Response models of the JSON API: they describe the API in OpenAPI (``/openapi.json``).

Handlers build plain dicts (the same dict the HTML page renders) and serialise them with
orjson; the schema test checks that what they return matches these models.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ErrorBody(BaseModel):
    status: int
    message: str
    detail: Any = None


class ErrorEnvelope(BaseModel):
    ok: Literal[False] = False
    error: ErrorBody


class Period(BaseModel):
    start: int
    end: int


class FacetValue(BaseModel):
    value: str
    count: int
    selected: bool


class Paged(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int


class PlanSummary(BaseModel):
    id: int
    title: str | None
    notice_title: str | None
    doc_number: str | None
    issuers: list[str]
    issued: str | None
    published: str | None
    region: str | None
    province: str | None
    level: str | None
    doc_type: str | None
    period: Period | None
    n_sections: int
    url: str
    api_url: str


class PlanList(Paged):
    plans: list[PlanSummary]
    facets: dict[str, list[FacetValue]]
    filters: dict[str, Any]


class DocumentSection(BaseModel):
    id: str
    parent: str | None
    label: str | None
    heading: str | None
    level: int
    kind: str
    text: str
    span: list[int]
    lead_units: list[str]
    units: list[str]
    lead_units_canonical: list[str]
    units_canonical: list[str]


class PlanDocument(BaseModel):
    """The ``luodi/document@1`` contract (docs/json-contract.md) plus ``id`` and ``ingested_at``."""

    model_config = ConfigDict(extra="allow")
    schema_: str = Field(alias="schema")
    id: int
    ingested_at: str
    source: str
    format: str
    title: str | None
    sections: list[DocumentSection]
    targets: list[dict[str, Any]]
    milestones: list[dict[str, Any]]
    supports: list[dict[str, Any]]
    scenarios: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    tables: list[dict[str, Any]]


class PlanSource(BaseModel):
    id: int
    format: str
    encoding: str | None
    text: str


class TargetRow(BaseModel):
    model_config = ConfigDict(extra="allow")
    plan_id: int
    plan_title: str | None
    region: str | None
    n: int
    kind: str | None
    year: int | None
    metric: str | None
    metric_group: str | None
    value: float | None
    value_max: float | None
    unit: str | None
    qualifier: str | None
    quote: str | None
    section: str | None


class Series(BaseModel):
    name: str
    data: list[float | None]


class Chart(BaseModel):
    title: str
    unit: str | None
    categories: list[str]
    series: list[Series]


class MetricChoice(BaseModel):
    metric: str
    unit: str
    plans: int


class TargetList(Paged):
    targets: list[TargetRow]
    facets: dict[str, list[FacetValue]]
    filters: dict[str, Any]
    chart: Chart | None
    metrics: list[MetricChoice] = []


class ScenarioRow(BaseModel):
    plan_id: int
    plan_title: str | None
    region: str | None
    seq: int | None
    domain: str | None
    name: str
    units: list[str]
    table: str | None


class ScenarioDomain(BaseModel):
    domain: str
    count: int
    scenarios: list[ScenarioRow]


class ScenarioList(Paged):
    domains: list[ScenarioDomain]
    facets: dict[str, list[FacetValue]]
    filters: dict[str, Any]


class SearchHit(BaseModel):
    model_config = ConfigDict(extra="allow")
    kind: str
    score: float
    plan_id: int
    plan_title: str | None
    section: str | None
    label: str | None
    title: str
    title_html: str
    snippet: str
    snippet_html: str
    url: str


class SearchResults(Paged):
    q: str
    filters: dict[str, Any]
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    notes: list[str]


class UserOut(BaseModel):
    id: int
    name: str
    role: str
    unit: str | None
    disabled: bool


class UserList(BaseModel):
    users: list[UserOut]


class SessionOut(BaseModel):
    user: UserOut | None
    csrf_token: str | None


class AuditEntry(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    target: str
    before: Any = None
    after: Any = None


class AuditList(Paged):
    entries: list[AuditEntry]


class Loose(BaseModel):
    """A tracking answer: fields as :mod:`luodi.tracking` documents them (to_json of its records)."""

    model_config = ConfigDict(extra="allow")


class LightCounts(Loose):
    name: str
    n: int
    by_status: dict[str, int]
    by_light: dict[str, int]
    progress: float | None


class TrackingPlanRow(Loose):
    plan: dict[str, Any]
    overall: LightCounts
    url: str


class TrackingIndex(Paged):
    as_of: str
    plans: list[TrackingPlanRow]


class TrackedItem(Loose):
    id: int
    kind: str
    title: str
    light: str
    status: str
    reason: str
    deadline: str | None
    progress: float | None


class PlanDashboard(Loose):
    plan: dict[str, Any]
    as_of: str
    overall: LightCounts
    units: list[LightCounts]
    domains: list[LightCounts]
    late: list[TrackedItem]
    red: list[TrackedItem]
    yellow: list[TrackedItem]
    blue: list[TrackedItem]
    items: list[TrackedItem]
    unit: str | None
    charts: dict[str, Any]


class UnitDashboard(Loose):
    unit: str
    as_of: str
    plans: list[TrackingPlanRow]
    late: list[TrackedItem]
    by_light: dict[str, int]


class ReportOut(Loose):
    id: int
    item_id: int
    unit: str
    as_of: str
    value: float | None
    percent: float | None
    level: str | None
    note: str | None
    evidence: list[dict[str, Any]]
    author: str | None
    created_at: str


class ItemPage(Loose):
    item: dict[str, Any]
    plan: dict[str, Any]
    state: dict[str, Any] | None
    reports: list[ReportOut]
    quote: str | None
    plan_url: str
    can_file: bool
    report_unit: str | None
    owners: list[str]
    default_as_of: str


class Quarterly(Loose):
    plan: dict[str, Any]
    quarter: str
    as_of: str


# -- comparisons (issue 6): the to_json() of luodi.analysis reports, plus the page's choices --
class ComparedPlan(BaseModel):
    id: int
    title: str | None
    region: str | None
    level: str | None
    issued: str | None
    period: Period | None
    label: str


class CoverageHit(BaseModel):
    section: str | None
    span: list[int] | None
    heading: str | None
    words: dict[str, int]
    url: str


class CoverageCell(BaseModel):
    sections: int
    mentions: int
    hits: list[CoverageHit]


class CoverageTopic(BaseModel):
    topic: str
    group: str
    covered: int = Field(description="plans with at least one matching section")
    plans: dict[str, CoverageCell] = Field(description="by plan id")


class CompareCoverage(BaseModel):
    plans: list[ComparedPlan]
    topics: list[CoverageTopic]
    filters: dict[str, str]
    topic_names: list[str]
    groups: list[str]


class InstrumentProfile(BaseModel):
    plan: int
    tasks: int
    by_type: dict[str, int]
    shares: dict[str, float]
    by_subtype: dict[str, int]


class InstrumentTask(BaseModel):
    plan: int
    section: str
    heading: str | None
    span: list[int] | None
    type: str
    subtype: str
    decision: dict[str, Any] | None = Field(description="the rule that decided, its words and score")
    runners_up: list[dict[str, Any]]
    explanation: str
    url: str


class InstrumentType(BaseModel):
    type: str
    name: str


class CompareInstruments(BaseModel):
    plans: list[ComparedPlan]
    profiles: list[InstrumentProfile]
    tasks: list[InstrumentTask]
    types: list[InstrumentType]
    filters: dict[str, int]


class UnitLoad(BaseModel):
    led: int
    first_listed: int
    co: int
    total: int
    sections: dict[str, list[str | None]]


class UnitRow(BaseModel):
    unit: str
    led: int
    first_listed: int
    total: int
    plans: dict[str, UnitLoad] = Field(description="by plan id")


class CompareUnits(BaseModel):
    plans: list[ComparedPlan]
    tasks: dict[str, int] = Field(description="tasks with units, by plan id")
    units: list[UnitRow]
    filters: dict[str, str]


class ReuseSide(BaseModel):
    plan: int
    section: str
    span: list[int]
    text: str
    url: str


class ReusePassage(BaseModel):
    a: ReuseSide
    b: ReuseSide
    ratio: float
    containment: float
    clauses: int
    chars: int


class ReusePair(BaseModel):
    a: ComparedPlan
    b: ComparedPlan
    passages: int
    reused_chars: int
    share_a: float
    share_b: float
    pairs: list[ReusePassage]
    url: str


class PlanChoice(BaseModel):
    id: int
    title: str | None
    region: str | None


class CompareReuse(BaseModel):
    plans: list[ComparedPlan]
    clauses: int | None
    candidates: int | None
    aligned: int | None
    pairs: list[ReusePair] = Field(description="plan pairs, most reused text first")
    pair: ReusePair | None = Field(description="the pair asked for with a and b")
    filters: dict[str, int]
    choices: list[PlanChoice]


def json_responses(model: type[BaseModel], *, tables: bool = False, auth: bool = False) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for a handler: its model, CSV/XLSX when it is a table, the error envelope."""
    ok: dict[str, Any] = {"model": model}
    if tables:
        ok["content"] = {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_MIME: {"schema": {"type": "string", "format": "binary"}},
        }
    out: dict[int | str, dict[str, Any]] = {200: ok, 404: {"model": ErrorEnvelope}, 422: {"model": ErrorEnvelope}}
    if auth:
        out[401] = {"model": ErrorEnvelope}
        out[403] = {"model": ErrorEnvelope}
    return out
