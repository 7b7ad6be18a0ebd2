"""Stored files are kept FILE_RETENTION_DAYS and then deleted by `kechuang cleanup`; the rows
that describe them (batches, jobs) and their history stay. Each app registers a cleaner."""

import datetime
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

# A cleaner takes the cutoff and whether to only count, and returns (what, files deleted).
Cleaner = Callable[[datetime.datetime, bool], tuple[str, int]]
CLEANERS: list[Cleaner] = []


def cleaner(function: Cleaner) -> Cleaner:
    CLEANERS.append(function)
    return function


def cutoff(days: int | None = None) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(
        days=settings.FILE_RETENTION_DAYS if days is None else days
    )


def run(*, days: int | None = None, dry_run: bool = False) -> list[tuple[str, int]]:
    before = cutoff(days)
    return [clean(before, dry_run) for clean in CLEANERS]


def delete_files(paths: Iterable[str | Path], dry_run: bool) -> int:
    deleted = 0
    for path in {Path(p) for p in paths if p}:
        if path.is_file():
            deleted += 1
            if not dry_run:
                path.unlink(missing_ok=True)
    return deleted


def stale_files(folder: Path, before: datetime.datetime, keep: set[str]) -> list[Path]:
    """Files in `folder` last written before the cutoff that no kept row refers to (left by
    a job that died, or a row since deleted)."""
    if not folder.is_dir():
        return []
    limit = before.timestamp()
    return [
        path
        for path in folder.iterdir()
        if path.is_file() and str(path) not in keep and path.stat().st_mtime < limit
    ]
