"""Monitoring edges: who may be made responsible for a pool entry, years a recompute accepts,
and the rule editor meeting input no officer would type."""

import datetime

import pytest
from django.utils import timezone

from kechuang.conftest import SHARED_WORLD
from kechuang.monitoring.models import PoolEntry, RDRecord, Snapshot
from kechuang.monitoring.tests.test_pool import entry_data

pytestmark = [SHARED_WORLD, pytest.mark.django_db]


def test_town_officer_cannot_make_another_towns_officer_responsible(world, login):
    client = login(world.town)
    data = entry_data(world.own_enterprise, world.other_town)
    response = client.post("/monitoring/pool/add/", data)
    assert response.status_code == 200
    assert "无权查看该企业，不能担任其包联干部" in response.content.decode()
    assert not PoolEntry.objects.exists()
    response = client.post("/monitoring/pool/add/", entry_data(world.own_enterprise, world.town))
    assert response.status_code == 302
    assert PoolEntry.objects.get().officer == world.town


def test_bureau_cannot_make_an_officer_responsible_for_an_enterprise_they_cannot_open(world, login):
    client = login(world.staff)
    response = client.post("/monitoring/pool/add/", entry_data(world.qixing_enterprise, world.town))
    assert response.status_code == 200
    assert "无权查看该企业，不能担任其包联干部" in response.content.decode()
    assert not PoolEntry.objects.exists()
    response = client.post(
        "/monitoring/pool/add/", entry_data(world.qixing_enterprise, world.other_town)
    )
    assert response.status_code == 302


@pytest.mark.parametrize("year", ["-1", "0", "1900", "1999", "2100", "65536", str(2**70)])
def test_recompute_refuses_years_outside_the_range(world, login, year):
    client = login(world.staff)
    response = client.post("/monitoring/recompute/", {"year": year}, follow=True)
    assert response.status_code == 200
    assert f"年度应在2000年至{timezone.localdate().year}年之间" in response.content.decode()
    assert not Snapshot.objects.exists()


@pytest.mark.parametrize("year", [2000, datetime.date.today().year])
def test_recompute_accepts_the_bounds(world, login, year):
    client = login(world.staff)
    response = client.post("/monitoring/recompute/", {"year": str(year)}, follow=True)
    assert f"{year}年尚无年报数据" in response.content.decode()
    RDRecord.objects.create(
        enterprise=world.own_enterprise, year=year, department="statistics", rd_expense=1
    )
    response = client.post("/monitoring/recompute/", {"year": str(year)})
    assert response.status_code == 302
    assert Snapshot.objects.filter(year=year).exists()


DEEP = "[" * 5000 + "]" * 5000


def test_rule_editor_answers_deep_input_in_chinese(world, login):
    client = login(world.staff)
    page = client.get("/monitoring/rules/new/").content.decode()
    import re

    names = set(re.findall(r'name="([^"]+)"', page)) - {"csrfmiddlewaretoken"}
    assert names
    response = client.post("/monitoring/rules/new/", dict.fromkeys(names, DEEP))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Traceback" not in body and "Error" not in body
