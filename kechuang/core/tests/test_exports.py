"""Exports: text that would run as a formula is written as text; small exports come in the
response, large ones from a background job whose file only its requester (or an
administrator) may download, holding the rows the page would export to them."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kechuang.conftest import SHARED_WORLD
from kechuang.core.excel import add_sheet, new_workbook, workbook_response
from kechuang.core.models import Job, OperationLog
from kechuang.registry.models import Enterprise
from kechuang.registry.tests.factories import EnterpriseFactory

pytestmark = SHARED_WORLD

HYPERLINK = '=HYPERLINK("http://x","y")'


def cells(content: bytes) -> dict:
    """value -> (data type, quote prefix) of every cell of the first sheet."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return {c.value: (c.data_type, c.quotePrefix) for row in sheet.iter_rows() for c in row}


def sheet_xml(content: bytes) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize("write_only", [False, True])
def test_text_that_would_run_as_a_formula_is_written_as_text(write_only):
    workbook = new_workbook(write_only=write_only)
    values = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", -5, 3.5, "-"]
    add_sheet(workbook, "表", ["值"] * len(values), [values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    found = cells(buffer.getvalue())
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "-"):
        assert found[text] == ("s", True), text
    assert found["a=b"] == ("s", False)
    assert found[-5] == ("n", False) and found[3.5] == ("n", False)
    assert b"<f>" not in sheet_xml(buffer.getvalue())


def test_a_formula_set_cell_by_cell_is_saved_as_text():
    workbook = Workbook()
    workbook.active["A1"] = "=1+1"
    workbook.active["A2"] = -3
    response = workbook_response(workbook, "x.xlsx")
    assert cells(response.content)["=1+1"] == ("s", True)
    assert cells(response.content)[-3] == ("n", False)


def test_a_title_with_a_formula_is_text_in_the_people_export(world, login):
    world.own_person.title = HYPERLINK
    world.own_person.save()
    client = login(world.staff)
    response = client.get(reverse("registry:person_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert cells(response.content)[HYPERLINK] == ("s", True)
    assert b"<f>" not in sheet_xml(response.content)

    response = client.get(reverse("registry:person_list"), {"export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in text
    assert "王教授" in text and "李研究员" in text


def test_the_import_error_workbook_echoes_a_formula_as_text(world, login):
    content = (
        "企业名称,统一社会信用代码,乡镇街道,行业代码,成立日期\n某公司,=1+1,南明街道,C3451,2015-06-18\n"
    ).encode()
    client = login(world.staff)
    response = client.post(
        reverse("registry:import"), {"file": SimpleUploadedFile("企业.csv", content)}
    )
    assert response.status_code == 200
    response = client.get(reverse("registry:import"), {"errors": "1"})
    assert response.status_code == 200
    assert cells(response.content)["=1+1"] == ("s", True)


def test_a_small_export_comes_in_the_response(world, login):
    response = login(world.staff).get(reverse("registry:enterprise_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not Job.objects.exists()


@pytest.fixture
def background(settings, tmp_path):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def names_in(content: bytes) -> set[str]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return {str(c.value) for row in sheet.iter_rows(min_row=2) for c in row if c.value}


def test_a_large_export_runs_in_the_background_with_the_pages_scope_and_filters(
    world, login, background
):
    EnterpriseFactory(name="南明第三轴承有限公司", town_id="330624002")
    client = login(world.town)
    response = client.get(reverse("registry:enterprise_list"), {"q": "轴承", "export": "xlsx"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:export_job", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED and job.created_by == world.town
    assert "query" in job.params and "export" not in job.params["query"]

    page = client.get(response.url)
    assert page.status_code == 200
    download = reverse("core:export_download", args=[job.pk])
    assert download in page.content.decode()
    partial = client.get(response.url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content

    file = client.get(download)
    assert file.status_code == 200 and "no-store" in file["Cache-Control"]
    names = names_in(b"".join(file.streaming_content))
    assert {"新昌县南明轴承有限公司", "南明第三轴承有限公司"} <= names
    assert "浙江新禾成生物医药股份有限公司" not in names  # filtered out by q
    assert "新昌县七星制冷配件有限公司" not in names  # outside the town's scope
    assert job.result["rows"] == 2
    assert OperationLog.objects.filter(
        user=world.town, action=OperationLog.Action.EXPORT, row_count=2
    ).exists()
    assert {p.suffix for p in (background / "exports").iterdir()} == {".xlsx"}


def test_only_the_requester_and_administrators_reach_an_export(world, login, background):
    login(world.town).get(reverse("registry:enterprise_list"), {"export": "csv"})
    job = Job.objects.get()
    page = reverse("core:export_job", args=[job.pk])
    download = reverse("core:export_download", args=[job.pk])
    for user in (world.other_town, world.staff, world.enterprise):
        client = login(user)
        assert client.get(page).status_code == 404
        assert client.get(download).status_code == 404
    response = login(world.admin).get(download)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "新昌县南明轴承有限公司" in text and "新昌县七星制冷配件有限公司" not in text


def test_a_deleted_export_file_answers_404(world, login, background):
    client = login(world.town)
    client.get(reverse("registry:enterprise_list"), {"export": "xlsx"})
    job = Job.objects.get()
    for path in (background / "exports").iterdir():
        path.unlink()
    response = client.get(reverse("core:export_download", args=[job.pk]))
    assert response.status_code == 404


def test_an_export_job_of_a_user_who_lost_the_permission_fails(world, login, background):
    from kechuang.core import exports, jobs

    client = login(world.town)
    client.get(reverse("registry:enterprise_list"), {"export": "xlsx"})
    params = Job.objects.get().params
    world.town.is_active = False
    world.town.save()
    job = jobs.enqueue(exports.KIND, "导出", params=params, user=world.town)
    assert job.status == Job.Status.FAILED and "path" not in job.result


def test_rows_read_a_page_at_a_time_are_each_exported_once(world, login, background, monkeypatch):
    from kechuang.core import exports

    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)
    for index in range(5):
        EnterpriseFactory(name=f"同名企业{index % 2}", town_id="330624002")
    client = login(world.town)
    client.get(reverse("registry:enterprise_list"), {"sort": "town", "export": "csv"})
    job = Job.objects.get()
    text = b"".join(client.get(reverse("core:export_download", args=[job.pk])).streaming_content)
    lines = text.decode("utf-8-sig").strip().splitlines()[1:]
    assert len(lines) == len(set(lines)) == job.result["rows"] == 7


def exported_names(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("企业名称")
    return [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("inline", [True, False])
def test_an_export_keeps_the_pages_sort(world, login, settings, tmp_path, inline):
    if not inline:
        settings.EXPORT_INLINE_MAX_ROWS = 1
        settings.MEDIA_ROOT = tmp_path
    client = login(world.staff)
    url = reverse("registry:enterprise_list")
    for sort in ("name", "-name"):
        response = client.get(url, {"export": "xlsx", "sort": sort})
        if not inline:
            job = Job.objects.latest("pk")
            response = client.get(reverse("core:export_download", args=[job.pk]))
            content = b"".join(response.streaming_content)
        else:
            content = response.content
        by_pinyin = Enterprise.objects.order_by("name_sort", "id").values_list("name", flat=True)
        expected = list(by_pinyin)[:: -1 if sort.startswith("-") else 1]
        assert exported_names(content) == expected, sort
    # A sort on no column is ignored rather than refused.
    assert client.get(url, {"export": "xlsx", "sort": "nonsense"}).status_code in (200, 302)
