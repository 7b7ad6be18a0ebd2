"""Pages show the engine's decisions: for every threshold the bureau sets, changing it and
recomputing gives the same enterprises on the list page, in the overview's count, in the
Excel export and over the API as the engine computes from the same facts and rules."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kechuang.conftest import SHARED_WORLD
from kechuang.engines import monitoring as engine
from kechuang.monitoring import services
from kechuang.monitoring.facts import build_facts
from kechuang.monitoring.models import ENTRY_LISTS, FinancialRecord, RDRecord, SnapshotEntry
from kechuang.registry.models import Industry
from kechuang.registry.tests.factories import (
    EnterpriseFactory,
    QualificationFactory,
    ScaleRecordFactory,
)

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

WAN = Decimal(10_000)
YEAR = 2024
TODAY = datetime.date(2024, 12, 31)


def _figures(enterprise, year, *, rd, revenue, above=True, staff=10, inventions=0, iuc=0):
    RDRecord.objects.create(
        enterprise=enterprise,
        year=year,
        department="statistics",
        rd_expense=None if rd is None else Decimal(rd) * WAN,
        rd_staff=staff,
        valid_inventions=inventions,
        commissioned_universities=Decimal(iuc) * WAN,
    )
    FinancialRecord.objects.create(
        enterprise=enterprise, year=year, department="statistics", revenue=Decimal(revenue) * WAN
    )
    if above:
        ScaleRecordFactory(enterprise=enterprise, year=year, is_above_scale=True)


@pytest.fixture
def county(world):
    """Ten enterprises that sit on either side of every default threshold (figures in 万元)."""
    software = Industry.objects.filter(section="I", level=4).values_list("code", flat=True)[0]
    make = EnterpriseFactory
    people = {
        "grower": world.nanming_enterprise,
        "half": world.qixing_enterprise,
        "idle": world.own_enterprise,
        "steep": make(name="新昌县陡降机电有限公司", town_id="330624003"),
        "lapsed": make(name="新昌县停研纺织有限公司"),
        "small_idle": make(name="新昌县小微五金有限公司"),
        "software": make(name="新昌县云端软件有限公司", industry_id=software),
        "small_revenue": make(name="新昌县精研传感有限公司"),
        "hnte": make(name="新昌县高新轴承有限公司"),
        "below_scale": make(name="新昌县规下齿轮有限公司"),
    }
    p = people
    _figures(p["grower"], 2023, rd=300, revenue=10_000)
    _figures(p["grower"], 2024, rd=400, revenue=10_000, inventions=2, iuc=20, staff=30)
    _figures(p["half"], 2023, rd=200, revenue=5_000)
    _figures(p["half"], 2024, rd=100, revenue=5_000, staff=12)
    _figures(p["idle"], 2023, rd=0, revenue=3_000, staff=0)
    _figures(p["idle"], 2024, rd=0, revenue=3_000, staff=0)
    _figures(p["steep"], 2023, rd=100, revenue=3_000)
    _figures(p["steep"], 2024, rd=30, revenue=3_000, inventions=1)
    _figures(p["lapsed"], 2023, rd=50, revenue=2_500)
    _figures(p["lapsed"], 2024, rd=0, revenue=2_500, staff=0)
    _figures(p["small_idle"], 2024, rd=0, revenue=500, above=False, staff=0)
    _figures(p["software"], 2024, rd=500, revenue=4_000, staff=40)
    _figures(p["small_revenue"], 2024, rd=300, revenue=1_500, inventions=3)
    _figures(p["hnte"], 2023, rd=150, revenue=6_000)
    _figures(p["hnte"], 2024, rd=160, revenue=6_000, inventions=1)
    _figures(p["below_scale"], 2024, rd=120, revenue=2_400, above=False)
    QualificationFactory(
        enterprise=p["grower"],
        kind="rd_institution",
        level="city",
        issued_on=datetime.date(2020, 1, 1),
    )
    QualificationFactory(enterprise=p["hnte"], kind="hnte", issued_on=datetime.date(2022, 12, 1))
    world.people = people
    return world


TIER_BIG_RD = [
    {
        "key": "big_rd",
        "label": "研发大户",
        "conditions": {"field": "rd_expense", "op": ">=", "value": 2_000_000},
    }
]
CLASS_EASY = [
    {
        "key": "active",
        "conditions": {
            "all": [
                {"field": "intensity", "op": ">=", "value": 0.005},
                {"field": "rd_staff", "op": ">=", "value": 1},
            ]
        },
    }
]
COVERAGE_STRICT = [
    {"key": "rd_staff", "label": "研发人员", "field": "rd_staff", "op": ">=", "min_value": 15},
    {
        "key": "invention",
        "label": "发明专利",
        "field": "valid_inventions",
        "op": ">=",
        "min_value": 2,
    },
]

CHANGES = {
    "decline_ratio": {"decline_min_ratio": 0.6},
    "top_n": {"top_n": 3},
    "zero_rd_years": {"zero_rd_min_years": 2},
    "zero_rd_scope": {"zero_rd_above_scale_only": False},
    "intensity_sections": {"intensity_sections": []},
    "intensity_revenue": {"intensity_min_revenue": 10_000_000.0},
    "intensity_scale": {"intensity_above_scale_only": False, "intensity_sections": ["C"]},
    "coverage": {"coverage_items": COVERAGE_STRICT},
    "class": {"classes": CLASS_EASY},
    "tier": {"tiers": TIER_BIG_RD},
}


def _engine_result(rules: engine.MonitoringRules) -> engine.MonitoringResult:
    return engine.compute(build_facts(YEAR), YEAR, rules, today=TODAY)


def _members(result: engine.MonitoringResult, key: str) -> set[int]:
    entries = result.entries
    return set(entries.loc[entries[engine.LIST_COLUMNS[key]], "enterprise_id"].tolist())


def _page_ids(client, **params) -> list[int]:
    response = client.get(reverse("monitoring:snapshotentry_list"), {"year": YEAR, **params})
    assert response.status_code == 200
    table = response.context["table"]
    assert table.page.paginator.count < 25
    return [row.record.enterprise_id for row in table.page.object_list]


def _export_ids(client, names: dict[str, int], **params) -> list[int]:
    response = client.get(
        reverse("monitoring:snapshotentry_list"), {"year": YEAR, "export": "xlsx", **params}
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    at = rows[0].index("企业")
    return [names[row[at]] for row in rows[1:]]


def _api_ids(client, **params) -> list[int]:
    response = client.get("/api/monitoring/entries/", {"year": YEAR, **params})
    assert response.status_code == 200, response.content
    return [row["enterprise"] for row in response.json()["results"]]


def _overview(client) -> dict:
    return client.get(reverse("monitoring:overview"), {"year": YEAR}).context


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_reader_agrees_with_the_engine_after_a_rule_change(county, login, change):
    services.recompute(YEAR, today=TODAY)
    base = services.current_rule_set()
    rule_set = services.save_rule_version(
        base=base,
        changes=CHANGES[change],
        version=f"2026.{change}",
        effective_from=datetime.date(2020, 1, 1),
        note=change,
        user=county.staff,
    )
    rules = engine.MonitoringRules.from_dict(rule_set.rules)
    before = _engine_result(engine.MonitoringRules.from_dict(base.rules))
    result = _engine_result(rules)
    snapshot = services.recompute(YEAR, today=TODAY)
    assert snapshot.rule_set == rule_set
    client = login(county.staff)
    names = {e.name: e.pk for e in county.people.values()}
    overview = _overview(client)
    summary = overview["summary"]
    titles = overview["titles"]

    # The change moves someone, so the test would notice a reader that ignores it.
    moved = [key for key in engine.LIST_KEYS if _members(before, key) != _members(result, key)]
    classes_moved = not before.entries["innovation_class"].equals(
        result.entries["innovation_class"]
    )
    tiers_moved = list(before.entries["tier"].astype(str)) != list(
        result.entries["tier"].astype(str)
    )
    gaps_moved = list(before.entries["coverage_missing"]) != list(
        result.entries["coverage_missing"]
    )
    assert moved or classes_moved or tiers_moved or gaps_moved, change

    counts = {
        "top_spend": summary["top_spend"],
        "top_intensity": summary["top_intensity"],
        "decline": summary["declines"],
        "zero_rd": summary["zero_rd"],
        "coverage": summary["above_scale"],
    }
    for key in engine.LIST_KEYS:
        expected = _members(result, key)
        page = _page_ids(client, list=key)
        assert set(page) == expected, (change, key)
        assert len(page) == len(expected) == counts[key], (change, key)
        assert _export_ids(client, names, list=key) == page, (change, key)
        assert _api_ids(client, list=key) == page, (change, key)
    assert titles["top_spend"] == f"研发{rules.top_n}强（按研发投入）"
    assert _page_order(result.top_by_spend) == _page_ids(client, list="top_spend")
    assert _page_order(result.top_by_intensity) == _page_ids(client, list="top_intensity")
    assert result.declines["enterprise_id"].tolist() == _page_ids(client, list="decline")

    classes = result.classes.set_index("enterprise_id")["innovation_class"].astype(str)
    for key in engine.CLASS_LABELS:
        expected = set(classes[classes == key].index)
        assert set(_page_ids(client, list="class", innovation_class=key)) == expected
        assert summary["classes"].get(key, 0) == len(expected), (change, key)
        assert set(_api_ids(client, list="class", innovation_class=key)) == expected

    tiers = result.tiers.set_index("enterprise_id")["tier"].astype(str)
    for key in [*(t.key for t in rules.tiers), engine.TIER_NONE]:
        expected = set(tiers[tiers == key].index)
        assert set(_page_ids(client, list="tier", tier=key)) == expected, (change, key)
        assert summary["tiers"].get(key, 0) == len(expected), (change, key)
        assert set(_export_ids(client, names, list="tier", tier=key)) == expected

    coverage = result.coverage.set_index("enterprise_id")
    for item, row in zip(rules.coverage_items, summary["coverage"], strict=True):
        lacking = set(coverage.index[~coverage[item.key]])
        assert row["key"] == item.key and row["missing"] == len(lacking), (change, item.key)
        assert set(_page_ids(client, list="coverage", missing=item.key)) == lacking
        assert set(_api_ids(client, list="coverage", missing=item.key)) == lacking
    assert summary["coverage_full"] == result.summary["coverage_full"]


def _page_order(top) -> list[int]:
    return top["enterprise_id"].tolist()


def test_a_fall_under_the_decline_threshold_is_not_listed_anywhere(county, login):
    """With the threshold at 60% an enterprise whose R&D fell by half is on no page or
    count, while those that fell by 70% and 100% are."""
    services.save_rule_version(
        base=services.current_rule_set(),
        changes={"decline_min_ratio": 0.6},
        version="2026.6",
        effective_from=datetime.date(2020, 1, 1),
        note="",
        user=county.staff,
    )
    services.recompute(YEAR, today=TODAY)
    client = login(county.staff)
    steep, lapsed = county.people["steep"].pk, county.people["lapsed"].pk
    assert _page_ids(client, list="decline") == [steep, lapsed]  # 70万 and 50万 less
    page = client.get(reverse("monitoring:overview"), {"year": YEAR}).content.decode()
    assert 'data-testid="decline-count">2<' in page


def test_list_titles_follow_the_configured_n(county, login):
    services.save_rule_version(
        base=services.current_rule_set(),
        changes={"top_n": 30},
        version="2026.30",
        effective_from=datetime.date(2020, 1, 1),
        note="",
        user=county.staff,
    )
    services.recompute(YEAR, today=TODAY)
    client = login(county.staff)
    page = client.get(reverse("monitoring:snapshotentry_list"), {"list": "top_spend", "year": YEAR})
    text = page.content.decode()
    assert "研发30强（按研发投入）" in text and "研发50强" not in text
    export = client.get(
        reverse("monitoring:snapshotentry_list"),
        {"list": "top_spend", "year": YEAR, "export": "xlsx"},
    )
    assert (
        "研发30强" in export["Content-Disposition"]
        or "%E7%A0%94%E5%8F%9130" in (export["Content-Disposition"])
    )
    overview = client.get(reverse("monitoring:overview"), {"year": YEAR}).content.decode()
    assert "研发30强（按研发投入）" in overview


def test_intensity_ranking_is_restricted_by_default(county, login):
    """By default only 规上 B/C/D enterprises with revenue of at least 2,000万元 are ranked:
    the software company and the one with 1,500万元 revenue are not."""
    services.recompute(YEAR, today=TODAY)
    client = login(county.staff)
    ranked = set(_page_ids(client, list="top_intensity"))
    assert county.people["software"].pk not in ranked
    assert county.people["small_revenue"].pk not in ranked
    assert county.people["grower"].pk in ranked
    page = client.get(
        reverse("monitoring:snapshotentry_list"), {"list": "top_intensity", "year": YEAR}
    )
    assert "营业收入不低于 2,000 万元" in page.content.decode()


def test_entry_lists_match_the_engine_lists():
    assert set(engine.LIST_KEYS) <= set(ENTRY_LISTS)
    for key, column in engine.LIST_COLUMNS.items():
        assert ENTRY_LISTS[key][0] == column
        SnapshotEntry._meta.get_field(column)


def test_api_lists_are_scoped(county, login):
    services.recompute(YEAR, today=TODAY)
    town = set(_api_ids(login(county.town), list="coverage"))
    staff = set(_api_ids(login(county.staff), list="coverage"))
    assert county.people["half"].pk in staff and county.people["half"].pk not in town
    assert town < staff
    response = login(county.outsider).get("/api/monitoring/entries/", {"year": YEAR})
    assert response.status_code == 403
