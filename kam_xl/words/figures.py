"""Figures inside sentences, the same in every language: a share as 12.3%,
days whole, and an unknown figure (None) as —."""
from __future__ import annotations


def share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"
