"""Intake jobs seen by people and clients: the job page's polling and retry, and the API's
background path (202 and a job to poll) beside its in-request path for small files."""

import json
import os
from datetime import timedelta

import pytest
from django.urls import reverse

from kechuang.conftest import SHARED_WORLD
from kechuang.core import jobs
from kechuang.core.models import Job
from kechuang.monitoring.models import ImportBatch, RDRecord
from kechuang.monitoring.tests.test_intake_views import (
    API,
    UPLOAD,
    _api_upload,
    _form,
    _good,
    _token_client,
)

pytestmark = [SHARED_WORLD, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _dead(job: Job) -> Job:
    """The job as its worker left it when the process was killed mid-run."""
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, progress=40, worker=f"{os.uname().nodename}:999999999"
    )
    job.refresh_from_db()
    return job


def _queued_stage_job(client, world, settings) -> Job:
    settings.INTAKE_BACKGROUND_BYTES = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.post(UPLOAD, _form(_good(world)))
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return Job.objects.get(kind="monitoring.stage")


# -- the job page --------------------------------------------------------------------------


def test_a_dead_job_shows_failed_and_its_submitter_retries_it(world, login, settings):
    client = login(world.staff)
    job = _dead(_queued_stage_job(client, world, settings))
    url = reverse("core:job_status", args=[job.pk])

    page = client.get(url).content.decode()
    assert "任务失败：后台进程已退出，任务未完成。未写入任何数据" in page
    assert 'data-testid="job-retry"' in page
    assert "hx-get" not in page  # finished: no more polling
    assert not ImportBatch.objects.exists()

    response = client.post(reverse("core:job_retry", args=[job.pk]))
    assert response["Location"] == url
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("succeeded", 2)
    batch = ImportBatch.objects.get()
    assert client.get(url)["Location"] == batch.get_absolute_url()
    assert "第2次运行" in client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_only_the_submitter_may_retry(world, login, settings):
    job = _dead(_queued_stage_job(login(world.staff), world, settings))
    jobs.reap(job)
    url = reverse("core:job_status", args=[job.pk])
    admin = login(world.admin)
    assert 'data-testid="job-retry"' not in admin.get(url).content.decode()
    response = admin.post(reverse("core:job_retry", args=[job.pk]), follow=True)
    assert "只有提交人（且仍有相应权限）可以重试失败的任务。" in response.content.decode()
    assert login(world.leader).post(reverse("core:job_retry", args=[job.pk])).status_code == 404
    assert login(world.staff).get(reverse("core:job_retry", args=[job.pk])).status_code == 405
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("failed", 1)


def test_a_job_that_has_not_failed_is_not_retried(world, login, settings):
    client = login(world.staff)
    job = _queued_stage_job(client, world, settings)
    response = client.post(reverse("core:job_retry", args=[job.pk]), follow=True)
    assert "只有失败的任务可以重试。" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("queued", 1)


def test_a_running_job_polls_with_back_off(world, login, settings):
    client = login(world.staff)
    job = _queued_stage_job(client, world, settings)
    Job.objects.filter(pk=job.pk).update(created_at=job.created_at - timedelta(seconds=60))
    url = reverse("core:job_status", args=[job.pk])
    assert 'hx-trigger="load delay:6s"' in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert client.get(url, {"format": "json"}).json()["poll_after"] == 6


# -- the API -------------------------------------------------------------------------------


def test_api_stages_and_commits_large_files_in_the_background(world, settings):
    settings.INTAKE_BACKGROUND_BYTES = len(_good(world))
    settings.INTAKE_BACKGROUND_ROWS = 2
    client = _token_client("staff")

    response = _api_upload(client, _good(world))
    assert response.status_code == 202, response.content
    body = response.json()
    job = Job.objects.get(kind="monitoring.stage")
    assert response["Location"] == body["url"] == f"/api/jobs/{job.pk}/"
    assert body["page_url"] == reverse("core:job_status", args=[job.pk])
    status = client.get(body["url"]).json()
    assert (status["status"], status["finished"], status["poll_after"]) == ("succeeded", True, None)
    batch = ImportBatch.objects.get(pk=status["result"]["batch_id"])
    assert batch.row_count == 2

    response = client.post(f"{API}{batch.pk}/commit/", {}, content_type="application/json")
    assert response.status_code == 202, response.content
    status = client.get(response.json()["url"]).json()
    assert status["status"] == "succeeded"
    assert status["result"]["batch_id"] == batch.pk
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert RDRecord.objects.count() == 2


def test_api_handles_files_below_the_thresholds_in_the_request(world, settings):
    settings.INTAKE_BACKGROUND_BYTES = len(_good(world)) + 1
    settings.INTAKE_BACKGROUND_ROWS = 3
    client = _token_client("staff")
    response = _api_upload(client, _good(world))
    assert response.status_code == 201
    response = client.post(
        f"{API}{response.json()['id']}/commit/", {}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "committed"
    assert not Job.objects.exists()


def test_api_job_status_is_the_submitters_and_retry_follows_the_page(world, settings, login):
    client = _token_client("staff")
    job = _dead(_queued_stage_job(login(world.staff), world, settings))
    url = f"/api/jobs/{job.pk}/"

    body = client.get(url).json()
    assert (body["status"], body["error"]) == ("failed", "后台进程已退出，任务未完成")
    for persona in ("leader", "town", "enterprise"):
        assert _token_client(persona).get(url).status_code == 404, persona
    assert login(world.admin).get(url).status_code == 200
    assert login(world.admin).post(f"{url}retry/").status_code == 403

    response = client.post(f"{url}retry/")
    assert response.status_code == 202
    assert (response.json()["status"], response.json()["attempt"]) == ("succeeded", 2)
    refused = client.post(f"{url}retry/")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "只有失败的任务可以重试。"
    assert client.get("/api/jobs/999999/").status_code == 404


def test_api_schema_documents_the_background_answers(world, login):
    schema = login(world.staff).get("/api/schema/", {"format": "json"}).json()
    upload = schema["paths"]["/api/monitoring/batches/"]["post"]["responses"]
    commit = schema["paths"]["/api/monitoring/batches/{id}/commit/"]["post"]["responses"]
    assert {"201", "202"} <= upload.keys()
    assert {"200", "202"} <= commit.keys()
    job = "#/components/schemas/Job"
    assert upload["202"]["content"]["application/json"]["schema"]["$ref"] == job
    assert (
        schema["paths"]["/api/jobs/{id}/"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["schema"]["$ref"]
        == job
    )
    assert "/api/jobs/{id}/retry/" in schema["paths"]
    assert json.dumps(schema, ensure_ascii=False).count("poll_after") >= 1


def test_job_pages_moved_to_jobs_and_lead_back_to_the_intake(world, login, settings):
    client = login(world.staff)
    job = _queued_stage_job(client, world, settings)
    old = client.get(f"/monitoring/jobs/{job.pk}/")
    assert old.status_code == 308
    assert old["Location"] == reverse("core:job_status", args=[job.pk]) == f"/jobs/{job.pk}/"
    assert client.get("/monitoring/imports/?year=2024")["Location"] == (
        reverse("monitoring:batch_list") + "?year=2024"
    )
    page = client.get(old["Location"]).content.decode()
    assert f'href="{reverse("monitoring:batch_list")}">导入记录</a>' in page
