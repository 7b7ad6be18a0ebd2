"""Checks of a parsed intake file against the register and the stored figures: identities,
scope, duplicates, suspected typos of credit codes, the 107-2 consistency rules on each
record as it would stand after the commit, and large changes from last year. Nothing here
writes; `batches` stages, commits and rolls back.
"""

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from kechuang.core.frames import read_frame
from kechuang.engines import uscc as uscc_engine
from kechuang.engines.rd_checks import FIELD_LABELS, check_row, jump_check
from kechuang.monitoring.columns import IDENTITY_FIELDS, UNIT_NAMES
from kechuang.monitoring.intake import KINDS, KINDS_BY_MODEL, Issue, Parsed
from kechuang.monitoring.models import RDRecord
from kechuang.registry import services as registry_services
from kechuang.registry.models import Enterprise

JUMP_FIELDS = ("rd_expense", "rd_staff", "revenue", "new_product_sales", "main_revenue")
MONEY_RULE_FIELDS = frozenset(
    f.name for f in RDRecord._meta.concrete_fields if f.get_internal_type() == "DecimalField"
)


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
    period is an error; identical figures are not, so re-importing a file stays harmless.
    With it, the 107-2 rules are checked on each record as it would stand after the commit:
    the stored figures the file does not give, overlaid by the file's."""
    kind = KINDS[kind_key]
    codes = {row.uscc for row in parsed.rows}
    known = _enterprise_ids(Enterprise.objects.all(), codes)
    in_scope = _enterprise_ids(Enterprise.objects.restrict(user, "view"), codes)
    uscc_label = next((c.label for c in parsed.columns if c.field == "uscc"), "统一社会信用代码")
    seen: dict[str, int] = {}
    unknown: dict[str, dict] = {}
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
        if row.uscc in known:
            if row.uscc not in in_scope:
                parsed.issues.append(
                    Issue(
                        row.number,
                        uscc_label,
                        row.uscc,
                        "该企业不在您的数据范围内。",
                        code="out_of_scope",
                    )
                )
            continue
        unknown[row.uscc] = {
            "uscc": row.uscc,
            "name": row.name,
            "row": row.number,
            "town": row.town,
            "industry": row.industry,
        }
    for code, message in registry_services.suspected_typos(list(unknown.values())).items():
        item = unknown.pop(code)
        parsed.issues.append(Issue(item["row"], uscc_label, code, message, code="suspect_uscc"))
    for code, item in list(unknown.items()):
        result = uscc_engine.check(code)
        if result.status == uscc_engine.UsccStatus.BAD_CHECK:
            del unknown[code]
            parsed.issues.append(
                Issue(item["row"], uscc_label, code, _bad_check_message(result), code="bad_check")
            )
    labels = {c.field: c.label for c in parsed.columns}
    units = {
        c.field: (c.factor, UNIT_NAMES[c.factor])
        for c in parsed.columns
        if c.factor and c.factor in UNIT_NAMES
    }
    fields = [c.field for c in parsed.columns if c.field not in IDENTITY_FIELDS]
    if kind.model is RDRecord:
        stored_fields = sorted(set(fields) | (set(FIELD_LABELS) & kind.model_fields))
    else:
        stored_fields = fields
    stored = _stored_figures(kind.model, known, year, quarter, stored_fields)
    if not allow_update:
        _check_existing(parsed, stored, fields, uscc_label)
    if kind.model is RDRecord:
        _check_records(parsed, stored if allow_update else {}, labels, units)
    jump_fields = [f for f in JUMP_FIELDS if f in labels]
    previous = _stored_figures(kind.model, known, year - 1, quarter, jump_fields)
    replaced = stored if allow_update else {}
    for row in parsed.rows:
        for against, figures in (("上年", previous), ("本期已存数据", replaced)):
            compared = figures.get(row.uscc)
            if not compared:
                continue
            for jump in jump_check(
                row.values, compared, fields=jump_fields, units=units, against=against
            ):
                parsed.issues.append(
                    Issue(
                        row.number,
                        labels.get(jump.fields[0], jump.fields[0]),
                        shown_value(row.values.get(jump.fields[0]), jump.fields[0], units),
                        jump.message,
                        severity="warning",
                        code=jump.rule,
                    )
                )
    _name_enterprises(parsed)
    return Validation(parsed, known, list(unknown.values()))


def _name_enterprises(parsed: Parsed) -> None:
    """Give every row-level issue the enterprise of its row, so a list of problems can be
    read without the file beside it."""
    rows = {row.number: row for row in parsed.rows}
    unnamed = {rows[i.row].uscc for i in parsed.issues if i.row in rows and not rows[i.row].name}
    registered = dict(
        Enterprise.objects.filter(uscc__in=sorted(unnamed)[:IN_LIST_LIMIT]).values_list(
            "uscc", "name"
        )
    )
    by_row = {}
    for number, row in rows.items():
        name = row.name or registered.get(row.uscc, "")
        by_row[number] = f"{name}（{row.uscc}）" if name else row.uscc
    for issue in parsed.issues:
        if issue.row and not issue.enterprise:
            issue.enterprise = by_row.get(issue.row, "")


def _bad_check_message(result: uscc_engine.UsccResult) -> str:
    text = f"统一社会信用代码校验位不正确：按该代码前17位，第18位应为“{result.expected_check}”。"
    if not result.may_be_early_pilot:
        return text + "该代码为2015年改革后的编码（第9-10位为MA），不可能是早期试点代码，请核对。"
    return text + "请核对；如确为早期试点代码，请先在企业登记中新建该企业并确认，再导入数据。"


def _check_records(parsed: Parsed, stored: dict[str, dict], labels: dict, units: dict) -> None:
    """The 107-2 rules on each row as its record would stand after the commit."""
    file_unit = next(iter(units.values()), (1_000, "千元"))
    for row in parsed.rows:
        kept = {
            name: value
            for name, value in stored.get(row.uscc, {}).items()
            if value is not None and name not in row.values
        }
        record = {**kept, **row.values}
        shown_units = {**{name: file_unit for name in kept if name in MONEY_RULE_FIELDS}, **units}
        for violation in check_row(record, units=shown_units):
            from_store = [f for f in violation.fields if f in kept]
            message = violation.message
            if from_store:
                message = (
                    f"与已存的本期数据合并后不一致（{'、'.join(FIELD_LABELS.get(f, f) for f in from_store)}"
                    f"为已存数据，本文件未提供）：{message}"
                )
            parsed.issues.append(
                Issue(
                    row.number,
                    "、".join(
                        labels.get(f) or f"{FIELD_LABELS.get(f, f)}（已存）"
                        for f in violation.fields
                    ),
                    "；".join(shown_value(record.get(f), f, shown_units) for f in violation.fields),
                    message,
                    code=violation.rule,
                )
            )


def _check_existing(parsed: Parsed, stored: dict[str, dict], fields: list[str], label: str):
    reported = set()
    for row in parsed.rows:
        existing = stored.get(row.uscc)
        if existing is None or row.uscc in reported:
            continue
        reported.add(row.uscc)
        if all(same_value(existing[f], row.values.get(f)) for f in fields):
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


# Up to this many codes are looked up with one parameter each; a longer file reads the
# register (or the period) once and matches in memory.
IN_LIST_LIMIT = 2000


def _enterprise_ids(queryset, codes: set[str]) -> dict[str, int]:
    """USCC to id of the queryset's enterprises among `codes`."""
    if len(codes) <= IN_LIST_LIMIT:
        queryset = queryset.filter(uscc__in=codes)
    frame = read_frame(queryset, ["uscc", "id"])
    frame = frame[frame["uscc"].isin(codes)]
    return dict(zip(frame["uscc"], frame["id"].astype(int), strict=True))


def _stored_figures(
    model, known: dict[str, int], year: int, quarter: int, fields: list[str]
) -> dict[str, dict]:
    """The period's stored figures of the known enterprises, by USCC: Decimal yuan, int
    counts, None where empty."""
    queryset = model.objects.filter(year=year, quarter=quarter)
    if len(known) <= IN_LIST_LIMIT:
        queryset = queryset.filter(enterprise_id__in=known.values())
    frame = read_frame(queryset, ["enterprise_id", *fields])
    code_of = {pk: code for code, pk in known.items()}
    frame = frame[frame["enterprise_id"].isin(code_of)]
    money = KINDS_BY_MODEL[model].money_fields
    stored = {}
    for row in frame.itertuples(index=False, name=None):
        stored[code_of[row[0]]] = {
            name: None if pd.isna(value) else Decimal(repr(value)) if name in money else int(value)
            for name, value in zip(fields, row[1:], strict=True)
        }
    return stored


def shown_value(value, field_name: str, units: dict) -> str:
    """A figure as the file has it: yuan divided back into its column's unit."""
    if value is None:
        return ""
    if field_name in units:
        factor, _unit = units[field_name]
        value = Decimal(value) / factor
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def same_value(old, new) -> bool:
    """Whether a stored figure equals an incoming one (Decimal, int or None alike)."""
    if old is None or new is None:
        return old is None and new is None
    return Decimal(str(old)) == Decimal(str(new))


def json_value(value):
    """A figure as kept in a batch's undo list."""
    return None if value is None else str(value)
