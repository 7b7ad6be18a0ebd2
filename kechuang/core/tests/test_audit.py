"""Every change is recorded with who, when, from where and what changed; nothing is lost."""

import pytest
from django.urls import reverse

from kechuang.conftest import SHARED_WORLD
from kechuang.registry.models import Enterprise

pytestmark = [SHARED_WORLD, pytest.mark.django_db]


def _edit_form(enterprise, **changes):
    data = {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "town": enterprise.town_id,
        "industry": enterprise.industry_id,
        "founded_on": enterprise.founded_on.isoformat(),
        "registered_capital": str(enterprise.registered_capital),
        "employees": enterprise.employees,
        "size_class": enterprise.size_class,
        "status": enterprise.status,
    }
    data.update(changes)
    return data


def test_edit_records_user_ip_and_before_after(world, login):
    enterprise = world.own_enterprise
    client = login(world.staff)
    url = reverse("registry:enterprise_edit", args=[enterprise.pk])
    response = client.post(url, _edit_form(enterprise, employees=480), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302

    enterprise.refresh_from_db()
    assert enterprise.employees == 480
    assert enterprise.updated_by == world.staff
    latest = enterprise.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == world.staff
    assert latest.history_ip == "10.1.2.3"
    assert latest.history_path == url
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "employees"] == [
        ("employees", 120, 480)
    ]


def test_history_is_shown_on_the_object_page(world, login):
    enterprise = world.own_enterprise
    client = login(world.staff)
    client.post(
        reverse("registry:enterprise_edit", args=[enterprise.pk]),
        _edit_form(enterprise, employees=333, size_class="medium"),
    )
    page = client.get(enterprise.get_absolute_url()).content.decode()
    history = page[page.index('data-testid="history"') :]
    assert "从业人员（人）" in history
    assert "120" in history and "333" in history
    assert "小型" in history and "中型" in history
    assert str(world.staff) in history


def test_creation_is_recorded_with_creator(world, login):
    client = login(world.staff)
    from kechuang.engines.uscc import make

    code = make("91", "330624", "MA7AUD1T")
    response = client.post(
        reverse("registry:enterprise_add"),
        {
            "uscc": code,
            "name": "新昌县审计测试科技有限公司",
            "town": "330624003",
            "industry": "3451",
            "founded_on": "2020-01-02",
            "status": "active",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Enterprise.objects.get(uscc=code)
    assert created.created_by == world.staff
    first = created.history.earliest()
    assert first.history_type == "+" and first.history_user == world.staff


def test_registry_rows_cannot_be_deleted_in_admin(world, login):
    client = login(world.admin)
    enterprise = world.own_enterprise
    response = client.get(reverse("admin:registry_enterprise_delete", args=[enterprise.pk]))
    assert response.status_code == 403
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_no_delete_endpoint_in_api(world, login):
    client = login(world.admin)
    response = client.delete(f"/api/registry/enterprises/{world.own_enterprise.pk}/")
    assert response.status_code == 405
    assert Enterprise.objects.filter(pk=world.own_enterprise.pk).exists()


def test_enterprise_user_cannot_rekey_or_move_its_enterprise(world, login):
    enterprise = world.own_enterprise
    client = login(world.enterprise)
    url = reverse("registry:enterprise_edit", args=[enterprise.pk])
    response = client.post(
        url,
        _edit_form(enterprise, name="改名后的企业", town="330624003", employees=150),
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.employees == 150
    assert enterprise.name == "新昌县南明轴承有限公司"
    assert enterprise.town_id == "330624002"
