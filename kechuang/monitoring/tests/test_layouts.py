"""Every layout of the 107-2 corpus must import to the same stored figures.

The corpus (`layouts.py`) is generated from the official field list and real header
wordings, in every layout county offices send. Each test is parametrised by layout name, so
a failure names the variant the reader cannot handle yet. The first tests check the corpus
itself: that its figures obey every 审核关系, its codes are valid and its files hold what
their names claim.
"""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from stdnum.cn import uscc as stdnum_uscc

from kechuang.monitoring import intake
from kechuang.monitoring.models import RDRecord
from kechuang.monitoring.tests import layouts
from kechuang.monitoring.tests.layouts import EXPECTED, FIELDS, ROWS, Layout

LAYOUTS = layouts.corpus()
BY_NAME = {layout.name: layout for layout in LAYOUTS}


def _ids(layout: Layout) -> str:
    return layout.name


_parsed_cache: dict[str, intake.Parsed] = {}


def parsed(layout: Layout) -> intake.Parsed:
    if layout.skip_reason:
        pytest.skip(layout.skip_reason)
    if layout.name not in _parsed_cache:
        _parsed_cache[layout.name] = intake.parse(
            layout.filename, layout.content, "rd", layout.default_unit
        )
    return _parsed_cache[layout.name]


def _figures(result: intake.Parsed) -> dict[str, dict]:
    return {row.uscc: dict(row.values) for row in result.rows}


def _difference(got: dict[str, dict], expected: dict[str, dict]) -> list[str]:
    """What differs, one line per enterprise and problem, for a readable failure."""
    lines = []
    for code in sorted(set(got) - set(expected)):
        lines.append(f"unexpected row {code!r}: {got[code]}")
    for code in sorted(set(expected) - set(got)):
        lines.append(f"missing row {code}")
    for code in sorted(set(got) & set(expected)):
        want, have = expected[code], got[code]
        missing = sorted(set(want) - set(have))
        if missing:
            lines.append(f"{code}: fields not read: {', '.join(missing)}")
        extra = sorted(set(have) - set(want))
        if extra:
            lines.append(f"{code}: fields not expected: {', '.join(extra)}")
        wrong = [
            f"{name}={have[name]!r} (want {want[name]!r})"
            for name in want
            if name in have
            and (have[name] != want[name] or type(have[name]) is not type(want[name]))
        ]
        if wrong:
            lines.append(f"{code}: wrong values: {'; '.join(wrong)}")
    return lines


# -- the corpus itself --------------------------------------------------------------------


def _model_fields(kind: str) -> set[str]:
    return {f.name for f in RDRecord._meta.get_fields() if f.get_internal_type() == kind}


def test_corpus_covers_every_field_of_the_record():
    assert set(FIELDS) == _model_fields("DecimalField") | _model_fields("PositiveIntegerField")
    assert set(layouts.MONEY_FIELDS) == _model_fields("DecimalField")
    for figures in EXPECTED.values():
        assert set(figures) == set(FIELDS)


def test_enterprise_codes_are_valid_gb32100_codes():
    codes = [e.uscc for e in ROWS]
    assert len(set(codes)) == len(codes) == 4
    for code in codes:
        assert stdnum_uscc.is_valid(code), code
        assert code.startswith("91330624")


def _v(figures: dict, name: str):
    return figures[name] or 0


@pytest.mark.parametrize("enterprise", ROWS, ids=lambda e: e.uscc)
def test_figures_satisfy_every_consistency_rule(enterprise):
    f = enterprise.figures
    costs = (
        "cost_personnel",
        "cost_direct",
        "cost_depreciation",
        "cost_amortisation",
        "cost_design",
        "cost_trial",
        "cost_commissioned",
        "cost_other",
    )
    parties = (
        "commissioned_institutes",
        "commissioned_universities",
        "commissioned_enterprises",
        "commissioned_abroad",
    )
    funds = ("fund_self", "fund_government", "fund_bank", "fund_venture", "fund_other")
    assert sum(_v(f, c) for c in costs) == f["rd_expense"]
    assert f["rd_expense"] >= _v(f, "institution_expense")
    assert sum(_v(f, p) for p in parties) == f["cost_commissioned"]
    assert sum(_v(f, s) for s in funds) == f["rd_expense"]
    for part in (
        "rd_staff_management",
        "rd_staff_female",
        "rd_staff_fulltime",
        "rd_staff_bachelor",
        "rd_staff_external",
    ):
        assert f["rd_staff"] >= f[part], part
    assert f["rd_staff_bachelor"] >= f["institution_phd"] + f["institution_master"]
    assert (f["rd_staff"] > 0) == (f["cost_personnel"] > 0)
    assert f["rd_fixed_assets"] >= f["rd_instruments"]
    assert f["patent_applications"] >= f["invention_applications"]
    assert f["valid_inventions"] >= f["implemented_inventions"]
    assert f["new_product_sales"] >= f["new_product_exports"]
    for name, value in f.items():
        assert value is None or isinstance(value, Decimal if name in layouts.MONEY_FIELDS else int)


def test_every_variant_is_exercised_in_xlsx_and_csv():
    def formats(feature: str) -> set[str]:
        found = set()
        for layout in LAYOUTS:
            if feature in layout.features:
                found |= {"csv" if f.startswith("csv") else f for f in layout.features}
        return found & {"xlsx", "csv", "xls"}

    for feature in (
        "flat",
        "2row",
        "3row",
        "short-leaves",
        "full-leaves",
        "code-row",
        "units-above",
        "units-below",
        "bracket-units",
        "wan-over-default",
        "column-unit-wins",
        "half-width",
        "whitespace",
        "titles",
        "spacers",
        "identity-orgcode",
        "extra-columns",
        "total-in-uscc",
        "total-in-name",
        "total-in-seq",
        "total-unlabelled",
        "funds-laizi",
        "funds-bare",
        "funds-zijin",
        "section-paren",
    ):
        assert {"xlsx", "csv"} <= formats(feature), feature
    encodings = {f for layout in LAYOUTS for f in layout.features if f.startswith("csv")}
    assert encodings == {"csv-utf8", "csv-utf8-bom", "csv-gbk"}
    assert any(layout.filename.endswith(".xls") for layout in LAYOUTS)


@pytest.mark.parametrize("layout", LAYOUTS, ids=_ids)
def test_file_holds_what_its_name_claims(layout):
    """Merged cells are real in xlsx, encodings are what they say, the total row is there."""
    if layout.skip_reason:
        pytest.skip(layout.skip_reason)
    if layout.filename.endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(layout.content)).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        if "2row" in layout.features or "3row" in layout.features:
            assert len(sheet.merged_cells.ranges) > 8
    elif layout.filename.endswith(".csv"):
        if "csv-utf8-bom" in layout.features:
            assert layout.content.startswith(b"\xef\xbb\xbf")
            text = layout.content.decode("utf-8-sig")
        elif "csv-utf8" in layout.features:
            assert not layout.content.startswith(b"\xef\xbb\xbf")
            text = layout.content.decode("utf-8")
        else:
            with pytest.raises(UnicodeDecodeError):
                layout.content.decode("utf-8")
            text = layout.content.decode("gbk")
        rows = list(csv.reader(io.StringIO(text)))
    else:
        return
    cells = [str(c) for row in rows for c in row if c not in (None, "")]
    for code in EXPECTED:
        assert code in cells
    assert layout.total_label is not None
    last = [str(c) for c in rows[-1] if c not in (None, "")]
    if layout.total_label:
        assert layout.total_label in last
    # The last row holds the sums of the staff column, whatever the unit.
    assert str(layouts.column_total("rd_staff")) in last


# -- the reader against every layout ------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS, ids=_ids)
def test_layout_reads_without_errors(layout):
    result = parsed(layout)
    errors = [f"row {i.row} [{i.column}] {i.value!r}: {i.message}" for i in result.errors]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("layout", LAYOUTS, ids=_ids)
def test_layout_recognises_every_field(layout):
    result = parsed(layout)
    recognised = {c.field for c in result.columns}
    wanted = {name for figures in layout.expected.values() for name in figures}
    missing = sorted(wanted - recognised)
    assert not missing, f"not recognised: {', '.join(missing)}\nignored headers: {result.ignored}"


@pytest.mark.parametrize("layout", LAYOUTS, ids=_ids)
def test_layout_rows_equal_expected(layout):
    result = parsed(layout)
    difference = _difference(_figures(result), layout.expected)
    assert not difference, "\n".join(difference)


@pytest.mark.parametrize("layout", LAYOUTS, ids=_ids)
def test_layout_total_row_is_not_a_row(layout):
    result = parsed(layout)
    totals = {name: layouts.column_total(name) for name in FIELDS}
    for row in result.rows:
        assert row.uscc in layout.expected, f"row {row.number} read as {row.uscc!r}"
        assert row.values.get("rd_staff") != totals["rd_staff"], f"row {row.number} is the total"
    assert len(result.rows) == len(layout.expected)


def test_every_layout_imports_to_the_same_figures():
    """Each variant must import to the same stored figures: list those that do not."""
    assert all(layout.expected == EXPECTED for layout in LAYOUTS)
    differing = []
    for layout in LAYOUTS:
        if layout.skip_reason:
            continue
        result = parsed(layout)
        difference = _difference(_figures(result), EXPECTED)
        if difference or result.errors:
            first = difference[0] if difference else result.errors[0].message
            differing.append(f"{layout.name}: {first}")
    assert not differing, "\n".join(differing)
