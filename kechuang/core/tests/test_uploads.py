"""Upload limits per route, answered in Chinese before the body is read; stored files past
the retention are deleted by `kechuang cleanup` while batch rows and history stay."""

import datetime
import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kechuang.conftest import PASSWORD, SHARED_WORLD
from kechuang.core.exports import KIND
from kechuang.core.models import Job
from kechuang.monitoring.models import ImportBatch

pytestmark = SHARED_WORLD

TOO_LARGE = "文件过大"
UPLOAD = {"kind": "rd", "year": 2024, "quarter": 0, "department": "statistics"}


@pytest.fixture
def small_limits(settings, tmp_path):
    settings.UPLOAD_MAX_MB = {"registry": 1, "monitoring": 2, "api": 2}
    settings.MEDIA_ROOT = tmp_path


def big(name: str, megabytes: float) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * int(megabytes * 1024 * 1024))


def test_the_registry_import_refuses_a_file_over_its_limit(world, login, small_limits):
    client = login(world.staff)
    response = client.post(reverse("registry:import"), {"file": big("企业.xlsx", 1.1)}, follow=True)
    assert "不能超过 1 MB" in response.content.decode()
    assert response.redirect_chain[0][0] == reverse("registry:import")


def test_the_monitoring_upload_takes_more_than_the_registry(world, login, small_limits):
    client = login(world.staff)
    response = client.post(
        reverse("monitoring:batch_upload"),
        {**UPLOAD, "default_unit": "thousand", "file": big("107-2.csv", 1.5)},
    )
    assert TOO_LARGE not in response.content.decode()
    assert ImportBatch.objects.count() == 1
    response = client.post(
        reverse("monitoring:batch_upload"),
        {**UPLOAD, "default_unit": "thousand", "file": big("107-2.csv", 2.1)},
        follow=True,
    )
    assert "不能超过 2 MB" in response.content.decode()
    assert ImportBatch.objects.count() == 1


def test_the_api_answers_413_with_the_message(world, small_limits):
    token = Client().post("/api/accounts/token/", {"username": "staff", "password": PASSWORD})
    api = Client(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    response = api.post("/api/monitoring/batches/", {**UPLOAD, "file": big("107-2.csv", 2.1)})
    assert response.status_code == 413
    assert "不能超过 2 MB" in response.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_the_file_size_counts_whatever_the_declared_length(settings):
    from kechuang.core.uploads import is_too_large

    settings.UPLOAD_MAX_MB = {"registry": 1}
    assert is_too_large(big("a.xlsx", 1.01), "registry")
    assert not is_too_large(big("a.xlsx", 1), "registry")
    assert not is_too_large(None, "registry")


def test_the_limit_is_checked_before_the_body_is_read(small_limits):
    from kechuang.core.uploads import UploadLimitMiddleware
    from kechuang.core.views import ImportView

    class Request:
        method = "POST"
        path = "/api/x/"
        META = {"CONTENT_TYPE": "multipart/form-data; boundary=x", "CONTENT_LENGTH": "99999999"}

        @property
        def POST(self):
            raise AssertionError("the body was read")

    response = UploadLimitMiddleware(None).process_view(Request(), ImportView.as_view(), (), {})
    assert response.status_code == 413


def age(path, days: int) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_cleanup_deletes_old_files_and_keeps_the_rows(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_INLINE_MAX_ROWS = 0
    settings.FILE_RETENTION_DAYS = 30
    imports = tmp_path / "imports"
    imports.mkdir()
    old = timezone.now() - datetime.timedelta(days=31)

    def batch(name: str, status: str, updated=old) -> ImportBatch:
        path = imports / f"{name}.csv"
        path.write_bytes(b"x")
        made = ImportBatch.objects.create(
            kind="rd",
            year=2024,
            department="statistics",
            filename=name,
            sha256=name,
            status=status,
            stored_file=str(path),
        )
        ImportBatch.objects.filter(pk=made.pk).update(updated_at=updated)
        return made

    failed = batch("failed", "failed")
    committed = batch("committed", "committed")
    recent = batch("recent", "failed", updated=timezone.now())
    waiting = batch("waiting", "validated")
    shared = batch("shared", "discarded")
    ImportBatch.objects.create(
        kind="rd",
        year=2025,
        department="statistics",
        filename="again",
        sha256="shared",
        status="validated",
        stored_file=shared.stored_file,
    )
    stray = imports / "stray.csv"
    stray.write_bytes(b"x")
    age(stray, 40)
    fresh_stray = imports / "fresh.csv"
    fresh_stray.write_bytes(b"x")

    login(world.town).get(reverse("registry:enterprise_list"), {"export": "xlsx"})
    old_export = Job.objects.get(kind=KIND)
    Job.objects.filter(pk=old_export.pk).update(finished_at=old)
    login(world.town).get(reverse("registry:enterprise_list"), {"export": "csv"})
    new_export = Job.objects.filter(kind=KIND).latest("pk")
    history = {b.pk: b.history.count() for b in ImportBatch.objects.all()}

    out = io.StringIO()
    call_command("cleanup", "--dry-run", stdout=out)
    assert (
        "导入存档文件：将删除 3 个" in out.getvalue() and "导出文件：将删除 1 个" in out.getvalue()
    )
    assert os.path.exists(failed.stored_file)

    call_command("cleanup", stdout=io.StringIO())
    for gone in (failed, committed):
        assert not os.path.exists(gone.stored_file)
        gone.refresh_from_db()
        assert gone.stored_file == "" and gone.status in ("failed", "committed")
    for kept in (recent, waiting, shared):
        assert os.path.exists(kept.stored_file)
    assert not stray.exists() and fresh_stray.exists()
    assert not os.path.exists(old_export.result["path"])
    assert os.path.exists(new_export.result["path"])
    assert Job.objects.filter(pk=old_export.pk).exists()
    assert {b.pk: b.history.count() for b in ImportBatch.objects.all()} == history


def test_a_starting_worker_deletes_files_past_the_retention(
    db, settings, tmp_path, worker_keeps_the_test_connection
):
    settings.MEDIA_ROOT = tmp_path
    settings.FILE_RETENTION_DAYS = 30
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    imports = tmp_path / "imports"
    imports.mkdir()
    stale, fresh = imports / "stale.csv", imports / "fresh.csv"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    age(stale, 31)
    age(fresh, 29)

    call_command("worker", "--batch", stdout=io.StringIO())

    assert not stale.exists() and fresh.exists()
