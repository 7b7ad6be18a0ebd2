"""Registry forms through the edit pages: enterprises, qualifications and people.

Long because every rule of the three forms is tested at its boundaries, one section per form."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kechuang.conftest import NANMING, QIXING, SHARED_WORLD
from kechuang.core.forms import WanField
from kechuang.engines import uscc
from kechuang.registry.forms import PersonForm, QualificationForm
from kechuang.registry.models import Enterprise, EnterpriseFormerName, Person, Qualification
from kechuang.registry.tests.factories import EnterpriseFactory, QualificationFactory

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

PILOT_CODE = "91350100M0001TGQXM"
FORMAT_MESSAGE = "统一社会信用代码格式不正确：应为18位，由数字和大写字母组成（不含I、O、Z、S、V）。"
D = datetime.date


def code(n: int) -> str:
    return uscc.make("91", "330624", f"FM{n:06d}")


def enterprise_data(**changes) -> dict:
    data = {
        "uscc": code(1),
        "name": "新昌县表单测试精工有限公司",
        "town": NANMING,
        "industry": "3451",
        "founded_on": "2015-06-18",
        "registered_capital": "500",  # 万元, as the form takes it
        "employees": "120",
        "size_class": "small",
        "status": "active",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def edit_data(enterprise: Enterprise, **changes) -> dict:
    data = enterprise_data(
        uscc=enterprise.uscc,
        name=enterprise.name,
        town=enterprise.town_id,
        industry=enterprise.industry_id,
        founded_on=enterprise.founded_on.isoformat(),
        registered_capital=WanField.from_yuan(enterprise.registered_capital),
        employees=str(enterprise.employees),
        size_class=enterprise.size_class,
        status=enterprise.status,
    )
    data.update(changes)
    return data


def add_enterprise(client, **changes):
    return client.post(reverse("registry:enterprise_add"), enterprise_data(**changes))


def errors_of(response) -> dict:
    assert response.status_code == 200, "the form was expected to be shown again with errors"
    return response.context["form"].errors


# -- EnterpriseForm -----------------------------------------------------------------------


def test_valid_enterprise_is_saved_with_normalised_code(world, login):
    response = add_enterprise(
        login(world.staff), uscc=" " + code(1).lower()[:9] + " " + code(1)[9:]
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(uscc=code(1))
    assert enterprise.uscc_state == "valid"
    assert response["Location"] == enterprise.get_absolute_url()


def test_founding_date_lies_between_1950_and_today(world, login):
    client = login(world.staff)
    today = timezone.localdate()
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert errors_of(add_enterprise(client, founded_on=tomorrow))["founded_on"] == [
        f"成立日期不能晚于今天（{today.isoformat()}）。"
    ]
    assert errors_of(add_enterprise(client, founded_on="2030-01-01"))["founded_on"] == [
        f"成立日期不能晚于今天（{today.isoformat()}）。"
    ]
    assert errors_of(add_enterprise(client, founded_on="1949-12-31"))["founded_on"] == [
        "成立日期不能早于1950年。"
    ]
    assert add_enterprise(client, founded_on=today.isoformat()).status_code == 302
    assert add_enterprise(client, uscc=code(2), founded_on="1950-01-01").status_code == 302


@pytest.mark.parametrize(
    "bad",
    [
        "91330624FM00000",  # 15 characters
        code(1) + "1",  # 19 characters
        code(1)[:10] + "O" + code(1)[11:],
        code(1)[:10] + "I" + code(1)[11:],
        code(1)[:10] + "Z" + code(1)[11:],
        code(1)[:10] + "S" + code(1)[11:],
        code(1)[:10] + "V" + code(1)[11:],
        "91A30624FM0000011X",  # letter in the region part
        "新昌县统一社会信用代码",
    ],
)
def test_bad_uscc_format_message(world, login, bad):
    response = add_enterprise(login(world.staff), uscc=bad)
    assert errors_of(response)["uscc"] == [FORMAT_MESSAGE]
    assert FORMAT_MESSAGE in response.content.decode()
    assert not Enterprise.objects.filter(name="新昌县表单测试精工有限公司").exists()


def test_missing_uscc_is_required(world, login):
    response = add_enterprise(login(world.staff), uscc="")
    assert errors_of(response)["uscc"] == ["该字段是必填项。"]


def test_bad_check_character_names_the_expected_one(world, login):
    good = code(1)
    wrong = good[:17] + ("A" if good[17] != "A" else "B")
    response = add_enterprise(login(world.staff), uscc=wrong)
    message = errors_of(response)["uscc"][0]
    assert message.startswith(f"统一社会信用代码校验位错误：第18位应为“{good[17]}”。")
    assert "确认为早期试点代码" in message
    assert not Enterprise.objects.filter(uscc=wrong).exists()


def test_legacy_pilot_code_needs_explicit_confirmation(world, login):
    client = login(world.staff)
    refused = add_enterprise(client, uscc=PILOT_CODE)
    assert "第18位应为“1”" in errors_of(refused)["uscc"][0]
    assert not Enterprise.objects.filter(uscc=PILOT_CODE).exists()

    accepted = add_enterprise(client, uscc=PILOT_CODE, confirm_legacy_uscc="on")
    assert accepted.status_code == 302
    enterprise = Enterprise.objects.get(uscc=PILOT_CODE)
    assert enterprise.uscc_state == "legacy"

    detail = client.get(enterprise.get_absolute_url()).content.decode()
    assert "早期试点代码" in detail and "alert-warning" in detail
    listing = client.get(reverse("registry:enterprise_list"), {"q": PILOT_CODE}).content.decode()
    assert "试点" in listing

    form = client.get(reverse("registry:enterprise_edit", args=[enterprise.pk])).context["form"]
    assert form["confirm_legacy_uscc"].value() is True


def test_confirmation_does_not_mark_a_valid_code_as_legacy(world, login):
    response = add_enterprise(login(world.staff), confirm_legacy_uscc="on")
    assert response.status_code == 302
    assert Enterprise.objects.get(uscc=code(1)).uscc_state == "valid"


def test_confirmation_does_not_excuse_a_format_error(world, login):
    response = add_enterprise(login(world.staff), uscc=PILOT_CODE[:17], confirm_legacy_uscc="on")
    assert errors_of(response)["uscc"] == [FORMAT_MESSAGE]


def test_correcting_a_legacy_code_makes_it_valid(world, login):
    enterprise = EnterpriseFactory(uscc=PILOT_CODE, uscc_state="legacy")
    client = login(world.staff)
    url = reverse("registry:enterprise_edit", args=[enterprise.pk])
    assert client.post(url, edit_data(enterprise, uscc=code(2))).status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.uscc, enterprise.uscc_state) == (code(2), "valid")


def test_editing_a_legacy_enterprise_without_confirmation_is_refused(world, login):
    enterprise = EnterpriseFactory(uscc=PILOT_CODE, uscc_state="legacy", employees=5)
    client = login(world.staff)
    url = reverse("registry:enterprise_edit", args=[enterprise.pk])
    response = client.post(url, edit_data(enterprise, employees="6"))
    assert "第18位应为“1”" in errors_of(response)["uscc"][0]
    response = client.post(url, edit_data(enterprise, employees="6", confirm_legacy_uscc="on"))
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.employees, enterprise.uscc_state) == (6, "legacy")


def test_duplicate_code_is_refused_even_when_typed_differently(world, login):
    existing = world.own_enterprise
    response = add_enterprise(login(world.staff), uscc=existing.uscc.lower())
    assert "已登记" in errors_of(response)["uscc"][0]
    assert Enterprise.objects.filter(uscc=existing.uscc).count() == 1


@pytest.mark.parametrize(
    ("legacy_reg_no", "message"),
    [
        ("330624000012345", None),
        ("33062400001234", "原工商注册号应为15位数字。"),
        ("33062400001234A", "原工商注册号应为15位数字。"),
        ("3306240000123456", "确保该变量包含不超过 15 字符 (目前字符数 16)。"),
    ],
)
def test_legacy_registration_number_is_15_digits(world, login, legacy_reg_no, message):
    response = add_enterprise(login(world.staff), legacy_reg_no=legacy_reg_no)
    if message is None:
        assert response.status_code == 302
        assert Enterprise.objects.get(uscc=code(1)).legacy_reg_no == legacy_reg_no
    else:
        assert errors_of(response)["legacy_reg_no"] == [message]


def test_listed_enterprise_needs_a_stock_code(world, login):
    client = login(world.staff)
    response = add_enterprise(client, is_listed="on")
    assert errors_of(response)["stock_code"] == ["上市企业请填写股票代码。"]
    assert "上市企业请填写股票代码。" in response.content.decode()
    response = add_enterprise(client, is_listed="on", stock_code="002001")
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(uscc=code(1))
    assert (enterprise.is_listed, enterprise.stock_code) == (True, "002001")


def test_stock_code_without_listing_is_allowed(world, login):
    assert add_enterprise(login(world.staff), stock_code="002001").status_code == 302


@pytest.mark.parametrize(
    "phone", ["0575-8601234a", "电话86012345", "--", "１３８１２３４１２３４", "+8613812341234"]
)
def test_bad_contact_phone(world, login, phone):
    response = add_enterprise(login(world.staff), contact_phone=phone)
    assert errors_of(response)["contact_phone"] == ["联系电话只能包含数字和“-”。"]


@pytest.mark.parametrize("phone", ["0575-86012345", "13812341234", "86012345"])
def test_good_contact_phone(world, login, phone):
    assert add_enterprise(login(world.staff), contact_phone=phone).status_code == 302
    assert Enterprise.objects.get(uscc=code(1)).contact_phone == phone


def test_town_user_cannot_file_an_enterprise_in_another_town(world, login):
    response = add_enterprise(login(world.town), town=QIXING)
    assert errors_of(response)["town"] == ["该乡镇街道不在您的数据范围内。"]
    assert add_enterprise(login(world.town), town=NANMING).status_code == 302


def test_renaming_keeps_the_former_name_and_search_still_finds_it(world, login):
    enterprise = world.own_enterprise
    old_name = enterprise.name
    client = login(world.staff)
    url = reverse("registry:enterprise_edit", args=[enterprise.pk])

    assert client.post(url, edit_data(enterprise, employees="121")).status_code == 302
    assert not EnterpriseFormerName.objects.filter(enterprise=enterprise).exists()

    response = client.post(url, edit_data(enterprise, name="浙江南明精密轴承股份有限公司"))
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "浙江南明精密轴承股份有限公司"
    assert enterprise.name_initials == "zjnmjmzcgfyxgs"
    former = EnterpriseFormerName.objects.get(enterprise=enterprise)
    assert former.name == old_name
    assert former.until == timezone.localdate()

    listing = client.get(reverse("registry:enterprise_list"), {"q": old_name})
    assert list(listing.context["filter"].qs) == [enterprise]
    assert "浙江南明精密轴承股份有限公司" in listing.content.decode()
    fragment = client.get(reverse("registry:enterprise_list"), {"q": "南明轴承"})
    assert list(fragment.context["filter"].qs) == [enterprise]
    unrelated = client.get(reverse("registry:enterprise_list"), {"q": "不存在的曾用名"})
    assert list(unrelated.context["filter"].qs) == []

    detail = client.get(enterprise.get_absolute_url()).content.decode()
    assert old_name in detail


def test_former_names_do_not_leak_out_of_scope(world, login):
    enterprise = world.qixing_enterprise
    old_name = enterprise.name
    enterprise.name = "新昌县七星新名称有限公司"
    enterprise.save()
    town_listing = login(world.town).get(reverse("registry:enterprise_list"), {"q": old_name})
    assert list(town_listing.context["filter"].qs) == []
    staff_listing = login(world.staff).get(reverse("registry:enterprise_list"), {"q": old_name})
    assert list(staff_listing.context["filter"].qs) == [enterprise]


# -- QualificationForm --------------------------------------------------------------------


def qualification_data(enterprise, **changes) -> dict:
    data = {
        "enterprise": enterprise.pk,
        "kind": "hnte",
        "level": "",
        "title": "",
        "certificate_no": "GR202433000001",
        "issued_on": "2024-12-01",
        "valid_until": "",
        "revoked_on": "",
    }
    data.update(changes)
    return data


def add_qualification(client, enterprise, **changes):
    return client.post(
        reverse("registry:qualification_add"), qualification_data(enterprise, **changes)
    )


@pytest.mark.parametrize(
    ("issued", "until"),
    [
        ("2024-02-29", D(2027, 2, 28)),
        ("2023-12-01", D(2026, 11, 30)),
        ("2024-01-01", D(2026, 12, 31)),
        ("2023-03-01", D(2026, 2, 28)),
        ("2025-03-01", D(2028, 2, 29)),
        ("2025-02-28", D(2028, 2, 27)),
    ],
)
def test_hnte_valid_until_is_computed_when_left_blank(world, login, issued, until):
    enterprise = world.own_enterprise
    response = add_qualification(login(world.staff), enterprise, issued_on=issued)
    assert response.status_code == 302
    assert response["Location"] == enterprise.get_absolute_url()
    qualification = Qualification.objects.get(enterprise=enterprise)
    assert qualification.valid_until == until


def test_hnte_valid_until_given_explicitly_is_kept(world, login):
    enterprise = world.own_enterprise
    add_qualification(
        login(world.staff), enterprise, issued_on="2024-02-29", valid_until="2026-12-31"
    )
    assert Qualification.objects.get(enterprise=enterprise).valid_until == D(2026, 12, 31)


def test_other_kinds_have_no_automatic_expiry(world, login):
    enterprise = world.own_enterprise
    response = add_qualification(
        login(world.staff), enterprise, kind="tech_sme", issued_on="2024-05-01"
    )
    assert response.status_code == 302
    assert Qualification.objects.get(enterprise=enterprise).valid_until is None


def test_valid_until_before_issued_is_refused(world, login):
    enterprise = world.own_enterprise
    client = login(world.staff)
    response = add_qualification(
        client, enterprise, issued_on="2024-12-01", valid_until="2024-11-30"
    )
    assert errors_of(response)["valid_until"] == ["有效期至不能早于认定日期。"]
    assert not Qualification.objects.filter(enterprise=enterprise).exists()
    same_day = add_qualification(
        client, enterprise, issued_on="2024-12-01", valid_until="2024-12-01"
    )
    assert same_day.status_code == 302


def test_rd_institution_needs_a_level(world, login):
    enterprise = world.own_enterprise
    client = login(world.staff)
    response = add_qualification(client, enterprise, kind="rd_institution", title="省级企业研究院")
    assert errors_of(response)["level"] == ["企业研发机构须填写级别（县级/市级/省级/国家级）。"]
    assert not Qualification.objects.filter(enterprise=enterprise).exists()
    response = add_qualification(client, enterprise, kind="rd_institution", level="province")
    assert response.status_code == 302
    assert Qualification.objects.get(enterprise=enterprise).level == "province"


def test_other_kinds_do_not_need_a_level(world):
    form = QualificationForm(
        data=qualification_data(world.own_enterprise, kind="srdi_province"), user=world.staff
    )
    assert form.is_valid(), form.errors


def test_town_user_cannot_attach_a_qualification_to_another_towns_enterprise(world, login):
    response = add_qualification(login(world.town), world.qixing_enterprise)
    assert "enterprise" in errors_of(response)
    assert not Qualification.objects.filter(enterprise=world.qixing_enterprise).exists()


# -- Qualification.is_valid_on -------------------------------------------------------------


def test_hnte_is_valid_from_the_issue_day_to_the_last_valid_day():
    qualification = QualificationFactory(issued_on=D(2023, 12, 1))
    assert qualification.valid_until == D(2026, 11, 30)
    assert not qualification.is_valid_on(D(2023, 11, 30))
    assert qualification.is_valid_on(D(2023, 12, 1))
    assert qualification.is_valid_on(D(2026, 11, 30))
    assert not qualification.is_valid_on(D(2026, 12, 1))


def test_hnte_issued_on_29_february():
    qualification = QualificationFactory(issued_on=D(2024, 2, 29))
    assert qualification.is_valid_on(D(2024, 2, 29))
    assert qualification.is_valid_on(D(2027, 2, 28))
    assert not qualification.is_valid_on(D(2027, 3, 1))


def test_revocation_ends_validity_on_the_revocation_day():
    qualification = QualificationFactory(issued_on=D(2023, 12, 1), revoked_on=D(2025, 6, 15))
    assert qualification.is_valid_on(D(2025, 6, 14))
    assert not qualification.is_valid_on(D(2025, 6, 15))
    assert not qualification.is_valid_on(D(2025, 6, 16))
    assert not qualification.is_valid_on(D(2026, 11, 30))


def test_qualification_without_expiry_is_valid_from_issue_day_on():
    qualification = QualificationFactory(kind="tech_sme", issued_on=D(2025, 4, 1))
    assert qualification.valid_until is None
    assert not qualification.is_valid_on(D(2025, 3, 31))
    assert qualification.is_valid_on(D(2025, 4, 1))
    assert qualification.is_valid_on(D(2099, 12, 31))


def test_is_valid_uses_today(world):
    today = datetime.date.today()
    current = QualificationFactory(issued_on=today - datetime.timedelta(days=30))
    future = QualificationFactory(issued_on=today + datetime.timedelta(days=1))
    expired = QualificationFactory(issued_on=D(2015, 1, 1))
    assert current.is_valid
    assert not future.is_valid
    assert not expired.is_valid


# -- PersonForm ---------------------------------------------------------------------------


def person_data(**changes) -> dict:
    data = {
        "name": "陈工程师",
        "kind": "expert",
        "gender": "male",
        "title": "高级工程师",
        "education": "硕士",
        "fields": "轴承",
        "region": NANMING,
        "phone": "13912345678",
        "id_number": "330624198001010013",
        "email": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def add_person(client, **changes):
    return client.post(reverse("registry:person_add"), person_data(**changes))


def test_person_with_valid_phone_and_id_is_saved(world, login):
    response = add_person(login(world.staff), id_number="11010519491231002x")
    assert response.status_code == 302
    person = Person.objects.get(name="陈工程师")
    assert person.phone == "13912345678"
    assert person.id_number == "11010519491231002X"


@pytest.mark.parametrize(
    "phone",
    [
        "1391234567",
        "139123456789",
        "23912345678",
        "1391234567a",
        "+8613912345678",
        "139 1234 5678",
        "1３９１２３４５６７８",
    ],
)
def test_bad_mobile_phone(world, login, phone):
    response = add_person(login(world.staff), phone=phone)
    assert errors_of(response)["phone"] == ["手机号应为以1开头的11位数字。"]
    assert not Person.objects.filter(name="陈工程师").exists()


@pytest.mark.parametrize(
    "id_number",
    [
        "330624198001010014",  # wrong check digit
        "33062419800101001",
        "330624800101001",  # old 15-digit number
        "33062419800101001Y",
        "３３０６２４１９８００１０１００１3",
    ],
)
def test_bad_id_number(world, login, id_number):
    response = add_person(login(world.staff), id_number=id_number)
    assert errors_of(response)["id_number"] == ["身份证号不正确（应为18位，且校验位正确）。"]
    assert not Person.objects.filter(name="陈工程师").exists()


def test_id_number_longer_than_18_is_refused_for_its_length(world, login):
    response = add_person(login(world.staff), id_number="3306241980010100133")
    assert errors_of(response)["id_number"] == ["确保该变量包含不超过 18 字符 (目前字符数 19)。"]


def test_phone_and_id_are_optional(world, login):
    assert add_person(login(world.staff), phone="", id_number="").status_code == 302


def test_users_without_pii_permission_do_not_get_the_fields(world, login):
    assert not world.town.has_perm("registry.view_pii_person")
    assert world.staff.has_perm("registry.view_pii_person")
    assert "phone" not in PersonForm(user=world.town).fields
    assert "id_number" not in PersonForm(user=world.town).fields
    assert {"phone", "id_number"} <= set(PersonForm(user=world.staff).fields)

    town = login(world.town)
    page = town.get(reverse("registry:person_add")).content.decode()
    assert 'name="phone"' not in page and 'name="id_number"' not in page
    staff_page = login(world.staff).get(reverse("registry:person_add")).content.decode()
    assert 'name="phone"' in staff_page and 'name="id_number"' in staff_page


def test_users_without_pii_permission_cannot_overwrite_it(world, login):
    person = world.own_person
    town = login(world.town)
    url = reverse("registry:person_edit", args=[person.pk])
    edit = town.get(url)
    assert edit.status_code == 200
    assert "13812341234" not in edit.content.decode()
    assert "330624198001010013" not in edit.content.decode()

    data = person_data(
        name=person.name,
        kind=person.kind,
        region=person.region_id,
        institution=person.institution_id,
        title="研究员",
        phone="not-a-phone",
        id_number="000000000000000000",
    )
    response = town.post(url, data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.title == "研究员"
    assert person.phone == "13812341234"
    assert person.id_number == "330624198001010013"

    detail = town.get(person.get_absolute_url()).content.decode()
    assert "138****1234" in detail
    assert "13812341234" not in detail


def test_new_person_by_a_user_without_pii_permission_has_none(world, login):
    response = add_person(login(world.town), name="赵技术员")
    assert response.status_code == 302
    person = Person.objects.get(name="赵技术员")
    assert (person.phone, person.id_number) == ("", "")


# -- money in 万元, dates that cannot lie ahead -----------------------------------------


def test_registered_capital_is_typed_in_wan_and_stored_in_yuan(world, login):
    client = login(world.staff)
    assert add_enterprise(client, registered_capital="123.4567").status_code == 302
    enterprise = Enterprise.objects.get(uscc=code(1))
    assert enterprise.registered_capital == 1_234_567
    form = client.get(reverse("registry:enterprise_edit", args=[enterprise.pk]))
    assert form.context["form"]["registered_capital"].value() == "123.4567"
    assert form.context["form"].fields["registered_capital"].label == "注册资本（万元）"
    detail = client.get(enterprise.get_absolute_url()).content.decode()
    assert "123.46 万元" in detail and "亿元" not in detail


@pytest.mark.parametrize(
    ("typed", "yuan"),
    [("0", 0), ("0.000001", "0.01"), ("100000", 1_000_000_000), ("1,5", None), ("-1", None)],
)
def test_registered_capital_bounds(world, login, typed, yuan):
    response = add_enterprise(login(world.staff), registered_capital=typed)
    if yuan is None:
        assert "registered_capital" in errors_of(response)
    else:
        assert response.status_code == 302
        assert Enterprise.objects.get(uscc=code(1)).registered_capital == Decimal(str(yuan))


def test_saving_an_enterprise_unchanged_leaves_its_capital_and_history_alone(world, login):
    enterprise = EnterpriseFactory(registered_capital=1_234_567, town_id=NANMING)
    before = enterprise.history.count()
    client = login(world.staff)
    url = reverse("registry:enterprise_edit", args=[enterprise.pk])
    assert client.post(url, edit_data(enterprise)).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.registered_capital == 1_234_567
    assert enterprise.history.count() == before


def test_the_api_carries_capital_in_yuan_and_writes_it_through_the_form(world, login):
    enterprise = EnterpriseFactory(registered_capital=5_000_000, town_id=NANMING)
    client = login(world.staff)
    url = f"/api/registry/enterprises/{enterprise.pk}/"
    assert client.get(url).json()["registered_capital"] == "5000000.00"
    changed = client.patch(url, {"employees": 130}, content_type="application/json")
    assert changed.status_code == 200, changed.json()
    enterprise.refresh_from_db()
    assert (enterprise.registered_capital, enterprise.employees) == (5_000_000, 130)
    client.patch(url, {"registered_capital": "1234567.89"}, content_type="application/json")
    enterprise.refresh_from_db()
    assert str(enterprise.registered_capital) == "1234567.89"


@pytest.mark.parametrize(
    ("url_name", "data", "field", "label"),
    [
        ("registry:enterprise_add", enterprise_data(), "founded_on", "成立日期"),
        (
            "registry:institution_add",
            {"name": "新昌县某研究院", "kind": "new_rd"},
            "established_on",
            "成立日期",
        ),
    ],
)
def test_founding_dates_cannot_lie_ahead(world, login, url_name, data, field, label):
    today = timezone.localdate()
    client = login(world.staff)
    response = client.post(
        reverse(url_name), {**data, field: (today + datetime.timedelta(days=1)).isoformat()}
    )
    assert errors_of(response)[field] == [f"{label}不能晚于今天（{today.isoformat()}）。"]
    page = client.get(reverse(url_name)).content.decode()
    assert f'max="{today.isoformat()}"' in page


def test_a_date_already_stored_ahead_does_not_block_other_changes(world, login):
    enterprise = EnterpriseFactory(founded_on=D(2030, 1, 1), town_id=NANMING)
    client = login(world.staff)
    url = reverse("registry:enterprise_edit", args=[enterprise.pk])
    assert client.post(url, edit_data(enterprise, employees="99")).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.employees == 99


def test_the_change_history_reads_money_in_wan_and_leaves_out_the_spellings(world, login):
    enterprise = EnterpriseFactory(
        name="新昌县旧名轴承有限公司", registered_capital=5_000_000, town_id=NANMING
    )
    client = login(world.staff)
    url = reverse("registry:enterprise_edit", args=[enterprise.pk])
    changed = edit_data(
        enterprise,
        name="新昌县新名轴承有限公司",
        registered_capital="1234.5678",
        founded_on="2016-03-08",
    )
    assert client.post(url, changed).status_code == 302
    history = client.get(enterprise.get_absolute_url()).context["history"]
    changes = {c.label: (c.old, c.new) for c in history[0].changes}
    assert changes["注册资本（万元）"] == ("500.00 万元", "1,234.57 万元")
    assert changes["成立日期"] == ("2010年5月1日", "2016年3月8日")
    assert changes["企业名称"] == ("新昌县旧名轴承有限公司", "新昌县新名轴承有限公司")
    assert not [label for label in changes if "拼音" in label or "全拼" in label]


@pytest.mark.parametrize(
    ("revoked", "message"),
    [
        ("2030-01-01", "撤销日期不能晚于今天"),
        ("2023-12-31", "撤销日期不能早于认定日期。"),
    ],
)
def test_a_revocation_lies_between_the_issue_and_today(world, login, revoked, message):
    response = login(world.staff).post(
        reverse("registry:qualification_add"),
        {
            "enterprise": world.own_enterprise.pk,
            "kind": "hnte",
            "issued_on": "2024-01-01",
            "revoked_on": revoked,
        },
    )
    assert message in " ".join(errors_of(response)["revoked_on"])


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "不能为负数。"),
        ("1.1234567", "最多 6 位小数（精确到分）。"),
        ("1" * 13, "金额过大，请核对单位（万元）。"),
    ],
)
def test_capital_errors_speak_plainly(world, login, typed, message):
    response = add_enterprise(login(world.staff), registered_capital=typed)
    assert errors_of(response)["registered_capital"] == [message]


def test_the_founding_date_help_shows_only_while_the_date_is_missing(world, login):
    client = login(world.staff)
    dated = client.get(reverse("registry:enterprise_edit", args=[world.own_enterprise.pk]))
    assert "待补登" not in dated.content.decode()
    undated = EnterpriseFactory(founded_on=None, town_id=NANMING)
    missing = client.get(reverse("registry:enterprise_edit", args=[undated.pk]))
    assert "待补登" in missing.content.decode()


def test_the_back_office_keeps_the_pages_money_and_date_rules(world, login):
    enterprise = EnterpriseFactory(registered_capital=5_000_000, town_id=NANMING)
    client = login(world.admin)
    url = reverse("admin:registry_enterprise_change", args=[enterprise.pk])
    form = client.get(url).context["adminform"].form
    assert form["registered_capital"].value() == "500"
    assert form.fields["registered_capital"].label == "注册资本（万元）"
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None and name != "chains"
    }
    data.update(founded_on="2030-01-01", registered_capital="600")
    refused = client.post(url, data)
    assert "成立日期不能晚于今天" in refused.content.decode()
    data["founded_on"] = "2015-01-01"
    assert client.post(url, data).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.registered_capital == 6_000_000
