"""Reference data shipped with the platform: regions of Zhejiang and GB/T 4754-2017 industries.

Loaded by a data migration and refreshed (idempotently) by `kechuang load_reference`.
Functions take the model classes so that migrations can pass their historical models.
"""

import csv
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
REGIONS_CSV = REFERENCE_DIR / "regions-zhejiang.csv"
INDUSTRIES_CSV = REFERENCE_DIR / "gbt4754-2017.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_regions(region_model) -> int:
    """Insert or update every region; parents first, since rows are ordered by code."""
    existing = set(region_model.objects.values_list("code", flat=True))
    rows = sorted(_rows(REGIONS_CSV), key=lambda r: (len(r["code"]), r["code"]))
    new = [
        region_model(
            code=r["code"], name=r["name"], level=r["level"], parent_id=r["parent"] or None
        )
        for r in rows
        if r["code"] not in existing
    ]
    region_model.objects.bulk_create(new, batch_size=500)
    for r in rows:
        if r["code"] in existing:
            region_model.objects.filter(code=r["code"]).update(
                name=r["name"], level=r["level"], parent_id=r["parent"] or None
            )
    return len(rows)


def load_industries(industry_model) -> int:
    existing = set(industry_model.objects.values_list("code", flat=True))
    rows = sorted(_rows(INDUSTRIES_CSV), key=lambda r: (int(r["level"]), r["code"]))
    new = [
        industry_model(
            code=r["code"],
            level=int(r["level"]),
            section=r["section"],
            name=r["name"],
            parent_id=r["parent"] or None,
            note=r["note"],
        )
        for r in rows
        if r["code"] not in existing
    ]
    industry_model.objects.bulk_create(new, batch_size=500)
    return len(rows)
