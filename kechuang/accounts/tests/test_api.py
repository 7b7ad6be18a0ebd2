"""Organisations, users and the logs over the API: the same scope and permissions as their
pages, and the same filters."""

import pytest

from kechuang.conftest import SHARED_WORLD
from kechuang.core.models import LoginLog, OperationLog

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

ORGS = "/api/accounts/organisations/"
USERS = "/api/accounts/users/"
OPERATIONS = "/api/accounts/operation-log/"
LOGINS = "/api/accounts/login-log/"


def names(response, key="name") -> set[str]:
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


def test_organisations_in_scope_with_their_user_counts(world, login):
    everyone = names(login(world.staff).get(ORGS))
    assert {"新昌县科学技术局", "南明街道", "七星街道"} <= everyone
    assert "嵊州市科学技术局" not in everyone
    town = login(world.town).get(ORGS)
    assert town.status_code == 403  # the page is closed to towns as well
    rows = {row["name"]: row for row in login(world.leader).get(ORGS).json()["results"]}
    assert rows["南明街道"]["user_count"] == 1
    assert rows["南明街道"]["parent_name"] == "新昌县科学技术局"
    assert rows["南明街道"]["kind_display"] == "乡镇街道"
    assert names(login(world.staff).get(ORGS, {"kind": "town"})) == {"南明街道", "七星街道"}


def test_organisations_outside_scope_answer_not_found(world, login):
    from kechuang.accounts.models import Organisation

    elsewhere = Organisation.objects.get(name="嵊州市科学技术局")
    assert login(world.staff).get(f"{ORGS}{elsewhere.pk}/").status_code == 404
    assert login(world.admin).get(f"{ORGS}{elsewhere.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 200), ("staff", 200), ("leader", 403), ("town", 403), ("outsider", 403)],
)
def test_users_need_view_user(world, login, persona, status):
    assert login(getattr(world, persona)).get(USERS).status_code == status


def test_users_of_the_organisations_in_scope(world, login):
    seen = names(login(world.staff).get(USERS), "username")
    assert {"staff", "town", "town_qixing", "leader"} <= seen
    assert "outsider" not in seen
    found = login(world.staff).get(USERS, {"q": "town"}).json()["results"]
    assert {row["username"] for row in found} == {"town", "town_qixing"}
    assert found[0]["roles"] == ["乡镇街道科员"]
    assert "password" not in found[0]


def test_the_logs_for_those_who_may_read_them(world, login):
    OperationLog.objects.create(user=world.staff, action="export", target="企业", row_count=3)
    OperationLog.objects.create(user=world.staff, action="import", target="企业", success=False)
    LoginLog.objects.create(user=world.staff, username="staff", event="login")
    LoginLog.objects.create(username="nobody", event="failed")

    staff = login(world.staff)
    rows = staff.get(OPERATIONS, {"action": "export"}).json()["results"]
    assert [(r["username"], r["action_display"], r["row_count"]) for r in rows] == [
        ("staff", "导出", 3)
    ]
    assert len(staff.get(OPERATIONS, {"success": "false"}).json()["results"]) == 1
    assert staff.get(LOGINS).status_code == 403  # as on the page: administrators only
    logins = login(world.admin).get(LOGINS, {"event": "failed"}).json()["results"]
    assert [row["username"] for row in logins] == ["nobody"]
    for persona in ("leader", "town", "enterprise", "outsider"):
        assert login(getattr(world, persona)).get(OPERATIONS).status_code == 403


def test_unknown_filters_are_refused(world, login):
    answer = login(world.staff).get(USERS, {"organisation_name": "南明"})
    assert answer.status_code == 400
    assert "不支持的查询参数" in answer.json()["detail"]


def test_the_api_reads_only(world, login):
    client = login(world.admin)
    assert client.post(ORGS, {"name": "新机构"}).status_code == 405
    assert client.delete(f"{USERS}{world.town.pk}/").status_code == 405


def test_the_api_index_and_each_apps_root_list_their_endpoints(world, login, client):
    index = login(world.town).get("/api/").json()
    assert {name: url.split("testserver", 1)[1] for name, url in index.items()} == {
        "registry": "/api/registry/",
        "monitoring": "/api/monitoring/",
        "assessment": "/api/assessment/",
        "indicators": "/api/indicators/",
        "techmarket": "/api/techmarket/",
        "accounts": "/api/accounts/",
        "schema": "/api/schema/",
        "docs": "/api/docs/",
    }
    staff = login(world.staff)
    assert "rules" in staff.get("/api/monitoring/").json()
    assert "organisations" in staff.get("/api/accounts/").json()
    assert "enterprises" in staff.get("/api/registry/").json()
    assert "results" in staff.get("/api/assessment/").json()
    assert {"values", "targets", "index"} <= set(staff.get("/api/indicators/").json())
    assert {"results", "demands", "experts", "matches", "events"} <= set(
        staff.get("/api/techmarket/").json()
    )
    assert client.get("/api/").status_code in (401, 403)
