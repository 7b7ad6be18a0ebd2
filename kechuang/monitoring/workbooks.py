"""Workbooks of the intake: the import template in the statistics office's own layout, and
the list of a batch's issues."""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kechuang.core import importing
from kechuang.core.excel import add_sheet
from kechuang.monitoring import choices, intake
from kechuang.monitoring.columns import COUNT_UNITS, FINANCIAL_GROUPS, RD_GROUPS
from kechuang.monitoring.models import ImportBatch

TEMPLATE_TITLES = {
    choices.BatchKind.RD: ("企业研究开发活动及相关情况", "表号：107-2表"),
    choices.BatchKind.FINANCIAL: ("规模以上企业主要财务指标", "规上企业财务指标"),
}
# The calibers go in two rows, as the statistics office lays them out.
TEMPLATE_HEADERS = {
    "rd_expense_hnte": ("研发费用", "高企认定口径"),
    "rd_expense_deduction": ("研发费用", "加计扣除口径"),
}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def template_columns(kind_key: str) -> list[tuple[str, str, str]]:
    """(parent header, child header, field) for every field of the form, in form order."""
    kind = intake.KINDS[kind_key]
    groups = RD_GROUPS if kind_key == choices.BatchKind.RD else FINANCIAL_GROUPS
    columns, seen = [], set()
    for parent, children in groups.items():
        for child, field_name in children.items():
            if field_name in seen:
                continue  # a synonym of a header already placed
            seen.add(field_name)
            verbose = str(kind.model._meta.get_field(field_name).verbose_name)
            if verbose.startswith("其中"):
                child = f"其中：{child}"
            columns.append((*TEMPLATE_HEADERS.get(field_name, (parent, child)), field_name))
    return columns


def _unit_label(kind: intake.IntakeKind, field_name: str) -> str:
    if field_name in kind.money_fields:
        return "千元"
    return COUNT_UNITS.get(field_name, "人")


def template_workbook(kind_key: str, year: int) -> Workbook:
    """The official layout: title rows, a two-row header with merged parents, a units line."""
    kind = intake.KINDS[kind_key]
    columns = template_columns(kind_key)
    title, form_number = TEMPLATE_TITLES[kind_key]
    width = 2 + len(columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=min(width, 12))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([form_number, None, f"统计年度：{year}年", None, None, "金额单位：千元"])
    top = ["统一社会信用代码", "单位详细名称"]
    bottom = [None, None]
    for parent, child, _field in columns:
        if parent:
            top.append(parent)
            bottom.append(child)
        else:
            top.append(child)
            bottom.append(None)
    # Write each parent once, over the run of its children, as the statistics office does.
    spans = []
    position = 2
    while position < width:
        parent = top[position]
        end = position
        if bottom[position] is not None:
            while end + 1 < width and top[end + 1] == parent and bottom[end + 1] is not None:
                end += 1
        spans.append((position, end))
        position = end + 1
    sheet.append([top[i] if i < 2 or any(s == i for s, _ in spans) else None for i in range(width)])
    sheet.append(bottom)
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    sheet.merge_cells(start_row=3, start_column=2, end_row=4, end_column=2)
    for start, end in spans:
        if bottom[start] is None:
            sheet.merge_cells(start_row=3, start_column=start + 1, end_row=4, end_column=start + 1)
        elif end > start:
            sheet.merge_cells(start_row=3, start_column=start + 1, end_row=3, end_column=end + 1)
    sheet.append(["甲", "乙", *[_unit_label(kind, f) for _p, _c, f in columns]])
    for row in sheet.iter_rows(min_row=3, max_row=5):
        for cell in row:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 30
    for index in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.row_dimensions[4].height = 45
    sheet.freeze_panes = "C6"
    return workbook


def issues_workbook(batch: ImportBatch) -> Workbook:
    """Every issue of a batch, and its unregistered codes on a second sheet."""
    workbook = importing.issues_workbook(
        (importing.Issue.from_dict(issue) for issue in batch.issues), record_header="企业"
    )
    if batch.unknown_usccs:
        add_sheet(
            workbook,
            "未登记企业",
            ["行号", "统一社会信用代码", "企业名称", "乡镇街道", "行业代码"],
            (
                (u.get("row"), u.get("uscc"), u.get("name"), u.get("town"), u.get("industry"))
                for u in batch.unknown_usccs
            ),
        )
    return workbook
