"""The shared permission and scope suite: what a model declares to join it.

Every model users reach declares a `Surface` in its app's `tests/surfaces.py` (a list named
SURFACES): its list page, detail and edit pages, API list, the rows it places in the test
world, and which personas may view, change and export it and which of the rows each sees.
`core/tests/test_surfaces.py` finds the declarations of every installed app and walks each
surface for every persona: list page, detail, edit, Excel export, API list and detail. Out
of scope answers 404 and a missing permission 403, as everywhere.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps

# Rows placed at the world's three enterprises (own: the enterprise persona's, in 南明街道;
# nanming: another in 南明街道; qixing: one in 七星街道), and who sees which.
AT_ENTERPRISES = ("own", "nanming", "qixing")
EVERY = frozenset(AT_ENTERPRISES)
SEEN_BY_ENTERPRISE_SCOPE = {
    "admin": EVERY,
    "leader": EVERY,
    "staff": EVERY,
    "town": frozenset({"own", "nanming"}),
    "other_town": frozenset({"qixing"}),
    "enterprise": frozenset({"own"}),
    "university": frozenset(),
    "outsider": frozenset(),
}
COUNTY_OFFICERS = frozenset({"admin", "leader", "staff", "town", "other_town"})
COUNTY_WRITERS = frozenset({"admin", "staff", "town", "other_town"})


def enterprises_of(world) -> dict[str, object]:
    return {
        "own": world.own_enterprise,
        "nanming": world.nanming_enterprise,
        "qixing": world.qixing_enterprise,
    }


@dataclass(frozen=True)
class Surface:
    name: str
    rows: Callable[[object], dict[str, object]]  # world -> row key -> saved object
    label: Callable[[object], str]  # how a row is named on the list page and in the export
    viewers: frozenset[str]
    sees: dict[str, frozenset[str]] = field(default_factory=lambda: SEEN_BY_ENTERPRISE_SCOPE)
    editors: frozenset[str] = frozenset()
    exporters: frozenset[str] = frozenset()
    list_url: str | None = None
    api_url: str | None = None
    detail_url: Callable[[object], str] | None = None
    edit_url: Callable[[object], str] | None = None

    def __str__(self) -> str:
        return self.name

    def expected(self, persona: str, key: str, allowed: frozenset[str]) -> int:
        """The status of one row's page: 403 without the permission, 404 out of scope."""
        if persona not in allowed or persona not in self.viewers:
            return 403
        return 200 if key in self.sees[persona] else 404


def discover() -> list[Surface]:
    """Every installed app's declared surfaces, from `<app>.tests.surfaces.SURFACES`."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("kechuang."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.surfaces")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.tests.surfaces":
                raise
            continue
        found += getattr(module, "SURFACES", [])
    return found
