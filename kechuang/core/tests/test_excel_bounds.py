"""A small workbook that declares a huge sheet is refused before any reader allocates it,
on every route that reads spreadsheets; each route answers with a Chinese message."""

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from kechuang.conftest import PASSWORD, SHARED_WORLD
from kechuang.core.excel import UnreadableFile, check_zipped_extent, read_rows
from kechuang.monitoring.models import ImportBatch

pytestmark = SHARED_WORLD

REFUSED = "文件中的表格范围过大"


def far_cell_workbook(reference: str = "XFD1048576", row: int = 1048576) -> bytes:
    """An xlsx of a few KB with one cell at `reference`: read densely, 512 GiB."""
    workbook = Workbook()
    workbook.active.append(["统一社会信用代码", "研究开发费用合计"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                far = f'<row r="{row}"><c t="inlineStr" r="{reference}"><is><t>y</t></is></c></row>'
                data = data.replace(b"</sheetData>", far.encode() + b"</sheetData>")
            target.writestr(item, data)
    return out.getvalue()


def test_the_far_cell_is_refused_before_reading():
    content = far_cell_workbook()
    assert len(content) < 10_000
    with pytest.raises(UnreadableFile, match=REFUSED):
        check_zipped_extent(content)
    with pytest.raises(UnreadableFile, match="1,048,576 行 × 16,384 列"):
        read_rows("x.xlsx", content)


def test_a_far_cell_inside_a_row_without_its_number_is_refused():
    with pytest.raises(UnreadableFile, match=REFUSED):
        read_rows("x.xlsx", far_cell_workbook().replace(b'<row r="1048576">', b"<row>"))


@pytest.mark.parametrize(("reference", "row"), [("N100000", 100000), ("ZZ2000", 2000)])
def test_large_but_sane_extents_are_read(reference, row):
    rows = read_rows("x.xlsx", far_cell_workbook(reference, row))
    assert rows[0][:2] == ["统一社会信用代码", "研究开发费用合计"]
    assert len(rows) == row


def test_not_a_zip_is_a_broken_workbook():
    with pytest.raises(UnreadableFile, match="不是有效的 Excel 文件"):
        read_rows("x.xlsx", b"PK\x03\x04 not really")


def test_every_upload_route_answers_with_the_message(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = far_cell_workbook()
    client = login(world.staff)
    response = client.post(
        reverse("registry:import"), {"file": SimpleUploadedFile("企业.xlsx", content)}
    )
    assert response.status_code == 200 and REFUSED in response.content.decode()
    response = client.post(
        reverse("monitoring:batch_upload"),
        {
            "kind": "rd",
            "year": 2024,
            "quarter": 0,
            "department": "statistics",
            "default_unit": "thousand",
            "file": SimpleUploadedFile("107-2.xlsx", content),
        },
    )
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == "failed" and REFUSED in batch.errors[0]["message"]
    token = Client().post("/api/accounts/token/", {"username": "staff", "password": PASSWORD})
    api = Client(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    response = api.post(
        "/api/monitoring/batches/",
        {"kind": "rd", "year": 2024, "file": SimpleUploadedFile("107-2.xlsx", content)},
    )
    assert response.status_code == 201
    assert REFUSED in response.json()["issues"][0]["message"]


def ods_workbook(body: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="数据">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def ods_cell(text: str, repeat: int = 1) -> str:
    return (
        f'<table:table-cell table:number-columns-repeated="{repeat}"'
        f' office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


ODS_HEADER = (
    f"<table:table-row>{ods_cell('统一社会信用代码')}{ods_cell('企业名称')}</table:table-row>"
)
# What LibreOffice writes after the data of every sheet: empty rows to the sheet's end.
ODS_TRAILING = (
    '<table:table-row table:number-rows-repeated="1048574">'
    '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
)


def test_an_ods_with_libreoffices_trailing_empty_rows_is_read():
    rows = read_rows("x.ods", ods_workbook(ODS_HEADER + ODS_TRAILING))
    assert rows == [["统一社会信用代码", "企业名称"]]


@pytest.mark.parametrize(
    "body",
    [
        # one row of data said to repeat a million times: 838 bytes, a million rows
        ODS_HEADER + f'<table:table-row table:number-rows-repeated="1000000">{ods_cell("x")}'
        "</table:table-row>",
        # a cell after a million empty rows
        ODS_HEADER + ODS_TRAILING + f"<table:table-row>{ods_cell('y')}</table:table-row>",
        # a cell said to repeat across 16,384 columns
        ODS_HEADER + f"<table:table-row>{ods_cell('z', 16384)}</table:table-row>",
    ],
)
def test_an_ods_declaring_a_huge_extent_is_refused(body):
    content = ods_workbook(body)
    assert len(content) < 2_000
    with pytest.raises(UnreadableFile, match=REFUSED):
        read_rows("x.ods", content)


def xls_workbook(*cells: tuple[int, int, str]) -> bytes:
    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("数据")
    for row, column, value in cells:
        sheet.write(row, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xls_with_a_far_cell_is_refused():
    content = xls_workbook((0, 0, "统一社会信用代码"), (65535, 255, "y"))
    assert len(content) < 10_000
    with pytest.raises(UnreadableFile, match="65,536 行 × 256 列"):
        read_rows("x.xls", content)


def test_an_xls_declaring_huge_dimensions_is_refused():
    content = xls_workbook((0, 0, "统一社会信用代码"), (1, 1, "y"))
    # the DIMENSIONS record (0x0200, 14 bytes) of the sheet: rows 0..2, columns 0..2
    declared = struct.pack("<HHIIHHH", 0x0200, 14, 0, 2, 0, 2, 0)
    assert declared in content
    huge = struct.pack("<HHIIHHH", 0x0200, 14, 0, 0xFFFFFFF0, 0, 255, 0)
    with pytest.raises(UnreadableFile, match=REFUSED):
        read_rows("x.xls", content.replace(declared, huge))


def test_an_ordinary_xls_is_read():
    rows = read_rows("x.xls", xls_workbook((0, 0, "统一社会信用代码"), (2, 3, "y")))
    assert rows[0][0] == "统一社会信用代码" and rows[2][3] == "y"


def test_the_limits_come_from_settings(settings):
    settings.SPREADSHEET_MAX_ROWS = 3
    csv_content = "代码,名称\n1,a\n2,b\n".encode()
    assert len(read_rows("x.csv", csv_content)) == 3
    with pytest.raises(UnreadableFile, match="3 行"):
        read_rows("x.csv", csv_content + b"3,c\n")
    settings.SPREADSHEET_MAX_ROWS = 1_000
    settings.SPREADSHEET_MAX_COLUMNS = 2
    with pytest.raises(UnreadableFile, match="2 列"):
        read_rows("x.csv", b"a,b,c\n")
    settings.SPREADSHEET_MAX_COLUMNS = 100
    settings.SPREADSHEET_MAX_CELLS = 99
    with pytest.raises(UnreadableFile, match="99 个单元格"):
        read_rows("x.xlsx", far_cell_workbook("J10", 10))
    assert len(read_rows("x.xlsx", far_cell_workbook("I11", 11))) == 11


def test_a_declared_xlsx_dimension_counts():
    content = far_cell_workbook("B2", 2)
    source = zipfile.ZipFile(io.BytesIO(content))
    sheet = source.read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:B1"' in sheet
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'ref="A1:B1"', b'ref="A1:XFD1048576"')
            target.writestr(item, data)
    with pytest.raises(UnreadableFile, match=REFUSED):
        read_rows("x.xlsx", out.getvalue())


def test_a_registry_import_over_its_row_limit_is_refused_before_any_row_is_validated(
    world, settings
):
    from kechuang.registry.importers import EnterpriseImportSpec

    settings.IMPORT_MAX_ROWS = 2
    header = "企业名称,统一社会信用代码,所在乡镇街道,行业代码,成立日期\n"
    row = "某公司,不是代码,南明街道,C3451,2015-06-18\n"
    spec = EnterpriseImportSpec(world.staff)
    result = spec.run("x.csv", (header + row * 2).encode(), update_existing=False, dry_run=True)
    assert result.total == 2 and "上限" not in result.errors[0].message
    result = spec.run("x.csv", (header + row * 3).encode(), update_existing=False, dry_run=True)
    assert result.total == 0
    assert [e.message for e in result.errors] == [
        "文件超过一次导入的上限（2 行数据）：请拆分为多个文件分批导入。"
    ]


def test_read_rows_stops_at_max_rows():
    assert len(read_rows("x.xlsx", far_cell_workbook("B50", 50), max_rows=10)) == 10
    assert len(read_rows("x.csv", b"a\nb\nc\n", max_rows=2)) == 2


def test_an_ods_entity_bomb_is_refused_as_broken():
    entities = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    content = ods_workbook(f"<table:table-row>{ods_cell('&a9;')}</table:table-row>")
    archive = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in archive.infolist():
            data = archive.read(item.filename)
            if item.filename == "content.xml":
                data = data.replace(
                    b"<office:document-content",
                    f"<!DOCTYPE d [{entities}]><office:document-content".encode(),
                    1,
                )
            target.writestr(item, data)
    with pytest.raises(UnreadableFile, match="不是有效的 Excel 文件"):
        read_rows("x.ods", out.getvalue())
