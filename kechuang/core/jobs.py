"""Background jobs: a row per job that users watch, run by Django's tasks framework.

`enqueue(kind, title, params=..., user=...)` writes a `Job` and enqueues the one task,
`run_job(job_id, attempt)`, on the configured backend (settings.TASKS: the database
backend and `kechuang worker` by default, RQ on Redis across machines, at once in tests).
The task runs the handler registered for the kind with `@handler(kind)`; the handler gets
the job and `report(progress, message)` and returns the job's result dict.

While a handler runs, a companion thread writes its progress and a heartbeat from its own
connection, so progress shows even inside the handler's transaction. A running job whose
process has gone (same host, pid gone) or whose heartbeat is older than JOBS_STALE_SECONDS
is marked failed by `reap` when anyone looks at it; its submitter may retry it.
"""

import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from kechuang.core import changelog
from kechuang.core.models import Job

logger = logging.getLogger(__name__)

Report = Callable[..., None]
Handler = Callable[[Job, Report], dict]


HANDLERS: dict[str, Handler] = {}
PERMISSIONS: dict[str, str | None] = {}
BACK_LINKS: dict[str, Callable[[Job], tuple[str, str]]] = {}

DEAD_PROCESS = "后台进程已退出，任务未完成"
STALE = "后台进程已超过{minutes}分钟没有响应，任务按失败处理"
INTERRUPTED = "任务被中断（后台进程已停止）"
UNQUEUED = "无法提交到后台队列（{error}）"


def handler(
    kind: str,
    *,
    permission: str | None = None,
    back: Callable[[Job], tuple[str, str]] | None = None,
):
    """Register the function that runs jobs of `kind`; it returns the job's result dict.

    `permission` is the one needed to start such a job, checked again on a retry. `back`
    gives the (address, label) of the page the job's progress page leads back to."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        PERMISSIONS[kind] = permission
        if back is not None:
            BACK_LINKS[kind] = back
        return function

    return register


def back_link(job: Job) -> tuple[str, str]:
    """Where the progress page of `job` leads back to: its kind's page, or the home page."""
    back = BACK_LINKS.get(job.kind)
    return back(job) if back is not None else (reverse("home"), "首页")


def enqueue(kind: str, title: str, *, params: dict, user=None) -> Job:
    """Record a job and hand it to the task backend; the job row is returned refreshed
    (already finished when the backend runs tasks at once)."""
    job = Job.objects.create(kind=kind, title=title[:200], params=params, created_by=user)
    _submit(job)
    job.refresh_from_db()
    return job


def retry(job: Job) -> Job:
    """Run a failed job again under the same row, as a new attempt."""
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
        status=Job.Status.QUEUED,
        attempt=F("attempt") + 1,
        progress=0,
        message="",
        error="",
        result={},
        started_at=None,
        finished_at=None,
        heartbeat_at=None,
        worker="",
    )
    job.refresh_from_db()
    if updated:
        _submit(job)
        job.refresh_from_db()
    return job


def can_retry(job: Job, user) -> bool:
    """Only the submitter retries a failed job, and only while allowed to start one."""
    if job.status != Job.Status.FAILED or job.created_by_id != user.pk:
        return False
    permission = PERMISSIONS.get(job.kind)
    return permission is None or user.has_perm(permission)


def visible_to(user):
    """Jobs a user may watch: their own; every job for a superuser."""
    if user.is_superuser:
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def _submit(job: Job) -> None:
    """Enqueue the task for the job's current attempt; a backend that cannot take it (Redis
    down) leaves the job failed with the reason, to be retried."""
    try:
        result = run_job.enqueue(job.pk, job.attempt)
    except Exception as exc:
        logger.exception("job %s could not be enqueued", job.pk)
        Job.objects.filter(pk=job.pk, attempt=job.attempt, status=Job.Status.QUEUED).update(
            status=Job.Status.FAILED,
            error=UNQUEUED.format(error=type(exc).__name__),
            finished_at=timezone.now(),
        )
        return
    Job.objects.filter(pk=job.pk, attempt=job.attempt).update(task_id=str(result.id)[:64])


@task
def run_job(job_id: int, attempt: int = 1) -> None:
    """The one task: run attempt `attempt` of job `job_id` to the end, recording progress,
    result or error. A claim on (id, attempt, queued) makes a delivered-twice task or a
    superseded attempt a no-op."""
    claimed = Job.objects.filter(pk=job_id, attempt=attempt, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        worker=_this_process(),
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    mine = Job.objects.filter(pk=job_id, attempt=attempt, status=Job.Status.RUNNING)
    with _Heartbeat(mine) as beat:
        try:
            with changelog.recording(user=job.created_by, job=job):
                result = HANDLERS[job.kind](job, beat.report)
        except BaseException as exc:
            beat.stop()
            interrupted = isinstance(exc, KeyboardInterrupt | SystemExit)
            if not interrupted:
                logger.exception("job %s failed", job_id)
            first = INTERRUPTED if interrupted else str(exc) or type(exc).__name__
            mine.update(
                status=Job.Status.FAILED,
                error=f"{first}\n\n{traceback.format_exc()}"[:10000],
                finished_at=timezone.now(),
                **beat.pending(),
            )
            if interrupted:
                raise
            return
        beat.stop()
    mine.update(
        **{**beat.pending(), "progress": 100},
        status=Job.Status.SUCCEEDED,
        result=result or {},
        finished_at=timezone.now(),
    )


class _Heartbeat:
    """Writes progress and a heartbeat every JOBS_HEARTBEAT_SECONDS, and at once after a
    report, from a thread of its own (its own connection, outside the handler's
    transaction). Failed writes (a locked SQLite file) are retried at the next beat."""

    def __init__(self, rows):
        self.rows = rows
        self.lock = threading.Lock()
        self.changes: dict = {}
        self.wake = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.immediate = _runs_inline()

    def __enter__(self):
        if not self.immediate:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def report(self, progress: int, message: str = "") -> None:
        changes = {"progress": max(0, min(100, int(progress))), "message": message[:300]}
        if self.immediate:
            self.rows.update(**changes, heartbeat_at=timezone.now())
            return
        with self.lock:
            self.changes.update(changes)
        self.wake.set()

    def pending(self) -> dict:
        with self.lock:
            return dict(self.changes)

    def stop(self) -> None:
        self.done.set()
        self.wake.set()
        if self.thread.is_alive():
            self.thread.join()

    def _loop(self) -> None:
        try:
            while not self.done.is_set():
                self.wake.wait(settings.JOBS_HEARTBEAT_SECONDS)
                self.wake.clear()
                if self.done.is_set():
                    break
                try:
                    self.rows.update(**self.pending(), heartbeat_at=timezone.now())
                except Exception:
                    logger.warning("job heartbeat not written", exc_info=True)
        finally:
            connections.close_all()


def _runs_inline() -> bool:
    """Under a backend that runs tasks in the caller (tests), progress is written directly:
    the caller's test transaction is the only connection that sees the job row."""
    return isinstance(run_job.get_backend(), ImmediateBackend)


def _this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _process_gone(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine: only the heartbeat can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def reap(job: Job) -> Job:
    """Mark `job` failed when it is running but its process has gone or fallen silent."""
    if job.status != Job.Status.RUNNING:
        return job
    stale_after = timedelta(seconds=settings.JOBS_STALE_SECONDS)
    last_sign = job.heartbeat_at or job.started_at or job.created_at
    if job.worker and _process_gone(job.worker):
        reason = DEAD_PROCESS
    elif timezone.now() - last_sign > stale_after:
        reason = STALE.format(minutes=max(1, settings.JOBS_STALE_SECONDS // 60))
    else:
        return job
    failed = Job.objects.filter(pk=job.pk, attempt=job.attempt, status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED, error=reason, finished_at=timezone.now()
    )
    if failed:
        logger.warning("job %s marked failed: %s", job.pk, reason)
        _fail_task_result(job.task_id)
    job.refresh_from_db()
    return job


def reap_all() -> int:
    """Reap every running job; returns how many were marked failed."""
    running = Job.objects.filter(status=Job.Status.RUNNING)
    return sum(reap(job).status == Job.Status.FAILED for job in running)


def _fail_task_result(task_id: str) -> None:
    """The database backend's own row of a dead task stays RUNNING forever: close it too."""
    if not task_id:
        return
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if isinstance(run_job.get_backend(), DatabaseBackend):
        DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
            status="FAILED", finished_at=timezone.now()
        )


def poll_seconds(job: Job) -> int:
    """How long a watching page waits before asking again: 1 s for a fresh job, backing
    off with its age to 15 s."""
    age = (timezone.now() - job.created_at).total_seconds()
    return int(max(1, min(15, age // 10)))
