import re

import pytest
from django.contrib import admin
from django.urls import reverse

from kechuang.conftest import SHARED_WORLD
from kechuang.core.admin import NoDeleteAdmin, ReadOnlyAdmin
from kechuang.monitoring import models

pytestmark = SHARED_WORLD

READ_ONLY = (
    models.ImportBatch,
    models.RDRecord,
    models.FinancialRecord,
    models.RuleSet,
    models.Snapshot,
    models.SnapshotEntry,
    models.Alert,
)
CORRECTABLE = (models.PoolEntry, models.ServiceVisit)


@pytest.mark.parametrize("model", READ_ONLY + CORRECTABLE, ids=lambda m: m.__name__)
def test_every_monitoring_model_is_in_the_admin(world, login, model):
    client = login(world.admin)
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_figures_results_and_rules_are_read_only_in_the_admin(world, login, model):
    assert isinstance(admin.site._registry[model], ReadOnlyAdmin)
    client = login(world.admin)
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403


@pytest.mark.parametrize("model", CORRECTABLE, ids=lambda m: m.__name__)
def test_the_pool_and_visits_are_corrected_but_never_deleted(model):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, NoDeleteAdmin)
    assert not model_admin.has_delete_permission(request=None)


def test_a_batchs_history_page_shows_its_change_log(world, login):
    from kechuang.monitoring.tests.factories import rd_row, rd_workbook, stage

    batch = stage(world.staff, rd_workbook([rd_row(world.nanming_enterprise)]))
    page = login(world.admin).get(reverse("admin:monitoring_importbatch_history", args=[batch.pk]))
    assert page.status_code == 200
    assert "staff" in page.content.decode()
    assert "此对象没有修改历史" not in page.content.decode()
    log = login(world.admin).get(reverse("admin:core_operationlog_changelist"))
    assert log.status_code == 200


def test_a_change_without_a_reason_shows_none_in_the_admin_history(world, login):
    client = login(world.staff)
    enterprise = world.own_enterprise
    client.post(
        reverse("registry:enterprise_edit", args=[enterprise.pk]),
        {
            "uscc": enterprise.uscc,
            "name": enterprise.name,
            "town": enterprise.town_id,
            "industry": enterprise.industry_id,
            "founded_on": enterprise.founded_on.isoformat(),
            "employees": "77",
            "status": enterprise.status,
        },
    )
    assert enterprise.history.first().history_change_reason == ""
    page = login(world.admin).get(
        reverse("admin:registry_enterprise_history", args=[enterprise.pk])
    )
    assert page.status_code == 200
    cells = re.findall(r"<td>\s*(.*?)\s*</td>", page.content.decode(), re.S)
    assert "None" not in cells
