"""Intake of the statistics bureau's files: R&D (form 107-2) and financial figures.

Reading is forgiving about layout (title rows, one- or two-row merged headers, a units line,
trailing total rows) and strict about content: every problem is reported with its row,
column, value and reason, and a batch is committed in one transaction or not at all.
Committing the same file twice changes nothing; a committed batch can be rolled back.
"""

import hashlib
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kechuang.core.excel import UnreadableFile, read_rows
from kechuang.engines import uscc as uscc_engine
from kechuang.engines.rd_checks import check_row, jump_check
from kechuang.monitoring import choices
from kechuang.monitoring.columns import (
    COUNT_UNITS,
    FINANCIAL_GROUPS,
    IDENTITY_LOOKUP,
    RD_GROUPS,
    build_lookup,
    normalise,
    unit_of,
)
from kechuang.monitoring.models import FinancialRecord, ImportBatch, RDRecord
from kechuang.registry.models import Enterprise, Industry, Region, ScaleRecord

JUMP_FIELDS = ("rd_expense", "rd_staff", "revenue", "new_product_sales", "main_revenue")
TOTAL_WORDS = ("合计", "总计", "小计", "全县", "汇总")


@dataclass
class Issue:
    row: int
    column: str
    value: str
    message: str
    severity: str = "error"
    code: str = ""


@dataclass
class Column:
    position: int
    field: str
    label: str
    factor: int | None  # yuan per source unit for money; None for counts and identity


@dataclass
class Row:
    number: int
    uscc: str
    name: str
    town: str
    industry: str
    values: dict[str, Decimal | int | None] = field(default_factory=dict)


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    stated_year: int | None = None  # the year the title rows state, e.g. "统计年度：2024年"

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


@dataclass(frozen=True)
class IntakeKind:
    model: type
    groups: dict[str, dict[str, str]]
    title: str

    @property
    def money_fields(self) -> set[str]:
        return {
            f.name for f in self.model._meta.get_fields() if f.get_internal_type() == "DecimalField"
        }


KINDS = {
    choices.BatchKind.RD: IntakeKind(RDRecord, RD_GROUPS, "研发统计（107-2）"),
    choices.BatchKind.FINANCIAL: IntakeKind(FinancialRecord, FINANCIAL_GROUPS, "规上企业财务指标"),
}


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# -- reading ------------------------------------------------------------------------------


def _header_labels(rows: list[list], top: int, depth: int, width: int) -> list[list[str]]:
    """Per column, its header labels from top to bottom, with merged parents carried right."""
    stacks = [[] for _ in range(width)]
    for level in range(depth):
        row = rows[top + level]
        carried = ""
        for position in range(width):
            text = str(row[position] if position < len(row) else "" or "").strip()
            if text in ("None",):
                text = ""
            is_last = level == depth - 1
            below_has_text = not is_last and any(
                str(
                    rows[top + lower][position] if position < len(rows[top + lower]) else ""
                ).strip()
                not in ("", "None")
                for lower in range(level + 1, depth)
            )
            if text:
                carried = text
                stacks[position].append(text)
            elif not is_last and below_has_text and carried:
                stacks[position].append(carried)
            else:
                if is_last:
                    carried = ""
    return stacks


def _match(stack: list[str], qualified: dict, unique: dict) -> str | None:
    if not stack:
        return None
    keys = [normalise("".join(stack))]
    if len(stack) >= 2:
        keys.append(normalise(stack[-2]) + normalise(stack[-1]))
    for key in keys:
        if key in IDENTITY_LOOKUP:
            return IDENTITY_LOOKUP[key]
        if key in qualified:
            return qualified[key]
    child = normalise(stack[-1])
    if child in IDENTITY_LOOKUP:
        return IDENTITY_LOOKUP[child]
    return unique.get(child)


def _locate(rows, kind: IntakeKind):
    qualified, unique = build_lookup(kind.groups)
    width = max((len(r) for r in rows[:40]), default=0)
    best = None
    for top in range(min(20, len(rows))):
        for depth in (1, 2, 3):
            if top + depth > len(rows):
                break
            stacks = _header_labels(rows, top, depth, width)
            mapping = {}
            used = set()
            for position, stack in enumerate(stacks):
                matched = _match(stack, qualified, unique)
                if matched and matched not in used:
                    mapping[position] = (matched, stack)
                    used.add(matched)
            if "uscc" not in used:
                continue
            score = (len(mapping), -depth)
            if best is None or score > best[0]:
                best = (score, top, depth, mapping, stacks)
    return best


def _is_units_row(row: list) -> bool:
    cells = [str(c).strip() for c in row if str(c or "").strip() not in ("", "None")]
    if not cells:
        return False
    unitish = [c for c in cells if c in {"千元", "万元", "元"} | COUNT_UNITS or unit_of(c)]
    codes = [c for c in cells if c in {"甲", "乙", "丙", "丁"} or c.replace(".0", "").isdigit()]
    return len(unitish) >= max(1, len(cells) // 2) or (len(codes) == len(cells) and len(cells) > 3)


def _number(text: str, *, money: bool) -> Decimal | int | None:
    cleaned = text.replace(",", "").replace("，", "").strip()
    if cleaned in ("", "-", "—", "--", "/", "None"):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("不是数字") from None
    if value < 0:
        raise ValueError("不能为负数")
    if money:
        return value
    if value != value.to_integral_value():
        raise ValueError("应为整数")
    return int(value)


_STATED_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _stated_year(rows: list[list]) -> int | None:
    """The year written in the title rows: a cell naming the period wins over any other."""
    fallback = None
    for row in rows[:6]:
        for cell in row:
            text = str(cell or "")
            match = _STATED_YEAR.search(text)
            if match is None:
                continue
            if any(word in text for word in ("年度", "报告期", "年报")):
                return int(match.group(1))
            fallback = fallback or int(match.group(1))
    return fallback


def parse(filename: str, content: bytes, kind_key: str, default_unit: str) -> Parsed:
    """Read a file into rows of yuan and counts, with every problem listed."""
    kind = KINDS[kind_key]
    parsed = Parsed()
    try:
        rows = read_rows(filename, content)
    except UnreadableFile as exc:
        parsed.issues.append(Issue(0, "", filename, str(exc), code="unreadable"))
        return parsed
    if not rows:
        parsed.issues.append(Issue(0, "", filename, "文件中没有数据。", code="empty"))
        return parsed
    parsed.stated_year = _stated_year(rows)
    located = _locate(rows, kind)
    if located is None:
        parsed.issues.append(
            Issue(
                0, "", "", "未找到表头：表头中应有“统一社会信用代码”列及指标列。", code="no_header"
            )
        )
        return parsed
    _, top, depth, mapping, stacks = located
    start = top + depth
    column_units = {}
    if start < len(rows) and _is_units_row(rows[start]):
        for position, cell in enumerate(rows[start]):
            unit = unit_of(cell)
            if unit:
                column_units[position] = unit
        start += 1
    money = kind.money_fields
    factors = choices.UNIT_FACTORS
    for position, (field_name, stack) in sorted(mapping.items()):
        label = " / ".join(stack)
        factor = None
        if field_name in money:
            unit = column_units.get(position) or next(
                (unit_of(s) for s in stack if unit_of(s)), None
            )
            factor = factors[unit or default_unit]
        parsed.columns.append(Column(position, field_name, label, factor))
    parsed.ignored = [
        " / ".join(stack)
        for position, stack in enumerate(stacks)
        if stack and position not in mapping
    ]
    if not any(
        c.field != "uscc" and c.field in money | _count_fields(kind) for c in parsed.columns
    ):
        parsed.issues.append(Issue(top + 1, "", "", "未识别到任何指标列。", code="no_columns"))
        return parsed

    by_field = {c.field: c for c in parsed.columns}
    for index in range(start, len(rows)):
        raw = rows[index]
        cells = {c.field: _text(raw, c.position) for c in parsed.columns}
        if not any(cells.values()):
            continue
        number = index + 1
        code_text = cells.get("uscc", "")
        name = cells.get("name", "")
        if not code_text:
            if any(word in (name or "".join(cells.values())[:20]) for word in TOTAL_WORDS):
                continue
            parsed.issues.append(
                Issue(number, by_field["uscc"].label, "", "统一社会信用代码为空。", code="no_uscc")
            )
            continue
        code = uscc_engine.normalise(code_text)
        result = uscc_engine.check(code)
        if result.status == uscc_engine.UsccStatus.BAD_FORMAT:
            parsed.issues.append(
                Issue(
                    number,
                    by_field["uscc"].label,
                    code_text,
                    "统一社会信用代码格式不正确。",
                    code="bad_uscc",
                )
            )
            continue
        row = Row(number, code, name, cells.get("town", ""), cells.get("industry", ""))
        for column in parsed.columns:
            if column.field in IDENTITY_FIELDS:
                continue
            text = cells[column.field]
            try:
                value = _number(text, money=column.factor is not None)
            except ValueError as exc:
                parsed.issues.append(
                    Issue(number, column.label, text, f"{exc}。", code="not_number")
                )
                continue
            if value is not None and column.factor is not None:
                value = (value * column.factor).quantize(Decimal("0.01"))
            row.values[column.field] = value
        parsed.rows.append(row)
    return parsed


IDENTITY_FIELDS = {"uscc", "name", "town", "industry"}


def _count_fields(kind: IntakeKind) -> set[str]:
    return {
        f.name
        for f in kind.model._meta.get_fields()
        if f.get_internal_type() == "PositiveIntegerField"
    }


def _text(row: list, position: int) -> str:
    if position >= len(row) or row[position] is None:
        return ""
    value = row[position]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- validation ---------------------------------------------------------------------------


@dataclass
class Validation:
    parsed: Parsed
    enterprises: dict[str, int]
    unknown: list[dict]

    @property
    def issues(self) -> list[Issue]:
        return self.parsed.issues

    @property
    def has_errors(self) -> bool:
        return bool(self.parsed.errors)


def validate(
    parsed: Parsed, *, kind_key: str, year: int, quarter: int, user, allow_update: bool = True
) -> Validation:
    """Check identities, scope, duplicates, consistency (RULES §4.3) and jumps from last year.

    Without `allow_update`, a row whose enterprise already has different figures for the
    period is an error; identical figures are not, so re-importing a file stays harmless."""
    kind = KINDS[kind_key]
    codes = {row.uscc for row in parsed.rows}
    known = dict(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", "pk"))
    in_scope = set(
        Enterprise.objects.restrict(user, "view")
        .filter(uscc__in=codes)
        .values_list("uscc", flat=True)
    )
    uscc_label = next((c.label for c in parsed.columns if c.field == "uscc"), "统一社会信用代码")
    seen: dict[str, int] = {}
    unknown = {}
    for row in parsed.rows:
        if row.uscc in seen:
            parsed.issues.append(
                Issue(
                    row.number,
                    uscc_label,
                    row.uscc,
                    f"与第{seen[row.uscc]}行重复。",
                    code="duplicate",
                )
            )
            continue
        seen[row.uscc] = row.number
        if row.uscc not in known:
            unknown[row.uscc] = {
                "uscc": row.uscc,
                "name": row.name,
                "row": row.number,
                "town": row.town,
                "industry": row.industry,
            }
        elif row.uscc not in in_scope:
            parsed.issues.append(
                Issue(
                    row.number,
                    uscc_label,
                    row.uscc,
                    "该企业不在您的数据范围内。",
                    code="out_of_scope",
                )
            )
    labels = {c.field: c.label for c in parsed.columns}
    if not allow_update:
        _check_existing(parsed, kind, year, quarter, uscc_label)
    if kind.model is RDRecord:
        for row in parsed.rows:
            for violation in check_row(row.values):
                parsed.issues.append(
                    Issue(
                        row.number,
                        "、".join(labels.get(f, f) for f in violation.fields),
                        "；".join(str(row.values.get(f)) for f in violation.fields),
                        violation.message,
                        code=violation.rule,
                    )
                )
    jump_fields = [f for f in JUMP_FIELDS if f in labels]
    previous = {
        values["enterprise__uscc"]: values
        for values in kind.model.objects.filter(
            enterprise__uscc__in=codes, year=year - 1, quarter=quarter
        ).values("enterprise__uscc", *jump_fields)
    }
    for row in parsed.rows:
        last = previous.get(row.uscc)
        if not last:
            continue
        for jump in jump_check(row.values, last, fields=jump_fields):
            parsed.issues.append(
                Issue(
                    row.number,
                    labels.get(jump.fields[0], jump.fields[0]),
                    str(row.values.get(jump.fields[0])),
                    jump.message,
                    severity="warning",
                    code=jump.rule,
                )
            )
    return Validation(parsed, known, list(unknown.values()))


def _check_existing(parsed: Parsed, kind: IntakeKind, year: int, quarter: int, label: str):
    fields = [c.field for c in parsed.columns if c.field not in IDENTITY_FIELDS]
    existing = {
        values["enterprise__uscc"]: values
        for values in kind.model.objects.filter(
            enterprise__uscc__in={row.uscc for row in parsed.rows}, year=year, quarter=quarter
        ).values("enterprise__uscc", *fields)
    }
    reported = set()
    for row in parsed.rows:
        stored = existing.get(row.uscc)
        if stored is None or row.uscc in reported:
            continue
        reported.add(row.uscc)
        if all(_same(stored[f], row.values.get(f)) for f in fields):
            continue
        parsed.issues.append(
            Issue(
                row.number,
                label,
                row.uscc,
                "已有该期数据且与本文件不同；如需更新，请勾选“更新已有数据”（命令行使用 --update）。",
                code="exists",
            )
        )


# -- batches ------------------------------------------------------------------------------


def archive(content: bytes, digest: str, filename: str) -> str:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{Path(filename).suffix.lower()}"
    if not path.exists():
        path.write_bytes(content)
    return str(path)


def stage(
    *,
    filename: str,
    content: bytes,
    kind_key: str,
    year: int,
    quarter: int,
    department: str,
    default_unit: str,
    marks_above_scale: bool,
    user,
    allow_update: bool = True,
) -> ImportBatch:
    """Read and validate a file and keep it as a batch awaiting commit (nothing else written)."""
    digest = file_digest(content)
    parsed = parse(filename, content, kind_key, default_unit)
    validation = validate(
        parsed,
        kind_key=kind_key,
        year=year,
        quarter=quarter,
        user=user,
        allow_update=allow_update,
    )
    if parsed.stated_year and parsed.stated_year != year:
        parsed.issues.append(
            Issue(
                0,
                "",
                f"{parsed.stated_year}年",
                f"文件标题注明的年度为{parsed.stated_year}年，与所选统计年度{year}年不一致，请核对。",
                severity="warning",
                code="year_mismatch",
            )
        )
    earlier = ImportBatch.objects.filter(
        sha256=digest,
        kind=kind_key,
        year=year,
        quarter=quarter,
        status=choices.BatchStatus.COMMITTED,
    ).first()
    if earlier is not None:
        parsed.issues.append(
            Issue(
                0,
                "",
                filename,
                f"同一文件已于{timezone.localtime(earlier.committed_at):%Y-%m-%d %H:%M}提交（批次#{earlier.pk}）；再次提交不会改变数据。",
                severity="warning",
                code="same_file",
            )
        )
    return ImportBatch.objects.create(
        kind=kind_key,
        year=year,
        quarter=quarter,
        department=department,
        filename=filename[:255],
        sha256=digest,
        status=choices.BatchStatus.FAILED
        if validation.has_errors
        else choices.BatchStatus.VALIDATED,
        row_count=len(parsed.rows),
        issues=[asdict(i) for i in parsed.issues],
        unknown_usccs=validation.unknown,
        stored_file=archive(content, digest, filename),
        default_unit=default_unit,
        marks_above_scale=marks_above_scale,
        created_by=user,
        updated_by=user,
    )


class CommitRefused(Exception):
    """The batch cannot be committed as asked; the message is for the user."""


def commit(
    batch: ImportBatch,
    *,
    user,
    create_unknown: bool,
    town_code: str = "",
    industry_code: str = "",
    report=lambda progress, message="": None,
) -> ImportBatch:
    """Write a validated batch in one transaction: upsert by (USCC, period), undo recorded."""
    if batch.status != choices.BatchStatus.VALIDATED:
        raise CommitRefused("只有校验通过、尚未提交的批次可以提交。")
    content = Path(batch.stored_file).read_bytes()
    parsed = parse(batch.filename, content, batch.kind, batch.default_unit)
    validation = validate(
        parsed, kind_key=batch.kind, year=batch.year, quarter=batch.quarter, user=user
    )
    if validation.has_errors:
        raise CommitRefused("文件内容与校验时不一致，请重新上传。")
    if validation.unknown and not create_unknown:
        raise CommitRefused(
            f"有{len(validation.unknown)}家企业尚未登记：请选择“一并新建”或从文件中删除后重新上传。"
        )
    kind = KINDS[batch.kind]
    report(10, "写入数据")
    with transaction.atomic():
        enterprises = dict(validation.enterprises)
        undo: list[dict] = []
        if validation.unknown:
            created = _create_enterprises(validation.unknown, town_code, industry_code, user)
            enterprises.update(created)
            undo.extend({"op": "enterprise_created", "pk": pk} for pk in created.values())
        existing = {
            record.enterprise_id: record
            for record in kind.model.objects.filter(
                enterprise_id__in=enterprises.values(), year=batch.year, quarter=batch.quarter
            )
        }
        fields = [c.field for c in parsed.columns if c.field not in IDENTITY_FIELDS]
        to_create, to_update = [], []
        unit = batch.default_unit
        for row in parsed.rows:
            enterprise_id = enterprises[row.uscc]
            record = existing.get(enterprise_id)
            if record is None:
                record = kind.model(
                    enterprise_id=enterprise_id,
                    year=batch.year,
                    quarter=batch.quarter,
                    batch=batch,
                    department=batch.department,
                    source_unit=unit,
                    created_by=user,
                    updated_by=user,
                    **row.values,
                )
                to_create.append(record)
                continue
            before = {f: getattr(record, f) for f in fields}
            if all(_same(before[f], row.values.get(f)) for f in fields):
                batch.unchanged_count += 1
                continue
            undo.append(
                {
                    "op": "record_updated",
                    "pk": record.pk,
                    "before": {
                        **{f: _json(v) for f, v in before.items()},
                        "batch_id": record.batch_id,
                        "department": record.department,
                        "source_unit": record.source_unit,
                    },
                }
            )
            for f in fields:
                setattr(record, f, row.values.get(f))
            record.batch, record.department, record.source_unit = batch, batch.department, unit
            record.updated_by = user
            to_update.append(record)
        report(40, "保存记录")
        reason = f"导入批次#{batch.pk}"
        if to_create:
            created_records = bulk_create_with_history(
                to_create,
                kind.model,
                batch_size=2000,
                default_user=user,
                default_change_reason=reason,
            )
            ids = list(
                kind.model.objects.filter(
                    batch=batch,
                    year=batch.year,
                    quarter=batch.quarter,
                    enterprise_id__in=[r.enterprise_id for r in created_records],
                ).values_list("pk", flat=True)
            )
            undo.extend({"op": "record_created", "pk": pk} for pk in ids)
        if to_update:
            bulk_update_with_history(
                to_update,
                kind.model,
                fields=[*fields, "batch", "department", "source_unit", "updated_by"],
                batch_size=2000,
                default_user=user,
                default_change_reason=reason,
            )
        if batch.marks_above_scale:
            undo.extend(_mark_above_scale(batch.year, enterprises.values(), user))
        report(90, "记录撤销信息")
        batch.created_count = len(to_create)
        batch.updated_count = len(to_update)
        batch.undo = undo
        batch.status = choices.BatchStatus.COMMITTED
        batch.committed_at = timezone.now()
        batch.save()
    return batch


def _same(old, new) -> bool:
    if old is None or new is None:
        return old is None and new is None
    return Decimal(str(old)) == Decimal(str(new))


def _json(value):
    return None if value is None else str(value)


def _mark_above_scale(year: int, enterprise_ids, user) -> list[dict]:
    undo = []
    existing = {
        r.enterprise_id: r
        for r in ScaleRecord.objects.filter(year=year, enterprise_id__in=list(enterprise_ids))
    }
    for enterprise_id in enterprise_ids:
        record = existing.get(enterprise_id)
        if record is None:
            record = ScaleRecord.objects.create(
                enterprise_id=enterprise_id, year=year, is_above_scale=True
            )
            undo.append({"op": "scale_created", "pk": record.pk})
        elif not record.is_above_scale:
            record.is_above_scale = True
            record.save(update_fields=["is_above_scale", "updated_at"])
            undo.append({"op": "scale_updated", "pk": record.pk})
    return undo


def _create_enterprises(
    unknown: list[dict], town_code: str, industry_code: str, user
) -> dict[str, int]:
    towns = Region.objects.within_scope(user).filter(level="town")
    fallback_town = towns.filter(code=town_code).first()
    created = {}
    for item in unknown:
        town = (
            towns.filter(name=item["town"]).first() or towns.filter(code=item["town"]).first()
            if item["town"]
            else None
        ) or fallback_town
        code = (item["industry"] or "").upper().lstrip("ABCDEFGHIJKLMNOPQRST") or industry_code
        industry = (
            Industry.objects.filter(code=code, level=4).first()
            or Industry.objects.filter(code=industry_code, level=4).first()
        )
        if town is None or industry is None:
            raise CommitRefused(
                f"第{item['row']}行企业“{item['name'] or item['uscc']}”尚未登记：请选择新建企业的默认乡镇街道和行业。"
            )
        if not item["name"]:
            raise CommitRefused(f"第{item['row']}行企业尚未登记且文件中没有企业名称，无法新建。")
        result = uscc_engine.check(item["uscc"])
        enterprise = Enterprise.objects.create(
            uscc=item["uscc"],
            name=item["name"],
            town=town,
            industry=industry,
            founded_on=timezone.localdate().replace(month=1, day=1),
            uscc_state="valid" if result.status == uscc_engine.UsccStatus.VALID else "legacy",
            created_by=user,
            updated_by=user,
        )
        created[item["uscc"]] = enterprise.pk
    return created


def rollback(batch: ImportBatch, *, user) -> ImportBatch:
    """Undo a committed batch, if no later committed batch touched the same period."""
    if batch.status != choices.BatchStatus.COMMITTED:
        raise CommitRefused("只有已提交的批次可以撤销。")
    later = ImportBatch.objects.filter(
        kind=batch.kind,
        year=batch.year,
        quarter=batch.quarter,
        status=choices.BatchStatus.COMMITTED,
        committed_at__gt=batch.committed_at,
    )
    if later.exists():
        raise CommitRefused(f"该期数据之后还有已提交的批次（#{later.first().pk}），请先撤销后者。")
    model = KINDS[batch.kind].model
    with transaction.atomic():
        for step in reversed(batch.undo):
            op = step["op"]
            if op == "record_created":
                model.objects.filter(pk=step["pk"]).delete()
            elif op == "record_updated":
                record = model.objects.get(pk=step["pk"])
                before = dict(step["before"])
                record.batch_id = before.pop("batch_id")
                record.department = before.pop("department")
                record.source_unit = before.pop("source_unit")
                for name, value in before.items():
                    setattr(
                        record,
                        name,
                        None
                        if value is None
                        else Decimal(value)
                        if model._meta.get_field(name).get_internal_type() == "DecimalField"
                        else int(value),
                    )
                record._change_reason = f"撤销导入批次#{batch.pk}"
                record.save()
            elif op == "scale_created":
                ScaleRecord.objects.filter(pk=step["pk"]).delete()
            elif op == "scale_updated":
                ScaleRecord.objects.filter(pk=step["pk"]).update(is_above_scale=False)
            elif op == "enterprise_created":
                enterprise = Enterprise.objects.get(pk=step["pk"])
                enterprise.status = "closed"
                enterprise._change_reason = f"撤销导入批次#{batch.pk}（新建的企业转为注销状态）"
                enterprise.save()
        batch.status = choices.BatchStatus.ROLLED_BACK
        batch.rolled_back_at = timezone.now()
        batch.save()
    return batch
