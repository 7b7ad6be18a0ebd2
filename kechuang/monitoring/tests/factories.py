"""Builders of realistic 107-2 and financial spreadsheets for intake tests, and the helpers
that stage and commit them as the pages do."""

import base64
import csv
import io
import zlib
from decimal import Decimal

from openpyxl import Workbook

from kechuang.monitoring import batches
from kechuang.monitoring.workbooks import template_columns, template_workbook

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


K = Decimal(1000)

# One enterprise's full 107-2 row in 千元 and counts, consistent with every audit rule:
# 8 cost items = 1000 = funding sources; 4 commissioned parties = 60; parts within totals.
FULL = {
    "rd_staff": 30,
    "rd_staff_management": 3,
    "rd_staff_female": 8,
    "rd_staff_fulltime": 25,
    "rd_staff_bachelor": 20,
    "rd_staff_external": 2,
    "rd_expense": 1000,
    "cost_personnel": 500,
    "cost_direct": 200,
    "cost_depreciation": 100,
    "cost_amortisation": 20,
    "cost_design": 30,
    "cost_trial": 50,
    "cost_commissioned": 60,
    "commissioned_institutes": 20,
    "commissioned_universities": 30,
    "commissioned_enterprises": 10,
    "commissioned_abroad": 0,
    "cost_other": 40,
    "rd_fixed_assets": 300,
    "rd_instruments": 200,
    "fund_self": 800,
    "fund_government": 150,
    "fund_bank": 50,
    "fund_venture": 0,
    "fund_other": 0,
    "deduction_rd_expense": 900,
    "deduction_tax_relief": 150,
    "hnte_tax_relief": 100,
    "institutions": 1,
    "institution_staff": 12,
    "institution_phd": 1,
    "institution_master": 4,
    "institution_expense": 600,
    "institution_equipment": 400,
    "patent_applications": 6,
    "invention_applications": 2,
    "valid_inventions": 5,
    "implemented_inventions": 3,
    "patent_transfers": 1,
    "patent_transfer_income": 20,
    "new_product_sales": 30000,
    "new_product_exports": 5000,
    "trademarks": 3,
    "papers": 2,
    "standards": 1,
    "tech_renovation": 500,
    "domestic_tech_purchase": 0,
    "foreign_tech_import": 0,
    "foreign_tech_assimilation": 0,
    "overseas_institutions": 0,
}


def full_row(enterprise, **changes) -> dict:
    return {"uscc": enterprise.uscc, "name": enterprise.name, **FULL, **changes}


def full_workbook(rows: list[dict], *, year: int = 2024, total_row: bool = True) -> bytes:
    """The full official 107-2 layout (the download template) filled with rows in 千元."""
    workbook = template_workbook("rd", year)
    sheet = workbook.active
    fields = [name for *_, name in template_columns("rd")]
    for row in rows:
        sheet.append([row.get("uscc"), row.get("name"), *[row.get(f) for f in fields]])
    if total_row:
        sheet.append(
            [
                None,
                "合计",
                *[sum(r[f] for r in rows if isinstance(r.get(f), int | float)) for f in fields],
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if c is None else c for c in row] for row in rows])
    return buffer.getvalue().encode(encoding)


def commit(batch, user, **options):
    return batches.commit(batch, user=user, create_unknown=False, **options)


def codes(issues) -> list[str]:
    return [i["code"] if isinstance(i, dict) else i.code for i in issues]


# A 107-2 sheet saved in the Excel 97-2003 format (BIFF8), as the statistics office's desktop
# tool exports it: title rows, a two-row merged header, a units line, two enterprises
# (91330624XL0000015Y, 91330624XL0000023R) and a 合计 row. Written once with xlwt 1.3.0.
XLS_107_2 = zlib.decompress(
    base64.b64decode(
        "eNrtWF1sFFUU/u787q67221ZSFgT0jQRaqVJdwsiGroqER6QabdbY4ta2sJKSUsx/UvLAyLYSFJJjEYTjS9N0OgL1gdQ"
        "8f9BY4wJilETjbGV4IsvajD0ATqec3Zm3YV9oIkSMXsm98w5556/e8+de2fmyzPVczNvJuZxBbRAx6IbhFUkU9SCPhMD"
        "9bsuk/49QM2twA0FwQAV0jLxbuQLm2vI9Z6HhlnjY8LAz9QexmNw9g/laq8j3Cs59CrOYRNhhZdJEsVKyapG8C7BywS/"
        "IZrvCb5bJMcEbyLdObUDZ9JOwx3eKu7U6qQvCvb7lth8L5IkluMzXsWPP6PyuibuGd7bO/jf7FhlhHEcVLetuaHccO/g"
        "HOJUwOP4060FLvhP6ke1Ffn1lSuQfKFUbpeRP6cZwCG4PbLApxDBgsE9JpJNGxpTl9ChEsTGqUWgVGvCiU+MH8DOr7J3"
        "7Xut/fPswvhI5pOek5kgVP/Ri9mEm0QTNqARKfQfDUH9dHBmerT71e6Em6KOFNZhtDvAYjgtk4nW+db6sXOOmrCgHshu"
        "b/1l+tODkY7fJon1w5x2OjsotUDHzLQJNZ5pdBLuSNeaniKVjcfqx4hlzdPO+Uc89sL4K7ue78tlmDXY8luHSQWVYtTl"
        "KDYh15uzmzM1wMZkc3PT7al1nfc3MSTXd8WgZnPhRz/MTmAQI9i275tpOBezd+6Z7Q/uaXthMLOQvdou1dxexu5psls/"
        "1vaQbxfic0z2vVjJvheR/SBMeDeqhK6WXSFGJ9ul138/u72vLb1TJIfkrMufiLdwEeHiCbYg4yj8szCPG8TiNsGHxevN"
        "QicEx6nYdF/dttwjthwRnSeldzV5aBb4Or2miK4neurXzNurps6lbyX6xNb5A/ET36VnUEcn9G6y5+sI1qq16qUXGd5J"
        "+3fl7Z4/Cl551U4a0GJe7q537FfhMkJCVgv+QFYkz07xZYulkuVbaqnEknGeM7x5ZX2tTCRN9HVPP18Ho8BpxJmSRYBo"
        "XTTzPew3ID1cQ7MkL/2KOGyteyPK00pyZE+6xLC8iLrEsAucUdLHUYIFziIuVOBs4m7yxmmUGach8cOeviEZRAoc5xAt"
        "cHoJxzlUFTizhLNKONvjOAezTA6m5BDz9E2vqsD7tG5NySElGlHBh8OMz9qM63TGz1JZ8zNslfFuiVWN590S78s875Z4"
        "XyEaeb2Bp7h/h8b0HyLZlva922W82+LP8vzZ4m9LISL528tz0RASicF4+gf2d94bmybzo8mlS+OnRpN14YONFq0Gp3hJ"
        "0nvF3xBCBSpQgQpUoAI3LvBbGR9ufOYZ8u6Wfxe2vf86l6ktVn6T/G+hHfvpGqUP0/swRPdhTC5p/ayAqXxf6hpt/P+F"
        "DA9S9GEMoE/yGFjy+qVvGVU8nms2jP1zj9BS4y8uJc9/Of5fYNxUGw=="
    )
)
XLS_CODES = ("91330624XL0000015Y", "91330624XL0000023R")
