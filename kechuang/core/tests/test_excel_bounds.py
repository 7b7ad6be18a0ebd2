"""A small workbook that declares a huge sheet is refused before any reader allocates it,
on every route that reads spreadsheets; each route answers with a Chinese message."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from kechuang.conftest import PASSWORD
from kechuang.core.excel import UnreadableFile, check_zipped_extent, read_rows
from kechuang.monitoring.models import ImportBatch

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
