"""Alerts, the cultivation pool and service visits over the API, as on their pages."""

import pytest
from django.utils import timezone

from kechuang.monitoring import services
from kechuang.monitoring.models import Alert, PoolEntry, RDRecord, ServiceVisit
from kechuang.monitoring.tests.test_monitoring import county  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_alerts_of_the_year_in_scope_and_acknowledged(county, login):  # noqa: F811
    snapshot = services.recompute(2024)
    alert = Alert.objects.of(snapshot).get(kind="rd_drop")  # 七星's fall
    staff = login(county.staff)
    listed = staff.get("/api/monitoring/alerts/", {"year": 2024}).json()
    assert alert.pk in [row["id"] for row in listed["results"]]
    assert login(county.town).get(f"/api/monitoring/alerts/{alert.pk}/").status_code == 404

    url = f"/api/monitoring/alerts/{alert.pk}/acknowledge/"
    note = {"note": "已电话核实：研发人员调整，下季度恢复。"}
    assert login(county.town).post(url, note).status_code == 404
    assert login(county.leader).post(url, note).status_code == 403  # may look, not handle
    handler = login(county.other_town)
    refused = handler.post(url, {"note": "  "})
    assert refused.status_code == 400
    assert refused.json() == {"note": ["请填写处理情况。"]}
    assert handler.post(url, {}).json() == {"note": ["请填写处理情况。"]}
    answer = handler.post(url, note)
    assert answer.status_code == 200
    assert answer.json()["acknowledged_by"] == county.other_town.username
    assert answer.json()["handling_note"] == note["note"]
    alert.refresh_from_db()
    assert alert.acknowledged_by == county.other_town
    assert alert.history.first().history_change_reason == "处理预警"
    # Handled once: a second officer cannot overwrite who handled it and what was done.
    again = login(county.staff).post(url, {"note": "重复处理"})
    assert again.status_code == 409
    assert "已于" in again.json()["detail"] and str(county.other_town) in again.json()["detail"]
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.handling_note) == (county.other_town, note["note"])
    open_ones = staff.get("/api/monitoring/alerts/", {"year": 2024, "open": "true"}).json()
    assert alert.pk not in [row["id"] for row in open_ones["results"]]


def test_the_pool_and_visits_are_kept_through_the_pages_rules(county, login):  # noqa: F811
    client = login(county.staff)
    today = timezone.localdate().isoformat()
    created = client.post(
        "/api/monitoring/pool/",
        {
            "enterprise": county.own_enterprise.pk,
            "officer": county.staff.pk,
            "target": "三年内认定高新技术企业",
            "joined_on": today,
            "status": "active",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    entry = PoolEntry.objects.get(pk=created.json()["id"])
    assert entry.created_by == county.staff

    again = client.post(
        "/api/monitoring/pool/",
        {"enterprise": county.own_enterprise.pk, "officer": county.staff.pk, "joined_on": today},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert again.json().get("enterprise") == ["该企业已在培育库中。"], again.json()

    visit = client.post(
        "/api/monitoring/visits/",
        {
            "entry": entry.pk,
            "visited_on": today,
            "visitors": "科技局 张三",
            "people_met": "总经理",
            "problems": "研发费用归集不规范",
        },
        content_type="application/json",
    )
    assert visit.status_code == 201, visit.json()
    assert ServiceVisit.objects.get(pk=visit.json()["id"]).entry == entry
    late = client.patch(
        f"/api/monitoring/visits/{visit.json()['id']}/",
        {"follow_up_done_on": today},
        content_type="application/json",
    )
    assert late.status_code == 400
    assert "请说明跟进结果" in late.json()["follow_up_result"][0]

    outsider = login(county.other_town)
    assert outsider.get(f"/api/monitoring/pool/{entry.pk}/").status_code == 404


def test_rule_versions_read_as_on_their_page(county, login):  # noqa: F811
    current = services.current_rule_set()
    staff = login(county.staff)
    rows = staff.get("/api/monitoring/rules/").json()["results"]
    assert [(row["version"], row["is_current"]) for row in rows] == [(current.version, True)]
    detail = staff.get(f"/api/monitoring/rules/{current.pk}/").json()
    assert detail["rules"] == current.rules
    assert staff.get("/api/monitoring/rules/", {"q": "不存在的版本"}).json()["results"] == []
    assert login(county.leader).get("/api/monitoring/rules/").status_code == 200
    assert login(county.town).get("/api/monitoring/rules/").status_code == 403
    assert staff.post("/api/monitoring/rules/", {}).status_code == 405


def test_what_the_page_form_fills_in_need_not_be_sent(county, login):  # noqa: F811
    client = login(county.staff)
    created = client.post(
        "/api/monitoring/pool/",
        {"enterprise": county.own_enterprise.pk, "target": "认定高新技术企业"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["officer"] == county.staff.pk
    assert created.json()["joined_on"] == timezone.localdate().isoformat()
    missing = client.post(
        "/api/monitoring/pool/", {"target": "认定"}, content_type="application/json"
    )
    assert missing.status_code == 400
    assert "enterprise" in missing.json()


def test_pages_and_api_open_on_the_same_year_after_a_year_is_withdrawn(county, login):  # noqa: F811
    services.recompute(2023)
    services.recompute(2024)
    services.retire_results(2024)  # as when a year's last batch is rolled back
    RDRecord.objects.filter(year=2024).delete()
    client = login(county.staff)
    assert client.get("/monitoring/entries/").context["year"] == 2023
    answer = client.get("/api/monitoring/alerts/")
    assert answer.status_code == 200
    expected = Alert.objects.of(services.current_snapshot(2023)).values_list("pk", flat=True)
    assert {row["id"] for row in answer.json()["results"]} == set(expected)
