"""The facts the monitoring engine reads: their schema, their validation, and the
enterprise × year panel every rule is computed over.

The computation is columnar: enterprise ids are factorised once, every (enterprise, year)
row is placed in an enterprise × year position matrix, and each year's figures are gathered
into arrays aligned on the enterprise code. All rules are then numpy expressions over those
arrays, so a county-scale panel (hundreds of thousands of enterprises over several years)
is processed in a fraction of a second without per-row Python.

Input schema (`facts`, one row per enterprise and year; extra columns are ignored):

=====================  =======  ================================================================
column                 kind     meaning
=====================  =======  ================================================================
enterprise_id          int      enterprise key (no missing values)
year                   int      statistical year (no missing values)
town_code              str      9-digit 乡镇街道 code
industry_code          str      GB/T 4754 code
is_above_scale         bool     规上 enterprise in that year
revenue                number   营业收入, yuan
rd_expense             number   研究开发费用合计, yuan, statistical (107-2) caliber
rd_staff               number   研究开发人员合计
employees              number   从业人员
tech_staff             number   科技人员
has_rd_institution     bool     has a municipal-or-higher R&D institution
valid_inventions       number   期末有效发明专利数
iuc_expense            number   R&D commissioned to domestic universities and institutes, yuan
new_product_sales      number   新产品销售收入, yuan
is_hnte                bool     高新技术企业 in that year
is_tech_sme            bool     科技型中小企业 in that year
hnte_valid_until       date     end of the HNTE certificate's validity (NaT when unknown)
=====================  =======  ================================================================

Missing values: a missing number means "not reported". It never satisfies a comparison, so
it gives no coverage, no list membership and no tier condition; a missing R&D figure is not a
zero. A missing boolean is False. Negative or infinite numbers are rejected.
"""

from datetime import date

import numpy as np
import pandas as pd

from kechuang.engines.industry import industry_section

FACT_COLUMNS: dict[str, str] = {
    "enterprise_id": "id",
    "year": "id",
    "town_code": "str",
    "industry_code": "str",
    "is_above_scale": "bool",
    "revenue": "number",
    "rd_expense": "number",
    "rd_staff": "number",
    "employees": "number",
    "tech_staff": "number",
    "has_rd_institution": "bool",
    "valid_inventions": "number",
    "iuc_expense": "number",
    "new_product_sales": "number",
    "is_hnte": "bool",
    "is_tech_sme": "bool",
    "hnte_valid_until": "date",
}

# Fields computed per enterprise and year that rules may refer to, next to the fact columns.
DERIVED_FIELDS: dict[str, str] = {
    "intensity": "number",
    "tech_staff_ratio": "number",
    "hnte_valid": "bool",
    "previous_rd_expense": "number",
    "previous_rd_reported": "bool",
    "industry_section": "str",
}

FIELD_LABELS: dict[str, str] = {
    "town_code": "乡镇街道",
    "industry_code": "行业代码",
    "is_above_scale": "规上企业",
    "revenue": "营业收入",
    "rd_expense": "研发投入",
    "rd_staff": "研发人员",
    "employees": "从业人员",
    "tech_staff": "科技人员",
    "has_rd_institution": "市级以上研发机构",
    "valid_inventions": "有效发明专利",
    "iuc_expense": "委托境内高校和研究机构研发费用",
    "new_product_sales": "新产品销售收入",
    "is_hnte": "高新技术企业",
    "is_tech_sme": "科技型中小企业",
    "intensity": "研发强度",
    "tech_staff_ratio": "科技人员占比",
    "hnte_valid": "高企资格有效",
    "previous_rd_expense": "上年研发投入",
    "previous_rd_reported": "上年研发投入已填报",
    "industry_section": "行业门类",
}

RULE_FIELDS: dict[str, str] = {
    **{name: kind for name, kind in FACT_COLUMNS.items() if kind in ("str", "bool", "number")},
    **DERIVED_FIELDS,
}


# -- Validation and the panel --------------------------------------------------------------


def validate_facts(facts: pd.DataFrame) -> None:
    """Raise ValueError when `facts` does not fit the schema (see the module docstring)."""
    Panel(facts)


def _integer_array(series: pd.Series, name: str) -> np.ndarray:
    if pd.api.types.is_integer_dtype(series.dtype) and not series.hasnans:
        return series.to_numpy(dtype=np.int64)
    if pd.api.types.is_float_dtype(series.dtype) or pd.api.types.is_object_dtype(series.dtype):
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isnan(values).any():
            raise ValueError(f"column {name!r} has missing or non-numeric values")
        if (values != np.round(values)).any():
            raise ValueError(f"column {name!r} has non-integer values")
        return values.astype(np.int64)
    raise ValueError(f"column {name!r} must be integer, got dtype {series.dtype}")


def _number_array(series: pd.Series, name: str) -> np.ndarray:
    """The column as a numpy array: plain int, float and bool columns without a copy (they
    become float64 when a year is gathered), anything else converted to float64 with NaN."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iufb":
        values = series.to_numpy()
    elif pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    elif (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or series.isna().all()
    ):
        try:
            values = pd.to_numeric(series, errors="raise").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
        except (ValueError, TypeError) as exc:
            raise ValueError(f"column {name!r} has non-numeric values: {exc}") from exc
    else:
        raise ValueError(f"column {name!r} must be numeric, got dtype {dtype}")
    if values.dtype.kind == "f" and np.isinf(values).any():
        raise ValueError(f"column {name!r} has infinite values")
    if values.dtype.kind in "if" and (values < 0).any():
        raise ValueError(f"column {name!r} has negative values")
    return values


def _bool_array(series: pd.Series, name: str) -> np.ndarray:
    dtype = series.dtype
    if dtype == np.bool_:
        return series.to_numpy()
    if pd.api.types.is_bool_dtype(dtype):
        return series.to_numpy(dtype=bool, na_value=False)
    if pd.api.types.is_numeric_dtype(dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isnan(values) & (values != 0) & (values != 1)
        if bad.any():
            raise ValueError(f"column {name!r} has values other than 0/1")
        return values == 1
    try:
        return pd.array(series, dtype="boolean").to_numpy(dtype=bool, na_value=False)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"column {name!r} must be boolean: {exc}") from exc


def _factorize_sorted(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..n-1 numbering the distinct ids in ascending order, and those ids.

    Ascending codes make "ties broken by enterprise_id" a stable sort. Database keys are
    usually dense, so a lookup table over the id range does it in linear time; sparse ids
    fall back to a hash factorisation.
    """
    if not len(ids):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    low = int(ids.min())
    span = int(ids.max()) - low + 1
    if span <= 4 * len(ids) + 1024:
        offsets = ids - low
        seen = np.zeros(span, dtype=bool)
        seen[offsets] = True
        codes = (np.cumsum(seen, dtype=np.intp) - 1)[offsets]
        return codes, np.flatnonzero(seen).astype(np.int64) + low
    codes, uniques = pd.factorize(ids, sort=True)
    return codes.astype(np.intp), np.asarray(uniques, dtype=np.int64)


class Panel:
    """The facts as an enterprise × year position matrix plus validated column arrays.

    Enterprise codes follow ascending enterprise_id, so every code-ordered selection is also
    in enterprise_id order.
    """

    def __init__(self, facts: pd.DataFrame) -> None:
        if not isinstance(facts, pd.DataFrame):
            raise ValueError("facts must be a pandas DataFrame")
        missing = [name for name in FACT_COLUMNS if name not in facts.columns]
        if missing:
            raise ValueError(f"facts is missing columns: {', '.join(missing)}")
        if facts.columns.duplicated().any():
            raise ValueError("facts has duplicated column names")
        self.facts = facts
        self.columns: dict[str, np.ndarray] = {}
        ids = _integer_array(facts["enterprise_id"], "enterprise_id")
        years = _integer_array(facts["year"], "year")
        for name, kind in FACT_COLUMNS.items():
            if kind == "number":
                self.columns[name] = _number_array(facts[name], name)
            elif kind == "bool":
                self.columns[name] = _bool_array(facts[name], name)
        codes, self.ids = _factorize_sorted(ids)
        n_ent = len(self.ids)
        if len(years):
            self.first_year = int(years.min())
            self.n_years = int(years.max()) - self.first_year + 1
        else:
            self.first_year, self.n_years = 0, 0
        flat = codes.astype(np.intp) * self.n_years + (years - self.first_year)
        counts = np.bincount(flat, minlength=n_ent * self.n_years)
        if len(counts) and counts.max() > 1:
            cell = int(np.argmax(counts > 1))
            enterprise, offset = divmod(cell, self.n_years)
            raise ValueError(
                "facts has more than one row for "
                f"enterprise_id={self.ids[enterprise]}, year={self.first_year + offset}"
            )
        row_at = np.full(n_ent * self.n_years, -1, dtype=np.intp)
        row_at[flat] = np.arange(len(flat), dtype=np.intp)
        self.row_at = row_at.reshape(n_ent, self.n_years)
        self._views: dict[int, YearView | None] = {}
        self._objects: dict[str, np.ndarray] = {}

    def has_year(self, year: int) -> bool:
        """Whether any enterprise has a row for `year`."""
        view = self.view(year)
        return view is not None and bool(view.present.any())

    def view(self, year: int) -> "YearView | None":
        """That year's figures (built once, then cached); None outside the panel's years."""
        if year not in self._views:
            offset = year - self.first_year
            self._views[year] = (
                YearView(self, year, self.row_at[:, offset]) if 0 <= offset < self.n_years else None
            )
        return self._views[year]

    def object_column(self, name: str) -> np.ndarray:
        """A text column as an object array, missing values as None (converted once)."""
        if name not in self._objects:
            self._objects[name] = self.facts[name].to_numpy(dtype=object, na_value=None)
        return self._objects[name]

    def zero_streak(self, year: int) -> np.ndarray:
        """Consecutive years, ending at `year`, with reported R&D exactly zero. A year with
        no row or no R&D figure ends the streak."""
        streak = np.zeros(len(self.ids), dtype=np.int64)
        alive = np.ones(len(self.ids), dtype=bool)
        for y in range(year, self.first_year - 1, -1):
            view = self.view(y)
            if view is None:
                break
            alive &= view.get("rd_expense") == 0
            if not alive.any():
                break
            streak += alive
        return streak


class YearView:
    """One year's figures gathered into arrays aligned on the enterprise code; `present`
    marks the enterprises with a row that year."""

    def __init__(self, panel: Panel, year: int, rows: np.ndarray) -> None:
        self.panel = panel
        self.ids = panel.ids
        self.year = year
        self.present = rows >= 0
        self._rows = np.where(self.present, rows, 0)
        self._cache: dict[str, np.ndarray] = {}

    def get(self, name: str) -> np.ndarray:
        """A fact column or derived field for this year: NaN (numbers), False (booleans),
        None (text) or NaT (dates) where the enterprise has no row."""
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def _load(self, name: str) -> np.ndarray:
        if name in DERIVED_FIELDS:
            return self._derive(name)
        kind = FACT_COLUMNS.get(name)
        if kind == "number":
            values = self.panel.columns[name].take(self._rows).astype(np.float64, copy=False)
            values[~self.present] = np.nan
            return values
        if kind == "bool":
            return self.panel.columns[name].take(self._rows) & self.present
        if kind == "str":
            values = self.panel.object_column(name).take(self._rows)
            values[~self.present] = None
            return values
        if kind == "date":
            return self._dates(name)
        raise KeyError(name)

    def _dates(self, name: str) -> np.ndarray:
        series = self.panel.facts[name]
        out = np.full(len(self.present), np.datetime64("NaT"), dtype="datetime64[D]")
        rows = self._rows[self.present]
        subset = series.iloc[rows]
        if isinstance(subset.dtype, pd.DatetimeTZDtype):
            subset = subset.dt.tz_localize(None)
        if not pd.api.types.is_datetime64_dtype(subset.dtype):
            try:
                subset = pd.to_datetime(subset, errors="raise")
            except (ValueError, TypeError) as exc:
                raise ValueError(f"column {name!r} has values that are not dates: {exc}") from exc
        out[self.present] = subset.to_numpy().astype("datetime64[D]")
        return out

    def _derive(self, name: str) -> np.ndarray:
        if name == "intensity":
            return ratio(self.get("rd_expense"), self.get("revenue"))
        if name == "tech_staff_ratio":
            return ratio(self.get("tech_staff"), self.get("employees"))
        if name == "hnte_valid":
            # Valid at the end of the year; an HNTE flag without a known end date is trusted.
            until = self.get("hnte_valid_until")
            year_end = np.datetime64(date(self.year, 12, 31), "D")
            return self.get("is_hnte") & (np.isnat(until) | (until >= year_end))
        if name == "previous_rd_expense":
            previous = self.panel.view(self.year - 1)
            if previous is None:
                return np.full(len(self.present), np.nan)
            return previous.get("rd_expense")
        if name == "previous_rd_reported":
            return ~np.isnan(self.get("previous_rd_expense")) & self.present
        if name == "industry_section":
            codes, uniques = pd.factorize(self.get("industry_code"), use_na_sentinel=True)
            sections = np.array([industry_section(code) for code in uniques] + [None], dtype=object)
            return sections[codes]  # the sentinel -1 picks the trailing None
        raise KeyError(name)


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator where the denominator is > 0, NaN elsewhere."""
    out = np.full(len(numerator), np.nan)
    ok = denominator > 0
    np.divide(numerator, denominator, out=out, where=ok)
    return out
