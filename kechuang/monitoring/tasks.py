"""Background jobs of the intake: reading a large file, committing a large batch.

Thin wrappers over `batches`; registered when the app is ready, so the web process and
`kechuang worker` know them alike."""

from pathlib import Path

from django.contrib.auth import get_user_model

from kechuang.core import jobs
from kechuang.core.models import Job
from kechuang.monitoring import batches
from kechuang.monitoring.models import ImportBatch


@jobs.handler("monitoring.stage")
def stage_file(job: Job, report) -> dict:
    params = dict(job.params)
    user = get_user_model().objects.get(pk=params.pop("user_id"))
    origin = params.pop("origin", {})
    content = Path(params.pop("path")).read_bytes()
    report(10, "读取并校验文件")
    batch = batches.stage(content=content, user=user, **params)
    report(95, "保存校验结果")
    batches.log_staged(batch, user=user, origin=origin)
    return {"batch_id": batch.pk, "url": batch.get_absolute_url()}


@jobs.handler("monitoring.commit")
def commit_batch(job: Job, report) -> dict:
    params = dict(job.params)
    user = get_user_model().objects.get(pk=params.pop("user_id"))
    batch = ImportBatch.objects.get(pk=params.pop("batch_id"))
    return batches.commit_and_recompute(batch, user=user, report=report, **params)
