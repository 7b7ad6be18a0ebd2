"""The layout corpus through every door: the upload page, the CLI and the API store the same
figures for every layout; records are checked whole, as they would stand after the commit;
a mistyped code is a suspected typo, never a new enterprise; batches are discarded and
rolled back as an officer expects.

Long because every layout of the corpus goes through every door.
"""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from kechuang.conftest import PASSWORD, SHARED_WORLD
from kechuang.monitoring import batches, intake
from kechuang.monitoring.models import ImportBatch, RDRecord
from kechuang.monitoring.tests import layouts
from kechuang.monitoring.tests.factories import full_row, full_workbook, sheet_bytes, stage
from kechuang.registry.models import Enterprise, EnterpriseFormerName
from kechuang.registry.tests.factories import EnterpriseFactory

pytestmark = SHARED_WORLD

LAYOUTS = [layout for layout in layouts.corpus() if not layout.skip_reason]
UPLOAD = "/monitoring/batches/upload/"
API = "/api/monitoring/batches/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def registered(world):
    """The corpus's enterprises, registered in 南明街道 (the town officer's scope)."""
    return [
        EnterpriseFactory(uscc=row.uscc, name=row.name, town_id="330624002") for row in layouts.ROWS
    ]


def _stored() -> dict[str, dict]:
    fields = layouts.FIELDS
    return {
        record.enterprise.uscc: {name: getattr(record, name) for name in fields}
        for record in RDRecord.objects.select_related("enterprise").filter(year=2024)
    }


def _expected() -> dict[str, dict]:
    return {
        code: {
            name: None
            if value is None
            else Decimal(value)
            if name in layouts.MONEY_FIELDS
            else value
            for name, value in figures.items()
        }
        for code, figures in layouts.EXPECTED.items()
    }


def _assert_stored_as_expected():
    stored = _stored()
    assert stored == _expected()


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_each_layout_through_the_upload_page(world, login, registered, layout):
    client = login(world.staff)
    response = client.post(
        UPLOAD,
        {
            "kind": "rd",
            "year": 2024,
            "quarter": 0,
            "department": "statistics",
            "default_unit": layout.default_unit,
            "file": SimpleUploadedFile(layout.filename, layout.content),
        },
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    assert batch.errors == [], batch.errors
    assert batch.layout["totals"], "the total row is reported as skipped"
    response = client.post(f"/monitoring/batches/{batch.pk}/commit/", {})
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert batch.created_count == len(layouts.ROWS)
    _assert_stored_as_expected()


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_each_layout_through_the_cli(world, registered, tmp_path, layout):
    path = tmp_path / layout.filename
    path.write_bytes(layout.content)
    unit = layout.default_unit
    out = io.StringIO()
    call_command("import", "rd", str(path), "--year", "2024", "--unit", unit, stdout=out)
    text = out.getvalue()
    assert "识别的列（" in text and "→ 研究开发费用合计" in text
    assert "跳过的合计/小计行" in text
    _assert_stored_as_expected()


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_each_layout_through_the_api(world, registered, layout):
    token = Client().post("/api/accounts/token/", {"username": "staff", "password": PASSWORD})
    client = Client(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    response = client.post(
        API,
        {
            "kind": "rd",
            "year": 2024,
            "default_unit": layout.default_unit,
            "file": SimpleUploadedFile(layout.filename, layout.content),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [i for i in body["issues"] if i["severity"] == "error"] == []
    fields = {c["field"] for c in body["layout"]["columns"]}
    assert set(layouts.FIELDS) <= fields
    response = client.post(f"{API}{body['id']}/commit/", {}, content_type="application/json")
    assert response.status_code == 200, response.content
    _assert_stored_as_expected()


def test_money_units_of_the_corpus_are_reported_per_column(world):
    by_name = {layout.name: layout for layout in LAYOUTS}
    parsed = intake.parse(
        *(lambda x: (x.filename, x.content))(by_name["units-line-wan-over-default-thousand-xlsx"]),
        "rd",
        "thousand",
    )
    units = {(c.unit, c.unit_source) for c in parsed.columns if c.factor}
    assert units == {("万元", "计量单位说明")}


# -- the record as it would stand after the commit ----------------------------------------


def _store(enterprise, **figures):
    return RDRecord.objects.create(
        enterprise=enterprise, year=2024, department="statistics", **figures
    )


def _stage(user, content, *, update=True, unit="thousand"):
    return stage(user, content, default_unit=unit, allow_update=update)


K = Decimal(1000)
COSTS_WITHOUT_TOTAL = [
    "统一社会信用代码",
    "人员人工费用",
    "直接投入费用",
    "折旧费用与长期待摊费用",
    "无形资产摊销费用",
    "设计费用",
    "装备调试费用与试验费用",
    "委托外部研究开发费用",
    "其他费用",
]


def test_the_eight_cost_items_without_their_total_are_refused(world):
    enterprise = world.nanming_enterprise
    _store(enterprise, rd_expense=1000 * K, cost_personnel=600 * K, cost_other=400 * K)
    content = sheet_bytes([COSTS_WITHOUT_TOTAL, [enterprise.uscc, 700, 300, 0, 0, 0, 0, 0, 200]])
    batch = _stage(world.staff, content)
    assert batch.status == "failed"
    (error,) = batch.errors
    assert error["code"] == "missing_columns"
    assert "缺少关键列：研究开发费用合计" in error["message"]
    assert RDRecord.objects.get().cost_personnel == 600 * K


def test_some_cost_items_with_the_total_are_refused(world):
    enterprise = world.nanming_enterprise
    _store(enterprise, rd_expense=1000 * K, cost_personnel=600 * K, cost_other=400 * K)
    content = sheet_bytes(
        [
            ["统一社会信用代码", "研究开发费用合计", "人员人工费用", "直接投入费用", "其他费用"],
            [enterprise.uscc, 1200, 700, 300, 200],
        ]
    )
    batch = _stage(world.staff, content)
    assert batch.status == "failed"
    (error,) = batch.errors
    assert error["code"] == "partial_group"
    assert "缺少：折旧费用与长期待摊费用、无形资产摊销费用、设计费用" in error["message"]
    assert RDRecord.objects.get().rd_expense == 1000 * K


def test_a_total_alone_is_checked_against_the_stored_items(world):
    enterprise = world.nanming_enterprise
    _store(enterprise, rd_expense=1000 * K, cost_personnel=600 * K, cost_direct=400 * K)
    for name in (
        "cost_depreciation",
        "cost_amortisation",
        "cost_design",
        "cost_trial",
        "cost_commissioned",
        "cost_other",
    ):
        RDRecord.objects.filter(enterprise=enterprise).update(**{name: 0})
    content = sheet_bytes([["统一社会信用代码", "研究开发费用合计"], [enterprise.uscc, 1500]])
    batch = _stage(world.staff, content)
    assert batch.status == "failed"
    (error,) = batch.errors
    assert error["code"] == "cost_items_sum"
    assert error["row"] == 2
    assert "与已存的本期数据合并后不一致" in error["message"]
    assert "研究开发费用合计（1,500 千元）应等于八项费用" in error["message"]
    assert "人员人工费用（已存）" in error["column"]
    # The same total as stored passes, and a file with every item may change them all.
    assert (
        _stage(
            world.staff,
            sheet_bytes([["统一社会信用代码", "研究开发费用合计"], [enterprise.uscc, 1000]]),
        ).status
        == "validated"
    )


def test_a_larger_fulltime_count_than_the_stored_total_is_refused(world):
    enterprise = world.nanming_enterprise
    _store(enterprise, rd_expense=100 * K, rd_staff=20, cost_personnel=60 * K)
    content = sheet_bytes(
        [["统一社会信用代码", "研究开发费用合计", "其中：全职人员"], [enterprise.uscc, 100, 25]]
    )
    batch = _stage(world.staff, content)
    assert [e["code"] for e in batch.errors] == ["staff_ge_part"]
    assert "研究开发人员合计（已存）" in batch.errors[0]["column"]
    assert "研究开发人员合计（20）不应小于其中：全职人员（25）" in batch.errors[0]["message"]


RULE_BREAKS = [
    # (rule, changes to a consistent full row, in 千元 / counts)
    ("cost_items_sum", {"cost_other": 41}),
    ("commissioned_sum", {"commissioned_universities": 1}),
    ("funding_sum", {"fund_self": 1}),
    ("cost_ge_institution", {"institution_expense": 5000}),
    ("staff_ge_part", {"rd_staff_female": 99}),
    ("bachelor_ge_postgraduates", {"institution_phd": 30}),
    ("fixed_assets_ge_instruments", {"rd_instruments": 999}),
    ("applications_ge_inventions", {"invention_applications": 50}),
    ("valid_ge_implemented", {"implemented_inventions": 50}),
    ("new_products_ge_exports", {"new_product_exports": 10**9}),
]


@pytest.mark.parametrize(("rule", "changes"), RULE_BREAKS, ids=[r for r, _ in RULE_BREAKS])
def test_each_rule_broken_in_a_file_is_refused(world, rule, changes):
    content = full_workbook([full_row(world.nanming_enterprise, **changes)])
    batch = _stage(world.staff, content)
    assert batch.status == "failed"
    assert rule in {e["code"] for e in batch.errors}
    assert RDRecord.objects.count() == 0


def test_staff_and_personnel_cost_zero_together(world):
    content = full_workbook(
        [
            full_row(
                world.nanming_enterprise,
                rd_staff=0,
                rd_staff_female=0,
                rd_staff_fulltime=0,
                rd_staff_bachelor=0,
                rd_staff_management=0,
                rd_staff_external=0,
                institution_staff=0,
                institution_phd=0,
                institution_master=0,
            )
        ]
    )
    batch = _stage(world.staff, content)
    assert "staff_iff_personnel_cost" in {e["code"] for e in batch.errors}


# -- credit codes -----------------------------------------------------------------------


def _one_slip(code: str) -> str:
    """The code with its 12th character changed and the check character recomputed, so the
    slip passes the checksum and only the register can tell."""
    from stdnum.cn import uscc as stdnum_uscc

    body = code[:11] + ("7" if code[11] != "7" else "8") + code[12:17]
    return body + stdnum_uscc.calc_check_digit(body)


def test_a_mistyped_code_with_a_registered_name_is_a_suspected_typo(world):
    enterprise = world.nanming_enterprise
    typo = _one_slip(enterprise.uscc)
    content = full_workbook([{**full_row(enterprise), "uscc": typo}])
    batch = _stage(world.staff, content)
    assert batch.status == "failed"
    assert batch.unknown_usccs == []
    (error,) = batch.errors
    assert error["code"] == "suspect_uscc"
    assert error["message"].startswith(f"疑似代码有误：该名称已登记为“{enterprise.name}”")
    with pytest.raises(batches.CommitRefused):
        batches.commit(batch, user=world.staff, create_unknown=True)
    assert not Enterprise.objects.filter(uscc=typo).exists()


def test_former_close_names_and_one_slip_codes_are_suspected(world):
    enterprise = world.nanming_enterprise
    EnterpriseFormerName.objects.create(enterprise=enterprise, name="新昌县旧名精工有限公司")
    rows = [
        {
            **full_row(enterprise),
            "uscc": _one_slip(enterprise.uscc),
            "name": "新昌县旧名精工有限公司",
        },
        {
            **full_row(world.qixing_enterprise),
            "uscc": _one_slip(world.qixing_enterprise.uscc),
            "name": world.qixing_enterprise.name + "（新昌）",
        },
    ]
    batch = _stage(world.staff, full_workbook(rows))
    messages = sorted(e["message"] for e in batch.errors)
    assert len(messages) == 2
    assert any("曾用名" in m for m in messages)
    assert any("几乎相同" in m or "已登记为" in m for m in messages)
    # A code one keying slip from a registered one (so failing its check character), under
    # another name or none, is suspected too.
    code = enterprise.uscc
    slipped = code[:5] + ("7" if code[5] != "7" else "8") + code[6:]
    swapped = code[:9] + code[10] + code[9] + code[11:]
    for typo in (slipped, swapped):
        other = {**full_row(enterprise), "uscc": typo, "name": "完全不同的新企业"}
        (error,) = _stage(world.staff, full_workbook([other])).errors
        assert error["code"] == "suspect_uscc"
        assert f"与已登记企业“{enterprise.name}”的代码 {code} 仅差一位" in error["message"]


def test_post_reform_codes_failing_the_check_are_never_pilot_codes(world):
    from stdnum.cn import uscc as stdnum_uscc

    body = "91330624MA2B3C4D5"
    wrong = "0" if stdnum_uscc.calc_check_digit(body) != "0" else "1"
    content = full_workbook(
        [
            {
                **full_row(world.nanming_enterprise),
                "uscc": body + wrong,
                "name": "新昌县全新科技有限公司",
            }
        ]
    )
    batch = _stage(world.staff, content)
    (error,) = batch.errors
    assert error["code"] == "bad_check"
    assert "不可能是早期试点代码" in error["message"]
    assert batch.unknown_usccs == []


def test_enterprises_created_by_a_commit_record_the_officer(world):
    content = full_workbook(
        [
            {
                **full_row(world.nanming_enterprise),
                "uscc": "91330624MA2B3C4D5"
                + __import__("stdnum.cn.uscc", fromlist=["x"]).calc_check_digit(
                    "91330624MA2B3C4D5"
                ),
                "name": "新昌县全新科技有限公司",
            }
        ]
    )
    batch = _stage(world.staff, content)
    assert batch.status == "validated", batch.errors
    batches.commit(
        batch, user=world.staff, create_unknown=True, town_code="330624002", industry_code="3451"
    )
    created = Enterprise.objects.get(name="新昌县全新科技有限公司")
    assert created.uscc_state == "valid"
    assert created.created_by == world.staff
    assert created.history.first().history_user == world.staff


# -- batches ------------------------------------------------------------------------------


def test_a_pending_batch_can_be_discarded_and_its_file_goes(world, login):
    batch = _stage(world.staff, full_workbook([full_row(world.nanming_enterprise)]))
    client = login(world.staff)
    response = client.post(f"/monitoring/batches/{batch.pk}/discard/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "discarded"
    assert not __import__("pathlib").Path(batch.stored_file).exists()
    assert RDRecord.objects.count() == 0
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "本批次已放弃，未写入任何数据" in page and 'data-testid="commit-form"' not in page
    with pytest.raises(batches.CommitRefused):
        batches.discard(batch, user=world.staff)
    # A leader may look but not discard.
    other = _stage(world.staff, full_workbook([full_row(world.nanming_enterprise)]))
    assert login(world.leader).post(f"/monitoring/batches/{other.pk}/discard/").status_code == 403
    other.refresh_from_db()
    assert other.status == "validated"


def test_a_reimport_that_changed_nothing_never_blocks_a_rollback(world):
    content = full_workbook([full_row(world.nanming_enterprise)])
    first = _stage(world.staff, content)
    batches.commit(first, user=world.staff, create_unknown=False)
    second = _stage(world.staff, content)
    batches.commit(second, user=world.staff, create_unknown=False)
    second.refresh_from_db()
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 1)
    first.refresh_from_db()
    assert batches.later_batch(first) is None
    outcome = batches.rollback_and_recompute(first, user=world.staff)
    assert RDRecord.objects.count() == 0
    # The re-import stood on the figures just undone: it no longer claims them.
    second.refresh_from_db()
    assert second.status == "rolled_back"
    assert f"其后未写入数据的批次#{second.pk}一并标记为已撤销" in outcome["success"]
    assert (
        second.history.first().history_change_reason == f"随批次#{first.pk}撤销（本批次未写入数据）"
    )


def test_a_later_batch_that_changed_figures_still_blocks(world):
    first = _stage(world.staff, full_workbook([full_row(world.nanming_enterprise)]))
    batches.commit(first, user=world.staff, create_unknown=False)
    second = _stage(world.staff, full_workbook([full_row(world.qixing_enterprise)]))
    batches.commit(second, user=world.staff, create_unknown=False)
    first.refresh_from_db()
    assert batches.later_batch(first) == second
    with pytest.raises(batches.CommitRefused, match=f"#{second.pk}"):
        batches.rollback(first, user=world.staff)


def test_api_discard(world):
    token = Client().post("/api/accounts/token/", {"username": "staff", "password": PASSWORD})
    client = Client(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    batch = _stage(world.staff, full_workbook([full_row(world.nanming_enterprise)]))
    response = client.post(f"{API}{batch.pk}/discard/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "discarded"
    response = client.post(f"{API}{batch.pk}/discard/")
    assert response.status_code == 400
    assert "只有尚未提交的批次可以放弃" in response.json()["detail"]


def test_cli_prints_recognised_and_ignored_columns_with_units(world, tmp_path):
    content = sheet_bytes(
        [
            ["计量单位：人、万元"],
            ["序号", "统一社会信用代码", "研究开发人员合计", "研究开发费用合计", "联系电话"],
            [1, world.nanming_enterprise.uscc, 5, 12, "0575-1"],
        ]
    )
    path = tmp_path / "f.xlsx"
    path.write_bytes(content)
    out = io.StringIO()
    call_command("import", "rd", str(path), "--year", "2024", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "B列\t统一社会信用代码\t→ 统一社会信用代码" in text
    assert "D列\t研究开发费用合计\t→ 研究开发费用合计\t万元（计量单位说明）" in text
    assert "C列\t研究开发人员合计\t→ 研究开发人员合计\t人" in text
    assert "未识别、不导入的列（2）：\n  A列 序号\n  E列 联系电话" in text


def test_cli_refuses_a_file_without_its_key_column(world, tmp_path):
    path = tmp_path / "f.xlsx"
    path.write_bytes(
        sheet_bytes([["统一社会信用代码", "研发人员"], [world.nanming_enterprise.uscc, 5]])
    )
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import", "rd", str(path), "--year", "2024", stdout=io.StringIO())
    assert RDRecord.objects.count() == 0


def test_contradictory_units_are_an_error(world):
    content = sheet_bytes(
        [
            ["金额单位：千元", "单位：万元"],
            ["统一社会信用代码", "研究开发费用合计"],
            [world.nanming_enterprise.uscc, 12],
        ]
    )
    parsed = intake.parse("u.xlsx", content, "rd", "thousand")
    assert [i.code for i in parsed.errors] == ["unit_conflict"]
    assert parsed.rows == []
    content = sheet_bytes(
        [
            ["统一社会信用代码", "研究开发费用合计（万元）"],
            ["", "千元"],
            [world.nanming_enterprise.uscc, 12],
        ]
    )
    parsed = intake.parse("u.xlsx", content, "rd", "thousand")
    assert [i.code for i in parsed.errors] == ["unit_conflict"]
    assert "表头与其下的单位行注明的金额单位不同" in parsed.errors[0].message
    content = sheet_bytes(
        [
            ["统一社会信用代码", "研究开发费用合计（万元）（千元）"],
            [world.nanming_enterprise.uscc, 12],
        ]
    )
    (error,) = intake.parse("u.xlsx", content, "rd", "thousand").issues
    assert (error.code, error.column) == ("unit_conflict", "B列 研究开发费用合计（万元）（千元）")
    assert "该列表头同时注明了多种金额单位" in error.message


def test_pages_speak_chinese_to_a_browser_that_asks_for_english(world, login):
    batch = _stage(world.staff, full_workbook([full_row(world.nanming_enterprise)]))
    page = (
        login(world.staff)
        .get("/monitoring/batches/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        .content.decode()
    )
    when = timezone.localtime(batch.created_at)
    assert f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}" in page
    assert "p.m." not in page and "a.m." not in page


MERGED_BREAKS = [
    # (rule, a file's column and value in 千元 or count, set against the stored full record)
    ("commissioned_sum", "委托外部研究开发费用", 61),
    ("funding_sum", "研究开发费用合计", 1300),
    ("staff_ge_part", "其中：女性", 999),
    ("bachelor_ge_postgraduates", "其中：博士毕业", 60),
    ("institution_staff_ge_postgraduates", "其中：硕士毕业", 40),
    ("fixed_assets_ge_instruments", ("三、研究开发资产", "其中：仪器和设备"), 301),
    ("applications_ge_inventions", "其中：发明专利申请", 7),
    ("valid_ge_implemented", "其中：已被实施", 6),
    ("new_products_ge_exports", "新产品出口收入", 30001),
    ("staff_iff_personnel_cost", "研究开发人员合计", 0),
]


@pytest.mark.parametrize(
    ("rule", "header", "value"), MERGED_BREAKS, ids=[r for r, *_ in MERGED_BREAKS]
)
def test_each_rule_broken_in_the_merged_record_is_refused(world, rule, header, value):
    enterprise = world.nanming_enterprise
    stored = _stage(world.staff, full_workbook([full_row(enterprise)]))
    batches.commit(stored, user=world.staff, create_unknown=False)
    before = {f: getattr(RDRecord.objects.get(), f) for f in layouts.FIELDS}
    parent, leaf = header if isinstance(header, tuple) else ("", header)
    columns = ["统一社会信用代码", "研究开发费用合计"]
    values = [enterprise.uscc, 1000]
    if leaf == "研究开发费用合计":
        values[1] = value
    else:
        columns.append(leaf)
        values.append(value)
    rows = [["", "", parent], columns, values] if parent else [columns, values]
    batch = _stage(world.staff, sheet_bytes(rows))
    assert batch.status == "failed"
    broken = [e for e in batch.errors if e["code"] == rule]
    assert broken, batch.errors
    assert "与已存的本期数据合并后不一致" in broken[0]["message"]
    assert "（已存）" in broken[0]["column"]
    assert broken[0]["enterprise"] == f"{enterprise.name}（{enterprise.uscc}）"
    assert {f: getattr(RDRecord.objects.get(), f) for f in layouts.FIELDS} == before


def test_replacing_a_stored_figure_a_thousand_times_larger_is_flagged(world):
    enterprise = world.nanming_enterprise
    _store(enterprise, rd_expense=Decimal("18280.00"))
    content = sheet_bytes([["统一社会信用代码", "研究开发费用合计"], [enterprise.uscc, 18280]])
    batch = _stage(world.staff, content)
    (warning,) = batch.warnings
    assert warning["code"] == "unit_slip"
    assert "恰为本期已存数据 18.28 千元 的 1,000 倍" in warning["message"]
    # Without 更新已有数据 the figure is refused as different, not compared.
    assert [e["code"] for e in _stage(world.staff, content, update=False).errors] == ["exists"]
