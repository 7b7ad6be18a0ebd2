"""What the recognition rules read about enterprises, gathered from the database.

`FactsLoader(enterprise_ids, on, code)` reads, in a fixed number of queries whatever the
number of enterprises, everything the rules need as of date `on`, and gives each
enterprise's `Facts` with the source of every figure (`facts_with_sources`). The pages
(one enterprise) and the batch job (all of them) use it alike.

Precedence, figure by figure: the recognition-caliber figures (`RecognitionFigures`, entered
by the enterprise or the bureau) over the financial record (财务指标) over the R&D
statistics (107-2, statistical caliber, shown as such). Amounts are converted from yuan to
万元 for the engine. Incidents are known only from recorded events or a recent
confirmation that there were none; an award, standard, HNTE certificate or R&D institution
is known from the registry's own records, so its absence there reads as “no”.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q

from kechuang.assessment import choices
from kechuang.assessment.models import (
    EnterpriseEvent,
    IntellectualProperty,
    RecognitionFigures,
    RecognitionProfile,
)
from kechuang.engines.recognition.facts import Facts
from kechuang.engines.recognition.rules import HNTE
from kechuang.monitoring.models import FinancialRecord, RDRecord
from kechuang.registry.choices import Level, QualificationKind
from kechuang.registry.models import Enterprise, Qualification

WAN = Decimal(10000)
SUFFIXES = ("t1", "t2", "t3")
# A confirmation that there were no incidents covers assessments up to this long after it.
CONFIRMATION_DAYS = 180
LOOKBACK_YEARS = 5

FIGURE_SOURCE = "认定口径数据"
FINANCIAL_SOURCE = "财务指标"
RD_SOURCE = "研发统计（107-2，统计口径）"

# Facts field stem -> [(source label, model, model field)], best first.
YEARLY: dict[str, list[tuple[str, str, str]]] = {
    "sales": [(FIGURE_SOURCE, "figures", "sales"), (FINANCIAL_SOURCE, "financial", "revenue")],
    "rd": [
        (FIGURE_SOURCE, "figures", "rd_expense"),
        (FINANCIAL_SOURCE, "financial", "rd_expense_hnte"),
        (RD_SOURCE, "rd", "rd_expense"),
    ],
    "rd_domestic": [(FIGURE_SOURCE, "figures", "rd_domestic"), (RD_SOURCE, "rd", "rd_domestic")],
    "net_assets": [
        (FIGURE_SOURCE, "figures", "net_assets"),
        (FINANCIAL_SOURCE, "financial", "net_assets"),
    ],
}
LATEST: dict[str, list[tuple[str, str, str]]] = {
    "total_income_t1": [(FIGURE_SOURCE, "figures", "total_income")],
    "hightech_income_t1": [(FIGURE_SOURCE, "figures", "hightech_income")],
    "cost_expense_t1": [(FINANCIAL_SOURCE, "financial", "cost_expense_total")],
    "assets_t1": [(FINANCIAL_SOURCE, "financial", "total_assets")],
    "staff_total": [
        (FIGURE_SOURCE, "figures", "staff_total"),
        (FINANCIAL_SOURCE, "financial", "employees"),
    ],
    "tech_staff": [
        (FIGURE_SOURCE, "figures", "tech_staff"),
        (FINANCIAL_SOURCE, "financial", "tech_staff"),
    ],
}
MONEY = {
    "sales",
    "rd",
    "rd_domestic",
    "net_assets",
    "total_income_t1",
    "hightech_income_t1",
    "cost_expense_t1",
    "assets_t1",
}


def years_before(on: datetime.date) -> tuple[int, int, int]:
    """t1, t2, t3: the three accounting years before the application year."""
    return on.year - 1, on.year - 2, on.year - 3


def years_ago(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# 科小 R&D follows the super-deduction rules (财税〔2015〕119号, RULES.md §2.3): that caliber
# first, then the rest as for 高企.
SME_RD = [
    (FINANCIAL_SOURCE + "（加计扣除口径）", "financial", "rd_expense_deduction"),
    *YEARLY["rd"],
]


class FactsLoader:
    def __init__(self, enterprise_ids: Iterable[int], on: datetime.date, code: str = HNTE):
        self.ids = list(enterprise_ids)
        self.on = on
        self.code = code
        self.years = years_before(on)
        self._load()

    def _rows(self, model, fields, **filters):
        table = defaultdict(dict)
        for row in model.objects.filter(enterprise_id__in=self.ids, **filters).values(
            "enterprise_id", "year", *fields
        ):
            table[row["enterprise_id"]][row["year"]] = row
        return table

    def _load(self) -> None:
        ids, on, years = self.ids, self.on, self.years
        self.enterprises = {
            row["id"]: row
            for row in Enterprise.objects.filter(id__in=ids).values(
                "id", "uscc", "name", "founded_on"
            )
        }
        self.tables = {
            "figures": self._rows(
                RecognitionFigures,
                (
                    "sales",
                    "total_income",
                    "hightech_income",
                    "rd_expense",
                    "rd_domestic",
                    "net_assets",
                    "staff_total",
                    "tech_staff",
                    "conversions",
                    "source",
                ),
                year__in=years,
            ),
            "financial": self._rows(
                FinancialRecord,
                (
                    "revenue",
                    "net_assets",
                    "total_assets",
                    "cost_expense_total",
                    "employees",
                    "tech_staff",
                    "rd_expense_hnte",
                    "rd_expense_deduction",
                    "department",
                ),
                year__in=years,
                quarter=0,
            ),
        }
        rd = self._rows(RDRecord, ("rd_expense", "commissioned_abroad"), year__in=years, quarter=0)
        for per_year in rd.values():
            for row in per_year.values():
                total, abroad = row["rd_expense"], row["commissioned_abroad"]
                row["rd_domestic"] = None if total is None else total - (abroad or 0)
        self.tables["rd"] = rd

        self.ip = defaultdict(list)
        for item in (
            IntellectualProperty.objects.filter(enterprise_id__in=ids)
            .filter(
                Q(granted_on__lte=on),
                Q(expires_on__isnull=True) | Q(expires_on__gte=on),
                Q(lapsed_on__isnull=True) | Q(lapsed_on__gt=on),
            )
            .values("enterprise_id", "kind", "acquisition", "used_in_hnte_year")
        ):
            self.ip[item["enterprise_id"]].append(item)
        self.ip_recorded = set(
            IntellectualProperty.objects.filter(enterprise_id__in=ids)
            .values_list("enterprise_id", flat=True)
            .distinct()
        )

        self.events = defaultdict(list)
        for event in EnterpriseEvent.objects.filter(
            enterprise_id__in=ids,
            occurred_on__lte=on,
            occurred_on__gte=years_ago(on, LOOKBACK_YEARS),
        ).values("enterprise_id", "kind", "occurred_on", "ended_on"):
            self.events[event["enterprise_id"]].append(event)
        self.profiles = {
            row["enterprise_id"]: row
            for row in RecognitionProfile.objects.filter(enterprise_id__in=ids).values(
                "enterprise_id",
                "tech_domain",
                "restricted_catalogue",
                "no_incidents_confirmed_on",
                "self_assessed_score",
            )
        }
        self.qualifications = defaultdict(set)
        for row in Qualification.objects.filter(
            Qualification.valid_on_q(on), enterprise_id__in=ids
        ).values("enterprise_id", "kind", "level"):
            self.qualifications[row["enterprise_id"]].add((row["kind"], row["level"]))

    # -- one enterprise -----------------------------------------------------------------------

    def _pick(self, enterprise_id: int, year: int, candidates):
        for label, table, field in candidates:
            row = self.tables[table].get(enterprise_id, {}).get(year)
            if row is not None and row.get(field) is not None:
                return row[field], f"{year}年{label}"
        return None, ""

    def facts_with_sources(self, enterprise_id: int) -> tuple[Facts, dict[str, str]]:
        """An enterprise's Facts and, for each known figure, where it came from."""
        base = self.enterprises[enterprise_id]
        values: dict = {"uscc": base["uscc"], "name": base["name"], "apply_on": self.on}
        sources: dict[str, str] = {}
        if base["founded_on"]:
            values["registered_on"] = base["founded_on"]
            sources["registered_on"] = "企业登记信息"
        for stem, candidates in YEARLY.items():
            if stem == "rd" and self.code != HNTE:
                candidates = SME_RD
            for suffix, year in zip(SUFFIXES, self.years, strict=True):
                value, source = self._pick(enterprise_id, year, candidates)
                if value is not None:
                    values[f"{stem}_{suffix}"] = value / WAN if stem in MONEY else value
                    sources[f"{stem}_{suffix}"] = source
        for name, candidates in LATEST.items():
            value, source = self._pick(enterprise_id, self.years[0], candidates)
            if value is not None:
                values[name] = value / WAN if name in MONEY else Decimal(value)
                sources[name] = source
        self._property(enterprise_id, values, sources)
        self._conversions(enterprise_id, values, sources)
        self._conduct(enterprise_id, values, sources)
        self._routes(enterprise_id, values, sources)
        profile = self.profiles.get(enterprise_id)
        if profile:
            if profile["tech_domain"]:
                values["tech_domain"] = profile["tech_domain"]
                sources["tech_domain"] = "认定基本情况"
            if profile["self_assessed_score"] is not None:
                values["expert_score"] = profile["self_assessed_score"]
                sources["expert_score"] = "企业自评分"
            if profile["restricted_catalogue"] is not None:
                values["restricted_catalogue"] = profile["restricted_catalogue"]
                sources["restricted_catalogue"] = "认定基本情况"
        return Facts(**values), sources

    def facts(self, enterprise_id: int) -> Facts:
        return self.facts_with_sources(enterprise_id)[0]

    def _property(self, enterprise_id, values, sources) -> None:
        if enterprise_id not in self.ip_recorded:
            return
        rights = self.ip[enterprise_id]
        class_one = [r for r in rights if r["kind"] in choices.CLASS_ONE_KINDS]
        # A Ⅱ类 right serves one HNTE application only; the SME rules count every valid one.
        class_two = [
            r
            for r in rights
            if r["kind"] not in choices.CLASS_ONE_KINDS
            and (self.code != HNTE or r["used_in_hnte_year"] is None)
        ]
        values["ip_class1"] = len(class_one)
        values["ip_class2"] = len(class_two)
        if rights:
            values["ip_self_developed"] = any(r["acquisition"] == "own" for r in rights)
        sources["ip_class1"] = sources["ip_class2"] = f"知识产权清单（截至{self.on:%Y-%m-%d}有效）"

    def _conversions(self, enterprise_id, values, sources) -> None:
        founded = self.enterprises[enterprise_id]["founded_on"]
        years = [y for y in self.years if founded is None or y >= founded.year]
        counts = [
            self.tables["figures"].get(enterprise_id, {}).get(year, {}).get("conversions")
            for year in years
        ]
        if years and all(count is not None for count in counts):
            values["conversions_avg_3y"] = Decimal(sum(counts)) / len(counts)
            sources["conversions_avg_3y"] = f"{min(years)}—{max(years)}年认定口径数据"

    def _conduct(self, enterprise_id, values, sources) -> None:
        on = self.on
        if self.code == HNTE:
            kinds, since = choices.HNTE_INCIDENTS, on - datetime.timedelta(days=365)
        else:
            kinds, since = choices.SME_MISCONDUCT, datetime.date(on.year - 1, 1, 1)
        for event in self.events.get(enterprise_id, ()):
            if event["kind"] not in kinds:
                continue
            listed = event["kind"] in (
                choices.EventKind.ABNORMAL_LIST,
                choices.EventKind.DISHONEST_LIST,
            )
            still_listed = listed and (event["ended_on"] is None or event["ended_on"] > on)
            if event["occurred_on"] >= since or still_listed:
                values["major_incident"] = True
                sources["major_incident"] = f"企业事项记录（{event['occurred_on']:%Y-%m-%d}）"
                return
        profile = self.profiles.get(enterprise_id)
        confirmed = profile and profile["no_incidents_confirmed_on"]
        if not confirmed:
            return
        if on - datetime.timedelta(days=CONFIRMATION_DAYS) <= confirmed <= on:
            values["major_incident"] = False
            sources["major_incident"] = f"企业确认（{confirmed:%Y-%m-%d}）"
        elif confirmed < on:
            sources["major_incident"] = (
                f"最近一次确认为 {confirmed:%Y-%m-%d}，距测评日已超过 {CONFIRMATION_DAYS} 天，需重新确认"
            )

    def _routes(self, enterprise_id, values, sources) -> None:
        held = self.qualifications.get(enterprise_id, set())
        values["hnte_valid"] = any(kind == QualificationKind.HNTE for kind, _level in held)
        values["provincial_rd_institution"] = any(
            kind == QualificationKind.RD_INSTITUTION and level in (Level.PROVINCE, Level.NATIONAL)
            for kind, level in held
        )
        kinds = {event["kind"] for event in self.events.get(enterprise_id, ())}
        values["led_standard_5y"] = choices.EventKind.STANDARD_LED in kinds
        values["national_award_5y"] = choices.EventKind.NATIONAL_AWARD in kinds
        for name in ("hnte_valid", "provincial_rd_institution"):
            sources[name] = "企业资质登记"
        for name in ("led_standard_5y", "national_award_5y"):
            sources[name] = "企业事项记录（近五年）"
