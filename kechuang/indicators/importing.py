"""Bulletin figures from a file: one row per region and year, one column per indicator (or the
long form: 指标 and 数值 columns). Every cell is read first; any problem is reported by row
and column and nothing is written; otherwise all values are stored in one transaction."""

import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from kechuang.core import changelog
from kechuang.core.excel import UnreadableFile, read_rows
from kechuang.core.importing import Issue, cell_text
from kechuang.indicators import filtersets, services
from kechuang.indicators.choices import IndicatorKind, ValueOrigin
from kechuang.indicators.models import Indicator, IndicatorValue

REGION_HEADERS = (
    "地区",
    "区划代码",
    "地区代码",
    "县（市、区）",
    "县市区",
    "乡镇街道",
    "uCode",
    "uName",
)
YEAR_HEADERS = ("年度", "年份", "Time", "year")
SOURCE_HEADERS = ("出处", "来源", "数据来源")
NOTE_HEADERS = ("备注",)
INDICATOR_HEADERS = ("指标", "指标代码", "指标名称")
VALUE_HEADERS = ("数值", "值")
MISSING = {"", "-", "—", "…", "..", "NA", "N/A", "na", "n/a"}
MAX_ROWS = 20_000


@dataclass
class ValueImport:
    rows: int = 0
    written: int = 0
    unchanged: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


def _plain(text: str) -> str:
    """A header without its unit and spaces: “GDP（亿元）” -> “gdp”."""
    text = re.sub(r"[（(][^）)]*[）)]\s*$", "", str(text)).strip()
    return re.sub(r"\s+", "", text).lower()


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    wanted = {_plain(name) for name in names}
    for index, cell in enumerate(header):
        if _plain(cell) in wanted:
            return index
    return None


GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def _number(text: str) -> Decimal | None:
    """A cell's number: thousands separators only in groups of three (“41,45” is refused
    rather than read as 4145), a trailing % dropped (“22.5%” is 22.5)."""
    cleaned = unicodedata.normalize("NFKC", text).replace("，", ",").strip()
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    if "," in cleaned:
        if not GROUPED.match(cleaned):
            raise ValueError
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError from None
    if not value.is_finite():
        raise ValueError
    return value


def percent_cells(filename: str, content: bytes) -> set[tuple[int, int]]:
    """(row, column), 0-based, of the first sheet's cells shown as percentages in Excel: their
    stored value is a fraction (0.385 shown as 38.5%) and is read as the percentage shown."""
    if not filename.lower().endswith((".xlsx", ".xlsm")):
        return set()
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    except Exception:
        return set()
    found = set()
    for r, row in enumerate(sheet.iter_rows(max_row=MAX_ROWS + 30)):
        for c, cell in enumerate(row):
            if isinstance(cell.value, int | float) and "%" in (cell.number_format or ""):
                found.add((r, c))
    return found


def read_values(filename: str, content: bytes, *, default_source: str = ""):
    """(rows to store, issues): rows are (indicator, region, year, value, source, note, line)."""
    issues: list[Issue] = []
    try:
        rows = read_rows(filename, content, max_rows=MAX_ROWS + 30)
    except UnreadableFile as error:
        return [], [Issue(0, "", "", str(error))]
    shown_as_percent = percent_cells(filename, content)
    rows = [
        [
            cell_text(cell * 100 if (r, c) in shown_as_percent else cell)
            for c, cell in enumerate(row)
        ]
        for r, row in enumerate(rows)
    ]
    start = next(
        (i for i, row in enumerate(rows[:30]) if _find(row, REGION_HEADERS) is not None), None
    )
    if start is None:
        return [], [Issue(0, "", "", "没有找到表头：需要一列“地区”（名称或区划代码）")]
    header = rows[start]
    if len(rows) - start - 1 > MAX_ROWS:
        return [], [Issue(0, "", "", f"文件超过 {MAX_ROWS} 行，请分批导入")]
    region_at = _find(header, REGION_HEADERS)
    year_at = _find(header, YEAR_HEADERS)
    source_at = _find(header, SOURCE_HEADERS)
    note_at = _find(header, NOTE_HEADERS)
    indicator_at = _find(header, INDICATOR_HEADERS)
    value_at = _find(header, VALUE_HEADERS)
    if year_at is None:
        issues.append(Issue(start + 1, "年度", "", "缺少“年度”列"))
    if source_at is None and not default_source.strip():
        issues.append(Issue(start + 1, "出处", "", "文件没有“出处”列，请在上传时填写出处"))
    indicators = list(Indicator.objects.filter(is_active=True))
    by_key = {}
    for indicator in indicators:
        by_key[_plain(indicator.code)] = indicator
        by_key[_plain(indicator.name)] = indicator
    long_form = indicator_at is not None and value_at is not None
    value_columns: list[tuple[int, Indicator]] = []
    if not long_form:
        known = {region_at, year_at, source_at, note_at}
        for index, cell in enumerate(header):
            if index in known or not cell.strip():
                continue
            indicator = by_key.get(_plain(cell))
            if indicator is None:
                issues.append(Issue(start + 1, cell, cell, "不是指标目录中的指标名称或代码"))
            elif indicator.kind == IndicatorKind.RATIO:
                issues.append(
                    Issue(
                        start + 1,
                        cell,
                        cell,
                        f"“{indicator.name}”由{indicator.numerator.name}和{indicator.denominator.name}算出，请导入这两项",
                    )
                )
            else:
                value_columns.append((index, indicator))
        if not value_columns and not issues:
            issues.append(
                Issue(start + 1, "", "", "没有指标列：列名应为指标名称或代码，或用“指标”“数值”两列")
            )
    regions = filtersets._regions(None)
    region_by_key = {}
    for region in regions:
        region_by_key[region.code] = region
        region_by_key.setdefault(region.name, region)
    this_year = timezone.localdate().year
    out, seen = [], {}
    previous = {
        (indicator_id, region_id, year): value
        for indicator_id, region_id, year, value in IndicatorValue.objects.filter(
            is_computed=False
        ).values_list("indicator_id", "region_id", "year", "value")
    }

    def cell(row, index):
        return row[index].strip() if index is not None and index < len(row) else ""

    for offset, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(value.strip() for value in row):
            continue
        region_text = cell(row, region_at)
        region = region_by_key.get(region_text)
        if region is None:
            issues.append(
                Issue(
                    offset, header[region_at], region_text, "不是本省的县（市、区）或本县的乡镇街道"
                )
            )
            continue
        year_text = cell(row, year_at)
        try:
            year = int(float(year_text.removesuffix("年度").removesuffix("年")))
            if not 2000 <= year <= this_year:
                raise ValueError
        except ValueError:
            if year_at is not None:
                issues.append(
                    Issue(
                        offset,
                        header[year_at],
                        year_text,
                        f"年度应为 2000 至 {this_year} 年的四位数字",
                    )
                )
            continue
        source = cell(row, source_at) or default_source.strip()
        if not source:
            issues.append(Issue(offset, "出处", "", "出处不能为空"))
        note = cell(row, note_at)
        pairs = []
        if long_form:
            key = cell(row, indicator_at)
            indicator = by_key.get(_plain(key))
            if indicator is None or indicator.kind == IndicatorKind.RATIO:
                reason = (
                    "不是指标目录中的指标名称或代码"
                    if indicator is None
                    else "比率类指标由分子、分母算出，请导入这两项"
                )
                issues.append(Issue(offset, header[indicator_at], key, reason))
                continue
            pairs.append((value_at, indicator))
        else:
            pairs = value_columns
        for index, indicator in pairs:
            text = cell(row, index)
            if text in MISSING:
                continue
            if indicator.unit and indicator.unit != "%" and text.endswith(indicator.unit):
                text = text[: -len(indicator.unit)].strip()  # “651.56亿元” in a 亿元 column
            if text.rstrip().endswith(("%", "％")) and indicator.unit != "%":
                issues.append(
                    Issue(
                        offset,
                        header[index],
                        text,
                        f"{indicator.name}以“{indicator.unit}”计，不是百分比",
                    )
                )
                continue
            try:
                value = _number(text)
            except ValueError:
                issues.append(Issue(offset, header[index], text, "不是数字"))
                continue
            problem = services.value_problem(indicator, value)
            if problem:
                issues.append(Issue(offset, header[index], text, f"{indicator.name}{problem}"))
                continue
            jump = _implausible(indicator, region, year, value, previous)
            if jump:
                issues.append(Issue(offset, header[index], text, jump))
                continue
            key = (indicator.pk, region.pk, year)
            if key in seen:
                issues.append(
                    Issue(
                        offset,
                        header[index],
                        text,
                        f"与第 {seen[key]} 行重复（{region.name}{year}年{indicator.name}）",
                    )
                )
                continue
            seen[key] = offset
            out.append((indicator, region, year, value, source, note, offset))
    return out, issues


JUMP = 20


def _implausible(indicator, region, year, value, previous) -> str:
    """A value twenty times the year before's, or a twentieth of it: most often a unit slip."""
    prior = previous.get((indicator.pk, region.pk, year - 1))
    if prior is None or prior < 1 or value <= 0:
        return ""
    ratio = value / prior
    if ratio >= JUMP or ratio <= Decimal(1) / JUMP:
        return (
            f"{indicator.name}与{year - 1}年的 {prior.normalize():f} 相差 {max(ratio, 1 / ratio):.0f} 倍，"
            "疑似单位有误（如把百分数填成小数、把万元填成亿元），请核对"
        )
    return ""


def import_values(filename: str, content: bytes, *, user, default_source: str = "") -> ValueImport:
    rows, issues = read_values(filename, content, default_source=default_source)
    result = ValueImport(rows=len(rows), issues=issues)
    if issues or not rows:
        if not rows and not issues:
            result.issues.append(Issue(0, "", "", "文件中没有任何数值"))
        return result
    touched: dict[tuple, list] = {}
    with transaction.atomic(), changelog.recording(user, reason=f"导入指标数值：{filename}"):
        for indicator, region, year, value, source, note, _line in rows:
            _row, written = services._store(
                indicator,
                region,
                year,
                value,
                origin=ValueOrigin.IMPORTED,
                source=source,
                note=note,
            )
            if written:
                result.written += 1
            else:
                result.unchanged += 1
            touched.setdefault((region, year), []).append(indicator)
        for (region, year), changed in touched.items():
            services.derive(region, year, changed)
    return result
