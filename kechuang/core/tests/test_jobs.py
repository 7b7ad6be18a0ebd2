"""The job runner on Django's tasks API: the database backend and its worker, a job whose
process died, retry, the page's polling back-off, and RQ on a real Redis."""

import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kechuang.conftest import SHARED_WORLD
from kechuang.core import jobs
from kechuang.core.models import Job

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


pytestmark = [SHARED_WORLD, pytest.mark.usefixtures("worker_keeps_the_test_connection")]


@pytest.fixture
def doubler(monkeypatch):
    calls = []

    def handler(job, report):
        calls.append(job.attempt)
        report(50, "一半")
        return {"answer": job.params["n"] * 2}

    monkeypatch.setitem(jobs.HANDLERS, "test.double", handler)
    monkeypatch.setitem(jobs.PERMISSIONS, "test.double", "monitoring.import_importbatch")
    return calls


def _running(user, **fields) -> Job:
    fields = {"status": Job.Status.RUNNING, "started_at": timezone.now(), **fields}
    return Job.objects.create(kind="test.double", title="测试任务", created_by=user, **fields)


# -- the database backend and its worker ---------------------------------------------------


def test_database_backend_queues_the_job_until_a_worker_runs_it(world, settings, doubler):
    settings.TASKS = DATABASE_BACKEND
    job = jobs.enqueue("test.double", "测试任务", params={"n": 21}, user=world.staff)
    assert (job.status, doubler) == ("queued", [])
    task = DBTaskResult.objects.get(id=job.task_id)
    assert (task.status, task.task_path) == ("READY", "kechuang.core.jobs.run_job")

    call_command("worker", batch=True, verbosity=0)

    job.refresh_from_db()
    assert (job.status, job.progress, job.result) == ("succeeded", 100, {"answer": 42})
    assert job.worker == f"{os.uname().nodename}:{os.getpid()}"
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def test_a_task_delivered_twice_runs_the_job_once(world, doubler):
    job = jobs.enqueue("test.double", "测试任务", params={"n": 1}, user=world.staff)
    jobs.run_job.call(job.pk, job.attempt)
    jobs.run_job.call(job.pk, job.attempt + 1)  # an attempt that does not exist
    assert doubler == [1]


def test_a_backend_that_refuses_the_task_leaves_the_job_failed(world, monkeypatch, doubler):
    def refuse(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(type(jobs.run_job.get_backend()), "enqueue", refuse)
    job = jobs.enqueue("test.double", "测试任务", params={"n": 1}, user=world.staff)
    assert job.status == "failed"
    assert job.error == "无法提交到后台队列（ConnectionError）"


def test_an_interrupted_job_is_failed_and_the_interruption_goes_on(world, monkeypatch):
    def stopped(job, report):
        report(20, "写入")
        raise SystemExit(1)

    monkeypatch.setitem(jobs.HANDLERS, "test.stopped", stopped)
    job = Job.objects.create(kind="test.stopped", title="测试任务", created_by=world.staff)
    with pytest.raises(SystemExit):
        jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress) == ("failed", 20)
    assert job.error.startswith("任务被中断（后台进程已停止）")


# -- a job whose process died --------------------------------------------------------------


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_job_whose_process_has_gone_is_failed_when_looked_at(world, settings):
    settings.TASKS = DATABASE_BACKEND
    job = _running(world.staff, worker=f"{os.uname().nodename}:{_dead_pid()}")
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [job.pk, 1], "kwargs": {}},
        task_path="kechuang.core.jobs.run_job",
        backend_name="default",
        status="RUNNING",
    )
    Job.objects.filter(pk=job.pk).update(task_id=str(task.id))
    job.refresh_from_db()

    job = jobs.reap(job)

    assert job.status == "failed"
    assert job.error == "后台进程已退出，任务未完成"
    assert job.finished_at is not None
    assert DBTaskResult.objects.get(id=task.id).status == "FAILED"


def test_a_job_of_a_live_process_or_another_machine_is_left_running(world):
    alive = _running(world.staff, worker=f"{os.uname().nodename}:{os.getpid()}")
    remote = _running(world.staff, worker=f"another-host:{_dead_pid()}")
    assert jobs.reap(alive).status == "running"
    assert jobs.reap(remote).status == "running"


def test_a_silent_job_is_failed_after_the_stale_time_and_not_before(world, settings):
    settings.JOBS_STALE_SECONDS = 600
    now = timezone.now()
    remote = "another-host:1"
    fresh = _running(world.staff, worker=remote, heartbeat_at=now - timedelta(seconds=590))
    silent = _running(world.staff, worker=remote, heartbeat_at=now - timedelta(seconds=610))
    never_beat = _running(world.staff, worker=remote)
    Job.objects.filter(pk=never_beat.pk).update(started_at=now - timedelta(seconds=610))
    never_beat.refresh_from_db()

    assert jobs.reap(fresh).status == "running"
    assert jobs.reap(silent).error == "后台进程已超过10分钟没有响应，任务按失败处理"
    assert jobs.reap(never_beat).status == "failed"


def test_the_worker_reaps_dead_jobs_when_it_starts(world, settings):
    settings.TASKS = DATABASE_BACKEND
    dead = _running(world.staff, worker=f"{os.uname().nodename}:{_dead_pid()}")
    out = io.StringIO()
    call_command("worker", batch=True, verbosity=0, stdout=out)
    dead.refresh_from_db()
    assert dead.status == "failed"
    assert "已将1个后台进程已退出的任务标记为失败" in out.getvalue()


# -- retry ---------------------------------------------------------------------------------


def test_submitter_retries_a_failed_job_as_a_new_attempt(world, doubler):
    job = _running(world.staff, params={"n": 4}, progress=60, message="写入")
    job = jobs.reap(_mark_dead(job))
    assert jobs.can_retry(job, world.staff)

    job = jobs.retry(job)

    assert (job.status, job.attempt, job.result, job.error) == ("succeeded", 2, {"answer": 8}, "")
    assert doubler == [2]


def _mark_dead(job: Job) -> Job:
    Job.objects.filter(pk=job.pk).update(worker=f"{os.uname().nodename}:{_dead_pid()}")
    job.refresh_from_db()
    return job


def test_only_the_submitter_with_the_permission_retries_and_only_a_failed_job(world, doubler):
    failed = _running(world.staff, status=Job.Status.FAILED, error="x")
    running = _running(world.staff)
    assert jobs.can_retry(failed, world.staff)
    assert not jobs.can_retry(running, world.staff)
    assert not jobs.can_retry(failed, world.admin)  # sees every job, but did not submit it
    world.staff.groups.clear()
    staff = type(world.staff).objects.get(pk=world.staff.pk)  # no cached permissions
    assert not staff.has_perm("monitoring.import_importbatch")
    assert not jobs.can_retry(failed, staff)
    assert jobs.retry(running).attempt == 1  # not failed: nothing happens


# -- polling -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "seconds"), [(0, 1), (19, 1), (20, 2), (59, 5), (149, 14), (150, 15), (9999, 15)]
)
def test_a_watching_page_backs_off_with_the_jobs_age(world, age, seconds):
    job = _running(world.staff)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=age))
    job.refresh_from_db()
    assert jobs.poll_seconds(job) == seconds


# -- RQ on Redis ---------------------------------------------------------------------------


def _redis_url() -> str:
    import redis

    url = "redis://127.0.0.1:6379/5"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return url


def test_rq_backend_runs_the_job_through_redis(world, settings, doubler):
    import django_rq
    from django_tasks_rq.backend import Job as TaskJob
    from rq import SimpleWorker

    settings.RQ_QUEUES = {"default": {"URL": _redis_url()}}
    settings.RQ = {"COMMIT_MODE": "auto"}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    queue = django_rq.get_queue("default")
    queue.empty()

    job = jobs.enqueue("test.double", "测试任务", params={"n": 5}, user=world.staff)
    assert (job.status, len(queue)) == ("queued", 1)
    assert queue.job_ids == [job.task_id]

    SimpleWorker([queue], connection=queue.connection, job_class=TaskJob).work(burst=True)

    job.refresh_from_db()
    assert (job.status, job.result) == ("succeeded", {"answer": 10})
    assert jobs.run_job.get_backend().get_result(job.task_id).status == "SUCCESSFUL"
    queue.empty()


def test_worker_command_runs_the_backends_worker(settings, monkeypatch, db):
    seen = []
    monkeypatch.setattr(
        "kechuang.core.management.commands.worker.call_command",
        lambda name, *args, **options: seen.append((name, args, options)),
    )
    settings.TASKS_BACKEND = "rq"
    call_command("worker", batch=True, verbosity=0)
    settings.TASKS_BACKEND = "database"
    call_command("worker", verbosity=0)
    assert [(name, args) for name, args, _ in seen] == [
        ("rqworker", ("default",)),
        ("db_worker", ()),
    ]
    assert seen[0][2]["job_class"] == "django_tasks_rq.backend.Job"
    assert (seen[0][2]["burst"], seen[1][2]["batch"], seen[1][2]["reload"]) == (True, False, False)
    settings.TASKS_BACKEND = "immediate"
    with pytest.raises(CommandError, match="不需要后台进程"):
        call_command("worker", verbosity=0)
