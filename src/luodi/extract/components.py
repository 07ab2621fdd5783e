"""The built-in components, registered in the order they run."""

from __future__ import annotations

from luodi.extract.classify import classify
from luodi.extract.entities import extract_entities
from luodi.extract.frontmatter import extract_front_matter
from luodi.extract.layout import strip_layout
from luodi.extract.milestones import extract_milestones
from luodi.extract.outline import build_outline
from luodi.extract.pipeline import component
from luodi.extract.responsibility import assign_units
from luodi.extract.scenarios import extract_scenarios
from luodi.extract.supports import extract_supports
from luodi.extract.tables import extract_tables
from luodi.extract.targets import extract_targets

component("layout.v1", assigns=("fields", "main_text"))(strip_layout)
component("frontmatter.v1", requires=("main_text",), assigns=("title", "issuers", "dates", "body_start"))(
    extract_front_matter
)
component("classify.v1", requires=("title", "issuers", "body_start"), assigns=("region", "period", "script", "doc_type"))(
    classify
)
component("outline.v1", requires=("body_start",), assigns=("sections",))(build_outline)
component("tables.v1", requires=("sections",), assigns=("tables",))(extract_tables)
component("entities.v1", requires=("sections",), assigns=("entities",))(extract_entities)
component("units.v1", requires=("sections", "tables", "region"), assigns=("units", "tasks"))(assign_units)
# Targets, milestones and supports read the sections after units made task sections, so
# an item inside a task paragraph points at that task.
_RECORDS_NEED = ("body_start", "dates", "period", "sections", "tables", "tasks")
component("targets.v1", requires=_RECORDS_NEED, assigns=("targets",))(extract_targets)
component("milestones.v1", requires=_RECORDS_NEED, assigns=("milestones",))(extract_milestones)
component("supports.v1", requires=("body_start", "sections"), assigns=("supports",))(extract_supports)
component("scenarios.v1", requires=("tables",), assigns=("scenarios",))(extract_scenarios)

# Derived on read, not stored: entity mentions are a pure function of the text and the
# vocabulary, so the store recomputes them when it loads a plan (vocabulary updates then
# apply to every stored plan) instead of writing a hundred rows per plan at ingest.
DERIVED_ON_READ = ("entities.v1",)

# Entities run after units so that a mention inside a task paragraph points at the task.
DEFAULT_PIPELINE = [
    "layout.v1", "frontmatter.v1", "classify.v1", "outline.v1", "tables.v1", "units.v1",
    "targets.v1", "milestones.v1", "supports.v1", "scenarios.v1", "entities.v1",
]
