"""Excel in and out: one writer for every export and template, one reader for every import.

Reading accepts xlsx, xls and ods (python-calamine) and CSV in UTF-8 or GB18030/GBK.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineWorkbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


class UnreadableFile(ValueError):
    """The upload is not a spreadsheet we can read; the message is for the user."""


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def add_sheet(
    workbook: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> None:
    """Append a sheet with a bold, frozen header row and sensible column widths."""
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    widths = [max(8, len(str(h)) * 2 + 2) for h in headers]
    for row in rows:
        values = [_cell(v) for v in row]
        sheet.append(values)
        for i, value in enumerate(values[: len(widths)]):
            widths[i] = min(60, max(widths[i], len(str(value or "")) + 2))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def rows_response(
    title: str, headers: Sequence[str], rows: Iterable[Sequence], filename_stem: str
) -> HttpResponse:
    workbook = new_workbook()
    add_sheet(workbook, title, headers, rows)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return workbook_response(workbook, f"{filename_stem}_{stamp}.xlsx")


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def read_rows(filename: str, content: bytes) -> list[list[object]]:
    """All rows of the first sheet (or the CSV) as lists of Python values."""
    return next(read_sheets(filename, content))[1]


MAX_SHEETS = 10


def read_sheets(filename: str, content: bytes) -> Iterator[tuple[str, list[list[object]]]]:
    """(sheet name, rows) of each sheet in workbook order, read one at a time as asked for
    (at most MAX_SHEETS); a CSV is one sheet named after nothing."""
    if not content:
        raise UnreadableFile("文件为空。")
    name = filename.lower()
    if name.endswith(".csv"):
        yield "", _read_csv(content)
        return
    if not name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise UnreadableFile("不支持的文件类型：请上传 .xlsx、.xls 或 .csv 文件。")
    if content[:2] == b"PK":
        check_zipped_extent(content)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = workbook.sheet_names[:MAX_SHEETS]
    except Exception as exc:
        raise UnreadableFile(BROKEN_WORKBOOK) from exc
    if not names:
        raise UnreadableFile(BROKEN_WORKBOOK)
    for index, sheet_name in enumerate(names):
        try:
            sheet = workbook.get_sheet_by_index(index)
            rows = [list(row) for row in sheet.to_python(skip_empty_area=False)]
        except Exception as exc:
            raise UnreadableFile(BROKEN_WORKBOOK) from exc
        yield sheet_name, rows


BROKEN_WORKBOOK = "无法读取该文件：它不是有效的 Excel 文件（可能已损坏或扩展名不符）。"

MAX_UNZIPPED_BYTES = 400_000_000
MAX_CELLS = 20_000_000
TOO_LARGE = (
    "文件中的表格范围过大（{what}），超出可读取的上限：请只保留数据区域，删除远处的空白"
    "或零散单元格后另存再上传。"
)
# Every `r` attribute of a sheet: cells' references ("XFD1048576") and rows' numbers.
_REF_COLUMN = re.compile(rb"\sr=\"([A-Z]{1,3})[0-9]")
_REF_ROW = re.compile(rb"\sr=\"[A-Z]{0,3}([0-9]+)\"")


def check_zipped_extent(content: bytes) -> None:
    """Refuse an xlsx whose sheets reach far beyond their data before the reader allocates
    the whole rectangle: a 2 KB file with one cell at XFD1048576 would otherwise ask for
    512 GiB. Checks the unzipped size, then each sheet's furthest row and column against
    MAX_CELLS."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnreadableFile(BROKEN_WORKBOOK) from exc
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise UnreadableFile(TOO_LARGE.format(what="解压后超过 400 MB"))
    for member in members:
        name = member.filename
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        try:
            with archive.open(member) as stream:
                data = stream.read(MAX_UNZIPPED_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise UnreadableFile(BROKEN_WORKBOOK) from exc
        if len(data) > MAX_UNZIPPED_BYTES:
            raise UnreadableFile(TOO_LARGE.format(what="解压后超过 400 MB"))
        rows = max(map(int, set(_REF_ROW.findall(data))), default=1)
        letters = {c.decode() for c in _REF_COLUMN.findall(data)}
        cols = max(map(column_index_from_string, letters), default=1)
        if rows * cols > MAX_CELLS:
            raise UnreadableFile(TOO_LARGE.format(what=f"约 {rows:,} 行 × {cols:,} 列"))


def _read_csv(content: bytes) -> list[list[object]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("无法识别 CSV 文件编码：请使用 UTF-8 或 GBK/GB18030 编码保存。")
    if "\x00" in text:
        raise UnreadableFile("无法读取该文件：它不是文本格式的 CSV 文件。")
    return [list(row) for row in csv.reader(io.StringIO(text))]
