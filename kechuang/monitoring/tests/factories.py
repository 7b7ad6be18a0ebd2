"""Builders of realistic 107-2 and financial spreadsheets for intake tests."""

import io

from openpyxl import Workbook

from kechuang.monitoring import batches

RD_PARENT_CHILDREN = [
    ("研究开发人员", ["合计", "其中：女性"]),
    (
        "研究开发费用",
        [
            "合计",
            "人员人工费用",
            "直接投入费用",
            "折旧费用与长期待摊费用",
            "无形资产摊销费用",
            "设计费用",
            "装备调试费用与试验费用",
            "委托外部研究开发费用",
            "其中：境内研究机构",
            "境内高等学校",
            "境内企业",
            "境外机构",
            "其他费用",
        ],
    ),
    (
        "研究开发产出及相关情况",
        ["当年专利申请数", "其中：发明专利", "期末有效发明专利数", "新产品销售收入"],
    ),
]
RD_FIELDS = [
    "rd_staff",
    "rd_staff_female",
    "rd_expense",
    "cost_personnel",
    "cost_direct",
    "cost_depreciation",
    "cost_amortisation",
    "cost_design",
    "cost_trial",
    "cost_commissioned",
    "commissioned_institutes",
    "commissioned_universities",
    "commissioned_enterprises",
    "commissioned_abroad",
    "cost_other",
    "patent_applications",
    "invention_applications",
    "valid_inventions",
    "new_product_sales",
]
RD_UNITS = ["人", "人", *["千元"] * 13, "件", "件", "件", "千元"]


def rd_workbook(rows: list[dict], *, total_row: bool = True) -> bytes:
    """A 107-2 layout: title rows, a two-row merged header, a units line, data, a total row.

    Each row dict has 'uscc', 'name' and any of RD_FIELDS (values in 千元 for money)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["企业研究开发活动及相关情况"])
    sheet.append(["表号：107-2表", None, None, "统计年度：2024年"])
    top = ["统一社会信用代码", "单位详细名称"]
    bottom = [None, None]
    for parent, children in RD_PARENT_CHILDREN:
        top += [parent] + [None] * (len(children) - 1)
        bottom += children
    sheet.append(top)
    sheet.append(bottom)
    column = 3
    for _parent, children in RD_PARENT_CHILDREN:
        sheet.merge_cells(
            start_row=3, start_column=column, end_row=3, end_column=column + len(children) - 1
        )
        column += len(children)
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    sheet.append(["甲", "乙", *RD_UNITS])
    for row in rows:
        sheet.append([row.get("uscc"), row.get("name"), *[row.get(f) for f in RD_FIELDS]])
    if total_row:
        sheet.append(
            [
                None,
                "合计",
                *[
                    sum((r.get(f) or 0) for r in rows if isinstance(r.get(f), int | float))
                    for f in RD_FIELDS
                ],
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rd_row(enterprise, **values) -> dict:
    base = {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "rd_staff": 20,
        "rd_staff_female": 5,
        "rd_expense": 1000,
        "cost_personnel": 600,
        "cost_direct": 300,
        "cost_depreciation": 0,
        "cost_amortisation": 0,
        "cost_design": 0,
        "cost_trial": 0,
        "cost_commissioned": 50,
        "commissioned_institutes": 0,
        "commissioned_universities": 50,
        "commissioned_enterprises": 0,
        "commissioned_abroad": 0,
        "cost_other": 50,
        "patent_applications": 4,
        "invention_applications": 1,
        "valid_inventions": 3,
        "new_product_sales": 20000,
    }
    base.update(values)
    return base


def financial_workbook(rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["规模以上工业企业主要财务指标"])
    sheet.append(
        [
            "统一社会信用代码",
            "企业名称",
            "营业收入（万元）",
            "资产总计（万元）",
            "从业人员期末人数（人）",
        ]
    )
    for row in rows:
        sheet.append(
            [
                row["uscc"],
                row["name"],
                row.get("revenue"),
                row.get("total_assets"),
                row.get("employees"),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def stage(user, content: bytes, *, filename="107-2.xlsx", kind="rd", year=2024, **options):
    """A file staged as the upload page stages it: the statistics office's yearly figures in
    千元 unless told otherwise."""
    arguments = {
        "quarter": 0,
        "department": "statistics",
        "default_unit": "thousand",
        "marks_above_scale": False,
        **options,
    }
    return batches.stage(
        filename=filename, content=content, kind_key=kind, year=year, user=user, **arguments
    )
