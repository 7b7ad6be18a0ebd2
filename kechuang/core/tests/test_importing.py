"""The one import contract: registry and monitoring read the same identity headers, report
problems as the same Issue and hand them out in the same workbook."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kechuang.core.excel import save_workbook
from kechuang.core.importing import Issue, cell_text, issues_workbook
from kechuang.monitoring import intake
from kechuang.monitoring.columns import VOCABULARIES
from kechuang.registry.importers import ENTERPRISE_HEADERS, EnterpriseImportSpec


def rows_of(workbook) -> list[tuple]:
    buffer = io.BytesIO()
    save_workbook(workbook, buffer)
    return list(load_workbook(io.BytesIO(buffer.getvalue()))["问题清单"].values)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (" 新昌 ", "新昌"),
        (12.0, "12"),
        (12.5, "12.5"),
        (Decimal("1.50"), "1.50"),
        (datetime.datetime(2024, 3, 1, 8, 30), "2024-03-01"),
        (datetime.date(2024, 3, 1), "2024-03-01"),
    ],
)
def test_a_cell_reads_as_the_text_a_form_expects(value, text):
    assert cell_text(value) == text


def test_an_issue_survives_storage_as_a_dict():
    issue = Issue(4, "统一社会信用代码", "9133", "格式不正确", severity="warning", code="bad")
    assert Issue.from_dict(issue.as_dict()) == issue
    assert Issue.from_dict({"row": 0, "column": "", "value": "", "message": "空", "x": 1}) == Issue(
        0, "", "", "空"
    )


def test_the_issues_workbook_lists_every_issue_with_its_severity():
    issues = [
        Issue(0, "", "a.xlsx", "文件中没有数据。"),
        Issue(5, "研究开发费用合计", "abc", "不是数字。", enterprise="甲公司（9133…）"),
        Issue(6, "表头", "备注2", "以下列未能识别", severity="warning"),
    ]
    assert rows_of(issues_workbook(issues)) == [
        ("行号", "列", "值", "原因", "级别"),
        (None, None, "a.xlsx", "文件中没有数据。", "错误"),
        (5, "研究开发费用合计", "abc", "不是数字。", "错误"),
        (6, "表头", "备注2", "以下列未能识别", "警告"),
    ]
    with_records = rows_of(issues_workbook(issues, record_header="企业"))
    assert with_records[0] == ("行号", "企业", "列", "值", "原因", "级别")
    assert with_records[2][1] == "甲公司（9133…）"


@pytest.mark.parametrize("field", sorted(ENTERPRISE_HEADERS))
def test_registry_and_intake_know_an_enterprise_by_the_same_headers(field):
    spec_column = next(c for c in EnterpriseImportSpec.columns if c.field == field)
    assert (spec_column.header, *spec_column.synonyms) == ENTERPRISE_HEADERS[field]
    for kind in ("rd", "financial"):
        term = next(t for t in VOCABULARIES[kind].terms if t.field == field)
        assert tuple(term.names) == ENTERPRISE_HEADERS[field]


def test_the_intake_reports_with_the_contract_issue():
    assert intake.Issue is Issue
