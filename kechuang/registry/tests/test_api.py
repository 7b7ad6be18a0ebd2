"""The REST API: token login, the caller's own profile, the OpenAPI schema and docs, the
filters shared with the pages, writes validated by the page forms, history, and no DELETE.

Which rows each persona sees through the API is part of the scope matrix (test_scope.py).

Long because it covers every registry endpoint's filters and writes, one section each.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kechuang.conftest import NANMING, PASSWORD, QIXING, SHARED_WORLD
from kechuang.engines import uscc
from kechuang.registry.models import ChainLink, Enterprise, IndustryChain, Qualification
from kechuang.registry.tests.factories import (
    IndustryChainFactory,
    QualificationFactory,
    ScaleRecordFactory,
)

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

ENTERPRISES = "/api/registry/enterprises/"
NEW_NAME = "新昌县接口新增精密机械有限公司"


def _valid_uscc(body: str = "MA7C0101") -> str:
    return uscc.make("91", "330624", body)


def _payload(**changes) -> dict:
    data = {
        "uscc": _valid_uscc(),
        "name": NEW_NAME,
        "town": NANMING,
        "industry": "3451",
        "founded_on": "2021-03-15",
        "status": "active",
        "size_class": "small",
        "employees": 45,
    }
    data.update(changes)
    return data


def _token(username: str, password: str = PASSWORD):
    return Client().post("/api/accounts/token/", {"username": username, "password": password})


def _token_client(username: str) -> Client:
    response = _token(username)
    assert response.status_code == 200, response.content
    return Client(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


# ---------------------------------------------------------------------------------------
# Token authentication
# ---------------------------------------------------------------------------------------


def test_token_login_then_token_header_works(world):
    response = _token("staff")
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 64
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get(ENTERPRISES)
    assert _ids(listed) == {
        world.nanming_enterprise.pk,
        world.own_enterprise.pk,
        world.qixing_enterprise.pk,
    }
    # Logging in again as the same client replaces the token (accounts/tests/test_tokens.py).
    assert _token("staff").json()["token"] != token
    assert client.get(ENTERPRISES).status_code == 401


def test_token_carries_the_users_scope(world):
    client = _token_client("town_qixing")
    assert _ids(client.get(ENTERPRISES)) == {world.qixing_enterprise.pk}
    assert client.get(f"{ENTERPRISES}{world.nanming_enterprise.pk}/").status_code == 404


def test_token_login_with_wrong_password_is_refused(world):
    response = _token("staff", "wrong-pass-1")
    assert response.status_code == 400
    assert "token" not in response.json()


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Token 0123456789abcdef0123456789abcdef01234567", id="unknown-token"),
        pytest.param("Token", id="empty-token"),
        pytest.param("", id="no-header"),
    ],
)
def test_requests_without_a_valid_token_are_unauthorised(world, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    assert client.get(ENTERPRISES).status_code == 401


def test_inactive_users_token_stops_working(world):
    client = _token_client("town")
    assert client.get(ENTERPRISES).status_code == 200
    world.town.is_active = False
    world.town.save()
    assert client.get(ENTERPRISES).status_code == 401


# ---------------------------------------------------------------------------------------
# /api/accounts/me/
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, organisation, roles, scopes",
    [
        ("admin", "新昌县科学技术局", ["系统管理员"], ["全部数据"]),
        ("leader", "新昌县人民政府", ["县领导"], ["全部数据"]),
        ("staff", "新昌县科学技术局", ["科技局科员"], ["本组织及以下数据"]),
        ("town", "南明街道", ["乡镇街道科员"], ["本组织及以下数据"]),
        ("enterprise", "新昌县南明轴承有限公司", ["企业填报员"], ["本组织数据"]),
        ("university", "新昌智能装备研究院", ["高校院所用户"], ["本组织数据"]),
        ("outsider", "嵊州市科学技术局", [], []),
    ],
)
def test_me_returns_roles_and_data_scope(world, login, persona, organisation, roles, scopes):
    user = getattr(world, persona)
    response = login(user).get("/api/accounts/me/")
    assert response.status_code == 200
    assert response.json() == {
        "username": user.username,
        "display_name": user.display_name,
        "organisation": organisation,
        "roles": roles,
        "data_scope": scopes,
    }


def test_me_with_a_token(world):
    response = _token_client("town").get("/api/accounts/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "town"


def test_me_requires_authentication(world):
    assert Client().get("/api/accounts/me/").status_code == 401


def test_outsider_may_log_in_but_sees_no_registry_data(world):
    client = _token_client("outsider")
    assert client.get("/api/accounts/me/").status_code == 200
    for endpoint in (
        ENTERPRISES,
        "/api/registry/institutions/",
        "/api/registry/people/",
        "/api/registry/chains/",
    ):
        assert client.get(endpoint).status_code == 403


# ---------------------------------------------------------------------------------------
# Schema and docs
# ---------------------------------------------------------------------------------------


def test_schema_is_openapi_3(world, login):
    response = login(world.staff).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "科创 Kechuang API"
    paths = schema["paths"]
    for path in (
        "/api/registry/enterprises/",
        "/api/registry/enterprises/{id}/",
        "/api/registry/qualifications/",
        "/api/registry/institutions/",
        "/api/registry/people/",
        "/api/registry/chains/",
        "/api/accounts/me/",
        "/api/accounts/token/",
    ):
        assert path in paths, path
    # The enterprise list documents the same filters as the page; there is no DELETE.
    parameters = {p["name"] for p in paths["/api/registry/enterprises/"]["get"]["parameters"]}
    assert {"q", "town", "qualification", "industry", "page"} <= parameters
    assert "delete" not in paths["/api/registry/enterprises/{id}/"]
    assert {"get", "put", "patch"} <= set(paths["/api/registry/enterprises/{id}/"])
    assert set(paths["/api/registry/qualifications/"]) == {"get"}


def test_docs_render_for_a_logged_in_user(world, login):
    client = login(world.town)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # The page's script is served apart from it, so the CSP needs no inline script.
    assert '<script src="/api/docs/?script="></script>' in html
    assert "/api/schema/" in client.get("/api/docs/?script=").content.decode()


# ---------------------------------------------------------------------------------------
# Filters: the same filter sets as the pages
# ---------------------------------------------------------------------------------------


@pytest.fixture
def qualified(world):
    """A valid 高企 for the persona enterprise, an expired one for the 七星 enterprise."""
    QualificationFactory(
        enterprise=world.own_enterprise, kind="hnte", issued_on=timezone.localdate()
    )
    QualificationFactory(
        enterprise=world.qixing_enterprise, kind="hnte", issued_on=datetime.date(2015, 11, 1)
    )
    QualificationFactory(
        enterprise=world.nanming_enterprise,
        kind="tech_sme",
        issued_on=timezone.localdate(),
        valid_until=timezone.localdate() + datetime.timedelta(days=365),
    )
    return world


@pytest.mark.parametrize(
    "params, expected",
    [
        pytest.param({"town": QIXING}, {"qixing_enterprise"}, id="town-qixing"),
        pytest.param(
            {"town": NANMING}, {"nanming_enterprise", "own_enterprise"}, id="town-nanming"
        ),
        pytest.param({"q": "xhc"}, {"nanming_enterprise"}, id="pinyin"),
        pytest.param({"q": "七星制冷"}, {"qixing_enterprise"}, id="chinese"),
        pytest.param({"qualification": "hnte"}, {"own_enterprise"}, id="valid-hnte"),
        pytest.param({"qualification": "tech_sme"}, {"nanming_enterprise"}, id="valid-tech-sme"),
        pytest.param({"q": "xhc", "town": QIXING}, set(), id="combined"),
        pytest.param({}, {"nanming_enterprise", "own_enterprise", "qixing_enterprise"}, id="none"),
    ],
)
def test_enterprise_filters(qualified, login, params, expected):
    response = login(qualified.staff).get(ENTERPRISES, params)
    assert _ids(response) == {getattr(qualified, key).pk for key in expected}


def test_uscc_prefix_filter(world, login):
    code = world.qixing_enterprise.uscc
    response = login(world.staff).get(ENTERPRISES, {"q": code[:-1].lower()})
    assert _ids(response) == {world.qixing_enterprise.pk}


def test_above_scale_filter(world, login):
    ScaleRecordFactory(enterprise=world.own_enterprise, year=2024, is_above_scale=True)
    ScaleRecordFactory(enterprise=world.qixing_enterprise, year=2024, is_above_scale=False)
    response = login(world.staff).get(ENTERPRISES, {"above_scale_year": 2024})
    assert _ids(response) == {world.own_enterprise.pk}


def test_filters_stay_inside_the_scope(qualified, login):
    client = login(qualified.town)
    assert _ids(client.get(ENTERPRISES, {"qualification": "hnte"})) == {qualified.own_enterprise.pk}
    assert _ids(client.get(ENTERPRISES, {"q": "91330624"})) == {
        qualified.nanming_enterprise.pk,
        qualified.own_enterprise.pk,
    }
    # A town outside the scope is not a valid choice: refused, never answered.
    response = client.get(ENTERPRISES, {"town": QIXING})
    assert response.status_code == 400
    assert "town" in response.json()


def test_qualification_filters(qualified, login):
    client = login(qualified.staff)
    hnte = client.get("/api/registry/qualifications/", {"kind": "hnte"}).json()["results"]
    assert {item["enterprise"] for item in hnte} == {
        qualified.own_enterprise.pk,
        qualified.qixing_enterprise.pk,
    }
    valid = client.get("/api/registry/qualifications/", {"validity": "valid"}).json()["results"]
    assert {item["enterprise"] for item in valid} == {
        qualified.own_enterprise.pk,
        qualified.nanming_enterprise.pk,
    }
    assert all(item["is_valid"] for item in valid)
    expired = client.get("/api/registry/qualifications/", {"validity": "expired"}).json()["results"]
    assert [item["enterprise_name"] for item in expired] == ["新昌县七星制冷配件有限公司"]
    assert expired[0]["valid_until"] == "2018-10-31"


def test_qualifications_and_people_of_one_enterprise(qualified, login):
    client = login(qualified.staff)
    own = qualified.own_enterprise.pk
    results = client.get("/api/registry/qualifications/", {"enterprise": own}).json()["results"]
    assert [item["enterprise"] for item in results] == [own]
    people = client.get("/api/registry/people/", {"institution": qualified.own_institution.pk})
    assert _ids(people) == {qualified.own_person.pk}
    assert _ids(client.get("/api/registry/people/", {"enterprise": 2**31 - 1})) == set()


@pytest.mark.parametrize(
    "url",
    [
        ENTERPRISES,
        "/api/registry/qualifications/",
        "/api/registry/people/",
        "/api/monitoring/entries/",
    ],
)
def test_an_unknown_query_parameter_is_refused_not_ignored(world, login, url):
    response = login(world.staff).get(url, {"enterprize": 1})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "不支持的查询参数：enterprize" in detail and "page" in detail


def test_page_size_is_bounded(world, login, settings):
    settings.API_MAX_PAGE_SIZE = 2
    client = login(world.staff)
    assert len(client.get(ENTERPRISES, {"page_size": 1}).json()["results"]) == 1
    capped = client.get(ENTERPRISES, {"page_size": 1000}).json()
    assert len(capped["results"]) == 2
    # The next page's link asks for the page size served, not the one refused.
    assert "page_size=2" in capped["next"] and "page_size=1000" not in capped["next"]
    following = client.get(capped["next"]).json()
    assert "page_size=2" in following["previous"]


@pytest.mark.parametrize("value", ["maybe", "yes", "2", "真"])
def test_yes_no_filters_refuse_what_is_neither(world, login, value):
    response = login(world.staff).get(ENTERPRISES, {"is_listed": value})
    assert response.status_code == 400
    assert response.json()["is_listed"] == [f"应为 true 或 false，收到“{value}”。"]


@pytest.mark.parametrize(
    ("value", "listed"),
    [("true", True), ("1", True), ("false", False), ("0", False), ("否", False)],
)
def test_yes_no_filters_read_true_and_false(world, login, value, listed):
    response = login(world.staff).get(ENTERPRISES, {"is_listed": value})
    assert response.status_code == 200
    assert {row["is_listed"] for row in response.json()["results"]} <= {listed}


def test_yes_no_filter_on_the_page_says_what_is_wrong(world, login):
    page = login(world.staff).get("/registry/enterprises/", {"is_listed": "maybe"})
    assert "应为 true 或 false" in page.content.decode()


@pytest.mark.parametrize("year", ["abc", "20245", "1999", "-1", "２０２４"])
def test_a_malformed_year_is_refused_not_404(world, login, year):
    response = login(world.staff).get("/api/monitoring/alerts/", {"year": year})
    assert response.status_code == 400
    assert "年度应为" in response.json()["year"][0]


def test_people_and_institution_search(world, login):
    client = login(world.staff)
    assert _ids(client.get("/api/registry/people/", {"q": "wjs"})) == {world.own_person.pk}
    assert _ids(client.get("/api/registry/institutions/", {"q": "七星"})) == {
        world.other_institution.pk
    }


def test_chain_filter_by_kind(world, login):
    cluster = IndustryChainFactory(name="生物医药", kind="cluster")
    IndustryChainFactory(name="轴承", kind="chain", parent=cluster)
    response = login(world.staff).get("/api/registry/chains/", {"kind": "cluster"})
    assert _ids(response) == {cluster.pk}
    assert IndustryChain.objects.count() == 2


@pytest.mark.parametrize("url", [ENTERPRISES, "/registry/enterprises/"])
def test_chain_filter_empty_choice_lists_enterprises_on_no_chain(world, login, url):
    chain = IndustryChainFactory(name="轴承")
    ChainLink.objects.create(enterprise=world.nanming_enterprise, chain=chain, position="midstream")
    client = login(world.staff)
    response = client.get(url, {"chain": "null"})
    assert response.status_code == 200
    names = response.content.decode()
    assert "新昌县七星制冷配件有限公司" in names and "浙江新禾成生物医药股份有限公司" not in names
    on_chain = client.get(url, {"chain": chain.pk}).content.decode()
    assert "浙江新禾成生物医药股份有限公司" in on_chain and "七星制冷" not in on_chain
    assert client.get(url, [("chain", "null"), ("chain", "null")]).status_code == 200
    # Other choices have no empty choice: "null" is not a year (the API refuses it, the page
    # says so above an empty list).
    not_a_year = client.get(url, {"above_scale_year": "null"})
    assert not_a_year.status_code == (400 if url == ENTERPRISES else 200)
    page = client.get("/registry/enterprises/").content.decode()
    assert "未归入产业链" in page and "（空）" not in page


# ---------------------------------------------------------------------------------------
# Writes: validated by the page forms, recorded in the history
# ---------------------------------------------------------------------------------------


def _bad_check(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


@pytest.mark.parametrize(
    "code, message",
    [
        pytest.param(
            _bad_check(_valid_uscc()),
            f"统一社会信用代码校验位错误：第18位应为“{_valid_uscc()[-1]}”。",
            id="check-character",
        ),
        pytest.param(
            "91330624MA7C0I01XX",
            "统一社会信用代码格式不正确：应为18位，由数字和大写字母组成（不含I、O、Z、S、V）。",
            id="format",
        ),
    ],
)
def test_post_with_bad_uscc_is_refused_in_chinese(world, login, code, message):
    response = login(world.staff).post(
        ENTERPRISES, _payload(uscc=code), content_type="application/json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == ["uscc"]
    assert len(errors["uscc"]) == 1
    assert errors["uscc"][0].startswith(message)
    assert not Enterprise.objects.filter(name=NEW_NAME).exists()


def test_post_with_duplicate_uscc_is_refused(world, login):
    response = login(world.staff).post(
        ENTERPRISES, _payload(uscc=world.own_enterprise.uscc), content_type="application/json"
    )
    assert response.status_code == 400
    assert "uscc" in response.json()
    assert Enterprise.objects.filter(uscc=world.own_enterprise.uscc).count() == 1


def test_post_form_rules_apply(world, login):
    response = login(world.staff).post(
        ENTERPRISES,
        _payload(is_listed=True, stock_code="", legacy_reg_no="12345"),
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["stock_code"] == ["上市企业请填写股票代码。"]
    assert errors["legacy_reg_no"] == ["原工商注册号应为15位数字。"]


def test_post_in_another_town_is_refused(world, login):
    response = login(world.town).post(
        ENTERPRISES, _payload(town=QIXING), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["town"] == ["该乡镇街道不在您的数据范围内。"]
    assert not Enterprise.objects.filter(name=NEW_NAME).exists()


@pytest.mark.parametrize("auth", ["session", "token"])
def test_post_creates_and_records_history(world, login, auth):
    client = login(world.town) if auth == "session" else _token_client("town")
    response = client.post(ENTERPRISES, _payload(), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    enterprise = Enterprise.objects.get(pk=body["id"])
    assert body["uscc"] == _valid_uscc()
    assert body["town_name"] == "南明街道"
    assert enterprise.name == NEW_NAME
    assert enterprise.uscc_state == "valid"
    assert enterprise.name_initials == body["name_initials"] != ""
    assert enterprise.created_by == world.town
    assert enterprise.history.count() == 1
    record = enterprise.history.get()
    assert record.history_type == "+"
    assert record.history_user == world.town
    assert record.history_path == ENTERPRISES


def test_patch_records_who_changed_what(world, login):
    enterprise = world.nanming_enterprise
    response = login(world.staff).patch(
        f"{ENTERPRISES}{enterprise.pk}/", {"employees": 888}, content_type="application/json"
    )
    assert response.status_code == 200
    record = enterprise.history.order_by("-history_date").first()
    assert record.history_type == "~"
    assert record.history_user == world.staff
    assert record.employees == 888
    enterprise.refresh_from_db()
    assert enterprise.updated_by == world.staff


def test_enterprise_user_cannot_rekey_its_enterprise(world, login):
    """Registered facts (code, name, town) stay as market regulation has them: a change is
    refused by name, and nothing else in the request is saved."""
    enterprise = world.own_enterprise
    client = login(world.enterprise)
    response = client.patch(
        f"{ENTERPRISES}{enterprise.pk}/",
        {"name": "改名后的公司", "employees": 150},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"name": ["您无权修改此字段。"]}
    enterprise.refresh_from_db()
    assert enterprise.name == "新昌县南明轴承有限公司" and enterprise.employees != 150

    # Sending them back unchanged, as a client echoing what it read does, is fine.
    response = client.patch(
        f"{ENTERPRISES}{enterprise.pk}/",
        {
            "name": enterprise.name,
            "town": enterprise.town_id,
            "employees": 150,
            "contact_phone": "0575-86001234",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    enterprise.refresh_from_db()
    assert enterprise.employees == 150
    assert enterprise.contact_phone == "0575-86001234"


def test_unknown_and_read_only_fields_are_refused_not_dropped(world, login):
    enterprise = world.nanming_enterprise
    url = f"{ENTERPRISES}{enterprise.pk}/"
    client = login(world.staff)
    current = client.get(url).json()

    response = client.patch(url, {"employes": 10}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"employes": ["没有这个字段。"]}

    response = client.patch(url, {"town_name": "七星街道"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"town_name": ["此字段只读，不能通过接口修改。"]}

    # The whole representation sent back with one change: read-only values unchanged pass.
    response = client.put(url, {**current, "employees": 321}, content_type="application/json")
    assert response.status_code == 200, response.json()
    enterprise.refresh_from_db()
    assert enterprise.employees == 321


# ---------------------------------------------------------------------------------------
# Nothing is hard-deleted; read-only endpoints stay read-only
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint", [ENTERPRISES, "/api/registry/institutions/", "/api/registry/people/"]
)
def test_there_is_no_delete(world, login, endpoint):
    target = {
        ENTERPRISES: world.own_enterprise,
        "/api/registry/institutions/": world.own_institution,
        "/api/registry/people/": world.own_person,
    }[endpoint]
    url = f"{endpoint}{target.pk}/"
    # Even the administrator, who holds every permission, finds no DELETE.
    assert login(world.admin).delete(url).status_code == 405
    # Staff lack the delete permission altogether.
    assert login(world.staff).delete(url).status_code == 403
    assert type(target).objects.filter(pk=target.pk).exists()


def test_qualifications_and_chains_are_read_only(world, login):
    qualification = QualificationFactory(enterprise=world.own_enterprise)
    client = login(world.admin)
    created = client.post(
        "/api/registry/qualifications/",
        {"enterprise": world.own_enterprise.pk, "kind": "hnte", "issued_on": "2025-01-01"},
        content_type="application/json",
    )
    assert created.status_code == 405
    changed = client.patch(
        f"/api/registry/qualifications/{qualification.pk}/",
        {"title": "改"},
        content_type="application/json",
    )
    assert changed.status_code == 405
    assert (
        client.post(
            "/api/registry/chains/", {"name": "新链"}, content_type="application/json"
        ).status_code
        == 405
    )
    assert Qualification.objects.count() == 1
    assert not IndustryChain.objects.filter(name="新链").exists()


def test_personal_fields_are_writable_in_the_schema_and_masked_to_others(world, login):
    schema = login(world.admin).get("/api/schema/", {"format": "json"}).json()
    person = schema["components"]["schemas"]["Person"]["properties"]
    assert not person["phone"].get("readOnly") and not person["id_number"].get("readOnly")
    world.own_person.phone = "13812345678"
    world.own_person.save()
    url = f"/api/registry/people/{world.own_person.pk}/"

    town = login(world.town)
    shown = town.get(url).json()
    assert shown["phone"] == "138****5678"
    # Echoing what was read changes nothing; a new value is refused, not dropped.
    response = town.put(url, {**shown, "title": "高级工程师"}, content_type="application/json")
    assert response.status_code == 200, response.json()
    world.own_person.refresh_from_db()
    assert (world.own_person.phone, world.own_person.title) == ("13812345678", "高级工程师")
    response = town.patch(url, {"phone": "13900000000"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"phone": ["您无权修改此字段。"]}

    staff = login(world.staff)
    assert staff.get(url).json()["phone"] == "13812345678"
    response = staff.patch(url, {"phone": "13900000000"}, content_type="application/json")
    assert response.status_code == 200
    world.own_person.refresh_from_db()
    assert world.own_person.phone == "13900000000"


def test_the_registry_api_moved_under_its_app_and_old_addresses_follow(world, login):
    client = login(world.staff)
    old = client.get("/api/enterprises/", {"q": "南明"})
    assert old.status_code == 308
    assert old["Location"] == "/api/registry/enterprises/?q=%E5%8D%97%E6%98%8E"
    assert client.get(old["Location"]).json()["count"] >= 1
    moved = client.post("/api/people/", {"name": "x"})
    assert (moved.status_code, moved["Location"]) == (308, "/api/registry/people/")
    detail = f"/api/institutions/{world.own_institution.pk}/"
    assert (
        client.get(detail)["Location"] == f"/api/registry/institutions/{world.own_institution.pk}/"
    )


def test_an_unknown_monitoring_list_is_refused_with_the_lists_there_are(world, login):
    response = login(world.staff).get("/api/monitoring/entries/", {"list": "top_everything"})
    assert response.status_code == 400
    assert response.json()["list"][0].startswith("没有名单“top_everything”。可用：top_spend")


@pytest.mark.parametrize(
    ("name", "value"),
    [("page_size", "abc"), ("page_size", "-1"), ("page_size", "0"), ("page", "abc"), ("page", "0")],
)
def test_malformed_paging_is_a_bad_request(world, login, name, value):
    response = login(world.staff).get(ENTERPRISES, {name: value})
    assert response.status_code == 400
    assert response.json()[name] == [f"应为正整数，收到“{value}”。"]


def test_a_page_beyond_the_last_is_not_found_and_last_is_the_last(world, login):
    client = login(world.staff)
    assert client.get(ENTERPRISES, {"page": 999}).status_code == 404
    assert client.get(ENTERPRISES, {"page": "last"}).status_code == 200
