import csv
import json
import math

import pytest

from kechuang.indicators import geo
from kechuang.registry.reference import REGIONS_CSV


@pytest.fixture(scope="module")
def county_codes() -> dict[str, str]:
    with REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
        return {r["code"]: r["name"] for r in csv.DictReader(handle) if r["level"] == "county"}


@pytest.fixture(scope="module")
def features() -> list[dict]:
    collection = geo.zhejiang_counties()
    assert collection["type"] == "FeatureCollection"
    return collection["features"]


def _points(coordinates):
    if isinstance(coordinates[0], int | float):
        yield coordinates
    else:
        for part in coordinates:
            yield from _points(part)


def test_there_are_90_current_counties(county_codes):
    assert len(county_codes) == 90


def test_features_carry_current_codes_and_names_once(features, county_codes):
    codes = [f["properties"]["code"] for f in features]
    assert len(codes) == len(set(codes))
    for feature in features:
        assert set(feature["properties"]) == {"code", "name"}
        code = feature["properties"]["code"]
        assert code in county_codes
        assert feature["properties"]["name"] == county_codes[code]


def test_known_units_are_present(features):
    names = {f["properties"]["code"]: f["properties"]["name"] for f in features}
    assert names["330624"] == "新昌县"
    assert names["330108"] == "滨江区"
    assert names["330112"] == "临安区"
    assert names["331083"] == "玉环市"


def test_at_least_87_units_are_shaped(features):
    assert len(features) >= 87


def test_units_without_shape_are_those_documented(features, county_codes):
    missing = geo.units_without_shape()
    assert {u["code"]: u["name"] for u in missing} == geo.UNITS_WITHOUT_SHAPE
    assert len(features) + len(missing) == len(county_codes)


def test_abolished_districts_are_parts_of_their_successors(features):
    by_code = {f["properties"]["code"]: f["geometry"] for f in features}
    for code in ("330102", "330105"):
        assert by_code[code]["type"] == "MultiPolygon"
        assert len(by_code[code]["coordinates"]) >= 2


def test_geometries_are_polygons_within_zhejiang(features):
    for feature in features:
        geometry = feature["geometry"]
        assert geometry["type"] in ("Polygon", "MultiPolygon")
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        assert polygons
        for polygon in polygons:
            for ring in polygon:
                assert len(ring) >= 4 and ring[0] == ring[-1]
        for lon, lat in _points(geometry["coordinates"]):
            assert math.isfinite(lon) and math.isfinite(lat)
            assert 118 <= lon <= 123.5 and 27 <= lat <= 31.5
            assert round(lon, 4) == lon and round(lat, 4) == lat


def test_serialised_payload_matches_the_collection():
    assert json.loads(geo.zhejiang_counties_json()) == geo.zhejiang_counties()
