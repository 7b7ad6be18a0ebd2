"""Monitoring results from records: facts, snapshots, the scoped overview and the lists."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kechuang.conftest import NANMING, PERSONAS, SHARED_WORLD
from kechuang.monitoring import services
from kechuang.monitoring.facts import build_facts, fact_reads
from kechuang.monitoring.models import (
    Alert,
    FinancialRecord,
    RDRecord,
    RuleSet,
    Snapshot,
    SnapshotEntry,
)
from kechuang.monitoring.panels import industry_standing
from kechuang.monitoring.tests.test_rules import editor_data
from kechuang.registry.tests.factories import (
    EnterpriseFactory,
    QualificationFactory,
    ScaleRecordFactory,
)

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

WAN = Decimal(10_000)
OTHER_COUNTY_TOWN = "330602001"  # 越城区


def _figures(enterprise, year, *, rd, revenue, above=True, staff=10, inventions=0, iuc=0):
    RDRecord.objects.create(
        enterprise=enterprise,
        year=year,
        department="statistics",
        rd_expense=Decimal(rd) * WAN,
        rd_staff=staff,
        valid_inventions=inventions,
        commissioned_universities=Decimal(iuc) * WAN,
    )
    FinancialRecord.objects.create(
        enterprise=enterprise, year=year, department="statistics", revenue=Decimal(revenue) * WAN
    )
    ScaleRecordFactory(enterprise=enterprise, year=year, is_above_scale=above)


@pytest.fixture
def county(world):
    """Three 规上 enterprises over two years: one grows, one falls by half, one has no R&D."""
    grower, faller, idle = world.nanming_enterprise, world.qixing_enterprise, world.own_enterprise
    _figures(grower, 2023, rd=300, revenue=10_000)
    _figures(grower, 2024, rd=400, revenue=10_000, inventions=2, iuc=20)
    _figures(faller, 2023, rd=200, revenue=5_000)
    _figures(faller, 2024, rd=100, revenue=5_000)
    _figures(idle, 2023, rd=0, revenue=3_000, staff=0)
    _figures(idle, 2024, rd=0, revenue=3_000, staff=0)
    QualificationFactory(
        enterprise=grower, kind="rd_institution", level="city", issued_on=datetime.date(2020, 1, 1)
    )
    return world


def test_facts_join_the_records_and_qualifications(county):
    facts = build_facts(2024).set_index(["enterprise_id", "year"])
    grower = facts.loc[(county.nanming_enterprise.pk, 2024)]
    assert grower["rd_expense"] == 4_000_000
    assert grower["revenue"] == 100_000_000
    assert bool(grower["has_rd_institution"]) is True
    assert grower["iuc_expense"] == 200_000
    assert grower["town_code"] == "330624002"
    assert bool(facts.loc[(county.own_enterprise.pk, 2024)]["has_rd_institution"]) is False


def test_recompute_stores_lists_and_alerts(county):
    snapshot = services.recompute(2024, today=datetime.date(2024, 12, 31))
    entries = {e.enterprise_id: e for e in SnapshotEntry.objects.of(snapshot)}
    grower = entries[county.nanming_enterprise.pk]
    faller = entries[county.qixing_enterprise.pk]
    idle = entries[county.own_enterprise.pk]
    assert (grower.rank_spend, faller.rank_spend, idle.rank_spend) == (1, 2, None)
    assert faller.drop == Decimal("1000000.00") and faller.drop_ratio == pytest.approx(0.5)
    assert grower.drop == Decimal("-1000000.00")  # a rise is a negative drop, never listed
    assert idle.zero_years == 2
    assert (
        "rd_institution" in idle.coverage_missing
        and "rd_institution" not in grower.coverage_missing
    )
    assert snapshot.summary["above_scale_rd_ratio"] == pytest.approx(500 / 18_000)
    kinds = set(Alert.objects.of(snapshot).values_list("kind", "enterprise_id"))
    assert ("rd_drop", county.qixing_enterprise.pk) in kinds
    assert ("zero_rd_streak", county.own_enterprise.pk) in kinds
    assert snapshot.rule_set.version == services.DEFAULT_VERSION


def test_recompute_keeps_older_snapshots_but_one_current(county):
    first = services.recompute(2024)
    second = services.recompute(2024)
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert services.current_snapshot(2024) == second
    assert first.data_fingerprint == second.data_fingerprint
    RDRecord.objects.filter(enterprise=county.own_enterprise, year=2024).update(
        rd_expense=Decimal(1)
    )
    RDRecord.objects.get(enterprise=county.own_enterprise, year=2024).save()
    assert services.recompute(2024).data_fingerprint != second.data_fingerprint


def test_recompute_writes_only_what_changed_and_every_snapshot_stays_readable(county):
    first = services.recompute(2024)
    written = SnapshotEntry.objects.count()
    second = services.recompute(2024)
    assert SnapshotEntry.objects.count() == written  # nothing changed, nothing written
    assert list(SnapshotEntry.objects.of(second).values_list("pk", flat=True).order_by("pk")) == (
        list(SnapshotEntry.objects.of(first).values_list("pk", flat=True).order_by("pk"))
    )

    RDRecord.objects.filter(enterprise=county.qixing_enterprise, year=2024).update(
        rd_expense=Decimal(50) * WAN
    )
    third = services.recompute(2024)

    faller = county.qixing_enterprise.pk
    assert SnapshotEntry.objects.count() == written + 1  # only 七星's figures moved
    assert SnapshotEntry.objects.of(first).get(enterprise_id=faller).drop == 100 * WAN
    assert SnapshotEntry.objects.of(second).get(enterprise_id=faller).drop == 100 * WAN
    assert SnapshotEntry.objects.of(third).get(enterprise_id=faller).drop == 150 * WAN
    for snapshot in (first, second, third):
        snapshot.refresh_from_db()
        assert SnapshotEntry.objects.of(snapshot).count() == 3
    assert SnapshotEntry.objects.of(services.current_snapshot(2024)).count() == 3


def test_a_recompute_that_changes_much_writes_a_new_generation(county, monkeypatch):
    monkeypatch.setattr(services, "REWRITE_FLOOR", 0)
    first = services.recompute(2024)
    zero = Alert.objects.of(first).get(kind="zero_rd_streak")
    Alert.objects.filter(pk=zero.pk).update(
        acknowledged_at=timezone.now(), acknowledged_by=county.staff
    )
    for enterprise in (county.qixing_enterprise, county.nanming_enterprise):
        RDRecord.objects.filter(enterprise=enterprise, year=2024).update(
            rd_expense=Decimal(50) * WAN
        )

    second = services.recompute(2024)

    first.refresh_from_db()
    assert (first.base, second.base) == (None, None)  # both wrote every row
    assert SnapshotEntry.objects.filter(generation_id=second.pk).count() == 3
    assert SnapshotEntry.objects.filter(retired_by__isnull=False).count() == 0
    assert SnapshotEntry.objects.of(first).get(enterprise=county.qixing_enterprise).drop == (
        100 * WAN
    )
    assert SnapshotEntry.objects.of(second).get(enterprise=county.qixing_enterprise).drop == (
        150 * WAN
    )
    handled = Alert.objects.of(second).get(kind="zero_rd_streak")
    assert handled.pk != zero.pk and handled.acknowledged_by == county.staff
    drops = Alert.objects.of(second).filter(kind="rd_drop")
    assert drops.count() == 2 and not drops.filter(acknowledged_at__isnull=False).exists()

    third = services.recompute(2024)
    assert third.base == second  # nothing changed: the new generation carries on
    assert SnapshotEntry.objects.of(third).count() == 3


def test_a_recompute_stored_meanwhile_is_compared_against_under_the_lock(county, monkeypatch):
    first = services.recompute(2024)
    RDRecord.objects.filter(enterprise=county.qixing_enterprise, year=2024).update(
        rd_expense=Decimal(50) * WAN
    )
    second = services.recompute(2024)
    # This recompute read the results before `second` was stored, as if it ran alongside.
    monkeypatch.setattr(services, "current_snapshot", lambda year: first)
    RDRecord.objects.filter(enterprise=county.nanming_enterprise, year=2024).update(
        rd_expense=Decimal(350) * WAN
    )

    third = services.recompute(2024)

    assert third.base_id == second.generation_id
    entries = SnapshotEntry.objects.of(third)
    assert entries.count() == 3
    assert entries.get(enterprise=county.qixing_enterprise).drop == 150 * WAN
    assert entries.get(enterprise=county.nanming_enterprise).rd_expense == 350 * WAN
    assert SnapshotEntry.objects.of(second).get(
        enterprise=county.nanming_enterprise
    ).rd_expense == (400 * WAN)


def test_the_records_monitoring_reads_are_covered_by_an_index():
    """A recompute reads R&D and financial records from one index each, never the wide
    tables: every column it reads is in the index, after the period."""
    for name, (queryset, columns) in fact_reads(2024).items():
        if queryset.model not in (RDRecord, FinancialRecord):
            continue
        (index,) = [i for i in queryset.model._meta.indexes if i.name.endswith("_monitoring")]
        fields = [queryset.model._meta.get_field(f).attname for f in index.fields]
        assert fields[:2] == ["year", "quarter"], name
        assert set(columns) <= set(fields), name


def test_an_alert_raised_again_unchanged_keeps_its_handling(county):
    first = services.recompute(2024)
    zero = Alert.objects.of(first).get(kind="zero_rd_streak")
    drop = Alert.objects.of(first).get(kind="rd_drop")
    Alert.objects.filter(pk__in=[zero.pk, drop.pk]).update(
        acknowledged_at=timezone.now(), acknowledged_by=county.staff
    )
    RDRecord.objects.filter(enterprise=county.qixing_enterprise, year=2024).update(
        rd_expense=Decimal(50) * WAN
    )

    second = services.recompute(2024)

    again = Alert.objects.of(second).get(kind="zero_rd_streak")
    assert again.pk == zero.pk and again.acknowledged_by == county.staff
    worse = Alert.objects.of(second).get(kind="rd_drop")
    assert worse.pk != drop.pk and worse.acknowledged_at is None  # a larger drop is news
    assert Alert.objects.of(first).get(kind="rd_drop").pk == drop.pk


def test_new_rule_version_changes_the_lists(county, login):
    services.recompute(2024)
    client = login(county.staff)
    data = editor_data(version="2026.2", top_n="1", decline_min_ratio="60", note="缩小名单")
    response = client.post(reverse("monitoring:ruleset_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    snapshot = services.recompute(2024)
    assert snapshot.rule_set.version == "2026.2"
    assert snapshot.summary["top_by_spend"] == 1
    assert snapshot.summary["declines"] == 0  # a 50% fall is under the new 60% floor
    assert RuleSet.objects.count() == 2


def test_monitor_command(county, capsys):
    call_command("monitor", "--year", "2024")
    assert "2024年监测结果已生成" in capsys.readouterr().out
    assert Snapshot.objects.filter(year=2024, is_current=True).count() == 1


@pytest.mark.parametrize(
    "persona, visible",
    [
        ("staff", {"浙江新禾成生物医药股份有限公司", "新昌县七星制冷配件有限公司"}),
        ("leader", {"浙江新禾成生物医药股份有限公司", "新昌县七星制冷配件有限公司"}),
        ("town", {"浙江新禾成生物医药股份有限公司"}),
        ("other_town", {"新昌县七星制冷配件有限公司"}),
    ],
)
def test_top_list_is_scoped(county, login, persona, visible):
    services.recompute(2024)
    client = login(getattr(county, persona))
    response = client.get(
        reverse("monitoring:snapshotentry_list"), {"list": "top_spend", "year": 2024}
    )
    assert response.status_code == 200
    page = response.content.decode()
    names = {"浙江新禾成生物医药股份有限公司", "新昌县七星制冷配件有限公司"}
    assert {n for n in names if n in page} == visible


def test_ranked_list_shows_its_n_on_one_page(world, login):
    """研发50强 is one list of 50, not two pages of 25; other lists keep the page size."""
    for i in range(55):
        enterprise = EnterpriseFactory(town_id=NANMING)
        _figures(enterprise, 2024, rd=100 + i, revenue=10_000)
    services.recompute(2024)
    client = login(world.staff)
    url = reverse("monitoring:snapshotentry_list")
    top = client.get(url, {"list": "top_spend", "year": 2024}).context["table"]
    assert (len(top.page.object_list), top.paginator.num_pages) == (50, 1)
    coverage = client.get(url, {"list": "coverage", "year": 2024}).context["table"]
    assert len(coverage.page.object_list) == 25 and coverage.paginator.num_pages > 1


@pytest.mark.parametrize("persona", ["enterprise", "university", "outsider"])
def test_lists_forbidden_without_permission(county, login, persona):
    services.recompute(2024)
    client = login(getattr(county, persona))
    assert client.get(reverse("monitoring:snapshotentry_list")).status_code == 403
    assert client.get(reverse("monitoring:overview")).status_code == 403


def test_decline_list_orders_by_drop_and_exports(county, login):
    services.recompute(2024)
    client = login(county.staff)
    response = client.get(
        reverse("monitoring:snapshotentry_list"),
        {"list": "decline", "year": 2024, "export": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("企业", "统一社会信用代码", "乡镇街道", "行业")
    assert [r[0] for r in rows[1:]] == ["新昌县七星制冷配件有限公司"]
    ratio = sheet.cell(row=2, column=len(rows[0]))
    # The fall under 下降幅度 as a fraction formatted as a percentage: 50.00%, as the page,
    # the alert ("降幅 50.0%") and the API (0.5) give it; a minus would read as a rise.
    assert (ratio.value, ratio.number_format) == (0.5, "0.00%")


def test_zero_rd_and_coverage_lists(county, login):
    services.recompute(2024)
    client = login(county.staff)
    zero = client.get(reverse("monitoring:snapshotentry_list"), {"list": "zero_rd", "year": 2024})
    assert "新昌县南明轴承有限公司" in zero.content.decode()
    assert "浙江新禾成生物医药股份有限公司" not in zero.content.decode()
    lacking = client.get(
        reverse("monitoring:snapshotentry_list"),
        {"list": "coverage", "year": 2024, "missing": "rd_institution"},
    ).content.decode()
    assert "新昌县南明轴承有限公司" in lacking
    assert "浙江新禾成生物医药股份有限公司" not in lacking


def test_overview_is_scoped(county, login):
    services.recompute(2024)
    page = login(county.town).get(reverse("monitoring:overview"), {"year": 2024}).content.decode()
    assert 'data-testid="monitored-count">2<' in page  # 新禾成 and 南明轴承
    assert 'data-testid="decline-count">0<' in page
    full = login(county.staff).get(reverse("monitoring:overview"), {"year": 2024}).content.decode()
    assert 'data-testid="monitored-count">3<' in full
    assert 'data-testid="decline-count">1<' in full
    assert 'data-testid="rd-ratio">2.78%<' in full


def test_recompute_needs_permission(county, login):
    assert (
        login(county.town).post(reverse("monitoring:recompute"), {"year": 2024}).status_code == 403
    )
    response = login(county.staff).post(reverse("monitoring:recompute"), {"year": 2024})
    assert response.status_code == 302
    assert Snapshot.objects.filter(year=2024).count() == 1


def test_alert_acknowledged_in_scope_only(county, login):
    snapshot = services.recompute(2024)
    alert = Alert.objects.of(snapshot).get(kind="rd_drop")
    url = reverse("monitoring:alert_acknowledge", args=[alert.pk])
    note = {"note": "走访核实，已安排研发投入补报。"}
    assert login(county.town).post(url, note).status_code == 404  # 七星 alert, 南明 officer
    assert login(county.town).get(url).status_code == 404
    handler = login(county.other_town)
    form = handler.get(url, {"next": "/monitoring/alerts/?year=2024"})
    assert form.status_code == 200
    assert alert.message in form.content.decode() and 'name="note"' in form.content.decode()
    blank = handler.post(url, {"note": " "})
    assert blank.status_code == 200 and "请填写处理情况。" in blank.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert handler.post(url, note).status_code == 302
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.handling_note) == (county.other_town, note["note"])
    listed = login(county.staff).get(reverse("monitoring:alert_list"), {"year": 2024})
    assert note["note"] in listed.content.decode()
    # Asked again (a stale page), it says who handled it and changes nothing.
    again = login(county.staff).post(url, {"note": "另一人"}, follow=True)
    assert "已于" in again.content.decode()
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.handling_note) == (county.other_town, note["note"])


@pytest.fixture
def five_peers(county):
    """Two more C3451 enterprises of the county: five reported in 2024, enough to compare."""
    cache.clear()
    for name, rd, revenue in (
        ("新昌县轴承甲有限公司", 200, 10_000),
        ("新昌县轴承乙有限公司", 50, 5_000),
    ):
        _figures(EnterpriseFactory(name=name, town_id="330624002"), 2024, rd=rd, revenue=revenue)
    return county


def test_enterprise_page_shows_ten_years_and_industry_standing(five_peers, login):
    county = five_peers
    page = login(county.staff).get(county.nanming_enterprise.get_absolute_url()).content.decode()
    assert 'data-testid="rd-panel"' in page
    assert 'id="rd-chart-spend"' in page
    data = page[page.index('id="rd-panel-data"') :][:300]
    assert "2023" in data and "2024" in data
    standing = page[page.index('data-testid="industry-standing"') :][:400]
    # five enterprises in C3451 reported in 2024; 新禾成 spent the most
    assert "在全县同行业（滚动轴承制造）5 家企业中" in standing
    assert "研发投入高于其他 4 家中的 100.0%" in standing


def test_the_lowest_spender_reads_zero_not_a_dash(five_peers, login):
    page = login(five_peers.staff).get(five_peers.own_enterprise.get_absolute_url())
    standing = page.content.decode()
    standing = standing[standing.index('data-testid="industry-standing"') :][:400]
    assert "研发投入高于其他 4 家中的 0.0%" in standing


def test_too_few_peers_are_not_compared(county, login):
    cache.clear()
    page = login(county.enterprise).get(county.own_enterprise.get_absolute_url())
    standing = page.content.decode()
    standing = standing[standing.index('data-testid="industry-standing"') :][:400]
    assert "报送企业不足 5 家，不作比较" in standing and "%" not in standing.split("</span>")[0]
    assert industry_standing(county.own_enterprise, 2024)["too_few"] is True


def test_industry_standing_compares_with_the_county_only_and_names_nobody(five_peers, login):
    county = five_peers
    elsewhere = EnterpriseFactory(name="绍兴越城某轴承有限公司", town_id=OTHER_COUNTY_TOWN)
    _figures(elsewhere, 2024, rd=9_000, revenue=20_000)
    cache.clear()
    assert industry_standing(county.own_enterprise, 2024)["peers"] == 5
    page = login(county.enterprise).get(county.own_enterprise.get_absolute_url())
    standing = page.content.decode()
    standing = standing[standing.index('data-testid="industry-standing"') :][:400]
    assert "在全县同行业（滚动轴承制造）5 家企业中" in standing
    for other in (county.nanming_enterprise, county.qixing_enterprise, elsewhere):
        assert other.name not in page.content.decode()


def test_industry_standing_counts_only_peers_strictly_behind(five_peers, django_assert_num_queries):
    county = five_peers
    grower, faller, idle = (
        county.nanming_enterprise,
        county.qixing_enterprise,
        county.own_enterprise,
    )
    assert grower.industry_id == faller.industry_id == idle.industry_id
    # 2024 (万元): grower 400, extra 200, faller 100, extra 50, idle 0
    assert industry_standing(grower, 2024)["spend_percentile"] == 100.0
    assert industry_standing(faller, 2024)["spend_percentile"] == 50.0
    assert industry_standing(idle, 2024)["spend_percentile"] == 0.0
    RDRecord.objects.filter(enterprise=faller, year=2024).update(rd_expense=4_000_000)
    services.recompute(2024)  # a new snapshot: the cached distribution is not used again
    tied = industry_standing(faller, 2024)
    assert tied["spend_percentile"] == 75.0  # level with the grower, ahead of the other three
    assert tied["intensity_percentile"] == 100.0  # 8% beats 4%, 2%, 1% and 0%
    with django_assert_num_queries(1):  # the current snapshot; the peers come from the cache
        industry_standing(grower, 2024)


def test_enterprise_user_sees_own_figures_only(county, login):
    client = login(county.enterprise)
    own = client.get(county.own_enterprise.get_absolute_url()).content.decode()
    assert 'data-testid="rd-panel"' in own
    assert client.get(county.nanming_enterprise.get_absolute_url()).status_code == 404


def test_panel_without_records_says_so(world, login):
    page = login(world.staff).get(world.own_enterprise.get_absolute_url()).content.decode()
    assert "暂无研发统计和财务数据" in page


def test_panel_hidden_without_permission(county, login):
    page = login(county.university).get(county.own_institution.get_absolute_url()).content.decode()
    assert 'data-testid="rd-panel"' not in page


def test_a_past_years_results_count_certificate_expiry_from_that_years_end(county):
    QualificationFactory(
        enterprise=county.nanming_enterprise,
        kind="hnte",
        issued_on=datetime.date(2022, 3, 1),
        valid_until=datetime.date(2025, 3, 1),
    )
    # Seen from the end of 2024 the certificate has 60 days left; from today it is long gone.
    snapshot = services.recompute(2024, today=datetime.date(2026, 12, 7))
    expiring = Alert.objects.of(snapshot).get(kind="hnte_expiring")
    assert expiring.enterprise == county.nanming_enterprise
    assert expiring.message.endswith("（剩余 60 天）")
    assert snapshot.summary["today"] == "2024-12-31"


@pytest.mark.parametrize(
    ("year", "today", "reference"),
    [
        (2024, datetime.date(2026, 12, 7), datetime.date(2024, 12, 31)),  # a past year
        (2026, datetime.date(2026, 12, 7), datetime.date(2026, 12, 7)),  # the year running
        (2026, datetime.date(2026, 12, 31), datetime.date(2026, 12, 31)),  # its last day
        (2025, datetime.date(2026, 1, 1), datetime.date(2025, 12, 31)),  # the day after
    ],
)
def test_reference_date_is_today_while_the_year_runs_then_its_last_day(year, today, reference):
    assert services.reference_date(year, today) == reference


def test_alert_handling_carries_over_to_a_recompute_that_raises_it_again(county, login):
    first = services.recompute(2024)
    alert = Alert.objects.of(first).get(kind="rd_drop")
    services.acknowledge_alert(alert, user=county.staff, note="已走访，确认为项目结题所致。")
    RDRecord.objects.filter(enterprise=county.own_enterprise, year=2024).update(rd_staff=1)
    again = Alert.objects.of(services.recompute(2024)).get(kind="rd_drop")
    assert (again.acknowledged_by, again.handling_note) == (
        county.staff,
        "已走访，确认为项目结题所致。",
    )


HANDLES_QIXING_ALERTS = {"admin", "staff", "other_town"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_alert_handling_page_for_each_persona(county, login, persona):
    alert = Alert.objects.of(services.recompute(2024)).get(kind="rd_drop")  # 七星's fall
    client = login(getattr(county, persona))
    url = reverse("monitoring:alert_acknowledge", args=[alert.pk])
    shown = client.get(url)
    posted = client.post(url, {"note": f"{persona} 已核实"})
    alert.refresh_from_db()
    if persona in HANDLES_QIXING_ALERTS:
        assert shown.status_code == 200 and posted.status_code == 302
        assert alert.handling_note == f"{persona} 已核实"
    else:
        assert shown.status_code in (403, 404) and posted.status_code in (403, 404)
        assert alert.acknowledged_at is None


def test_lists_in_name_order_follow_pinyin_and_towns_sort_in_administrative_order(county, login):
    snapshot = services.recompute(2024)
    for key in ("coverage", "class", "tier"):
        ordered = SnapshotEntry.objects.of(snapshot).on_list(key)
        if key == "coverage":
            keys = list(ordered.values_list("enterprise__name_sort", flat=True))
            assert keys == sorted(keys)
        assert "enterprise__name_sort" in map(str, ordered.query.order_by)
    page = login(county.staff).get(
        reverse("monitoring:snapshotentry_list"), {"year": 2024, "list": "class", "sort": "town"}
    )
    towns = [row.record.enterprise.town_id for row in page.context["table"].page.object_list]
    assert towns == sorted(towns) and len(set(towns)) == 2


def test_the_alerts_page_says_its_year_and_handling_returns_to_it(county, login):
    services.recompute(2023)
    alert = Alert.objects.of(services.recompute(2024)).get(kind="rd_drop")
    client = login(county.staff)
    page = client.get(reverse("monitoring:alert_list"), {"year": 2024})
    content = page.content.decode()
    assert "2024年 预警" in content and 'id="year-picker"' in content
    exported = client.get(reverse("monitoring:alert_list"), {"year": 2024, "export": "xlsx"})
    assert "2024%E5%B9%B4" in exported["Content-Disposition"]  # 2024年 in the file's name
    form = client.get(reverse("monitoring:alert_acknowledge", args=[alert.pk]))
    assert "2024年" in form.content.decode()
    saved = client.post(
        reverse("monitoring:alert_acknowledge", args=[alert.pk]), {"note": "已核实"}
    )
    assert saved["Location"] == f"{reverse('monitoring:alert_list')}?year=2024"
    too_long = client.post(
        reverse("monitoring:alert_acknowledge", args=[alert.pk]), {"note": "长" * 501}
    )
    assert too_long.status_code == 302  # handled already: said so, nothing changed


def test_an_officer_who_may_only_look_is_refused_handling_not_told_it_is_missing(county, login):
    alert = Alert.objects.of(services.recompute(2024)).get(kind="rd_drop")
    url = reverse("monitoring:alert_acknowledge", args=[alert.pk])
    assert login(county.leader).get(url).status_code == 403
    assert login(county.town).get(url).status_code == 404  # may handle, not this town's


def test_an_over_long_note_is_refused_in_chinese(county, login):
    alert = Alert.objects.of(services.recompute(2024)).get(kind="rd_drop")
    url = reverse("monitoring:alert_acknowledge", args=[alert.pk])
    page = login(county.staff).post(url, {"note": "长" * 501})
    assert "处理情况最多 500 字（现有 501 字）。" in page.content.decode()
    api = login(county.staff).post(
        f"/api/monitoring/alerts/{alert.pk}/acknowledge/", {"note": "长" * 501}
    )
    assert api.json() == {"note": ["处理情况最多 500 字。"]}


def test_a_malformed_year_on_a_page_is_a_bad_request(county, login):
    for url in (reverse("monitoring:alert_list"), reverse("monitoring:snapshotentry_list")):
        response = login(county.staff).get(url, {"year": "abc"})
        assert response.status_code == 400
