"""Exports write typed cells a finance officer can paste into a report: 是/否 for booleans,
real dates in a date format, money in 万元 as numbers with the unit in the header,
percentages as fractions formatted 0.00%, integers as integers, the credit code on every row
about an enterprise, and columns as wide as their text. The request's export and the
background job's are the same file; the CSV says 是/否 and ISO dates.

Every list page with an export (found from the URL resolver) is opened as a file here, and
KINDS says what each of its typed columns holds: a new list page fails until it is added."""

import csv
import datetime
import io
import re
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from kechuang.conftest import SHARED_WORLD
from kechuang.core import excel
from kechuang.core.models import Job, OperationLog
from kechuang.core.oplog import record_operation
from kechuang.core.tables import (
    BaseTable,
    MoneyColumn,
    PercentColumn,
    QuickDateColumn,
    QuickDateRendering,
    TypedValue,
    YesNoColumn,
)
from kechuang.core.tests.test_list_pages import list_views
from kechuang.monitoring import services
from kechuang.monitoring.models import (
    Alert,
    FinancialRecord,
    ImportBatch,
    RDRecord,
    ServiceVisit,
)
from kechuang.monitoring.tables import SnapshotEntryTable
from kechuang.monitoring.views.lists import LISTS
from kechuang.registry.models import ChainLink, Enterprise
from kechuang.registry.tests.factories import (
    EnterpriseFactory,
    IndustryChainFactory,
    QualificationFactory,
    ScaleRecordFactory,
)

pytestmark = SHARED_WORLD

YES_NO, DATE, DATETIME, MONEY, PERCENT, INT, CODE, TEXT, DECIMAL = (
    "是/否",
    "date",
    "date-time",
    "money",
    "percent",
    "integer",
    "credit code",
    "text",  # identifiers that may look like numbers: never converted
    "decimal",  # points and scores with two decimals
)
# url -> header -> what the column holds. Columns not named here are text, and no text cell
# may look like a boolean, a date, a number or a percentage.
KINDS = {
    "/registry/enterprises/": {
        "统一社会信用代码": CODE,
        "从业人员": INT,
        "注册资本（万元）": MONEY,
        "成立日期": DATE,
        "上市": YES_NO,
    },
    "/registry/qualifications/": {
        "统一社会信用代码": CODE,
        "证书编号": TEXT,
        "认定日期": DATE,
        "有效期至": DATE,
    },
    "/registry/institutions/": {"县内机构": YES_NO},
    "/registry/people/": {"手机号": TEXT},
    "/registry/chains/": {"链上企业": INT, "排序": INT, "启用": YES_NO},
    "/accounts/organisations/": {"用户数": INT, "启用": YES_NO},
    "/accounts/users/": {"有效": YES_NO, "上次登录": DATETIME},
    "/accounts/operation-log/": {"时间": DATETIME, "记录数": INT, "成功": YES_NO, "IP": TEXT},
    "/accounts/login-log/": {"时间": DATETIME},
    "/monitoring/entries/": {
        "投入排名": INT,
        "强度排名": INT,
        "统一社会信用代码": CODE,
        "研发投入（万元）": MONEY,
        "营业收入（万元）": MONEY,
        "研发强度（%）": PERCENT,
        "上年研发投入（万元）": MONEY,
        "下降额（万元）": MONEY,
        "下降幅度（%）": PERCENT,
        "连续零研发（年）": INT,
    },
    "/monitoring/alerts/": {"统一社会信用代码": CODE, "处理时间": DATETIME},
    "/monitoring/rules/": {"版本号": TEXT, "生效日期": DATE, "创建时间": DATETIME},
    "/monitoring/pool/": {
        "统一社会信用代码": CODE,
        "入库日期": DATE,
        "走访次数": INT,
        "最近走访": DATE,
        "逾期跟进": INT,
    },
    "/monitoring/visits/": {
        "走访日期": DATE,
        "统一社会信用代码": CODE,
        "跟进期限": DATE,
        "跟进完成日期": DATE,
    },
    "/assessment/results/": {
        "统一社会信用代码": CODE,
        "接近度": INT,
        "符合条件数": INT,
        "研发费用占比": PERCENT,
        "适用比例": PERCENT,
    },
    "/assessment/ip/": {
        "统一社会信用代码": CODE,
        "专利号/登记号": TEXT,
        "授权（登记）日期": DATE,
        "保护期届满日": DATE,
        "失效日期": DATE,
        "已用于哪年高企申请": INT,
    },
    "/assessment/policies/": {
        "生效日期": DATE,
        "失效日期": DATE,
        "免申即享": YES_NO,
        "启用": YES_NO,
    },
    "/assessment/outcomes/": {"政策年度": INT, "统一社会信用代码": CODE, "金额（万元）": MONEY},
    "/assessment/points/": {"排名": INT, "统一社会信用代码": CODE, "创新积分": DECIMAL},
    "/assessment/flags/": {
        "统一社会信用代码": CODE,
        "年度": INT,
        "确认无误": YES_NO,
        "创建时间": DATETIME,
        "处理时间": DATETIME,
    },
    "/indicators/values/": {
        "区划代码": TEXT,
        "年度": INT,
        "数值": DECIMAL,
        "采用": YES_NO,
        "更新时间": DATETIME,
    },
    "/indicators/targets/": {
        "目标年度": INT,
        "目标值": DECIMAL,
        "最新年度": INT,
        "最新值": DECIMAL,
        "差距": DECIMAL,
        "更新时间": DATETIME,
    },
    "/techmarket/results/": {"成熟度": INT, "参考价格（万元）": MONEY, "发布日期": DATE},
    "/techmarket/demands/": {"预算（万元）": MONEY, "期望完成": DATE, "发布日期": DATE},
    "/techmarket/experts/": {"接受对接": YES_NO},
    "/techmarket/matches/": {
        "对接": INT,
        "匹配度": INT,
        "进入当前阶段": DATETIME,
        "合同金额（万元）": MONEY,
    },
    "/techmarket/events/": {"举办日期": DATE, "参会方": INT, "配对": INT},
    "/monitoring/batches/": {
        "批次": INT,
        "年度": INT,
        "数据行": INT,
        "新增": INT,
        "更新": INT,
        "未变化": INT,
        "创建时间": DATETIME,
    },
}
FORMATS = {
    DATE: excel.DATE_FORMAT,
    DATETIME: excel.DATETIME_FORMAT,
    MONEY: excel.MONEY_FORMAT,
    PERCENT: excel.PERCENT_FORMAT,
    DECIMAL: excel.DECIMAL_FORMAT,
}
YEAR = 2024
ENTRIES = "/monitoring/entries/"
# Exporting writes a line to the operation log, so two exports of the log differ by one row.
SELF_CHANGING = {"/accounts/operation-log/"}


def exports() -> list[tuple[str, dict]]:
    """(url, query) of every export: each monitoring list with all its columns chosen."""
    found = []
    for url in KINDS:
        if url == ENTRIES:
            columns = list(SnapshotEntryTable.base_columns)
            found += [(url, {"year": YEAR, "list": key, "columns": columns}) for key in LISTS]
        else:
            found.append((url, {"year": YEAR}))
    return found


LONG_PROBLEM = "企业反映研发场地不足" * 12  # 120 CJK characters: wider than any column may be


def _figures(enterprise, year, *, rd, revenue):
    """R&D and revenue in 万元 (stored in yuan), as the statistics bureau reports them."""
    wan = Decimal(10_000)
    RDRecord.objects.create(
        enterprise=enterprise, year=year, department="statistics", rd_expense=rd * wan
    )
    FinancialRecord.objects.create(
        enterprise=enterprise, year=year, department="statistics", revenue=revenue * wan
    )
    ScaleRecordFactory(enterprise=enterprise, year=year, is_above_scale=True)


@pytest.fixture
def county(world):
    """The world with a value in every typed column of every list: a listed enterprise with
    a capital that rounds, monitoring results (one enterprise grows, one falls by half, one
    has no R&D), a handled alert, a pool entry with visits, an import batch, a log line."""
    grower, faller, idle = world.nanming_enterprise, world.qixing_enterprise, world.own_enterprise
    grower.is_listed = True
    grower.registered_capital = Decimal("12345678.90")  # 1,234.57 万元 (1,234.56789)
    grower.save()
    _figures(grower, 2023, rd=300, revenue=10_000)
    _figures(grower, 2024, rd=412, revenue=10_000)  # 4.12%
    _figures(faller, 2023, rd=200, revenue=5_000)
    _figures(faller, 2024, rd=100, revenue=5_000)  # falls by 50%
    _figures(idle, 2023, rd=0, revenue=3_000)
    _figures(idle, 2024, rd=0, revenue=3_000)
    QualificationFactory(enterprise=grower, valid_until=datetime.date(2027, 11, 30))
    ChainLink.objects.create(
        enterprise=grower, chain=IndustryChainFactory(name="新材料"), position="midstream"
    )
    services.recompute(YEAR)
    services.acknowledge_alert(
        Alert.objects.order_by("pk").first(), user=world.staff, note="已电话核实"
    )
    entry = services.add_to_pool(
        grower, officer=world.town, target="省科技小巨人", reason="", user=world.staff
    )
    today = timezone.localdate()
    ServiceVisit.objects.create(
        entry=entry,
        visited_on=today - datetime.timedelta(days=10),
        visitors="走访组",
        people_met="总经理",
        problems=LONG_PROBLEM,
        follow_up_due=today - datetime.timedelta(days=5),
        follow_up_done_on=today - datetime.timedelta(days=2),
    )
    ImportBatch.objects.create(
        kind="rd",
        year=YEAR,
        department="statistics",
        filename="107-2.xlsx",
        sha256="0",
        status="failed",
        row_count=3,
    )
    record_operation(world.staff, OperationLog.Action.EXPORT, "企业", rows=3)
    _assessment(world, grower)
    _indicators()
    _techmarket(world, grower)
    return world


def _techmarket(world, grower):
    """A result and a demand with amounts and dates, an expert, a contracted match and an
    event with a participant and a pairing, all of 2024."""
    from kechuang.techmarket import services as market
    from kechuang.techmarket.models import EventParticipant, Match, MatchmakingEvent
    from kechuang.techmarket.tests.factories import (
        ExpertProfileFactory,
        TechDemandFactory,
        TechResultFactory,
    )

    result = TechResultFactory(institution=world.own_institution, price=Decimal("1234567.8"))
    demand = TechDemandFactory(
        enterprise=grower, budget=Decimal("500000"), deadline=datetime.date(2027, 6, 30)
    )
    ExpertProfileFactory(person=world.own_person)
    match = market.accept(kind="result", candidate=result, demand=demand, user=world.staff)
    match.score = 0.8734
    match.save()
    for stage in ("contacted", "negotiating"):
        market.move(match, stage, user=world.staff)
    market.move(
        match,
        "contracted",
        user=world.staff,
        contract_value=Decimal("600000"),
        contracted_on=datetime.date(2024, 8, 1),
    )
    Match.objects.filter(pk=match.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2024, 5, 1, 9))
    )
    event = MatchmakingEvent.objects.create(
        title="高端装备产学研金对接会",
        held_on=datetime.date(2024, 5, 23),
        region_id="330624",
        status="held",
    )
    EventParticipant.objects.create(
        event=event, kind="enterprise", enterprise=grower, attended=True
    )


def _indicators():
    """A bulletin value with its derived ratio, and a target with its progress."""
    from kechuang.indicators.models import Indicator, Target
    from kechuang.indicators.services import derive
    from kechuang.indicators.tests.factories import official
    from kechuang.registry.models import Region

    official("gdp", "330624", 2024, "651.56")
    official("rd_total", "330624", 2024, "29.65")
    derive(Region.objects.get(code="330624"), 2024)
    Target.objects.create(
        region_id="330624",
        indicator=Indicator.objects.get(code="rd_gdp"),
        year=2024,  # the year every export of this test is filtered on
        value=Decimal("5.0"),
        note="目标",
    )


def _assessment(world, grower):
    """A 高企 run with a three-year ratio, an IP right with every date, a policy with an end
    date calculated for 2024, points, and a handled flag."""
    from kechuang.assessment import services as assessment
    from kechuang.assessment import support
    from kechuang.assessment.models import FigureFlag, Policy
    from kechuang.assessment.tests.factories import (
        IntellectualPropertyFactory,
        RecognitionFiguresFactory,
    )

    for year in (2022, 2023, 2024):
        RecognitionFiguresFactory(
            enterprise=grower, year=year, sales=Decimal(100_000_000), rd_expense=Decimal(4_000_000)
        )
    IntellectualPropertyFactory(
        enterprise=grower,
        kind="utility_model",
        expires_on=datetime.date(2030, 3, 1),
        lapsed_on=datetime.date(2024, 3, 1),
        used_in_hnte_year=2023,
    )
    assessment.run_assessment("hnte", datetime.date(2025, 6, 1), user=world.staff)
    policy = Policy.objects.create(
        code="rd-increase",
        title="研发投入增量补助",
        basis="若干政策意见 第二条",
        kind="rd_increase",
        rd_caliber="statistical",
        rate=Decimal("0.1"),
        cap=Decimal(500_000),
        no_application=True,
        effective_from=datetime.date(2024, 1, 1),
        effective_to=datetime.date(2026, 12, 31),
    )
    support.calculate_policy(policy, 2024)
    support.calculate_points(2024)
    FigureFlag.objects.create(
        enterprise=grower,
        year=2024,
        figure="revenue",
        note="营业收入漏报其他业务收入",
        status="fixed",
        handled_by=world.staff,
        handled_at=timezone.now(),
        handling_note="已更正",
    )


def fetch(client, url: str, query: dict, fmt: str) -> bytes:
    response = client.get(url, {**query, "export": fmt})
    if response.status_code == 302:  # a background job: its file
        job = Job.objects.latest("pk")
        assert job.status == Job.Status.SUCCEEDED, job.error
        response = client.get(reverse("core:export_download", args=[job.pk]))
        return b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return response.content


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def table_of(content: bytes) -> tuple[list[str], list[dict]]:
    """The headers, and each row as header -> cell."""
    rows = list(sheet_of(content).iter_rows())
    headers = [cell.value for cell in rows[0]]
    return headers, [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def row_named(rows: list[dict], header: str, name: str) -> dict:
    return next(row for row in rows if row[header].value == name)


LOOKS_TYPED = re.compile(
    r"^(True|False|✔|✘)$"  # a boolean
    r"|^\d{4}([-/年])\d{1,2}"  # a date
    r"|^-?[\d,]*\.?\d+\s*%$"  # a percentage
    r"|^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+\.\d+$"  # a number written out
)
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_cell(kind: str | None, cell) -> str | None:
    """Why the xlsx cell does not hold what its column's kind says, or None."""
    value, number_format = cell.value, cell.number_format
    if kind == YES_NO:
        ok = value in ("是", "否")
    elif kind in (DATE, DATETIME):
        ok = isinstance(value, datetime.datetime) and number_format == FORMATS[kind]
    elif kind in (MONEY, PERCENT, DECIMAL):
        ok = type(value) in (int, float) and number_format == FORMATS[kind]
    elif kind == INT:
        ok = type(value) is int and cell.data_type == "n" and number_format == "General"
    elif kind == CODE:
        ok = isinstance(value, str) and CREDIT_CODE.match(value)
    elif kind == TEXT:
        ok = isinstance(value, str)
    else:  # text: nothing typed may hide in it, and nothing typed comes unformatted
        ok = (isinstance(value, str) and not LOOKS_TYPED.search(value)) or (
            type(value) is int and number_format == "General"
        )
    return None if ok else f"{value!r} ({cell.data_type}, {number_format})"


def test_every_list_page_with_an_export_is_checked():
    assert set(list_views()) == set(KINDS)


def test_xlsx_exports_write_typed_cells(county, login):
    client = login(county.admin)
    failures, seen = [], set()
    for url, query in exports():
        _, rows = table_of(fetch(client, url, query, "xlsx"))
        for row in rows:
            for header, cell in row.items():
                if cell.value is None:
                    continue
                seen.add((url, header))
                problem = check_cell(KINDS[url].get(header), cell)
                if problem:
                    failures.append(f"{url} {query.get('list', '')} {header}: {problem}")
    assert not failures, "\n".join(failures)
    # Every declared column was checked against a value, not only against emptiness.
    declared = {(url, header) for url, kinds in KINDS.items() for header in kinds}
    assert declared - seen == set()


def test_enterprise_exports_hold_the_figures_the_page_shows(county, login):
    client = login(county.admin)
    _, rows = table_of(fetch(client, "/registry/enterprises/", {}, "xlsx"))
    listed = row_named(rows, "企业名称", county.nanming_enterprise.name)
    assert listed["统一社会信用代码"].value == county.nanming_enterprise.uscc
    assert listed["上市"].value == "是"
    assert {row["上市"].value for row in rows} == {"是", "否"}
    assert listed["注册资本（万元）"].value == 1234.57
    assert listed["成立日期"].value == datetime.datetime(2010, 5, 1)
    assert listed["从业人员"].value == 120
    page = client.get("/registry/enterprises/").content.decode()
    assert "1,234.57" in page and ">是<" in page


def test_the_rd_top_50_export_carries_the_credit_code_and_a_percentage(county, login):
    client = login(county.staff)
    query = {"year": YEAR, "list": "top_spend"}
    headers, rows = table_of(fetch(client, ENTRIES, query, "xlsx"))
    assert headers[:5] == ["投入排名", "企业", "统一社会信用代码", "乡镇街道", "行业"]
    grower = row_named(rows, "企业", county.nanming_enterprise.name)
    assert grower["统一社会信用代码"].value == county.nanming_enterprise.uscc
    intensity, spend = grower["研发强度（%）"], grower["研发投入（万元）"]
    assert (intensity.value, intensity.number_format) == (0.0412, "0.00%")
    assert (spend.value, spend.number_format) == (412, "#,##0.00")

    # The officer hides the credit code on the page: the export carries it all the same,
    # and otherwise holds the columns chosen.
    page = client.get(ENTRIES, {**query, "columns": ["enterprise", "intensity"]})
    assert [c.name for c in page.context["table"].columns] == ["enterprise", "intensity"]
    headers, rows = table_of(fetch(client, ENTRIES, query, "xlsx"))
    assert headers == ["企业", "统一社会信用代码", "研发强度（%）"]
    grower = row_named(rows, "企业", county.nanming_enterprise.name)
    assert grower["统一社会信用代码"].value == county.nanming_enterprise.uscc


def test_every_export_about_enterprises_names_their_credit_codes(county, login):
    client = login(county.admin)
    codes = dict(Enterprise.objects.values_list("name", "uscc"))
    checked = 0
    for url, query in exports():
        headers, rows = table_of(fetch(client, url, query, "xlsx"))
        name = next((h for h in ("企业", "企业名称") if h in headers), None)
        if name is None:
            continue
        assert "统一社会信用代码" in headers, url
        for row in rows:
            assert row["统一社会信用代码"].value == codes[row[name].value], url
        checked += bool(rows)
    assert checked >= 6  # enterprises, qualifications, monitoring lists, alerts, pool, visits


CSV_KINDS = {
    YES_NO: re.compile(r"^(是|否)$"),
    DATE: re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    DATETIME: re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"),
    MONEY: re.compile(r"^-?\d+\.\d{2}$"),
    PERCENT: re.compile(r"^-?\d+\.\d{2}%$"),
    INT: re.compile(r"^-?\d+$"),
    CODE: CREDIT_CODE,
}


def test_csv_exports_say_是否_and_write_iso_dates(county, login):
    client = login(county.admin)
    failures = []
    for url, query in exports():
        text = fetch(client, url, query, "csv").decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        headers = rows[0]
        for row in rows[1:]:
            for header, value in zip(headers, row, strict=True):
                pattern = CSV_KINDS.get(KINDS[url].get(header))
                if value in ("True", "False") or (value and pattern and not pattern.match(value)):
                    failures.append(f"{url} {header}: {value!r}")
    assert not failures, "\n".join(failures)
    text = fetch(client, "/registry/enterprises/", {}, "csv").decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["上市"] == "是")
    assert (row["成立日期"], row["注册资本（万元）"]) == ("2010-05-01", "1234.57")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_background_job_writes_the_file_the_request_does(
    county, login, settings, tmp_path, fmt
):
    settings.MEDIA_ROOT = tmp_path
    client = login(county.admin)
    for url, query in exports():
        if url in SELF_CHANGING:
            continue
        settings.EXPORT_INLINE_MAX_ROWS = 10_000
        inline = fetch(client, url, query, fmt)
        settings.EXPORT_INLINE_MAX_ROWS = 0
        jobs_before = Job.objects.count()
        queued = fetch(client, url, query, fmt)
        if sheet_of(inline).max_row > 1 if fmt == "xlsx" else inline.count(b"\n") > 1:
            assert Job.objects.count() == jobs_before + 1, url  # it did run as a job
        if fmt == "csv":
            assert queued == inline, url
            continue
        ours, theirs = sheet_of(inline), sheet_of(queued)
        assert [[(c.value, c.data_type, c.number_format) for c in r] for r in ours.iter_rows()] == [
            [(c.value, c.data_type, c.number_format) for c in r] for r in theirs.iter_rows()
        ], url
        letters = [get_column_letter(i) for i in range(1, ours.max_column + 1)]
        widths = [ours.column_dimensions[x].width for x in letters]
        assert widths == [theirs.column_dimensions[x].width for x in letters], url
        assert ours.freeze_panes == theirs.freeze_panes == "A2"


def test_export_columns_are_as_wide_as_their_text(county, login):
    client = login(county.admin)
    sheet = sheet_of(fetch(client, "/monitoring/visits/", {}, "xlsx"))
    headers = [c.value for c in sheet[1]]

    def width(header):
        return sheet.column_dimensions[get_column_letter(headers.index(header) + 1)].width

    name = county.nanming_enterprise.name  # 15 CJK characters
    assert width("企业") == 2 * len(name) + excel.WIDTH_PADDING
    assert width("统一社会信用代码") == 18 + excel.WIDTH_PADDING  # the code is wider
    assert width("走访人员") == 2 * 4 + excel.WIDTH_PADDING  # the header is wider: 走访组
    assert width("走访日期") == len("2026-11-27") + excel.WIDTH_PADDING
    assert width("企业反映问题") == excel.MAX_WIDTH


PLAIN_DATES = ("Y-m-d", "Y-m-d H:i")


def test_page_cells_show_what_the_export_cells_hold(county, login):
    """One declaration per column: the page's text is the export's value as the cell's
    number format shows it (dates formatted on the page as the cell is, Y-m-d)."""
    client = login(county.admin)
    compared = set()
    for url, query in exports():
        response = client.get(url, {**query, "per_page": 100})
        table = response.context["table"]
        for column in table.columns:
            typed = column.column
            if not isinstance(typed, TypedValue):
                continue
            if isinstance(typed, QuickDateRendering) and typed.date_format not in PLAIN_DATES:
                continue  # shown in the locale's words (2024年3月1日), exported as a date
            for row in table.paginated_rows:
                value = row.get_cell_value(column.name)
                if value is None:
                    continue
                shown = strip_tags(str(row.get_cell(column.name)))
                assert shown == excel.display_text(value, typed.excel_format), (url, column.name)
                compared.add(type(typed))
    assert {MoneyColumn, PercentColumn, YesNoColumn, QuickDateColumn} <= compared


# -- the columns and the writer, at their boundaries ---------------------------------------


class Figures(BaseTable):
    money = MoneyColumn("金额")
    share = PercentColumn(verbose_name="占比")
    fall = PercentColumn(verbose_name="降幅", negate=True)
    flag = tables.BooleanColumn(verbose_name="标志")  # the stock class becomes 是/否
    nullable = YesNoColumn(verbose_name="可空", null=True)
    day = tables.DateColumn(format="Y-m-d", verbose_name="日期")
    moment = tables.DateTimeColumn(verbose_name="时间")

    def render_share(self, value):  # a page-only decoration must not reach the export
        return f"<b>{value}</b>"


def exported_row(**values) -> dict:
    record = {
        "money": None,
        "share": None,
        "fall": None,
        "flag": False,
        "nullable": None,
        "day": None,
        "moment": None,
        **values,
    }
    row = Figures([record]).rows[0]
    return {name: row.get_cell_value(name) for name in record}


def test_a_money_column_names_its_unit_and_writes_wan_yuan():
    assert Figures.base_columns["money"].verbose_name == "金额（万元）"
    assert exported_row(money=Decimal("0"))["money"] == 0
    assert exported_row(money=Decimal("12345678.90"))["money"] == 1234.57  # rounds up
    assert exported_row(money=Decimal("12345649.99"))["money"] == 1234.56  # rounds down
    assert exported_row(money=Decimal("-50000"))["money"] == -5
    assert exported_row(money=None)["money"] is None


def test_a_percent_column_writes_the_fraction():
    assert exported_row(share=0.0412)["share"] == 0.0412
    assert exported_row(share=0.041249)["share"] == 0.0412  # as the page rounds: 4.12%
    assert exported_row(share=0.04125001)["share"] == 0.0413
    assert exported_row(share=0)["share"] == 0
    assert exported_row(share=1.5)["share"] == 1.5  # 150.00%, not capped
    assert exported_row(fall=0.5)["fall"] == -0.5
    assert exported_row(share=None)["share"] is None


def test_booleans_are_是_or_否_and_unknown_stays_empty():
    assert isinstance(Figures.base_columns["flag"], YesNoColumn)
    assert exported_row(flag=True)["flag"] == "是"
    assert exported_row(flag=False)["flag"] == "否"
    assert exported_row(nullable=None)["nullable"] is None
    assert exported_row(nullable=False)["nullable"] == "否"


def test_dates_are_dates_and_date_times_local_time():
    assert exported_row(day=datetime.date(2024, 3, 5))["day"] == datetime.date(2024, 3, 5)
    late = datetime.datetime(2024, 3, 5, 16, 30, tzinfo=datetime.UTC)  # 00:30 next day
    assert exported_row(moment=late)["moment"] == datetime.datetime(2024, 3, 6, 0, 30)
    assert exported_row(day=None)["day"] is None


def written(write_only: bool, headers, rows, formats):
    workbook = excel.new_workbook(write_only=write_only)
    excel.add_sheet(workbook, "表", headers, rows, formats)
    buffer = io.BytesIO()
    excel.save_workbook(workbook, buffer)
    return sheet_of(buffer.getvalue())


TYPED_ROWS = [
    [datetime.date(2024, 3, 5), datetime.datetime(2024, 3, 5, 8, 1), 1234.5, -0.5, 7, True],
    [None, None, None, None, None, False],
]
TYPED_FORMATS = [
    excel.DATE_FORMAT,
    excel.DATETIME_FORMAT,
    excel.MONEY_FORMAT,
    excel.PERCENT_FORMAT,
    None,
    None,
]


@pytest.mark.parametrize("write_only", [False, True])
def test_typed_cells_in_an_ordinary_and_a_streamed_workbook(write_only):
    sheet = written(write_only, list("ABCDEF"), TYPED_ROWS, TYPED_FORMATS)
    first, second = list(sheet.iter_rows(min_row=2))
    assert [(c.value, c.number_format) for c in first] == [
        (datetime.datetime(2024, 3, 5), "yyyy-mm-dd"),
        (datetime.datetime(2024, 3, 5, 8, 1), "yyyy-mm-dd hh:mm"),
        (1234.5, "#,##0.00"),
        (-0.5, "0.00%"),
        (7, "General"),
        ("是", "General"),
    ]
    assert [c.value for c in second] == [None, None, None, None, None, "否"]
    assert sheet.freeze_panes == "A2"


def test_both_workbooks_get_the_same_widths():
    rows = [["新昌县南明轴承有限公司", 12345678.9, "x" * 80]]
    widths = []
    for write_only in (False, True):
        sheet = written(write_only, ["企业", "金额（万元）", "备注"], rows, [None, "#,##0.00"])
        widths.append([sheet.column_dimensions[x].width for x in "ABC"])
    assert widths[0] == widths[1] == [2 * 11 + 2, len("12,345,678.90") + 2, excel.MAX_WIDTH]


def test_text_width_counts_cjk_and_full_width_characters_two():
    assert excel.text_width("ab1") == 3
    assert excel.text_width("研发") == 4
    assert excel.text_width("（万元）") == 8  # full-width brackets
    assert excel.text_width("第一行\nlonger line") == 11  # the longest line
    assert excel.text_width("") == 0


def test_column_widths_keep_within_bounds():
    widths = excel.column_widths(["a", "b", "c"], [["", "x" * 48, "x" * 49]], [])
    assert widths == [excel.MIN_WIDTH, excel.MAX_WIDTH, excel.MAX_WIDTH]
    assert excel.column_widths(["a"], [["x" * 47]], []) == [49]


def test_only_the_first_rows_set_the_widths():
    rows = [["x"]] * excel.WIDTH_SAMPLE_ROWS + [["x" * 40]]
    assert excel.column_widths(["a"], rows[: excel.WIDTH_SAMPLE_ROWS], []) == [excel.MIN_WIDTH]
    workbook = excel.new_workbook(write_only=True)
    excel.add_sheet(workbook, "表", ["a"], iter(rows))
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = sheet_of(buffer.getvalue())
    assert sheet.max_row == len(rows) + 1  # every row is written, the sample included once
    assert sheet.column_dimensions["A"].width == excel.MIN_WIDTH


def test_csv_values_read_back_as_their_type():
    assert excel.csv_value(True) == "是" and excel.csv_value(False) == "否"
    assert excel.csv_value(datetime.date(2024, 3, 5), excel.DATE_FORMAT) == "2024-03-05"
    moment = datetime.datetime(2024, 3, 5, 8, 1, 2)
    assert excel.csv_value(moment, excel.DATETIME_FORMAT) == "2024-03-05 08:01:02"
    assert excel.csv_value(1234.5, excel.MONEY_FORMAT) == "1234.50"
    # A negative figure is a number, not a formula: no quote in front of it.
    assert excel.csv_value(-0.5, excel.PERCENT_FORMAT) == "-50.00%"
    assert excel.csv_value(-5.0, excel.MONEY_FORMAT) == "-5.00"
    assert excel.csv_value("-1+1") == "'-1+1"
    assert excel.csv_value(None, excel.DATE_FORMAT) == ""
    assert excel.csv_value(7) == 7


def test_a_formula_in_a_typed_column_is_still_text():
    workbook = Workbook(write_only=True)
    excel.add_sheet(workbook, "表", ["金额"], [["=1+1"]], [excel.MONEY_FORMAT])
    buffer = io.BytesIO()
    workbook.save(buffer)
    cell = sheet_of(buffer.getvalue())["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)


def test_every_boolean_column_of_the_tables_says_是_or_否():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for table in subclasses(BaseTable):
        for name, column in table.base_columns.items():
            if isinstance(column, tables.BooleanColumn):
                assert isinstance(column, YesNoColumn), (table.__name__, name)
                assert tuple(column.yesno) == ("是", "否"), (table.__name__, name)


def test_an_enterprise_without_figures_exports_empty_cells(county, login):
    EnterpriseFactory(name="新昌县空白资料有限公司", registered_capital=None, founded_on=None)
    _, rows = table_of(fetch(login(county.admin), "/registry/enterprises/", {}, "xlsx"))
    blank = row_named(rows, "企业名称", "新昌县空白资料有限公司")
    assert blank["注册资本（万元）"].value is None  # empty, not "—" nor 0
    assert blank["成立日期"].value is None
    text = fetch(login(county.admin), "/registry/enterprises/", {}, "csv").decode("utf-8-sig")
    row = next(
        r for r in csv.DictReader(io.StringIO(text)) if r["企业名称"] == blank["企业名称"].value
    )
    assert (row["注册资本（万元）"], row["成立日期"]) == ("", "")
