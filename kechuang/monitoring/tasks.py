"""Background jobs of the intake: reading a large file, committing a large batch.

Thin wrappers over `batches`; registered when the app is ready, so the web process and
`kechuang worker` know them alike. The pages and the API start them through `start_staging`
and `start_commit`, for files of INTAKE_BACKGROUND_BYTES and batches of
INTAKE_BACKGROUND_ROWS or more."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from kechuang.core import jobs
from kechuang.core.models import Job
from kechuang.monitoring import batches, choices, intake
from kechuang.monitoring.models import ImportBatch

IMPORT_PERMISSION = "monitoring.import_importbatch"


def stages_in_background(content: bytes) -> bool:
    return len(content) >= settings.INTAKE_BACKGROUND_BYTES


def commits_in_background(batch: ImportBatch) -> bool:
    return (
        batch.row_count >= settings.INTAKE_BACKGROUND_ROWS
        and batch.status == choices.BatchStatus.VALIDATED
    )


def stage_options(data: dict, *, allow_update: bool) -> dict:
    """`batches.stage`'s options from a valid upload (the page's form or the API's)."""
    fields = ("year", "quarter", "department", "default_unit", "marks_above_scale")
    return {"kind_key": data["kind"], **{f: data[f] for f in fields}, "allow_update": allow_update}


def stage_upload(
    content: bytes, filename: str, params: dict, *, user, origin: dict
) -> ImportBatch | Job:
    """Read and validate an uploaded file into a batch: in the request when it is small,
    by a background job (returned) when it is large. Pages and the API call this alike."""
    if stages_in_background(content):
        return start_staging(content, filename, params, user=user, origin=origin)
    batch = batches.stage(filename=filename, content=content, user=user, **params)
    batches.log_staged(batch, user=user, origin=origin)
    return batch


def commit_or_start(batch: ImportBatch, options: dict, *, user, origin: dict) -> dict | Job:
    """Commit a batch and recompute its year (the outcome's messages), or start a job doing
    it for a large batch (returned)."""
    if commits_in_background(batch):
        return start_commit(batch, options, user=user, origin=origin)
    return batches.commit_and_recompute(batch, user=user, origin=origin, **options)


def start_staging(content: bytes, filename: str, params: dict, *, user, origin: dict) -> Job:
    """Archive the file and read and validate it in a job; `params` as `batches.stage`'s."""
    path = batches.archive(content, intake.file_digest(content), filename)
    return jobs.enqueue(
        "monitoring.stage",
        f"校验导入文件 {filename}",
        params={**params, "filename": filename, "path": path, "user_id": user.pk, "origin": origin},
        user=user,
    )


def start_commit(batch: ImportBatch, options: dict, *, user, origin: dict) -> Job:
    """Commit a batch in a job; `options` as `batches.commit_and_recompute`'s."""
    return jobs.enqueue(
        "monitoring.commit",
        f"提交导入批次#{batch.pk}",
        params={**options, "batch_id": batch.pk, "user_id": user.pk, "origin": origin},
        user=user,
    )


def _back_to_intake(job: Job) -> tuple[str, str]:
    batch_id = job.params.get("batch_id")
    if batch_id:
        return reverse("monitoring:batch_detail", args=[batch_id]), f"导入批次#{batch_id}"
    return reverse("monitoring:batch_list"), "导入记录"


@jobs.handler("monitoring.stage", permission=IMPORT_PERMISSION, back=_back_to_intake)
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


@jobs.handler("monitoring.commit", permission=IMPORT_PERMISSION, back=_back_to_intake)
def commit_batch(job: Job, report) -> dict:
    params = dict(job.params)
    user = get_user_model().objects.get(pk=params.pop("user_id"))
    batch = ImportBatch.objects.get(pk=params.pop("batch_id"))
    return batches.commit_and_recompute(batch, user=user, report=report, **params)
