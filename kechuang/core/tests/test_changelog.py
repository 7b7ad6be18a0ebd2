"""One change log: every model keeps history (or says why it does not), and every service
that writes leaves a history row with who, why, and the request or job it came from."""

import inspect

import pytest
from django.apps import apps
from django.urls import reverse

from kechuang.accounts import services as account_services
from kechuang.conftest import SHARED_WORLD
from kechuang.core import changelog, jobs
from kechuang.core.models import Job
from kechuang.monitoring import batches
from kechuang.monitoring import services as monitoring_services
from kechuang.monitoring.models import Alert, PoolEntry, RDRecord, RuleSet
from kechuang.monitoring.tests.factories import rd_row, rd_workbook, stage
from kechuang.registry import services as registry_services
from kechuang.registry.models import Enterprise
from kechuang.registry.tests.factories import EnterpriseFactory, next_uscc

pytestmark = SHARED_WORLD

# Models whose rows are not edited one by one, and how their changes are known instead.
WITHOUT_HISTORY = {
    "registry.Region": "reference data, loaded from the national division codes",
    "registry.Industry": "reference data, loaded from GB/T 4754-2017",
    "monitoring.Snapshot": "a version: records who computed it, when, from which rules and data",
    "monitoring.SnapshotEntry": "a version: results of its snapshot, never edited",
    "assessment.AssessmentRun": "a version: records who ran it, when, on which date and rules",
    "assessment.AssessmentResult": "a version: results of its run, never edited",
    "assessment.PolicyRun": "a version: keeps the policy as run; a withdrawal is in its summary",
    "assessment.PolicyOutcome": "a version: results of its calculation, never edited",
    "assessment.PointsRun": "a version: records who calculated it, when, with which scheme",
    "assessment.PointsResult": "a version: results of its calculation, never edited",
    "core.OperationLog": "a log",
    "core.LoginLog": "a log",
    "core.Notification": "a message to one user; what it tells of is in the history of its subject",
    "core.Job": "a log of background work, written by the job runner",
    "accounts.ApiToken": "a credential, revoked rather than edited",
}


def _own_models():
    for config in apps.get_app_configs():
        if config.name.startswith("kechuang."):
            for model in config.get_models():
                if not model.__name__.startswith("Historical"):
                    yield model


@pytest.mark.parametrize("model", list(_own_models()), ids=lambda m: m._meta.label)
def test_every_model_keeps_history_or_says_why_not(model):
    has_history = hasattr(model, "history")
    assert has_history or model._meta.label in WITHOUT_HISTORY, (
        f"{model._meta.label} keeps no history: add HistoricalRecords or say why not"
    )


def _last(obj):
    return obj.history.order_by("-history_id").first()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staged(world):
    content = rd_workbook([rd_row(world.nanming_enterprise)])
    return stage(world.staff, content)


def test_register_enterprise(world):
    enterprise = registry_services.register_enterprise(
        {
            "uscc": next_uscc(),
            "name": "新昌县测试机械有限公司",
            "town": "330624002",
            "industry": "3484",
            "founded_on": "2020-01-02",
        },
        user=world.staff,
        reason="测试登记",
    )
    record = _last(enterprise)
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        world.staff,
        "测试登记",
    )
    assert enterprise.created_by == enterprise.updated_by == world.staff


def test_register_enterprise_keeps_the_forms_rules(world):
    with pytest.raises(registry_services.EnterpriseRefused, match="所在乡镇街道"):
        registry_services.register_enterprise(
            {"uscc": next_uscc(), "name": "外县企业", "town": "330683001", "industry": "3484"},
            user=world.town,
            founding_date_known=False,
        )
    with pytest.raises(registry_services.EnterpriseRefused, match="已登记"):
        registry_services.register_enterprise(
            {
                "uscc": world.own_enterprise.uscc,
                "name": "重复",
                "town": "330624002",
                "industry": "3484",
            },
            user=world.staff,
            founding_date_known=False,
        )


def test_stage_commit_rollback_and_discard(world, staged):
    assert _last(staged).history_user == world.staff
    batches.commit(staged, user=world.staff, create_unknown=False)
    record = RDRecord.objects.get(batch=staged)
    first = _last(record)
    assert (first.history_type, first.history_user) == ("+", world.staff)
    assert first.history_change_reason == f"导入批次#{staged.pk}"
    staged.refresh_from_db()
    committed = _last(staged)
    assert (committed.status, committed.history_user) == ("committed", world.staff)
    assert committed.history_change_reason == f"导入批次#{staged.pk}"
    batches.rollback(staged, user=world.staff)
    gone = RDRecord.history.filter(id=record.pk).order_by("-history_id").first()
    assert (gone.history_type, gone.history_change_reason) == ("-", f"撤销导入批次#{staged.pk}")
    staged.refresh_from_db()
    assert _last(staged).history_change_reason == f"撤销导入批次#{staged.pk}"


def test_discard(world, staged):
    batches.discard(staged, user=world.staff)
    record = _last(staged)
    assert (record.history_user, record.history_change_reason) == (world.staff, "放弃导入")


def test_enterprises_created_by_a_commit(world):
    code = next_uscc()
    row = rd_row(EnterpriseFactory.build(uscc=code, name="新昌县新登记科技有限公司"))
    batch = stage(world.staff, rd_workbook([row]))
    batches.commit(
        batch, user=world.staff, create_unknown=True, town_code="330624002", industry_code="3484"
    )
    created = Enterprise.objects.get(uscc=code)
    record = _last(created)
    assert (record.history_type, record.history_user) == ("+", world.staff)
    assert record.history_change_reason == f"导入批次#{batch.pk}"
    assert created.founded_on is None


def test_job_driven_changes_name_their_job(world, staged):
    job = jobs.enqueue(
        "monitoring.commit",
        "提交",
        params={"batch_id": staged.pk, "user_id": world.staff.pk, "create_unknown": False},
        user=world.staff,
    )
    assert job.status == Job.Status.SUCCEEDED, job.error
    record = _last(RDRecord.objects.get(batch=staged))
    assert (record.history_user, record.history_job_id) == (world.staff, job.pk)
    staged.refresh_from_db()
    assert _last(staged).history_job_id == job.pk


def test_rule_versions_pool_entries_and_alerts(world, login):
    base = monitoring_services.current_rule_set()
    version = monitoring_services.save_rule_version(
        base=base,
        changes={"top_n": 30},
        version="测试-30",
        effective_from=base.effective_from,
        note="",
        user=world.staff,
    )
    assert _last(version).history_user == world.staff
    assert RuleSet.objects.filter(pk=version.pk).exists()

    entry = monitoring_services.add_to_pool(
        world.own_enterprise, officer=world.staff, target="", reason="", user=world.staff
    )
    assert (_last(entry).history_user, entry.created_by) == (world.staff, world.staff)
    assert PoolEntry.objects.filter(pk=entry.pk).exists()


def test_alert_handling_is_kept_in_the_alerts_history(world, login):
    alert = Alert.objects.filter(pk=_an_alert(world)).get()
    response = login(world.staff).post(
        reverse("monitoring:alert_acknowledge", args=[alert.pk]), {"note": "已核实"}
    )
    assert response.status_code == 302
    record = _last(alert)
    assert (record.history_user, record.history_change_reason) == (world.staff, "处理预警")
    assert record.history_path == reverse("monitoring:alert_acknowledge", args=[alert.pk])
    assert record.acknowledged_by == world.staff


def _an_alert(world) -> int:
    """Results with at least one alert: a fall to zero R&D after a large year."""
    from kechuang.monitoring.models import RDRecord as Records

    enterprise = world.nanming_enterprise
    for year, spend in ((2023, 5_000_000), (2024, 0)):
        Records.objects.create(
            enterprise=enterprise,
            year=year,
            quarter=0,
            rd_expense=spend,
            department="statistics",
        )
    snapshot = monitoring_services.recompute(2024, user=world.staff)
    alert = Alert.objects.of(snapshot).first()
    assert alert is not None
    return alert.pk


def test_requests_are_named_in_history(world, login):
    enterprise = world.own_enterprise
    client = login(world.staff)
    url = reverse("registry:enterprise_edit", args=[enterprise.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["address"] = "新昌县南明街道测试路1号"
    client.post(url, data)
    record = _last(enterprise)
    assert (record.history_user, record.history_path, record.history_job_id) == (
        world.staff,
        url,
        None,
    )


# Services that write, each walked above; a new one must join them.
WRITING_SERVICES = {
    registry_services.register_enterprise,
    monitoring_services.save_rule_version,
    monitoring_services.recompute,  # writes a snapshot: a version (see WITHOUT_HISTORY)
    monitoring_services.recompute_year,  # the same, for a year an officer asks for
    monitoring_services.retire_results,  # marks a snapshot no longer current
    monitoring_services.acknowledge_alert,
    monitoring_services.add_to_pool,
    account_services.ensure_standard_roles,
    account_services.organisation_for_enterprise,
    account_services.organisation_for_institution,
    account_services.create_user,
}
READING_SERVICES = {
    registry_services.name_key,
    registry_services.suspected_typos,
    monitoring_services.current_rule_set,
    monitoring_services.compared_rule_set,
    monitoring_services.overridden_by_later,
    monitoring_services.pending_after,
    monitoring_services.previous_rule_set,
    monitoring_services.rule_impact,
    monitoring_services.current_snapshot,
    monitoring_services.reference_date,
    monitoring_services.has_annual_records,
    monitoring_services.latest_year,
    monitoring_services.overdue_visits,
    account_services.region_of,
    account_services.visible_users,
}


def test_every_service_function_is_walked_or_reads_only():
    for module in (registry_services, monitoring_services, account_services):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            assert function in WRITING_SERVICES | READING_SERVICES, (
                f"{module.__name__}.{name}: walk it in this file (it writes) or list it as "
                "reading only"
            )


def test_recording_blocks_nest():
    with changelog.recording("甲", reason="外层"):
        with changelog.recording(reason="内层"):
            assert (changelog.current_user(), changelog.current_reason()) == ("甲", "内层")
        assert changelog.current_reason() == "外层"
    assert changelog.current_user() is None
