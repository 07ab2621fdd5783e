"""luodi (落地): Chinese industrial policy plans as structured, searchable, trackable data."""

__version__ = "0.1.0"
