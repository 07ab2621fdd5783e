"""Implementation tracking: items of a plan, progress reports, traffic lights, quarterly reports.

- :mod:`~luodi.tracking.derive` — which tasks, targets and milestones a plan has, their
  owners and derived deadlines (pure);
- :mod:`~luodi.tracking.items` — those items in the store (sync, read, edit);
- :mod:`~luodi.tracking.reports` — append-only progress reports and evidence files;
- :mod:`~luodi.tracking.status` — the status engine (pure): done / on_track / at_risk /
  overdue / not_started and the green / blue / yellow / red light, with the reason;
- :mod:`~luodi.tracking.rollup` — a plan's snapshot on a date, rolled up per parent,
  unit, domain and plan;
- :mod:`~luodi.tracking.excel` — the XLSX/CSV sheet units fill in, and its import;
- :mod:`~luodi.tracking.quarterly` — the quarterly report (HTML, XLSX, Markdown).

For the web: :func:`~luodi.tracking.items.ensure_items` before showing a plan's items,
:func:`~luodi.tracking.rollup.snapshot` for statuses, :func:`~luodi.tracking.reports.file_report`
to file a report (pass the web user as ``actor``).
"""

from luodi.tracking.items import ensure_items, sync_items
from luodi.tracking.reports import ReportInput, ReportRejected, file_report, list_reports
from luodi.tracking.rollup import Snapshot, snapshot
from luodi.tracking.status import Evaluation, Thresholds, evaluate

__all__ = [
    "Evaluation",
    "ReportInput",
    "ReportRejected",
    "Snapshot",
    "Thresholds",
    "ensure_items",
    "evaluate",
    "file_report",
    "list_reports",
    "snapshot",
    "sync_items",
]
