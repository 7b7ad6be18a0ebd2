"""Excel in and out: one writer for every export and template, one reader for every import.

Writing: every text cell that a spreadsheet program would read as a formula (it begins with
`=`, `+`, `-`, `@`, tab or carriage return) is written as text, in xlsx and CSV alike. A
column may declare a number format (DATE_FORMAT, MONEY_FORMAT, ...; list tables declare it on
their columns, see core.tables): its cells are then written as typed cells in that format,
and in CSV as text a spreadsheet reads back as the same type (ISO dates, "4.12%"). Column
widths follow the text a cell shows, counting CJK characters two wide.

Reading accepts xlsx, xls and ods (python-calamine) and CSV in UTF-8 or GB18030/GBK. The
reader allocates the whole rectangle from A1 to a sheet's furthest cell, so each file's extent
is measured first, from its declared and its actual cells, and refused beyond the limits in
settings (SPREADSHEET_MAX_ROWS, _COLUMNS, _CELLS, _UNZIPPED_MB).
"""

import codecs
import csv
import datetime
import io
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice, repeat
from urllib.parse import quote
from xml.etree.ElementTree import ParseError, XMLPullParser

import olefile
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineWorkbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# What Excel, LibreOffice and WPS start a formula with (OWASP's CSV injection list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Number formats of typed cells. A format names what the cell holds: a date, a date-time in
# local time, an amount in 万元 (two decimals, thousands separated), a fraction shown as a
# percentage. Integers and text need none.
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
DECIMAL_FORMAT = "0.00"

# Column widths, in Excel's units (about one Latin digit; a CJK character takes two): the
# widest text among the header and the first WIDTH_SAMPLE_ROWS rows, padded, within bounds.
# Only a sample: a streamed sheet must declare its widths before its first row.
MIN_WIDTH = 6
MAX_WIDTH = 50
WIDTH_PADDING = 2
WIDTH_SAMPLE_ROWS = 5_000  # as many rows as an export written in the request holds


class UnreadableFile(ValueError):
    """The upload is not a spreadsheet we can read; the message is for the user."""


# -- writing ----------------------------------------------------------------------------


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    save_workbook(workbook, buffer)
    return attachment(buffer.getvalue(), XLSX_TYPE, filename)


def attachment(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def save_workbook(workbook: Workbook, target) -> None:
    """Save, turning any formula a writer set cell by cell into text on the way out."""
    if not workbook.write_only:
        for sheet in workbook.worksheets:
            for cell in sheet._cells.values():
                if cell.data_type == "f":
                    _as_text(cell)
    workbook.save(target)


def add_sheet(
    workbook: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    formats: Sequence[str | None] = (),
) -> None:
    """Append a sheet with a bold, frozen header row and columns as wide as their text.

    `formats` gives each column's number format (None: as the value comes); the same
    sheet is written to an ordinary workbook and a write-only (streaming) one."""
    sheet = workbook.create_sheet(title=title[:31])
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
    for index, width in enumerate(column_widths(headers, sample, formats), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in chain(sample, rows):
        sheet.append([_typed_cell(sheet, v, f) for v, f in zip(row, _each(formats), strict=False)])


def column_widths(
    headers: Sequence[str], rows: Sequence[Sequence], formats: Sequence[str | None]
) -> list[int]:
    """Each column's width: its widest text as shown (see display_text), padded, between
    MIN_WIDTH and MAX_WIDTH."""
    widths = [text_width(str(header)) for header in headers]
    for row in rows:
        for index, (value, number_format) in enumerate(
            zip(row[: len(widths)], _each(formats), strict=False)
        ):
            widths[index] = max(widths[index], text_width(display_text(value, number_format)))
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + WIDTH_PADDING)) for width in widths]


def text_width(text: str) -> int:
    """How many Latin characters wide the text's longest line is: wide and full-width
    characters (CJK, full-width punctuation such as （）) count two."""
    return max(
        (
            sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)
            for line in text.splitlines()
        ),
        default=0,
    )


def display_text(value, number_format: str | None = None) -> str:
    """The text a spreadsheet shows for a cell written with this value and number format."""
    value = _cell(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if number_format == PERCENT_FORMAT:
        return f"{value:.2%}"
    if number_format == MONEY_FORMAT:
        return f"{value:,.2f}"
    if number_format == DECIMAL_FORMAT:
        return f"{value:.2f}"
    if isinstance(value, datetime.datetime):
        if number_format == DATE_FORMAT:
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def new_workbook(*, write_only: bool = False) -> Workbook:
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    return workbook


def write_csv(
    stream, headers: Sequence[str], rows: Iterable[Sequence], formats: Sequence[str | None] = ()
) -> None:
    """CSV with a byte-order mark, so that Excel opens it as UTF-8; formulas as text; typed
    values as text a spreadsheet reads back as the same type (see csv_value)."""
    stream.write(codecs.BOM_UTF8.decode())
    writer = csv.writer(stream)
    writer.writerow([csv_text(h) for h in headers])
    for row in rows:
        writer.writerow([csv_value(v, f) for v, f in zip(row, _each(formats), strict=False)])


def csv_value(value, number_format: str | None = None) -> object:
    """A CSV value: dates in ISO 8601 (a date-time with a space, which Excel and WPS read as
    a date-time), money with two decimals and no separators, a percentage as "4.12%" (read
    back as the number 0.0412), booleans as 是/否, text through csv_text."""
    value = _cell(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if number_format == PERCENT_FORMAT:
        return f"{value:.2%}"
    if number_format == MONEY_FORMAT:
        return f"{value:.2f}"
    if isinstance(value, datetime.datetime):
        if number_format == DATE_FORMAT:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def csv_text(value) -> object:
    """A CSV value; text a spreadsheet would run as a formula gets a leading quote (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M")


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _each(formats: Sequence[str | None]) -> Iterator[str | None]:
    """The columns' formats, then None for any column beyond them."""
    return chain(formats, repeat(None))


def _typed_cell(sheet, value, number_format: str | None):
    """The cell to append: text through _safe_cell; a value with a number format as a cell
    carrying it; anything else as it is."""
    value = _cell(value)
    if isinstance(value, str):
        return _safe_cell(sheet, value)
    if number_format is None or value is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _safe_cell(sheet, value):
    """The value, or for text that would run as a formula a text cell that says so."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return _as_text(WriteOnlyCell(sheet, value=value))
    return value


def _as_text(cell):
    cell.data_type = "s"
    cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
    return cell


# -- reading ----------------------------------------------------------------------------


def read_rows(filename: str, content: bytes, *, max_rows: int | None = None) -> list[list[object]]:
    """All rows of the first sheet (or the CSV) as lists of Python values; with `max_rows`,
    only that many (a caller that refuses longer files need not hold the rest)."""
    return next(read_sheets(filename, content, max_rows=max_rows))[1]


MAX_SHEETS = 10


def read_sheets(
    filename: str, content: bytes, *, max_rows: int | None = None
) -> Iterator[tuple[str, list[list[object]]]]:
    """(sheet name, rows) of each sheet in workbook order, read one at a time as asked for
    (at most MAX_SHEETS); a CSV is one sheet named after nothing."""
    if not content:
        raise UnreadableFile("文件为空。")
    name = filename.lower()
    if name.endswith(".csv"):
        yield "", _read_csv(content, max_rows)
        return
    if not name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise UnreadableFile("不支持的文件类型：请上传 .xlsx、.xls 或 .csv 文件。")
    check_extent(content)
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
            rows = [list(row) for row in sheet.to_python(skip_empty_area=False, nrows=max_rows)]
        except Exception as exc:
            raise UnreadableFile(BROKEN_WORKBOOK) from exc
        yield sheet_name, rows


BROKEN_WORKBOOK = "无法读取该文件：它不是有效的 Excel 文件（可能已损坏或扩展名不符）。"
TOO_LARGE = (
    "文件中的表格范围过大（{what}），超出可读取的上限（{limit}）：请只保留数据区域，删除远处的"
    "空白或零散单元格，或将数据拆分为多个文件后再上传。"
)


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    cells: int
    unzipped_bytes: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            rows=settings.SPREADSHEET_MAX_ROWS,
            columns=settings.SPREADSHEET_MAX_COLUMNS,
            cells=settings.SPREADSHEET_MAX_CELLS,
            unzipped_bytes=settings.SPREADSHEET_MAX_UNZIPPED_MB * 1024 * 1024,
        )

    def check(self, rows: int, columns: int) -> None:
        """Refuse a sheet reaching row `rows` and column `columns` (both counted from 1)."""
        what = f"约 {rows:,} 行 × {columns:,} 列"
        if rows > self.rows:
            raise UnreadableFile(TOO_LARGE.format(what=what, limit=f"{self.rows:,} 行"))
        if columns > self.columns:
            raise UnreadableFile(TOO_LARGE.format(what=what, limit=f"{self.columns:,} 列"))
        if rows * columns > self.cells:
            raise UnreadableFile(TOO_LARGE.format(what=what, limit=f"{self.cells:,} 个单元格"))

    def unzipped_too_large(self) -> UnreadableFile:
        limit = f"解压后 {self.unzipped_bytes // (1024 * 1024):,} MB"
        return UnreadableFile(TOO_LARGE.format(what="解压后的内容过大", limit=limit))


def check_extent(content: bytes) -> None:
    """Refuse a workbook whose sheets reach beyond the limits before the reader allocates
    them: a 2 KB file with one cell at XFD1048576 would otherwise ask for 512 GiB."""
    if content[:2] == b"PK":
        archive = _open_zip(content)
        if "content.xml" in archive.namelist():
            _check_ods(archive)
        else:
            check_zipped_extent(content, archive)
    elif content[:8] == olefile.MAGIC:
        _check_xls(content)


def _open_zip(content: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnreadableFile(BROKEN_WORKBOOK) from exc


def _members(archive: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if sum(m.file_size for m in members) > limits.unzipped_bytes:
        raise limits.unzipped_too_large()
    return members


def _stream(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> Iterator[bytes]:
    """The member's bytes in chunks, never more than the limit whatever its header says."""
    seen = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                seen += len(chunk)
                if seen > limits.unzipped_bytes:
                    raise limits.unzipped_too_large()
                yield chunk
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        if isinstance(exc, UnreadableFile):
            raise
        raise UnreadableFile(BROKEN_WORKBOOK) from exc


# Every `r` attribute of an xlsx sheet: cells' references ("XFD1048576") and rows' numbers;
# the sheet's declared <dimension ref="A1:XFD1048576"> is one of them.
_REF_COLUMN = re.compile(rb"\s(?:r|ref)=\"(?:[A-Z]{1,3}[0-9]+:)?([A-Z]{1,3})[0-9]")
_REF_ROW = re.compile(rb"\s(?:r|ref)=\"(?:[A-Z]{1,3}[0-9]+:)?[A-Z]{0,3}([0-9]+)\"")


def check_zipped_extent(content: bytes, archive: zipfile.ZipFile | None = None) -> None:
    """An xlsx: the unzipped size, then each sheet's furthest row and column, read from the
    sheet's XML in chunks."""
    limits = Limits.from_settings()
    archive = archive or _open_zip(content)
    for member in _members(archive, limits):
        name = member.filename
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        rows = columns = 1
        tail = b""
        for chunk in _stream(archive, member, limits):
            data = tail + chunk
            rows = max(rows, *map(int, set(_REF_ROW.findall(data))))
            letters = {c.decode() for c in _REF_COLUMN.findall(data)}
            columns = max(columns, *map(column_index_from_string, letters))
            tail = data[-64:]
        limits.check(rows, columns)


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _check_ods(archive: zipfile.ZipFile) -> None:
    """An ods: rows and cells may say they repeat a million times. Counts the extent up to
    the last cell holding something, as the reader allocates it; trailing empty repeats
    (which every LibreOffice file has) cost nothing."""
    limits = Limits.from_settings()
    member = next(m for m in _members(archive, limits) if m.filename == "content.xml")
    parser = XMLPullParser(events=("start", "end"))
    rows = columns = 0
    row = row_width = repeat_rows = column = 0
    row_used = False
    open_elements = []
    try:
        for chunk in _stream(archive, member, limits):
            parser.feed(chunk)
            for event, element in parser.read_events():
                tag = element.tag
                if event == "start":
                    open_elements.append(element)
                    if tag == f"{_TABLE}table":
                        rows = columns = row = 0
                    elif tag == f"{_TABLE}table-row":
                        repeat_rows = _repeat(element, "number-rows-repeated")
                        column = row_width = 0
                        row_used = False
                    continue
                open_elements.pop()
                if tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                    column += _repeat(element, "number-columns-repeated")
                    if element.get(f"{_OFFICE}value-type") or len(element) or element.text:
                        row_used = True
                        row_width = column
                        limits.check(row + 1, column)
                elif tag == f"{_TABLE}table-row":
                    row += repeat_rows
                    if row_used:
                        rows, columns = row, max(columns, row_width)
                        limits.check(rows, columns)
                else:
                    continue
                if open_elements:  # keep memory flat: a read row or cell is not kept
                    open_elements[-1].remove(element)
        parser.close()
    except ParseError as exc:
        raise UnreadableFile(BROKEN_WORKBOOK) from exc


def _repeat(element, name: str) -> int:
    try:
        return max(1, int(element.get(f"{_TABLE}{name}") or 1))
    except ValueError:
        raise UnreadableFile(BROKEN_WORKBOOK) from None


# BIFF records that place a value at (row, column), and those placing a run of columns.
_XLS_CELLS = {0x0006, 0x0406, 0x0203, 0x0204, 0x00FD, 0x027E, 0x0201, 0x0205, 0x00D6}
_XLS_RUNS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, ..., last column
_XLS_DIMENSIONS = 0x0200
_XLS_BOF = 0x0809


def _check_xls(content: bytes) -> None:
    """An xls: each sheet's declared dimensions (the reader reserves that much up front)
    and its furthest cell record."""
    limits = Limits.from_settings()
    try:
        ole = olefile.OleFileIO(io.BytesIO(content))
        stream_name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        size = ole.get_size(stream_name) if stream_name else 0
        data = ole.openstream(stream_name).read() if 0 < size <= limits.unzipped_bytes else b""
    except Exception as exc:  # olefile raises many kinds on a malformed container
        raise UnreadableFile(BROKEN_WORKBOOK) from exc
    if size > limits.unzipped_bytes:
        raise limits.unzipped_too_large()
    if not data:
        raise UnreadableFile(BROKEN_WORKBOOK)
    position, end = 0, len(data)
    rows = columns = 0
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", data, position)
        body = data[position + 4 : position + 4 + length]
        position += 4 + length
        if kind == _XLS_BOF:
            rows = columns = 0
        elif kind == _XLS_DIMENSIONS and length >= 14:
            _first, last_row, _first_col, last_col = struct.unpack_from("<IIHH", body)
            limits.check(last_row, last_col)
        elif kind == _XLS_DIMENSIONS and length >= 10:
            _first, last_row, _first_col, last_col = struct.unpack_from("<HHHH", body)
            limits.check(last_row, last_col)
        elif kind in _XLS_CELLS and length >= 4:
            row, column = struct.unpack_from("<HH", body)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
            limits.check(rows, columns)
        elif kind in _XLS_RUNS and length >= 6:
            row = struct.unpack_from("<H", body)[0]
            last = struct.unpack_from("<H", body, length - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, last + 1)
            limits.check(rows, columns)


def _read_csv(content: bytes, max_rows: int | None = None) -> list[list[object]]:
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
    limits = Limits.from_settings()
    rows: list[list[object]] = []
    columns = 0
    try:
        for row in csv.reader(io.StringIO(text)):
            columns = max(columns, len(row))
            limits.check(len(rows) + 1, columns)
            rows.append(list(row))
            if len(rows) == max_rows:
                break
    except csv.Error as exc:
        raise UnreadableFile("无法读取该 CSV 文件：格式有误或单个单元格过长。") from exc
    return rows
