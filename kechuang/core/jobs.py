"""Background jobs: a row per job, thin handlers, three ways to run them.

`JOBS_MODE` = "thread" (the embedded default: a daemon thread in the web process),
"inline" (run at once, in the caller: tests and the CLI) or "worker" (left for
`kechuang worker`, which claims queued rows; for several processes on PostgreSQL).
Handlers are registered by kind and receive the job and a `report(progress, message)`.
"""

import logging
import threading
import traceback
from collections.abc import Callable

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from kechuang.core.models import Job

logger = logging.getLogger(__name__)

Handler = Callable[[Job, Callable[[int, str], None]], dict]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str):
    """Register the function that runs jobs of `kind`; it returns the job's result dict."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def enqueue(kind: str, title: str, *, params: dict, user=None) -> Job:
    job = Job.objects.create(kind=kind, title=title[:200], params=params, created_by=user)
    mode = getattr(settings, "JOBS_MODE", "thread")
    if mode == "inline":
        run(job.pk)
        job.refresh_from_db()
    elif mode == "thread":
        transaction.on_commit(
            lambda: threading.Thread(target=_run_in_thread, args=(job.pk,), daemon=True).start()
        )
    return job


def _run_in_thread(job_id: int) -> None:
    try:
        run(job_id)
    finally:
        connections.close_all()  # the thread ends: its connections would otherwise linger


def claim_next() -> Job | None:
    """Take the oldest queued job; the conditional update makes two workers never share one."""
    for job_id in (
        Job.objects.filter(status=Job.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)[:10]
    ):
        claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=timezone.now()
        )
        if claimed:
            return Job.objects.get(pk=job_id)
    return None


def run(job_id: int) -> None:
    """Run one job to the end, recording progress, result or the error."""
    Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.get(pk=job_id)

    def report(progress: int, message: str = "") -> None:
        Job.objects.filter(pk=job_id).update(
            progress=max(0, min(100, int(progress))), message=message[:300]
        )

    try:
        result = HANDLERS[job.kind](job, report)
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            error=f"{exc}\n\n{traceback.format_exc()}"[:10000],
            finished_at=timezone.now(),
        )
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.SUCCEEDED,
        progress=100,
        result=result or {},
        finished_at=timezone.now(),
    )
