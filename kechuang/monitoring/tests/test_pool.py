"""The cultivation pool (重点企业培育库) and its service visits: scope and permissions of every
page for each persona, the form rules, overdue follow-ups at their boundary, the officer's
work list, Excel export, the change history and the panel on the enterprise page.

One file for the pool's pages because they share one world of pool entries, officers and
visits; the scope and permission cases are a table at its top."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kechuang.conftest import PERSONAS, SHARED_WORLD
from kechuang.monitoring.choices import PoolStatus
from kechuang.monitoring.models import PoolEntry, ServiceVisit
from kechuang.monitoring.services import add_to_pool, overdue_visits

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

READERS = {"admin", "leader", "staff", "town", "other_town"}
WRITERS = {"admin", "staff", "town", "other_town"}
EXPORTERS = READERS
COUNTY_WIDE = {"admin", "leader", "staff"}

NANMING_NAME = "浙江新禾成生物医药股份有限公司"
OWN_NAME = "新昌县南明轴承有限公司"
QIXING_NAME = "新昌县七星制冷配件有限公司"


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def dated(offsets: dict) -> dict:
    """Form values with day offsets from today turned into dates, resolved when the test runs."""
    return {
        name: days(value).isoformat() if isinstance(value, int) else value
        for name, value in offsets.items()
    }


def visit(entry, *, visited_on=None, due=None, done=None, result="", problems="资金周转紧张"):
    return ServiceVisit.objects.create(
        entry=entry,
        visited_on=visited_on or days(-10),
        visitors="走访组",
        people_met="总经理",
        problems=problems,
        help_promised="对接科技贷款",
        follow_up_due=due,
        follow_up_done_on=done,
        follow_up_result=result,
    )


@pytest.fixture
def pool(world):
    """One active entry in each town: 南明 with the town officer, 七星 with its own officer."""
    nanming = add_to_pool(
        world.nanming_enterprise,
        officer=world.town,
        target="三年内认定高新技术企业",
        reason="研发投入增长快",
        user=world.town,
    )
    qixing = add_to_pool(
        world.qixing_enterprise,
        officer=world.other_town,
        target="建立市级研发中心",
        reason="规上企业零研发",
        user=world.other_town,
    )
    return {"nanming": nanming, "qixing": qixing}


def persona(world, name):
    return getattr(world, name)


def names_in(content: str, *names: str) -> set[str]:
    return {name for name in names if name in content}


def workbook_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def entry_data(enterprise, officer, **changes) -> dict:
    data = {
        "enterprise": enterprise.pk,
        "officer": officer.pk,
        "target": "认定国家高新技术企业",
        "reason": "研发强度高",
        "joined_on": today().isoformat(),
        "status": PoolStatus.ACTIVE,
        "left_on": "",
    }
    data.update(changes)
    return data


def visit_data(entry, **changes) -> dict:
    data = {
        "entry": entry.pk,
        "visited_on": today().isoformat(),
        "visitors": "张科员",
        "people_met": "王总经理、李技术总监",
        "problems": "缺少研发场地",
        "help_promised": "协调园区标准厂房",
        "follow_up_due": days(14).isoformat(),
        "follow_up_done_on": "",
        "follow_up_result": "",
    }
    data.update(changes)
    return data


# -- permissions and scope ----------------------------------------------------------------


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("url_name", ["poolentry_list", "servicevisit_list"])
def test_lists_answer_by_permission(world, pool, login, name, url_name):
    response = login(persona(world, name)).get(reverse(f"monitoring:{url_name}"), {"mine": ""})
    assert response.status_code == (200 if name in READERS else 403)


@pytest.mark.parametrize("name", sorted(READERS))
def test_pool_list_shows_only_entries_in_scope(world, pool, login, name):
    content = login(persona(world, name)).get(reverse("monitoring:poolentry_list")).content
    shown = names_in(content.decode(), NANMING_NAME, QIXING_NAME)
    expected = {
        "town": {NANMING_NAME},
        "other_town": {QIXING_NAME},
    }.get(name, {NANMING_NAME, QIXING_NAME})
    assert shown == expected


@pytest.mark.parametrize("name", sorted(READERS))
def test_visit_list_shows_only_visits_in_scope(world, pool, login, name):
    visit(pool["nanming"], problems="南明企业的问题")
    visit(pool["qixing"], problems="七星企业的问题")
    response = login(persona(world, name)).get(
        reverse("monitoring:servicevisit_list"), {"mine": ""}
    )
    shown = names_in(response.content.decode(), "南明企业的问题", "七星企业的问题")
    expected = {
        "town": {"南明企业的问题"},
        "other_town": {"七星企业的问题"},
    }.get(name, {"南明企业的问题", "七星企业的问题"})
    assert shown == expected


@pytest.mark.parametrize("name", PERSONAS)
def test_entry_page_in_and_out_of_scope(world, pool, login, name):
    client = login(persona(world, name))
    nanming = client.get(pool["nanming"].get_absolute_url())
    qixing = client.get(pool["qixing"].get_absolute_url())
    if name not in READERS:
        assert (nanming.status_code, qixing.status_code) == (403, 403)
    elif name == "town":
        assert (nanming.status_code, qixing.status_code) == (200, 404)
    elif name == "other_town":
        assert (nanming.status_code, qixing.status_code) == (404, 200)
    else:
        assert (nanming.status_code, qixing.status_code) == (200, 200)


@pytest.mark.parametrize("name", PERSONAS)
def test_add_and_edit_pages_by_permission_and_scope(world, pool, login, name):
    client = login(persona(world, name))
    nanming, qixing = pool["nanming"], pool["qixing"]
    visit_in_nanming = visit(nanming)
    codes = (
        client.get(reverse("monitoring:poolentry_add")).status_code,
        client.get(reverse("monitoring:servicevisit_add")).status_code,
        client.get(reverse("monitoring:poolentry_edit", args=[nanming.pk])).status_code,
        client.get(reverse("monitoring:poolentry_edit", args=[qixing.pk])).status_code,
        client.get(reverse("monitoring:servicevisit_edit", args=[visit_in_nanming.pk])).status_code,
    )
    if name not in WRITERS:
        assert codes == (403, 403, 403, 403, 403)
    elif name == "town":
        assert codes == (200, 200, 200, 404, 200)
    elif name == "other_town":
        assert codes == (200, 200, 404, 200, 404)
    else:
        assert codes == (200, 200, 200, 200, 200)


def test_leader_reads_and_exports_but_cannot_write(world, pool, login):
    client = login(world.leader)
    entry = pool["nanming"]
    page = client.get(entry.get_absolute_url()).content.decode()
    assert 'data-testid="edit-entry"' not in page
    assert 'data-testid="add-visit"' not in page
    assert client.get(reverse("monitoring:poolentry_list"), {"export": "xlsx"}).status_code == 200
    assert (
        client.get(reverse("monitoring:servicevisit_list"), {"export": "xlsx"}).status_code == 200
    )
    posted = client.post(
        reverse("monitoring:poolentry_edit", args=[entry.pk]),
        entry_data(entry.enterprise, world.leader, target="改写"),
    )
    assert posted.status_code == 403
    entry.refresh_from_db()
    assert entry.target == "三年内认定高新技术企业"


@pytest.mark.parametrize("name", ["enterprise", "university", "outsider"])
def test_members_cannot_export(world, pool, login, name):
    client = login(persona(world, name))
    for url_name in ("poolentry_list", "servicevisit_list"):
        assert client.get(reverse(f"monitoring:{url_name}"), {"export": "xlsx"}).status_code == 403


# -- the pool entry form ------------------------------------------------------------------


def test_town_adds_enterprise_of_its_town_with_prefill(world, login):
    client = login(world.town)
    url = reverse("monitoring:poolentry_add")
    form = client.get(url, {"enterprise": world.own_enterprise.pk}).content.decode()
    assert re.search(rf'<option value="{world.own_enterprise.pk}" selected>', form)
    # The town officer is proposed as the 包联 officer.
    assert re.search(rf'<option value="{world.town.pk}" selected>', form)
    response = client.post(url, entry_data(world.own_enterprise, world.town))
    entry = PoolEntry.objects.get(enterprise=world.own_enterprise)
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert entry.officer == world.town
    assert entry.created_by == world.town
    assert entry.status == PoolStatus.ACTIVE


def test_town_cannot_add_enterprise_of_another_town(world, login):
    client = login(world.town)
    form = client.get(reverse("monitoring:poolentry_add")).content.decode()
    assert QIXING_NAME not in form
    response = client.post(
        reverse("monitoring:poolentry_add"), entry_data(world.qixing_enterprise, world.town)
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not PoolEntry.objects.filter(enterprise=world.qixing_enterprise).exists()


def test_duplicate_active_entry_is_refused(world, pool, login):
    response = login(world.staff).post(
        reverse("monitoring:poolentry_add"), entry_data(world.nanming_enterprise, world.staff)
    )
    assert response.status_code == 200
    assert "该企业已在培育库中。" in response.content.decode()
    assert PoolEntry.objects.filter(enterprise=world.nanming_enterprise).count() == 1


def test_closing_needs_a_leaving_date_and_frees_the_enterprise(world, pool, login):
    client = login(world.town)
    entry = pool["nanming"]
    url = reverse("monitoring:poolentry_edit", args=[entry.pk])
    close_form = client.get(url, {"close": "1"}).content.decode()
    assert re.search(r'<option value="removed" selected>', close_form)
    assert re.search(rf'name="left_on" value="{today().isoformat()}"', close_form)

    refused = client.post(url, entry_data(entry.enterprise, world.town, status="removed"))
    assert refused.status_code == 200
    assert "出库或达成目标时请填写出库日期。" in refused.content.decode()
    entry.refresh_from_db()
    assert entry.status == PoolStatus.ACTIVE

    closed = client.post(
        url,
        entry_data(entry.enterprise, world.town, status="graduated", left_on=today().isoformat()),
    )
    assert closed.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.left_on) == (PoolStatus.GRADUATED, today())
    page = client.get(entry.get_absolute_url()).content.decode()
    assert 'data-testid="add-visit"' not in page
    assert 'data-testid="close-entry"' not in page

    # Out of the pool, the enterprise may be taken in again.
    again = client.post(
        reverse("monitoring:poolentry_add"), entry_data(entry.enterprise, world.town)
    )
    assert again.status_code == 302
    assert PoolEntry.objects.filter(enterprise=entry.enterprise).count() == 2


def test_edit_is_recorded_in_the_history(world, pool, login):
    client = login(world.town)
    entry = pool["nanming"]
    response = client.post(
        reverse("monitoring:poolentry_edit", args=[entry.pk]),
        entry_data(entry.enterprise, world.staff, target="两年内认定高新技术企业"),
    )
    assert response.status_code == 302
    latest = entry.history.order_by("-history_date").first()
    assert latest.history_type == "~"
    assert latest.history_user == world.town
    assert latest.target == "两年内认定高新技术企业"
    assert entry.history.count() == 2
    history = client.get(entry.get_absolute_url()).content.decode()
    assert "两年内认定高新技术企业" in history
    assert "三年内认定高新技术企业" in history  # the old value, struck through
    assert "包联干部" in history


# -- service visits -----------------------------------------------------------------------


def test_visit_is_recorded_from_the_entry_page(world, pool, login):
    client = login(world.town)
    entry = pool["nanming"]
    page = client.get(entry.get_absolute_url()).content.decode()
    add_url = f"{reverse('monitoring:servicevisit_add')}?entry={entry.pk}"
    assert add_url in page
    form = client.get(add_url).content.decode()
    assert re.search(rf'<option value="{entry.pk}" selected>', form)
    assert f'value="{today().isoformat()}"' in form
    response = client.post(reverse("monitoring:servicevisit_add"), visit_data(entry))
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    recorded = ServiceVisit.objects.get(entry=entry)
    assert recorded.follow_up_due == days(14)
    assert recorded.created_by == world.town
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "协调园区标准厂房" in page


def test_town_cannot_record_a_visit_to_another_towns_entry(world, pool, login):
    response = login(world.town).post(
        reverse("monitoring:servicevisit_add"), visit_data(pool["qixing"])
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not ServiceVisit.objects.exists()


@pytest.mark.parametrize(
    ("offsets", "field", "message"),
    [
        ({"visited_on": 1}, "visited_on", "走访日期不能晚于今天（{today}）。"),
        ({"visited_on": -3, "follow_up_due": -4}, "follow_up_due", "跟进期限不能早于走访日期。"),
        ({"follow_up_done_on": 0}, "follow_up_result", "请说明跟进结果"),
        (
            {"follow_up_done_on": 30, "follow_up_result": "已解决"},
            "follow_up_done_on",
            "跟进完成日期不能晚于今天（{today}）。",
        ),
        (
            {"visited_on": -3, "follow_up_done_on": -5, "follow_up_result": "已解决"},
            "follow_up_done_on",
            "跟进完成日期不能早于走访日期。",
        ),
    ],
)
def test_visit_rules(world, pool, login, offsets, field, message):
    changes = dated(offsets)
    message = message.format(today=today().isoformat())
    response = login(world.town).post(
        reverse("monitoring:servicevisit_add"), visit_data(pool["nanming"], **changes)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert message in response.content.decode()
    assert not ServiceVisit.objects.exists()


def test_visit_on_the_day_with_follow_up_due_that_day_is_accepted(world, pool, login):
    response = login(world.town).post(
        reverse("monitoring:servicevisit_add"),
        visit_data(pool["nanming"], follow_up_due=today().isoformat()),
    )
    assert response.status_code == 302
    assert ServiceVisit.objects.get().follow_up_due == today()


def test_follow_up_is_completed_on_the_visit(world, pool, login):
    client = login(world.town)
    entry = pool["nanming"]
    late = visit(entry, due=days(-1))
    url = reverse("monitoring:servicevisit_edit", args=[late.pk])
    response = client.post(
        url,
        visit_data(
            entry,
            visited_on=late.visited_on.isoformat(),
            follow_up_due=late.follow_up_due.isoformat(),
            follow_up_done_on=today().isoformat(),
            follow_up_result="已落实厂房 800 平方米",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    late.refresh_from_db()
    assert late.follow_up_done_on == today()
    assert not overdue_visits().exists()
    assert late.history.first().history_user == world.town


# -- overdue follow-ups -------------------------------------------------------------------


@pytest.fixture
def follow_ups(pool):
    entry = pool["nanming"]
    return {
        "yesterday": visit(entry, due=days(-1), problems="逾期一天未跟进"),
        "today": visit(entry, due=today(), problems="今天到期"),
        "done": visit(entry, due=days(-5), done=days(-2), result="已解决", problems="已跟进"),
        "none": visit(entry, due=None, problems="无需跟进"),
    }


def test_overdue_boundary(follow_ups):
    assert set(overdue_visits()) == {follow_ups["yesterday"]}
    # The day after its due date, a follow-up due today is overdue too.
    assert set(overdue_visits(on=days(1))) == {follow_ups["yesterday"], follow_ups["today"]}
    assert set(overdue_visits(on=days(-1))) == set()


def test_overdue_filter_and_highlight_in_the_visit_list(world, follow_ups, login):
    client = login(world.staff)
    url = reverse("monitoring:servicevisit_list")
    overdue = client.get(url, {"overdue": "true"}).content.decode()
    assert names_in(overdue, "逾期一天未跟进", "今天到期", "已跟进", "无需跟进") == {
        "逾期一天未跟进"
    }
    everything = client.get(url, {"overdue": ""}).content.decode()
    rows = re.findall(r'<tr[^>]*data-overdue="(true|false)"[^>]*>(.*?)</tr>', everything, re.S)
    assert len(rows) == 4
    marked = {"逾期一天未跟进" in body: flag for flag, body in rows}
    assert marked == {True: "true", False: "false"}
    # Overdue follow-ups come first and are highlighted.
    assert "逾期一天未跟进" in rows[0][1]
    row_classes = re.findall(r'<tr class="([^"]*)" data-overdue="(true|false)"', everything)
    assert {flag: "table-danger" in css.split() for css, flag in row_classes} == {
        "true": True,
        "false": False,
    }


def test_overdue_highlighted_on_the_entry_page(world, follow_ups, login):
    page = login(world.town).get(follow_ups["today"].entry.get_absolute_url()).content.decode()
    items = re.findall(r'data-testid="visit" data-overdue="(true|false)">(.*?)</li>', page, re.S)
    flags = {
        key: next(flag for flag, body in items if text in body)
        for key, text in {
            "yesterday": "逾期一天未跟进",
            "today": "今天到期",
            "done": "已跟进",
            "none": "无需跟进",
        }.items()
    }
    assert flags == {"yesterday": "true", "today": "false", "done": "false", "none": "false"}
    assert "1 项跟进逾期" in page


def test_pool_list_counts_visits_and_overdue_follow_ups(world, follow_ups, login):
    response = login(world.staff).get(reverse("monitoring:poolentry_list"))
    rows = {str(row.record.enterprise): row.record for row in response.context["table"].rows}
    nanming = rows[NANMING_NAME]
    assert (nanming.visit_count, nanming.overdue_count) == (4, 1)
    assert nanming.last_visit == days(-10)
    qixing = rows[QIXING_NAME]
    assert (qixing.visit_count, qixing.overdue_count, qixing.last_visit) == (0, 0, None)


def test_pool_list_puts_active_entries_with_overdue_follow_ups_first(world, pool, login):
    nanming, qixing = pool["nanming"], pool["qixing"]
    own = add_to_pool(world.own_enterprise, officer=world.staff, target="", reason="", user=None)
    closed = PoolEntry.objects.create(
        enterprise=world.qixing_enterprise,
        officer=world.staff,
        joined_on=days(-400),
        status=PoolStatus.REMOVED,
        left_on=days(-100),
    )
    visit(closed, due=days(-150), problems="出库前遗留")
    visit(nanming, due=days(-1))
    PoolEntry.objects.filter(pk=qixing.pk).update(joined_on=days(-1))
    PoolEntry.objects.filter(pk=nanming.pk).update(joined_on=days(-30))
    PoolEntry.objects.filter(pk=own.pk).update(joined_on=days(-60))
    response = login(world.staff).get(reverse("monitoring:poolentry_list"))
    order = [row.record.pk for row in response.context["table"].rows]
    assert order == [nanming.pk, qixing.pk, own.pk, closed.pk]
    # A column the user sorts by takes over.
    by_date = login(world.staff).get(reverse("monitoring:poolentry_list"), {"sort": "joined_on"})
    assert [row.record.pk for row in by_date.context["table"].rows] == [
        closed.pk,
        own.pk,
        nanming.pk,
        qixing.pk,
    ]


# -- the officer's work list --------------------------------------------------------------


@pytest.fixture
def two_officers(world, pool):
    """In 南明, the town officer looks after one enterprise and the bureau officer another."""
    staff_entry = add_to_pool(
        world.own_enterprise, officer=world.staff, target="", reason="", user=world.staff
    )
    return {
        "town_late": visit(pool["nanming"], due=days(-3), problems="镇里逾期"),
        "town_open": visit(pool["nanming"], due=days(7), problems="镇里待办"),
        "staff_late": visit(staff_entry, due=days(-3), problems="局里逾期"),
        "other_town_late": visit(pool["qixing"], due=days(-3), problems="七星逾期"),
    }


ALL_PROBLEMS = ("镇里逾期", "镇里待办", "局里逾期", "七星逾期")


def test_officer_lands_on_own_visits(world, two_officers, login):
    client = login(world.town)
    url = reverse("monitoring:servicevisit_list")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{url}?mine=true"
    mine = client.get(response["Location"]).content.decode()
    assert names_in(mine, *ALL_PROBLEMS) == {"镇里逾期", "镇里待办"}
    # Choosing 全部 shows every visit in the town.
    everything = client.get(url, {"mine": "", "overdue": ""}).content.decode()
    assert names_in(everything, *ALL_PROBLEMS) == {"镇里逾期", "镇里待办", "局里逾期"}


def test_my_overdue_follow_ups(world, two_officers, login):
    url = reverse("monitoring:servicevisit_list")
    town = login(world.town).get(url, {"mine": "true", "overdue": "true"}).content.decode()
    assert names_in(town, *ALL_PROBLEMS) == {"镇里逾期"}
    staff = login(world.staff).get(url, {"mine": "true", "overdue": "true"}).content.decode()
    assert names_in(staff, *ALL_PROBLEMS) == {"局里逾期"}


def test_reader_without_entries_lands_on_every_visit(world, two_officers, login):
    response = login(world.leader).get(reverse("monitoring:servicevisit_list"))
    assert response.status_code == 200
    assert names_in(response.content.decode(), *ALL_PROBLEMS) == set(ALL_PROBLEMS)


def test_my_pool_entries(world, two_officers, login):
    url = reverse("monitoring:poolentry_list")
    mine = login(world.staff).get(url, {"mine": "true"}).content.decode()
    assert names_in(mine, NANMING_NAME, OWN_NAME, QIXING_NAME) == {OWN_NAME}
    everything = login(world.staff).get(url).content.decode()
    assert names_in(everything, NANMING_NAME, OWN_NAME, QIXING_NAME) == {
        NANMING_NAME,
        OWN_NAME,
        QIXING_NAME,
    }


# -- export -------------------------------------------------------------------------------


def test_pool_export(world, follow_ups, login):
    rows = workbook_rows(
        login(world.staff).get(reverse("monitoring:poolentry_list"), {"export": "xlsx"})
    )
    header = list(rows[0])
    assert header[:4] == ["企业", "统一社会信用代码", "乡镇街道", "包联干部"]
    assert {"走访次数", "最近走访", "逾期跟进"} <= set(header)
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {NANMING_NAME, QIXING_NAME}
    nanming = by_name[NANMING_NAME]
    assert nanming["统一社会信用代码"] == world.nanming_enterprise.uscc
    assert nanming["包联干部"] == str(world.town)
    assert nanming["走访次数"] == 4
    assert nanming["逾期跟进"] == 1
    assert nanming["状态"] == "培育中"
    assert nanming["最近走访"] == datetime.datetime.combine(days(-10), datetime.time())


def test_town_export_stays_in_scope(world, pool, login):
    client = login(world.town)
    rows = workbook_rows(client.get(reverse("monitoring:poolentry_list"), {"export": "xlsx"}))
    assert [row[0] for row in rows[1:]] == [NANMING_NAME]


def test_visit_export_follows_the_filters(world, two_officers, login):
    rows = workbook_rows(
        login(world.town).get(
            reverse("monitoring:servicevisit_list"),
            {"mine": "true", "overdue": "true", "export": "xlsx"},
        )
    )
    header = list(rows[0])
    assert "企业反映问题" in header
    problems = [row[header.index("企业反映问题")] for row in rows[1:]]
    assert problems == ["镇里逾期"]
    assert rows[1][header.index("企业")] == NANMING_NAME


# -- the panel on the enterprise page -----------------------------------------------------


def panel(client, enterprise) -> str | None:
    response = client.get(enterprise.get_absolute_url())
    assert response.status_code == 200
    found = re.search(
        r'data-testid="pool-panel".*?(?=data-testid="history")', response.content.decode(), re.S
    )
    return found[0] if found else None


def test_panel_offers_to_add_an_enterprise_not_in_the_pool(world, login):
    shown = panel(login(world.staff), world.own_enterprise)
    assert shown is not None
    assert "未入库" in shown
    add_url = f"{reverse('monitoring:poolentry_add')}?enterprise={world.own_enterprise.pk}"
    assert add_url in shown


def test_panel_shows_officer_and_last_visits(world, pool, login):
    entry = pool["nanming"]
    for n in range(4):
        visit(entry, visited_on=days(-10 - n), problems=f"第{n}次走访的问题")
    shown = panel(login(world.staff), world.nanming_enterprise)
    assert "培育中" in shown
    assert str(world.town) in shown
    assert "加入培育库" not in shown
    assert entry.get_absolute_url() in shown
    assert names_in(shown, *(f"第{n}次走访的问题" for n in range(4))) == {
        "第0次走访的问题",
        "第1次走访的问题",
        "第2次走访的问题",
    }


def test_panel_for_readers_without_the_right_to_add(world, login):
    shown = panel(login(world.leader), world.own_enterprise)
    assert shown is not None
    assert "加入培育库" not in shown


def test_panel_hidden_without_the_right_to_view_the_pool(world, pool, login):
    assert panel(login(world.enterprise), world.own_enterprise) is None


@pytest.mark.parametrize(
    ("offsets", "field", "message"),
    [
        ({"joined_on": 1}, "joined_on", "入库日期不能晚于今天"),
        ({"joined_on": -5, "status": "graduated", "left_on": 2}, "left_on", "出库日期不能晚于今天"),
        (
            {"joined_on": -5, "status": "graduated", "left_on": -6},
            "left_on",
            "出库日期不能早于入库日期。",
        ),
    ],
)
def test_pool_dates_lie_in_order_and_not_ahead(world, login, offsets, field, message):
    response = login(world.staff).post(
        reverse("monitoring:poolentry_add"),
        entry_data(world.own_enterprise, world.staff, **dated(offsets)),
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
