"""Cleaning: raw reader text -> clean text whose every offset maps back to the source."""

from __future__ import annotations

from luodi.clean.mapped import MappedText
from luodi.clean.passes import PASSES


def clean_text(text: str) -> MappedText:
    mt = MappedText.identity(text)
    for step in PASSES:
        mt = step(mt)
    return mt
