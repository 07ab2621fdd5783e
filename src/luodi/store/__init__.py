"""Persistence: plans in a SQL database (SQLite file by default) through SQLAlchemy Core."""

from luodi.store.engine import make_engine
from luodi.store.repository import PlanSummary, SaveResult, SaveStatus, Store

__all__ = ["PlanSummary", "SaveResult", "SaveStatus", "Store", "make_engine"]
