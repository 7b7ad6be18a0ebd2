"""Framework versions: what each element weighs, saving a revision, and how far the ranks
depend on each element (remove-one sensitivity)."""

import csv
import io

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kechuang.core import changelog
from kechuang.engines import composite
from kechuang.engines.composite import uncertainty
from kechuang.engines.composite.framework import Framework, FrameworkError, check_framework
from kechuang.engines.composite.methods import AGGREGATIONS, IMPUTATIONS, NORMALISATIONS, Methods
from kechuang.engines.composite.table import TableError, decode
from kechuang.indicators import analysis, services
from kechuang.indicators.models import IndexFramework, Indicator


class FrameworkRefused(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


def element_rows(framework: Framework) -> list[dict]:
    shares = framework.effective_weights()
    rows = []
    for level in range(framework.depth, 0, -1):
        for element in framework.at_level(level):
            rows.append(
                {
                    "element": element,
                    "parent": framework.by_code[element.parent].label if element.parent else "",
                    "share": shares[element.code],
                }
            )
    return rows


def read_uploaded(upload) -> list[dict]:
    try:
        text = decode(upload.read(), "框架文件")
    except TableError as error:
        raise FrameworkRefused(error.problems) from None
    return list(csv.DictReader(io.StringIO(text, newline="")))


def save_version(current: IndexFramework, form, *, user) -> IndexFramework:
    """A new version from the form: an uploaded table replaces the structure; otherwise the
    current one with the weights typed in. Every indicator must be in the catalog."""
    data = form.cleaned_data
    known = set(Indicator.objects.values_list("code", flat=True))
    try:
        if data.get("file"):
            framework = composite.read_framework(
                read_uploaded(data["file"]), data_columns=known, columns_name="指标目录"
            )
        else:
            weights = {code: float(data[f"weight_{code}"]) for code in form.weight_codes}
            typed = services.engine_framework(current).with_weights(weights)
            framework = check_framework(list(typed.elements), known, columns_name="指标目录")
    except FrameworkError as error:
        raise FrameworkRefused(error.problems) from None
    methods = Methods(
        impute=data["impute"], normalise=data["normalise"], aggregate=data["aggregate"]
    ).for_positive_means()
    with transaction.atomic(), changelog.recording(user, reason=data["note"]):
        return IndexFramework.objects.create(
            version=_next_version(),
            title=current.title,
            effective_from=timezone.localdate(),
            elements=framework.as_rows(),
            methods={
                "impute": methods.impute,
                "normalise": methods.normalise,
                "aggregate": methods.aggregate,
                "low": methods.low,
            },
            note=data["note"],
        )


def _next_version() -> str:
    today = timezone.localdate()
    count = IndexFramework.objects.filter(version__startswith=f"{today:%Y%m%d}").count()
    return f"{today:%Y%m%d}" + (f"-{count + 1}" if count else "")


def add_indicator(current: IndexFramework, code: str, pillar: str, weight: float, *, user):
    """A new version with one more indicator under a pillar."""
    rows = services.engine_framework(current).as_rows()
    indicator = Indicator.objects.get(code=code)
    rows.append(
        {
            "iCode": code,
            "iName": indicator.name,
            "Level": 1,
            "Parent": pillar,
            "Direction": indicator.direction,
            "Weight": weight,
            "Denominator": "",
            "Target": "",
        }
    )
    try:
        framework = composite.read_framework(
            rows,
            data_columns=set(Indicator.objects.values_list("code", flat=True)),
            columns_name="指标目录",
        )
    except FrameworkError as error:
        raise FrameworkRefused(error.problems) from None
    note = f"加入指标“{indicator.name}”"
    with transaction.atomic(), changelog.recording(user, reason=note):
        return IndexFramework.objects.create(
            version=_next_version(),
            title=current.title,
            effective_from=timezone.localdate(),
            elements=framework.as_rows(),
            methods=current.methods,
            note=note,
        )


def restore(chosen: IndexFramework, *, user) -> IndexFramework:
    """An earlier version in force again, as a new version (history is never rewritten)."""
    note = f"恢复为 {chosen.version} 版"
    with transaction.atomic(), changelog.recording(user, reason=note):
        return IndexFramework.objects.create(
            version=_next_version(),
            title=chosen.title,
            effective_from=timezone.localdate(),
            elements=chosen.elements,
            methods=chosen.methods,
            note=note,
        )


def sensitivity(row: IndexFramework, year: int) -> dict:
    """The home county's rank with each indicator, then each pillar, left out; and how far
    all units' ranks move on average."""
    key = f"indicators:sensitivity:{row.pk}:{year}:{services.data_stamp()}"
    found = cache.get(key)
    if found is not None:
        return found
    framework = services.engine_framework(row)
    methods = services.engine_methods(row)
    units = list(services.county_units().values_list("code", flat=True))
    raw = services.raw_table(year, framework, units)
    home = services.home_region().code
    nominal = composite.build(raw, framework, methods)
    top = framework.top.code
    result = {"nominal": analysis.rank_of(nominal, home, top), "levels": []}
    for level in range(1, framework.depth):
        table = uncertainty.remove_one(raw, framework, methods, level=level, unit=home)
        rows = [
            {
                **record,
                "home_rank": _whole(record["unit_rank"]),
            }
            for record in table.to_dict("records")
        ]
        result["levels"].append({"level": level, "rows": rows})
    alternatives = {
        "impute": ("none", "mean", "median"),
        "normalise": ("minmax", "zscore", "rank", "percentile"),
        "aggregate": ("arithmetic", "geometric", "harmonic"),
    }
    changed = uncertainty.one_at_a_time(raw, framework, methods, alternatives=alternatives)
    labels = {**IMPUTATIONS, **NORMALISATIONS, **AGGREGATIONS}
    result["methods"] = [
        {
            "choice": uncertainty.CHOICE_NAMES[column.split("=")[0]],
            "option": labels[column.split("=")[1]].split("：")[0].split("，")[0],
            "home_rank": _whole(changed.at[home, column]) if home in changed.index else None,
            "mean_shift": float((changed[column] - changed["nominal"]).abs().mean()),
        }
        for column in changed.columns
        if column != "nominal"
    ]
    names = {element.code: element.label for element in framework.elements}
    result["correlations"] = [
        {**row, "name": names[row["code"]], "parent_name": names[row["parent"]]}
        for row in nominal.correlations().to_dict("records")
    ]
    cache.set(key, result, 3600)
    return result


def _whole(value):
    return None if value is None or value != value else int(value)
