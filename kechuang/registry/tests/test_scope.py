"""The scope matrix: every persona sees exactly its data scope on every surface.

One table (`SCOPE`) says which rows each persona may see and which permissions it holds;
every surface is checked against it: list pages and their result counts, keyword search,
detail and edit pages, Excel export, the dashboard and the API. Out-of-scope objects answer
404 (their existence is not disclosed), missing permissions answer 403. Personal data is
masked for users without `registry.view_pii_person`. The last part unit-tests the five
data-scope levels on `ScopeGrant` and `ScopedQuerySet.restrict` directly.

Long by design: the table and the walk over every surface stay together, so the matrix
reads whole.
"""

import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.urls import reverse
from openpyxl import load_workbook

from kechuang.accounts.choices import DataScope
from kechuang.accounts.models import Organisation, Role, User
from kechuang.accounts.services import create_user
from kechuang.conftest import NANMING, PASSWORD, PERSONAS, QIXING, SHARED_WORLD
from kechuang.core.scope import ScopeGrant
from kechuang.engines import uscc
from kechuang.registry.models import (
    ChainLink,
    Enterprise,
    IndustryChain,
    Institution,
    Person,
    Qualification,
)
from kechuang.registry.tests.factories import (
    IndustryChainFactory,
    InstitutionFactory,
    PersonFactory,
    QualificationFactory,
)

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

LISTS = ("enterprise", "qualification", "institution", "person", "industrychain")

PHONE = "13812341234"
MASKED_PHONE = "138****1234"
ID_NUMBER = "330624198001010013"
MASKED_ID_NUMBER = "330624********0013"

# Row keys -> the name that identifies the row on a page or in an export. Qualifications and
# chain links show their enterprise's name; the chain shows its own name.
NAMES = {
    "nanming_enterprise": "浙江新禾成生物医药股份有限公司",
    "own_enterprise": "新昌县南明轴承有限公司",
    "qixing_enterprise": "新昌县七星制冷配件有限公司",
    "own_institution": "新昌智能装备研究院",
    "other_institution": "七星生物医药研究院",
    "own_person": "王教授",
    "other_person": "李研究员",
    "enterprise_person": "赵工程师",
    "chain": "高端智能装备",
}
ENTERPRISES = frozenset({"nanming_enterprise", "own_enterprise", "qixing_enterprise"})
INSTITUTIONS = frozenset({"own_institution", "other_institution"})
PEOPLE = frozenset({"own_person", "other_person", "enterprise_person"})
QUALIFICATION_OF = {
    "nanming_qualification": "nanming_enterprise",
    "own_qualification": "own_enterprise",
    "qixing_qualification": "qixing_enterprise",
}

COUNTY = {"enterprise": ENTERPRISES, "institution": INSTITUTIONS, "person": PEOPLE}
IN_NANMING = {
    "enterprise": {"nanming_enterprise", "own_enterprise"},
    "institution": {"own_institution"},
    "person": {"own_person", "enterprise_person"},
}
IN_QIXING = {
    "enterprise": {"qixing_enterprise"},
    "institution": {"other_institution"},
    "person": {"other_person"},
}
OWN_ENTERPRISE = {
    "enterprise": {"own_enterprise"},
    "institution": set(),
    "person": {"enterprise_person"},
}
OWN_INSTITUTION = {
    "enterprise": set(),
    "institution": {"own_institution"},
    "person": {"own_person"},
}
NOTHING = {"enterprise": set(), "institution": set(), "person": set()}

ALL_LISTS = frozenset(LISTS)

# persona -> (rows in scope, lists it may view, models it may change, lists it may export)
SCOPE = {
    "admin": (COUNTY, ALL_LISTS, ALL_LISTS, ALL_LISTS),
    "leader": (
        COUNTY,
        ALL_LISTS,
        set(),
        {"enterprise", "qualification", "institution", "person", "industrychain"},
    ),
    "staff": (
        COUNTY,
        ALL_LISTS,
        ALL_LISTS,
        {"enterprise", "qualification", "institution", "person", "industrychain"},
    ),
    "town": (
        IN_NANMING,
        ALL_LISTS,
        ALL_LISTS,
        {"enterprise", "qualification", "institution", "person"},
    ),
    "other_town": (
        IN_QIXING,
        ALL_LISTS,
        ALL_LISTS,
        {"enterprise", "qualification", "institution", "person"},
    ),
    "enterprise": (
        OWN_ENTERPRISE,
        {"enterprise", "qualification", "person", "industrychain"},
        {"enterprise", "person"},
        {"enterprise"},
    ),
    "university": (
        OWN_INSTITUTION,
        {"institution", "person", "industrychain"},
        {"institution", "person"},
        {"person"},
    ),
    "outsider": (NOTHING, set(), set(), set()),
}


def rows_in_scope(persona: str) -> dict[str, set[str]]:
    return SCOPE[persona][0]


def may(persona: str, what: str, model: str) -> bool:
    index = {"view": 1, "change": 2, "export": 3}[what]
    return model in SCOPE[persona][index]


def model_of(key: str) -> str:
    if key in ENTERPRISES:
        return "enterprise"
    if key in INSTITUTIONS:
        return "institution"
    if key in PEOPLE:
        return "person"
    if key in QUALIFICATION_OF:
        return "qualification"
    return "industrychain"


def in_scope(persona: str, key: str) -> bool:
    model = model_of(key)
    if model == "industrychain":
        return True  # chains are the county's shared classification
    if model == "qualification":
        return QUALIFICATION_OF[key] in rows_in_scope(persona)["enterprise"]
    return key in rows_in_scope(persona)[model]


def expected_list_rows(persona: str, model: str) -> set[str]:
    """Keys whose names must appear on `model`'s list (qualifications show their enterprise)."""
    rows = rows_in_scope(persona)
    if model in ("enterprise", "qualification"):
        return set(rows["enterprise"])
    if model == "industrychain":
        return {"chain"}
    return set(rows[model])


def candidate_rows(model: str) -> frozenset[str]:
    if model in ("enterprise", "qualification"):
        return ENTERPRISES
    if model == "industrychain":
        return frozenset({"chain"})
    return {"institution": INSTITUTIONS, "person": PEOPLE}[model]


def expected_status(persona: str, what: str, key: str) -> int:
    model = model_of(key)
    if not may(persona, "view", model) or not may(persona, what, model):
        return 403
    if model == "industrychain" and what == "change" and persona in ("town", "other_town"):
        return 403  # the county's chains are kept by those whose scope is the county
    return 200 if in_scope(persona, key) else 404


@pytest.fixture
def rows(world):
    """The world's rows plus a person at the persona enterprise, qualifications and a chain."""
    enterprise_person = PersonFactory(
        name=NAMES["enterprise_person"],
        enterprise=world.own_enterprise,
        region_id=NANMING,
        phone=PHONE,
        id_number=ID_NUMBER,
    )
    chain = IndustryChainFactory(name=NAMES["chain"])
    found = {
        "nanming_enterprise": world.nanming_enterprise,
        "own_enterprise": world.own_enterprise,
        "qixing_enterprise": world.qixing_enterprise,
        "own_institution": world.own_institution,
        "other_institution": world.other_institution,
        "own_person": world.own_person,
        "other_person": world.other_person,
        "enterprise_person": enterprise_person,
        "chain": chain,
    }
    for key, enterprise_key in QUALIFICATION_OF.items():
        found[key] = QualificationFactory(enterprise=found[enterprise_key])
        ChainLink.objects.create(enterprise=found[enterprise_key], chain=chain, position="core")
    return found


def persona_user(world, persona: str) -> User:
    return getattr(world, persona)


@pytest.fixture
def as_persona(world, login):
    def _client(persona: str):
        return login(persona_user(world, persona))

    return _client


def result_count(html: str) -> int:
    match = re.search(r'data-testid="result-count">共 (\d+) 条<', html)
    assert match, "result-count badge missing"
    return int(match.group(1))


def table_of(html: str) -> str:
    """The results table of a list page (the page header also names the user's organisation)."""
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert len(tables) == 1, "expected exactly one results table"
    return tables[0]


def names_on(html: str, keys) -> set[str]:
    """Keys whose names appear in the results table of a list page."""
    table = table_of(html)
    return {key for key in keys if NAMES[key] in table}


def list_url(model: str) -> str:
    return reverse(f"registry:{model}_list")


def detail_url(key: str, obj) -> str:
    return reverse(f"registry:{model_of(key)}_detail", args=[obj.pk])


def edit_url(key: str, obj) -> str:
    return reverse(f"registry:{model_of(key)}_edit", args=[obj.pk])


def read_export(response) -> tuple[list[str], list[list[object]]]:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [str(h) for h in values[0]], values[1:]


# ---------------------------------------------------------------------------------------
# List pages: rows and result counts
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", LISTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_list_shows_exactly_the_rows_in_scope(rows, as_persona, persona, model):
    response = as_persona(persona).get(list_url(model))
    if not may(persona, "view", model):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    expected = expected_list_rows(persona, model)
    assert names_on(html, candidate_rows(model)) == expected
    assert result_count(html) == len(expected)


@pytest.mark.parametrize(
    "persona, enterprise_count",
    [
        ("admin", 3),
        ("leader", 3),
        ("staff", 3),
        ("town", 2),
        ("other_town", 1),
        ("enterprise", 1),
        ("university", 0),
    ],
)
def test_chain_list_counts_only_enterprises_in_scope(rows, as_persona, persona, enterprise_count):
    response = as_persona(persona).get(list_url("industrychain"))
    assert response.status_code == 200
    counts = {
        row.record.name: row.record.enterprise_count
        for row in response.context["table"].paginated_rows
    }
    assert counts == {NAMES["chain"]: enterprise_count}


@pytest.mark.parametrize(
    "persona, town, expected",
    [
        ("staff", NANMING, {"nanming_enterprise", "own_enterprise"}),
        ("staff", QIXING, {"qixing_enterprise"}),
        ("town", NANMING, {"nanming_enterprise", "own_enterprise"}),
        ("town", QIXING, set()),
        ("other_town", NANMING, set()),
        ("other_town", QIXING, {"qixing_enterprise"}),
        ("enterprise", QIXING, set()),
    ],
)
def test_town_filter_cannot_widen_the_scope(rows, as_persona, persona, town, expected):
    """Typing another town's code into the filter returns nothing rather than its rows."""
    response = as_persona(persona).get(list_url("enterprise"), {"town": town})
    assert response.status_code == 200
    html = response.content.decode()
    assert names_on(html, ENTERPRISES) == expected
    assert result_count(html) == len(expected)


# ---------------------------------------------------------------------------------------
# Keyword search: Chinese name, USCC prefix, pinyin initials
# ---------------------------------------------------------------------------------------

SEARCHES = [
    pytest.param("enterprise", "新禾成", "nanming_enterprise", id="enterprise-chinese"),
    pytest.param("enterprise", "xhc", "nanming_enterprise", id="enterprise-pinyin"),
    pytest.param("enterprise", "XHC", "nanming_enterprise", id="enterprise-pinyin-upper"),
    pytest.param(
        "enterprise", "uscc:nanming_enterprise", "nanming_enterprise", id="enterprise-uscc"
    ),
    pytest.param("enterprise", "七星制冷", "qixing_enterprise", id="enterprise-chinese-qixing"),
    pytest.param("qualification", "xhc", "nanming_enterprise", id="qualification-pinyin"),
    pytest.param("qualification", "uscc:own_enterprise", "own_enterprise", id="qualification-uscc"),
    pytest.param("institution", "znzb", "own_institution", id="institution-pinyin"),
    pytest.param("institution", "七星生物", "other_institution", id="institution-chinese"),
    pytest.param("person", "王教授", "own_person", id="person-chinese"),
    pytest.param("person", "lyjy", "other_person", id="person-pinyin"),
]


def _query(value: str, rows) -> str:
    if value.startswith("uscc:"):
        # Everything but the check character, lower-cased: a prefix the user might type.
        return rows[value[5:]].uscc[:-1].lower()
    return value


@pytest.mark.parametrize("model, query, target", SEARCHES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_search_finds_only_rows_in_scope(rows, as_persona, persona, model, query, target):
    response = as_persona(persona).get(list_url(model), {"q": _query(query, rows)})
    if not may(persona, "view", model):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    expected = {target} if target in expected_list_rows(persona, model) else set()
    assert names_on(html, candidate_rows(model)) == expected
    assert result_count(html) == len(expected)


@pytest.mark.parametrize(
    "persona, found",
    [
        ("admin", True),
        ("leader", True),
        ("staff", True),
        ("town", True),
        ("other_town", False),
        ("enterprise", False),
    ],
)
def test_pinyin_initials_xhc(rows, as_persona, persona, found):
    html = as_persona(persona).get(list_url("enterprise"), {"q": "xhc"}).content.decode()
    assert names_on(html, ENTERPRISES) == ({"nanming_enterprise"} if found else set())
    assert result_count(html) == (1 if found else 0)


@pytest.mark.parametrize("persona", ["admin", "staff", "town", "other_town", "enterprise"])
def test_shared_uscc_prefix_returns_the_whole_scope(rows, as_persona, persona):
    """A prefix every county code shares matches every enterprise, yet only those in scope."""
    html = as_persona(persona).get(list_url("enterprise"), {"q": "91330624"}).content.decode()
    assert names_on(html, ENTERPRISES) == rows_in_scope(persona)["enterprise"]


# ---------------------------------------------------------------------------------------
# Detail and edit pages
# ---------------------------------------------------------------------------------------

DETAIL_KEYS = sorted(ENTERPRISES | INSTITUTIONS | PEOPLE | {"chain"})
EDIT_KEYS = sorted(ENTERPRISES | INSTITUTIONS | PEOPLE | set(QUALIFICATION_OF) | {"chain"})


@pytest.mark.parametrize("key", DETAIL_KEYS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_page(rows, as_persona, persona, key):
    response = as_persona(persona).get(detail_url(key, rows[key]))
    expected = expected_status(persona, "view", key)
    assert response.status_code == expected
    if expected == 200:
        assert NAMES[key] in response.content.decode()


@pytest.mark.parametrize("key", EDIT_KEYS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_edit_page(rows, as_persona, persona, key):
    response = as_persona(persona).get(edit_url(key, rows[key]))
    expected = expected_status(persona, "change", key)
    assert response.status_code == expected
    if expected == 200:
        assert response.context["form"].instance.pk == rows[key].pk


@pytest.mark.parametrize("model", ["enterprise", "qualification", "institution", "person"])
def test_leader_is_read_only_on_pages(rows, as_persona, model):
    client = as_persona("leader")
    assert client.get(reverse(f"registry:{model}_add")).status_code == 403
    assert client.post(reverse(f"registry:{model}_add"), {"name": "任意"}).status_code == 403


def test_leader_cannot_post_an_edit(rows, as_persona):
    enterprise = rows["nanming_enterprise"]
    response = as_persona("leader").post(
        edit_url("nanming_enterprise", enterprise), {"name": "被改名的企业"}
    )
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.name == NAMES["nanming_enterprise"]


@pytest.mark.parametrize("target", ["nanming_enterprise", "qixing_enterprise"])
def test_enterprise_user_cannot_reach_another_enterprise_by_id(rows, as_persona, target):
    client = as_persona("enterprise")
    pk = rows[target].pk
    assert client.get(reverse("registry:enterprise_detail", args=[pk])).status_code == 404
    assert client.get(reverse("registry:enterprise_edit", args=[pk])).status_code == 404
    assert client.get(f"/api/registry/enterprises/{pk}/").status_code == 404
    patch = client.patch(
        f"/api/registry/enterprises/{pk}/", {"employees": 1}, content_type="application/json"
    )
    assert patch.status_code == 404
    # Its own enterprise, by contrast, is reachable.
    own = rows["own_enterprise"].pk
    assert client.get(reverse("registry:enterprise_detail", args=[own])).status_code == 200


def _enterprise_form(town: str, name: str = "新昌县跨镇测试机械有限公司") -> dict:
    return {
        "uscc": uscc.make("91", "330624", "MA7C0001"),
        "name": name,
        "town": town,
        "industry": "3451",
        "founded_on": "2020-01-01",
        "status": "active",
        "size_class": "small",
    }


def test_town_officer_cannot_file_an_enterprise_in_another_town(rows, as_persona):
    before = Enterprise.objects.count()
    response = as_persona("town").post(reverse("registry:enterprise_add"), _enterprise_form(QIXING))
    assert response.status_code == 200
    assert response.context["form"].errors["town"] == ["该乡镇街道不在您的数据范围内。"]
    assert "该乡镇街道不在您的数据范围内。" in response.content.decode()
    assert Enterprise.objects.count() == before
    assert not Enterprise.objects.filter(name="新昌县跨镇测试机械有限公司").exists()


def test_town_officer_files_an_enterprise_in_own_town(rows, as_persona):
    response = as_persona("town").post(
        reverse("registry:enterprise_add"), _enterprise_form(NANMING)
    )
    assert response.status_code == 302
    created = Enterprise.objects.get(name="新昌县跨镇测试机械有限公司")
    assert created.town_id == NANMING


@pytest.mark.parametrize("persona", ["town", "enterprise"])
def test_edit_cannot_move_a_row_out_of_scope(rows, as_persona, persona):
    """Posting an out-of-scope town on an in-scope enterprise never moves it there."""
    enterprise = rows["own_enterprise"]
    data = _enterprise_form(QIXING, name=enterprise.name)
    data["uscc"] = enterprise.uscc
    as_persona(persona).post(edit_url("own_enterprise", enterprise), data)
    enterprise.refresh_from_db()
    assert enterprise.town_id == NANMING


# ---------------------------------------------------------------------------------------
# Excel export
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", LISTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_export_contains_exactly_the_rows_in_scope(rows, as_persona, persona, model):
    response = as_persona(persona).get(list_url(model), {"export": "xlsx"})
    if not (may(persona, "view", model) and may(persona, "export", model)):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    headers, body = read_export(response)
    exported = {str(row[0]) for row in body}
    expected = {NAMES[key] for key in expected_list_rows(persona, model)}
    assert exported == expected
    assert len(body) == len(expected)
    if model == "industrychain":
        count = body[0][headers.index("链上企业")]
        assert count == len(rows_in_scope(persona)["enterprise"])


def test_export_honours_the_search(rows, as_persona):
    response = as_persona("staff").get(list_url("enterprise"), {"export": "xlsx", "q": "xhc"})
    _, body = read_export(response)
    assert [row[0] for row in body] == [NAMES["nanming_enterprise"]]


# ---------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, count",
    [
        ("admin", 3),
        ("leader", 3),
        ("staff", 3),
        ("town", 2),
        ("other_town", 1),
        ("outsider", 0),
    ],
)
def test_dashboard_counts_only_the_scope(rows, as_persona, persona, count):
    response = as_persona(persona).get(reverse("home"))
    assert response.status_code == 200
    match = re.search(r'data-testid="enterprise-count">([\d,]+)<', response.content.decode())
    assert match
    assert int(match.group(1).replace(",", "")) == count
    assert response.context["institution_count"] == len(rows_in_scope(persona)["institution"])
    assert response.context["person_count"] == len(rows_in_scope(persona)["person"])


@pytest.mark.parametrize(
    "persona, landing",
    [("enterprise", "own_enterprise"), ("university", "own_institution")],
)
def test_member_users_land_on_their_own_page(world, login, persona, landing):
    response = login(getattr(world, persona)).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == getattr(world, landing).get_absolute_url()


# ---------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------

ENDPOINTS = {
    "enterprise": "/api/registry/enterprises/",
    "qualification": "/api/registry/qualifications/",
    "institution": "/api/registry/institutions/",
    "person": "/api/registry/people/",
    "industrychain": "/api/registry/chains/",
}
API_DETAIL_KEYS = sorted(ENTERPRISES | INSTITUTIONS | PEOPLE | set(QUALIFICATION_OF) | {"chain"})


def api_rows(persona: str, model: str, rows) -> set[int]:
    if model == "qualification":
        keys = {q for q, e in QUALIFICATION_OF.items() if e in rows_in_scope(persona)["enterprise"]}
    elif model == "industrychain":
        keys = {"chain"}
    else:
        keys = rows_in_scope(persona)[model]
    return {rows[key].pk for key in keys}


@pytest.mark.parametrize("model", LISTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_list(rows, as_persona, persona, model):
    response = as_persona(persona).get(ENDPOINTS[model])
    if not may(persona, "view", model):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    data = response.json()
    assert {item["id"] for item in data["results"]} == api_rows(persona, model, rows)
    assert data["count"] == len(api_rows(persona, model, rows))


@pytest.mark.parametrize("key", API_DETAIL_KEYS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_detail(rows, as_persona, persona, key):
    pk = rows[key].pk
    response = as_persona(persona).get(f"{ENDPOINTS[model_of(key)]}{pk}/")
    expected = expected_status(persona, "view", key)
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["id"] == pk


@pytest.mark.parametrize(
    "key", ["nanming_enterprise", "nanming_qualification", "own_institution", "own_person", "chain"]
)
def test_api_requires_authentication(rows, client, key):
    endpoint = ENDPOINTS[model_of(key)]
    assert client.get(endpoint).status_code == 401
    assert client.get(f"{endpoint}{rows[key].pk}/").status_code == 401


@pytest.mark.parametrize("method", ["post", "patch"])
def test_api_leader_is_read_only(rows, as_persona, method):
    client = as_persona("leader")
    if method == "post":
        response = client.post(
            ENDPOINTS["enterprise"], _enterprise_form(NANMING), content_type="application/json"
        )
    else:
        response = client.patch(
            f"/api/registry/enterprises/{rows['nanming_enterprise'].pk}/",
            {"employees": 7},
            content_type="application/json",
        )
    assert response.status_code == 403
    assert not Enterprise.objects.filter(employees=7).exists()
    assert not Enterprise.objects.filter(name="新昌县跨镇测试机械有限公司").exists()


@pytest.mark.parametrize(
    "persona, key",
    [
        ("town", "nanming_enterprise"),
        ("staff", "qixing_enterprise"),
        ("enterprise", "own_enterprise"),
    ],
)
def test_api_patch_in_scope(rows, as_persona, persona, key):
    enterprise = rows[key]
    response = as_persona(persona).patch(
        f"/api/registry/enterprises/{enterprise.pk}/",
        {"employees": 321},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["employees"] == 321
    enterprise.refresh_from_db()
    assert enterprise.employees == 321


@pytest.mark.parametrize(
    "persona, key",
    [
        ("town", "qixing_enterprise"),
        ("other_town", "nanming_enterprise"),
        ("enterprise", "nanming_enterprise"),
    ],
)
def test_api_patch_out_of_scope_is_404(rows, as_persona, persona, key):
    enterprise = rows[key]
    before = enterprise.employees
    response = as_persona(persona).patch(
        f"/api/registry/enterprises/{enterprise.pk}/",
        {"employees": 321},
        content_type="application/json",
    )
    assert response.status_code == 404
    enterprise.refresh_from_db()
    assert enterprise.employees == before


def test_api_patch_cannot_move_an_enterprise_out_of_scope(rows, as_persona):
    enterprise = rows["nanming_enterprise"]
    response = as_persona("town").patch(
        f"/api/registry/enterprises/{enterprise.pk}/",
        {"town": QIXING},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "town" in response.json()
    enterprise.refresh_from_db()
    assert enterprise.town_id == NANMING


# ---------------------------------------------------------------------------------------
# Personal data masking (PIPL)
# ---------------------------------------------------------------------------------------

PII = [
    pytest.param("town", "own_person", True, id="town-masked"),
    pytest.param("leader", "own_person", True, id="leader-masked"),
    pytest.param("enterprise", "enterprise_person", True, id="enterprise-masked"),
    pytest.param("staff", "own_person", False, id="staff-full"),
    pytest.param("university", "own_person", False, id="university-full"),
]


def _assert_phone(text: str, masked: bool) -> None:
    if masked:
        assert MASKED_PHONE in text
        assert PHONE not in text
    else:
        assert PHONE in text


@pytest.mark.parametrize("persona, key, masked", PII)
def test_person_phone_on_list(rows, as_persona, persona, key, masked):
    html = as_persona(persona).get(list_url("person")).content.decode()
    assert NAMES[key] in html
    _assert_phone(html, masked)


@pytest.mark.parametrize("persona, key, masked", PII)
def test_person_phone_and_id_number_on_detail(rows, as_persona, persona, key, masked):
    response = as_persona(persona).get(detail_url(key, rows[key]))
    assert response.status_code == 200
    html = response.content.decode()
    _assert_phone(html, masked)
    if masked:
        assert MASKED_ID_NUMBER in html
        assert ID_NUMBER not in html
    else:
        assert ID_NUMBER in html


@pytest.mark.parametrize("persona, key, masked", PII)
def test_person_phone_in_export(rows, as_persona, persona, key, masked):
    response = as_persona(persona).get(list_url("person"), {"export": "xlsx"})
    if not may(persona, "export", "person"):
        assert response.status_code == 403
        return
    headers, body = read_export(response)
    phones = {row[headers.index("手机号")] for row in body}
    assert phones == {MASKED_PHONE if masked else PHONE}


@pytest.mark.parametrize("persona, key, masked", PII)
def test_person_phone_and_id_number_in_api(rows, as_persona, persona, key, masked):
    client = as_persona(persona)
    listed = client.get(ENDPOINTS["person"]).json()["results"]
    assert listed
    assert {item["phone"] for item in listed} == {MASKED_PHONE if masked else PHONE}
    detail = client.get(f"{ENDPOINTS['person']}{rows[key].pk}/").json()
    assert detail["phone"] == (MASKED_PHONE if masked else PHONE)
    assert detail["id_number"] == (MASKED_ID_NUMBER if masked else ID_NUMBER)


def test_institution_page_masks_its_people(rows, as_persona):
    masked = as_persona("town").get(detail_url("own_institution", rows["own_institution"]))
    _assert_phone(masked.content.decode(), masked=True)
    full = as_persona("staff").get(detail_url("own_institution", rows["own_institution"]))
    _assert_phone(full.content.decode(), masked=False)


def test_change_history_does_not_reveal_personal_data(rows, as_persona):
    """A phone changed by the bureau shows in the person's history only to those allowed."""
    person = rows["own_person"]
    response = as_persona("staff").post(
        edit_url("own_person", person),
        {
            "name": person.name,
            "kind": person.kind,
            "region": NANMING,
            "institution": person.institution_id,
            "phone": "13900001111",
            "id_number": ID_NUMBER,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.phone == "13900001111"

    staff_html = as_persona("staff").get(detail_url("own_person", person)).content.decode()
    assert PHONE in staff_html and "13900001111" in staff_html

    town_html = as_persona("town").get(detail_url("own_person", person)).content.decode()
    assert "手机号" in town_html
    assert PHONE not in town_html
    assert "13900001111" not in town_html
    assert MASKED_PHONE in town_html and "139****1111" in town_html


def test_enterprise_contact_phone_history_is_masked_for_leader(rows, as_persona):
    enterprise = rows["nanming_enterprise"]
    enterprise.contact_phone = "0575-86001234"
    enterprise.save()
    enterprise.contact_phone = "0575-86005678"
    enterprise.save()
    leader_html = as_persona("leader").get(detail_url("nanming_enterprise", enterprise))
    text = leader_html.content.decode()
    assert "0575-86001234" not in text
    assert "0575-86005678" not in text
    staff_html = as_persona("staff").get(detail_url("nanming_enterprise", enterprise))
    assert "0575-86001234" in staff_html.content.decode()


def test_enterprise_page_lists_only_people_in_scope(rows, as_persona):
    """A person filed under another town stays hidden on the enterprise page too."""
    enterprise = rows["nanming_enterprise"]
    PersonFactory(name="钱外镇", enterprise=enterprise, region_id=QIXING)
    PersonFactory(name="孙本镇", enterprise=enterprise, region_id=NANMING)
    town_html = as_persona("town").get(detail_url("nanming_enterprise", enterprise))
    assert "孙本镇" in town_html.content.decode()
    assert "钱外镇" not in town_html.content.decode()
    staff_html = as_persona("staff").get(detail_url("nanming_enterprise", enterprise))
    assert "钱外镇" in staff_html.content.decode()


# ---------------------------------------------------------------------------------------
# ScopeGrant and restrict: the five data-scope levels
# ---------------------------------------------------------------------------------------


def _role(name: str, scope: str, perms: list[str], custom_orgs=()) -> Role:
    group = Group.objects.create(name=name)
    for code in perms:
        app_label, codename = code.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    role = Role.objects.create(group=group, name=name, data_scope=scope)
    role.custom_orgs.set(custom_orgs)
    return role


VIEW_ALL = [
    "registry.view_enterprise",
    "registry.view_institution",
    "registry.view_person",
    "registry.view_qualification",
]


def _user_with(username: str, org_name: str, scope: str, custom_orgs=()) -> User:
    role = _role(f"测试角色-{username}", scope, VIEW_ALL, custom_orgs)
    user = create_user(
        username, PASSWORD, organisation=Organisation.objects.get(name=org_name), roles=[role]
    )
    return User.objects.get(pk=user.pk)


def _names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


@pytest.fixture
def county_institution(world):
    """An institution filed at county level (not under any town)."""
    return InstitutionFactory(name="新昌县科技创新服务中心", region_id="330624")


def test_scope_all(world, county_institution):
    user = _user_with("scope_all", "南明街道", DataScope.ALL)
    grant = user.scope_grant()
    assert grant.everything
    assert grant.q(Enterprise.scope_paths) is None
    assert _names(Enterprise.objects.restrict(user)) == {
        NAMES["nanming_enterprise"],
        NAMES["own_enterprise"],
        NAMES["qixing_enterprise"],
    }
    assert county_institution.name in _names(Institution.objects.restrict(user))


def test_scope_custom_organisations(world, county_institution):
    qixing = Organisation.objects.get(name="七星街道")
    user = _user_with("scope_custom", "南明街道", DataScope.CUSTOM, custom_orgs=[qixing])
    grant = user.scope_grant()
    assert not grant.everything
    assert grant.region_prefixes == {QIXING}
    assert qixing.pk in grant.org_ids
    assert _names(Enterprise.objects.restrict(user)) == {NAMES["qixing_enterprise"]}
    assert _names(Institution.objects.restrict(user)) == {NAMES["other_institution"]}
    assert _names(Person.objects.restrict(user)) == {"李研究员"}
    QualificationFactory(enterprise=world.qixing_enterprise)
    QualificationFactory(enterprise=world.nanming_enterprise)
    assert set(Qualification.objects.restrict(user).values_list("enterprise__name", flat=True)) == {
        NAMES["qixing_enterprise"]
    }


def test_scope_own_organisation_only(world, county_institution):
    """本组织: the bureau's own (county-level) rows, not the towns' rows below it."""
    user = _user_with("scope_org", "新昌县科学技术局", DataScope.ORG)
    grant = user.scope_grant()
    assert grant.region_codes == {"330624"}
    assert grant.region_prefixes == set()
    assert _names(Enterprise.objects.restrict(user)) == set()
    assert _names(Institution.objects.restrict(user)) == {county_institution.name}

    town_user = _user_with("scope_org_town", "南明街道", DataScope.ORG)
    assert _names(Enterprise.objects.restrict(town_user)) == {
        NAMES["nanming_enterprise"],
        NAMES["own_enterprise"],
    }


def test_scope_own_organisation_and_below(world, county_institution):
    user = _user_with("scope_below", "新昌县科学技术局", DataScope.ORG_AND_BELOW)
    grant = user.scope_grant()
    assert grant.region_prefixes == {"330624"}
    assert Organisation.objects.get(name="南明街道").pk in grant.org_ids
    assert Organisation.objects.get(name="嵊州市科学技术局").pk not in grant.org_ids
    assert _names(Enterprise.objects.restrict(user)) == {
        NAMES["nanming_enterprise"],
        NAMES["own_enterprise"],
        NAMES["qixing_enterprise"],
    }
    assert _names(Institution.objects.restrict(user)) == {
        NAMES["own_institution"],
        NAMES["other_institution"],
        county_institution.name,
    }


def test_scope_self(world):
    user = _user_with("scope_self", "南明街道", DataScope.SELF)
    mine = PersonFactory(name="周本人", user=user, region_id=QIXING)
    grant = user.scope_grant()
    assert grant.region_prefixes == set() and grant.region_codes == set()
    assert grant.org_ids == set()
    assert grant.owner_id == user.pk
    assert list(Person.objects.restrict(user)) == [mine]
    # Models without an owner path show nothing under 仅本人.
    assert not Enterprise.objects.restrict(user).exists()
    assert not Institution.objects.restrict(user).exists()


def test_restrict_needs_the_permission_for_the_action(world):
    user = _user_with("scope_view_only", "新昌县科学技术局", DataScope.ALL)
    assert Enterprise.objects.restrict(user, "view").count() == 3
    assert Enterprise.objects.restrict(user, "change").count() == 0
    assert Enterprise.objects.restrict(user, "export").count() == 0


def test_restrict_refuses_anonymous_and_inactive_users(world):
    assert not Enterprise.objects.restrict(AnonymousUser()).exists()
    assert not Enterprise.objects.restrict(None).exists()
    admin = User.objects.get(pk=world.admin.pk)
    assert Enterprise.objects.restrict(admin).count() == 3
    admin.is_active = False
    assert not Enterprise.objects.restrict(admin).exists()


def test_grant_union_of_several_roles(world):
    """Two roles add up: a town's rows plus a custom organisation's rows."""
    qixing = Organisation.objects.get(name="七星街道")
    town_role = _role("测试-本镇", DataScope.ORG_AND_BELOW, VIEW_ALL)
    custom_role = _role("测试-七星", DataScope.CUSTOM, VIEW_ALL, custom_orgs=[qixing])
    user = create_user(
        "scope_union",
        PASSWORD,
        organisation=Organisation.objects.get(name="南明街道"),
        roles=[town_role, custom_role],
    )
    user = User.objects.get(pk=user.pk)
    assert user.scope_grant().region_prefixes == {NANMING, QIXING}
    assert Enterprise.objects.restrict(user).count() == 3


def test_empty_grant_matches_nothing(world):
    chain = IndustryChainFactory()
    ChainLink.objects.create(enterprise=world.nanming_enterprise, chain=chain, position="core")
    for model in (Enterprise, Institution, Person, ChainLink):
        condition = ScopeGrant().q(model.scope_paths)
        assert condition is not None
        assert model.objects.exists()
        assert not model.objects.filter(condition).exists(), model


def test_model_without_scope_paths_is_not_filtered(rows, world):
    """Industry chains are the county's shared classification: permission alone decides."""
    town = User.objects.get(pk=world.town.pk)
    assert IndustryChain.objects.restrict(town).count() == IndustryChain.objects.count() == 1
    assert not IndustryChain.objects.restrict(world.outsider).exists()
