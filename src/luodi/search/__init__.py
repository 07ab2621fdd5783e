"""Full-text search over the stored plans: sections, targets, milestones and scenarios.

* :mod:`~luodi.search.tokens` — the simplified view and its character-bigram tokens (why: there);
* :mod:`~luodi.search.query` — the query language (words, "phrases", OR, NOT/-, synonyms);
* :mod:`~luodi.search.synonyms` — synonym groups (``data/synonyms.tsv``, ``LUODI_SYNONYMS``);
* :mod:`~luodi.search.docs` — what is indexed, read from the store;
* :mod:`~luodi.search.backend` — the index behind an interface (SQLite FTS5 today; why it
  is not an Alembic table: there);
* :mod:`~luodi.search.index` — keeping the index in step with the store, lazily;
* :mod:`~luodi.search.service` — :func:`search`: facets, ranking, snippets;
  :mod:`~luodi.search.rank` and :mod:`~luodi.search.snippets` help it.

Typical use::

    from luodi.search import Filters, search
    result = search(store.engine, "算力 -平台", Filters(regions=("广东省",)), limit=20)
    result.to_json()   # {query, total, limit, offset, facets, results, notes}
"""

from luodi.search.backend import SearchBackend, SearchError, SqliteFtsBackend, backend_for
from luodi.search.docs import KINDS, Kind, PlanInfo
from luodi.search.index import index_plan, rebuild, refresh, remove_plan
from luodi.search.query import ParsedQuery, parse
from luodi.search.service import Filters, Hit, SearchResult, parse_years, search

__all__ = [
    "KINDS",
    "Filters",
    "Hit",
    "Kind",
    "ParsedQuery",
    "PlanInfo",
    "SearchBackend",
    "SearchError",
    "SearchResult",
    "SqliteFtsBackend",
    "backend_for",
    "index_plan",
    "parse",
    "parse_years",
    "rebuild",
    "refresh",
    "remove_plan",
    "search",
]
