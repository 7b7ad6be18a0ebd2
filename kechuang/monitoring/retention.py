"""Stored import files no batch needs any more: a batch that failed, was discarded, rolled
back or committed before the retention cutoff keeps its row, issues and undo record, but
not its file. A batch awaiting commit keeps its file, as does any file it shares."""

from pathlib import Path

from django.conf import settings

from kechuang.core import retention
from kechuang.monitoring.choices import BatchStatus
from kechuang.monitoring.models import ImportBatch

DONE = (
    BatchStatus.FAILED,
    BatchStatus.DISCARDED,
    BatchStatus.COMMITTED,
    BatchStatus.ROLLED_BACK,
)


@retention.cleaner
def remove_import_files(before, dry_run: bool) -> tuple[str, int]:
    with_file = ImportBatch.objects.exclude(stored_file="")
    expired = with_file.filter(status__in=DONE, updated_at__lt=before)
    needed = set(
        with_file.exclude(pk__in=expired.values("pk")).values_list("stored_file", flat=True)
    )
    paths = set(expired.values_list("stored_file", flat=True)) - needed
    stray = retention.stale_files(Path(settings.MEDIA_ROOT) / "imports", before, needed)
    deleted = retention.delete_files([*paths, *stray], dry_run)
    if not dry_run:
        # update() writes no history row: the batch's record of what it did is unchanged
        expired.filter(stored_file__in=paths).update(stored_file="")
    return "导入存档文件", deleted
