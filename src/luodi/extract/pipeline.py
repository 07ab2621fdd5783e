"""The extraction pipeline: small components over one :class:`Document`.

Each component is registered under a versioned name with what it needs and what it
fills in (spaCy's ``requires``/``assigns``), so the order is checked once, up front,
and a later issue adds a component without touching the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from luodi.document import Document


@dataclass(frozen=True)
class Component:
    name: str
    func: Callable[[Document], None]
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()


REGISTRY: dict[str, Component] = {}


def component(name: str, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = ()) -> Callable[
    [Callable[[Document], None]], Callable[[Document], None]
]:
    """Register ``func`` as a pipeline component."""

    def register(func: Callable[[Document], None]) -> Callable[[Document], None]:
        REGISTRY[name] = Component(name, func, requires, assigns)
        return func

    return register


def check_order(names: list[str]) -> None:
    """Fail early when a component needs something no earlier component assigns."""
    available: set[str] = {"text"}
    for name in names:
        comp = REGISTRY[name]
        missing = [r for r in comp.requires if r not in available]
        if missing:
            raise ValueError(f"component {name} requires {missing}, not assigned before it")
        available.update(comp.assigns)


def run(doc: Document, names: list[str]) -> Document:
    for name in names:
        REGISTRY[name].func(doc)
    return doc
