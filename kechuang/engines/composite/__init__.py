"""Composite indicators (OECD/JRC handbook, COINr conventions): plain numpy/pandas, no Django."""

from kechuang.engines.composite.framework import (
    INDEX_CODE,
    Element,
    Framework,
    FrameworkError,
    read_framework,
)
from kechuang.engines.composite.methods import Methods
from kechuang.engines.composite.pipeline import Build, Placement, build, contributions, place

__all__ = [
    "INDEX_CODE",
    "Build",
    "Element",
    "Framework",
    "FrameworkError",
    "Methods",
    "Placement",
    "build",
    "contributions",
    "place",
    "read_framework",
]
