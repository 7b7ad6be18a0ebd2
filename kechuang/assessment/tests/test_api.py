"""Readiness, facts, policy outcomes and points over the API, as on their pages."""

import datetime

import pytest

from kechuang.assessment import services, support
from kechuang.assessment.models import IntellectualProperty
from kechuang.assessment.tests.factories import ready_enterprise
from kechuang.assessment.tests.test_support import county, increase_policy  # noqa: F401
from kechuang.registry.tests.factories import QualificationFactory

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 6, 1)


def test_results_lists_match_the_pages_and_the_scope(world, login):
    ready_enterprise(world.nanming_enterprise)
    QualificationFactory(
        enterprise=world.nanming_enterprise,
        kind="tech_sme",
        issued_on=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2026, 3, 31),
    )
    services.run_assessment("hnte", ON)
    staff = login(world.staff)
    rows = staff.get("/api/assessment/results/", {"list": "candidates"}).json()["results"]
    assert [row["enterprise"] for row in rows] == [world.nanming_enterprise.pk]
    assert rows[0]["verdicts"]["c5"] == "met" and rows[0]["rules_version"] == "2016"
    assert rows[0]["detail"]["criteria"][4]["period"] == "2022—2024年"
    everyone = staff.get("/api/assessment/results/", {"rules": "hnte"}).json()
    assert everyone["count"] == 3
    town = login(world.other_town).get("/api/assessment/results/").json()
    assert [row["enterprise"] for row in town["results"]] == [world.qixing_enterprise.pk]
    assert staff.get("/api/assessment/results/", {"list": "x"}).status_code == 400
    assert staff.get("/api/assessment/results/", {"rules": "x"}).status_code == 400
    assert (
        staff.get("/api/assessment/results/", {"needs_info": "c5", "rules": "hnte"}).json()["count"]
        == 2
    )


def test_one_enterprise_s_assessment_with_sources(world, login):
    ready_enterprise(world.nanming_enterprise)
    pk = world.nanming_enterprise.pk
    answer = login(world.town).get(
        f"/api/assessment/enterprises/{pk}/", {"rules": "hnte", "on": "2025-06-01"}
    )
    body = answer.json()
    assert (
        answer.status_code == 200 and body["verdict"] == "needs_info" and body["awaiting_experts"]
    )
    assert [c["key"] for c in body["criteria"]] == [f"c{i}" for i in range(1, 9)]
    assert body["sources"]["rd_t1"] == "2024年认定口径数据"
    assert body["figures"]["rd_threshold"] == 0.04
    assert login(world.other_town).get(f"/api/assessment/enterprises/{pk}/").status_code == 404
    assert login(world.university).get(f"/api/assessment/enterprises/{pk}/").status_code == 403
    bad = login(world.town).get(f"/api/assessment/enterprises/{pk}/", {"on": "2025-02-30"})
    assert bad.status_code == 400 and "不是日期" in bad.json()["detail"]


def test_ip_rights_are_written_through_the_form(county, login):  # noqa: F811
    client = login(county.enterprise)
    pk = county.own_enterprise.pk
    made = client.post(
        "/api/assessment/ip/",
        {
            "enterprise": pk,
            "kind": "utility_model",
            "number": "ZL202320000002.1",
            "title": "一种轴承保持架",
            "granted_on": "2024-02-01",
            "acquisition": "own",
            "source": "enterprise",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["is_class_one"] is False
    refused = client.post(
        "/api/assessment/ip/",
        {
            "enterprise": pk,
            "kind": "invention",
            "number": "ZL3",
            "title": "x",
            "granted_on": "2024-02-01",
            "expires_on": "2020-01-01",
            "acquisition": "own",
            "source": "enterprise",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["expires_on"] == ["保护期届满日不能早于授权日期。"]
    other = client.post(
        "/api/assessment/ip/",
        {
            "enterprise": county.nanming_enterprise.pk,
            "kind": "invention",
            "number": "ZL4",
            "title": "x",
            "granted_on": "2024-02-01",
            "acquisition": "own",
            "source": "enterprise",
        },
        content_type="application/json",
    )
    assert other.status_code == 400
    assert IntellectualProperty.objects.count() == 1


def test_exempt_list_and_points(county, login):  # noqa: F811
    support.calculate_policy(increase_policy(), 2024)
    support.calculate_points(2024)
    staff = login(county.staff)
    exempt = staff.get("/api/assessment/policy-outcomes/", {"exempt": "1"}).json()
    assert exempt["count"] == 2 and {row["amount"] for row in exempt["results"]} == {
        "100000.00",
        "500000.00",
    }
    assert exempt["results"][0]["policy_basis"] == "县政府若干政策意见 第二条"
    assert staff.get("/api/assessment/policy-outcomes/", {"exempt": "2"}).status_code == 400
    points = staff.get("/api/assessment/points/").json()
    assert points["count"] == 3 and points["results"][0]["rank"] == 1
    assert login(county.enterprise).get("/api/assessment/points/").json()["count"] == 1
