"""List exports too large for a request: written by a background job, downloaded by the user
who asked for them (or an administrator), deleted by `kechuang cleanup` after the retention.

The job stores no queryset: it keeps the page's path, query and chosen columns, and rebuilds
the page's view for the requester, so the file holds exactly the rows the page would export
to that user at the time the job runs (their scope, the page's filters and columns).

`write_table` writes every list export, the job's and the one a request answers with, so
that both are the same file: typed cells in the formats the table's columns declare.
"""

import io
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.urls import resolve
from django.utils.encoding import force_str

from kechuang.core import jobs, retention
from kechuang.core.excel import add_sheet, new_workbook, save_workbook, stamp, write_csv
from kechuang.core.models import Job, OperationLog
from kechuang.core.oplog import record_operation

KIND = "core.export"
CHUNK_ROWS = 1_000
FORMATS = {"xlsx", "csv"}


def exports_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def visible_jobs(user):
    """Export jobs the user may watch and download: their own; an administrator's, all."""
    return jobs.visible_to(user).filter(kind=KIND)


def export_columns(table) -> list:
    """The table's bound columns that its export writes, in order."""
    return [column for column in table.columns.iterall() if not column.column.exclude_from_export]


def table_formats(table) -> list[str | None]:
    """Each exported column's number format, as its column class declares it (core.tables)."""
    return [getattr(column.column, "excel_format", None) for column in export_columns(table)]


def table_values(table, report=None) -> Iterator[list]:
    """The header, then each row's exported values, read a page at a time so that a county's
    worth of rows never sits in memory at once."""
    columns = export_columns(table)
    yield [force_str(column.header, strings_only=True) for column in columns]
    _order_uniquely(table)
    table.paginate(per_page=CHUNK_ROWS, page=1)
    paginator = table.paginator
    for number in paginator.page_range:
        for row in paginator.page(number).object_list:
            yield [force_str(row.get_cell_value(c.name), strings_only=True) for c in columns]
        if report is not None:
            report(
                int(90 * number / paginator.num_pages),
                f"已写入 {min(number * CHUNK_ROWS, paginator.count):,} / {paginator.count:,} 行",
            )


def _order_uniquely(table) -> None:
    """Rows read a page at a time need an order without ties, or a page may repeat a row
    and skip another: the table's order, then the primary key."""
    queryset = getattr(table.data, "data", None)
    if not isinstance(queryset, QuerySet):
        return
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if not {"pk", "-pk", "id", "-id"} & set(map(str, ordering)):
        table.data.data = queryset.order_by(*ordering, "pk")


def enqueue(view, fmt: str, total: int, origin: dict) -> Job:
    request = view.request
    query = request.GET.copy()
    query.pop("export", None)
    return jobs.enqueue(
        KIND,
        f"导出{view.get_export_name()}（{total:,} 行）",
        params={
            "path": request.path,
            "query": query.urlencode(),
            "session": {view._session_key(): view._chosen_columns()},
            "format": fmt,
            "origin": origin,
        },
        user=request.user,
    )


def _view_for(job: Job):
    """The list view of the job's page, set up as the requester had it."""
    user = get_user_model().objects.get(pk=job.created_by_id)
    if not user.is_active:
        raise PermissionDenied
    params = job.params
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = params["path"]
    request.GET = QueryDict(params["query"])
    request.user = user
    request.session = dict(params.get("session") or {})
    match = resolve(params["path"])
    view = match.func.view_class(**match.func.view_initkwargs)
    view.setup(request, *match.args, **match.kwargs)
    return view


def write_table(
    table, fmt: str, stream, title: str, report: Callable[[int, str], None] | None = None
) -> int:
    """Write the table's export as xlsx (a streamed workbook) or CSV to the binary stream;
    the number of rows written."""
    values = table_values(table, report)
    headers = next(values)
    formats = table_formats(table)
    count = 0

    def counted():
        nonlocal count
        for row in values:
            count += 1
            yield row

    if fmt == "csv":
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        write_csv(text, headers, counted(), formats)
        text.flush()
        text.detach()
    else:
        workbook = new_workbook(write_only=True)
        add_sheet(workbook, title, headers, counted(), formats)
        if report is not None:
            report(95, "保存文件")
        save_workbook(workbook, stream)
    return count


@jobs.handler(KIND)
def run_export(job: Job, report) -> dict:
    view = _view_for(job)
    report(1, "读取数据")
    table = view.export_table()
    name = view.get_export_name()
    fmt = job.params.get("format") if job.params.get("format") in FORMATS else "xlsx"
    folder = exports_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.{fmt}"
    partial = path.with_suffix(".part")
    try:
        with open(partial, "wb") as stream:
            count = write_table(table, fmt, stream, name, report)
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    record_operation(
        job.created_by,
        OperationLog.Action.EXPORT,
        name,
        summary=f"后台导出：{job.params.get('query', '')}"[:500],
        rows=count,
        origin=job.params.get("origin"),
    )
    return {
        "path": str(path),
        "filename": f"{name}_{stamp()}.{fmt}",
        "rows": count,
    }


@retention.cleaner
def remove_expired(before, dry_run: bool) -> tuple[str, int]:
    """Files of exports finished before the cutoff, and any stray file of the folder."""
    finished = Job.objects.filter(kind=KIND)
    expired = [
        job.result.get("path")
        for job in finished.filter(finished_at__lt=before).only("result")
        if job.result.get("path")
    ]
    kept = {
        job.result.get("path")
        for job in finished.filter(finished_at__gte=before).only("result")
        if job.result.get("path")
    }
    stray = retention.stale_files(exports_folder(), before, kept)
    return "导出文件", retention.delete_files([*expired, *stray], dry_run)
