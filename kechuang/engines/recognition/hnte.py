"""高新技术企业 readiness: the eight conditions of 《认定办法》第十一条 and the 100-point
innovation-capability score of the 工作指引, as far as the data decide them.

`assess_hnte(facts, rules, on)` returns an `Assessment`: c1 … c8 with verdicts, values, years
and sentences; the score as parts with ranges (data decide the IP-quantity, conversion and
growth bands; experts judge the rest); and figures (`rd_ratio`, `rd_threshold`,
`growth_net_assets`, `growth_sales`, `score_min`, `score_max`).
"""

from datetime import date
from decimal import ROUND_CEILING, Decimal

from kechuang.engines.recognition.domains import find_domain
from kechuang.engines.recognition.facts import Facts
from kechuang.engines.recognition.results import (
    MET,
    NEEDS_INFO,
    NOT_MET,
    Assessment,
    Criterion,
    Evaluation,
    ScorePart,
    all_of,
    cn_date,
    overall,
    pct,
    pct_below,
    threshold_pct,
    wan,
    years_label,
)
from kechuang.engines.recognition.rules import Band, HnteRules, band_for

TITLES = {
    "c1": "注册成立一年以上",
    "c2": "拥有核心自主知识产权",
    "c3": "核心技术属于国家重点支持的高新技术领域",
    "c4": "科技人员占职工总数比例不低于10%",
    "c5": "近三年研究开发费用占比达标，境内研发费用占比不低于60%",
    "c6": "近一年高新技术产品（服务）收入占比不低于60%",
    "c7": "创新能力评价达到相应要求（70分以上）",
    "c8": "申请前一年内未发生重大安全、质量事故或严重环境违法行为",
}

SUFFIXES = ("t1", "t2", "t3")


def application_date(facts: Facts, on: date | None) -> date:
    return facts.apply_on or on or date.today()


def operated_suffixes(facts: Facts, on: date) -> tuple[str, ...]:
    """The accounting years (t1, t2, t3) the enterprise existed in: all three unless its
    registration date says it is younger (“实际经营期”)."""
    if facts.registered_on is None:
        return SUFFIXES
    first_year = facts.registered_on.year
    return tuple(s for i, s in enumerate(SUFFIXES) if on.year - 1 - i >= first_year)


def year_of(suffix: str, on: date) -> int:
    return on.year - 1 - SUFFIXES.index(suffix)


def growth_rate(
    y1: Decimal | None, y2: Decimal | None, y3: Decimal | None, years: int
) -> tuple[Decimal | None, bool, str]:
    """The 工作指引 growth rate ½(Y2/Y1 + Y3/Y2) − 1 over years Y1 (t3), Y2 (t2), Y3 (t1).

    Returns (rate, known, note): `known` is False when a needed figure is missing; `rate` is
    None when the rules score the item 0 without a rate. Y1 = 0 (or below) → the last two
    years only; Y2 = 0 (or below, where a ratio has no meaning) → 0 points; fewer than three
    years of operation → the actual period; a single year gives no rate.
    """
    if years <= 1:
        return None, True, "经营不足两个会计年度，无法计算增长率，计 0 分"
    if years == 2:
        y1 = None
    needed = (y2, y3) if years == 2 else (y1, y2, y3)
    if any(value is None for value in needed):
        return None, False, "缺少数据"
    if y2 <= 0:
        return None, True, "第二年数值为零或负数，按规定计 0 分"
    if years == 2:
        return y3 / y2 - 1, True, "经营期两年，按实际经营期计算"
    if y1 <= 0:
        return y3 / y2 - 1, True, "第一年数值为零，按后两年计算"
    return (y2 / y1 + y3 / y2) / 2 - 1, True, ""


def _range(lo: int, hi: int, maximum: int) -> str:
    return f"{lo} 分" if lo == hi else f"{lo}–{hi} 分（满分 {maximum}）"


class _Hnte(Evaluation):
    titles = TITLES

    def __init__(self, facts: Facts, rules: HnteRules, on: date | None):
        super().__init__(facts, rules, on)
        self.years = operated_suffixes(facts, self.on)
        self.figures: dict = {}

    def registration(self) -> Criterion:
        f = self.f
        if f.registered_on is None:
            return self.criterion("c1", NEEDS_INFO, "缺少注册成立日期。", gap="补充注册成立日期")
        days = (self.on - f.registered_on).days
        values = {"注册成立日期": f.registered_on.isoformat(), "至申请日天数": days}
        need = self.r.min_days_registered
        self.progress["c1"] = days / need
        if days >= need:
            return self.criterion("c1", MET, f"注册成立 {days} 天，满 {need} 天。", values)
        return self.criterion(
            "c1",
            NOT_MET,
            f"至申请日仅注册成立 {days} 天，不足 {need} 天。",
            values,
            gap=f"{cn_date(date.fromordinal(f.registered_on.toordinal() + need))}起方可申请",
        )

    def property_rights(self) -> Criterion:
        c1, c2 = self.f.ip_class1, self.f.ip_class2
        values = {"Ⅰ类知识产权": c1, "Ⅱ类知识产权（未使用）": c2}
        if (c1 or 0) + (c2 or 0) > 0:
            return self.criterion(
                "c2", MET, f"拥有有效Ⅰ类知识产权 {c1 or 0} 件、Ⅱ类 {c2 or 0} 件。", values
            )
        if c1 is None or c2 is None:
            return self.criterion(
                "c2", NEEDS_INFO, "知识产权件数不全。", values, gap="补充有效知识产权清单"
            )
        return self.criterion(
            "c2",
            NOT_MET,
            "没有可用于申请的有效知识产权（Ⅱ类知识产权仅可在一次申请中使用）。",
            values,
            gap="取得至少 1 件与主要产品相关的有效知识产权，发明专利等Ⅰ类更佳",
        )

    def domain(self) -> Criterion:
        text = self.f.tech_domain
        if not text:
            return self.criterion(
                "c3",
                NEEDS_INFO,
                "未填写核心技术所属的高新技术领域（三级）。领域归属由专家判断。",
                gap="选定核心技术所属的三级领域",
            )
        found = find_domain(text)
        if found is None:
            return self.criterion(
                "c3",
                NEEDS_INFO,
                f"“{text}”不是《国家重点支持的高新技术领域》中的三级领域编号或名称。",
                {"技术领域": text},
                gap="按领域目录填写三级编号，如 1.1.1",
            )
        return self.criterion(
            "c3",
            MET,
            f"核心技术属于“{found.code} {found.title}”；是否对主要产品提供核心支持由专家判断。",
            {"技术领域": f"{found.code} {found.title}"},
        )

    def tech_staff(self) -> Criterion:
        staff, tech = self.f.staff_total, self.f.tech_staff
        values = {"科技人员": tech, "职工总数": staff}
        period = years_label([year_of("t1", self.on)])
        need = self.r.min_tech_staff_ratio
        if staff is None or tech is None:
            return self.criterion(
                "c4", NEEDS_INFO, "缺少科技人员数或职工总数。", values, period, "补充全年月平均人数"
            )
        if tech > staff:
            return self.criterion(
                "c4",
                NEEDS_INFO,
                f"科技人员 {tech} 人多于职工总数 {staff} 人，请核实。",
                values,
                period,
            )
        if staff == 0:
            return self.criterion("c4", NOT_MET, "职工总数为 0。", values, period)
        ratio = tech / staff
        values["占比"] = float(ratio)
        self.progress["c4"] = float(ratio / need)
        if tech >= need * staff:
            return self.criterion(
                "c4",
                MET,
                f"科技人员占比 {pct(ratio)}，不低于 {threshold_pct(need)}。",
                values,
                period,
            )
        short = (need * staff - tech).to_integral_value(rounding=ROUND_CEILING)
        return self.criterion(
            "c4",
            NOT_MET,
            f"科技人员占比 {pct(ratio)}，低于 {threshold_pct(need)}。",
            values,
            period,
            f"职工总数不变时，还需增加科技人员约 {short} 人",
        )

    def rd_ratio(self) -> Criterion:
        f, on = self.f, self.on
        years = self.years
        period = years_label([year_of(s, on) for s in years])
        if f.sales_t1 is None:
            return self.criterion(
                "c5",
                NEEDS_INFO,
                "缺少最近一年销售收入，无法确定适用的比例档次。",
                {},
                period,
                "补充最近一年销售收入",
            )
        band = self.r.rd_band(f.sales_t1)
        threshold = band.min_ratio
        self.figures["rd_threshold"] = threshold
        missing = [
            f"{year_of(s, on)}年{label}"
            for s in years
            for label, name in (("销售收入", "sales"), ("研发费用", "rd"))
            if getattr(f, f"{name}_{s}") is None
        ]
        if missing:
            return self.criterion(
                "c5",
                NEEDS_INFO,
                f"缺少{'、'.join(missing)}。",
                {},
                period,
                f"补充{'、'.join(missing)}",
            )
        sales = sum(getattr(f, f"sales_{s}") for s in years)
        rd = sum(getattr(f, f"rd_{s}") for s in years)
        values = {"研发费用合计（万元）": rd, "销售收入合计（万元）": sales, "适用档次": band.label}
        if sales == 0:
            return self.criterion("c5", NOT_MET, f"{period}销售收入合计为 0。", values, period)
        ratio = rd / sales
        self.figures["rd_ratio"] = ratio
        self.progress["c5"] = float(ratio / threshold)
        values["研发费用占比"] = float(ratio)
        verdicts, sentences, gaps = [], [], []
        span = "近三年" if len(years) == 3 else f"实际经营的{len(years)}年"
        if rd >= threshold * sales:
            verdicts.append(MET)
            sentences.append(
                f"{span}研发费用占销售收入 {pct(ratio)}，达到 {threshold_pct(threshold)}"
            )
        else:
            verdicts.append(NOT_MET)
            more = threshold * sales - rd
            sentences.append(
                f"{span}研发费用占比 {pct_below(ratio, threshold)}，需达到 {threshold_pct(threshold)}"
            )
            gaps.append(
                f"最近一年销售收入 {wan(f.sales_t1)}，适用 {threshold_pct(threshold)} 的标准；"
                f"还需投入研发费用约 {wan(more)}"
            )
        domestic_missing = [s for s in years if getattr(f, f"rd_domestic_{s}") is None]
        share_need = self.r.min_domestic_rd_share
        if domestic_missing:
            verdicts.append(NEEDS_INFO)
            sentences.append("缺少境内研发费用")
            gaps.append("补充各年境内研发费用")
        elif rd == 0:
            verdicts.append(NOT_MET)
            sentences.append("研发费用为 0")
        else:
            domestic = sum(getattr(f, f"rd_domestic_{s}") for s in years)
            share = domestic / rd
            values["境内研发费用占比"] = float(share)
            if domestic > rd:
                verdicts.append(NEEDS_INFO)
                sentences.append("境内研发费用大于研发费用总额，请核实")
            elif domestic >= share_need * rd:
                verdicts.append(MET)
                sentences.append(f"境内研发费用占 {pct(share)}")
            else:
                verdicts.append(NOT_MET)
                self.progress["c5"] = min(self.progress["c5"], float(share / share_need))
                sentences.append(
                    f"境内研发费用仅占 {pct(share)}，需不低于 {threshold_pct(share_need)}"
                )
                gaps.append(f"境内研发费用还需增加约 {wan(share_need * rd - domestic)}")
        return self.criterion(
            "c5", all_of(verdicts), "；".join(sentences) + "。", values, period, "；".join(gaps)
        )

    def hightech_income(self) -> Criterion:
        income, hightech = self.f.total_income_t1, self.f.hightech_income_t1
        period = years_label([year_of("t1", self.on)])
        values = {"高新技术产品（服务）收入（万元）": hightech, "总收入（万元）": income}
        need = self.r.min_hightech_income_share
        if income is None or hightech is None:
            return self.criterion(
                "c6",
                NEEDS_INFO,
                "缺少高新技术产品（服务）收入或总收入。",
                values,
                period,
                "补充最近一年高新技术产品（服务）收入及总收入",
            )
        if hightech > income:
            return self.criterion(
                "c6", NEEDS_INFO, "高新技术产品（服务）收入大于总收入，请核实。", values, period
            )
        if income == 0:
            return self.criterion("c6", NOT_MET, "最近一年总收入为 0。", values, period)
        share = hightech / income
        values["占比"] = float(share)
        self.progress["c6"] = float(share / need)
        if hightech >= need * income:
            return self.criterion(
                "c6", MET, f"高新技术产品（服务）收入占总收入 {pct(share)}。", values, period
            )
        return self.criterion(
            "c6",
            NOT_MET,
            f"高新技术产品（服务）收入占比 {pct(share)}，需不低于 {threshold_pct(need)}。",
            values,
            period,
            f"总收入不变时，高新技术产品（服务）收入还需增加约 {wan(need * income - hightech)}",
        )

    def incidents(self) -> Criterion:
        flag = self.f.major_incident
        if flag is None:
            return self.criterion(
                "c8", NEEDS_INFO, "未确认申请前一年内有无重大事故或严重环境违法。"
            )
        if flag:
            return self.criterion(
                "c8", NOT_MET, "申请前一年内发生过重大安全、质量事故或严重环境违法行为。"
            )
        return self.criterion("c8", MET, "申请前一年内未发生重大安全、质量事故或严重环境违法行为。")

    # -- the score ------------------------------------------------------------------------

    def ip_parts(self) -> list[ScorePart]:
        f, r = self.f, self.r
        c1, c2 = f.ip_class1, f.ip_class2
        has_none = c1 == 0 and c2 == 0
        if c1 is not None and c1 >= 1:
            quantity = (r.ip_quantity_class1.low, r.ip_quantity_class1.high)
            said = f"Ⅰ类知识产权 {c1} 件，A 档"
        elif c2 is not None:
            band = band_for(r.ip_quantity_class2_bands, Decimal(c2))
            low, high = (band.low, band.high) if band else (0, 0)
            if c1 is None:
                high = r.ip_quantity_class1.high
                said = f"Ⅱ类知识产权 {c2} 件，Ⅰ类件数未知"
            else:
                said = f"无Ⅰ类，Ⅱ类知识产权 {c2} 件，{band.label if band else 'E'} 档"
            quantity = (low, high)
        else:
            quantity = (0, r.ip_quantity_class1.high)
            said = "知识产权件数未知"
        judged = (0, 0) if has_none else (0, r.ip_advancement_max)
        core = (0, 0) if has_none else (0, r.ip_core_support_max)
        if has_none:
            acquisition, how = (0, 0), "无知识产权"
        elif (c1 or 0) + (c2 or 0) == 0:
            acquisition, how = (0, r.ip_acquisition_own.high), "知识产权件数未知"
        elif f.ip_self_developed is False:
            band = r.ip_acquisition_transferred
            acquisition, how = (band.low, band.high), "仅有受让、受赠或并购取得的知识产权"
        else:
            band = r.ip_acquisition_own
            acquisition, how = (band.low, band.high), "有自主研发的知识产权"
        if f.led_standard_5y:
            bonus, bonus_said = (r.standard_bonus.low, r.standard_bonus.high), "主导制定过标准"
        else:
            bonus, bonus_said = (0, r.standard_bonus.high), "参与标准制定情况由专家认定"
        return [
            ScorePart(
                "ip_advancement",
                "技术的先进程度",
                *judged,
                r.ip_advancement_max,
                "专家评判",
                by_experts=True,
            ),
            ScorePart(
                "ip_core_support",
                "对主要产品（服务）的核心支持作用",
                *core,
                r.ip_core_support_max,
                "专家评判",
                by_experts=True,
            ),
            ScorePart("ip_quantity", "知识产权数量", *quantity, r.ip_quantity_class1.high, said),
            ScorePart(
                "ip_acquisition",
                "知识产权获得方式",
                *acquisition,
                r.ip_acquisition_own.high,
                how,
                by_experts=True,
            ),
            ScorePart(
                "ip_standard",
                "参与制定标准（加分）",
                *bonus,
                r.standard_bonus.high,
                bonus_said,
                by_experts=not f.led_standard_5y,
            ),
        ]

    def conversion_part(self) -> ScorePart:
        bands = self.r.conversion_bands
        maximum = bands[0].high
        value = self.f.conversions_avg_3y
        if value is None:
            return ScorePart(
                "conversion", "科技成果转化能力", 0, maximum, maximum, "近三年成果转化年均数未知"
            )
        band = band_for(bands, value)
        low, high = (band.low, band.high) if band else (0, 0)
        label = band.label if band else "F"
        return ScorePart(
            "conversion",
            "科技成果转化能力",
            low,
            high,
            maximum,
            f"近三年年均转化 {value.quantize(Decimal('0.01')).normalize():f} 项，{label} 档",
        )

    def growth_part(self, key: str, title: str, field: str) -> ScorePart:
        bands: tuple[Band, ...] = self.r.growth_bands
        maximum = bands[0].high
        f = self.f
        rate, known, note = growth_rate(
            getattr(f, f"{field}_t3"),
            getattr(f, f"{field}_t2"),
            getattr(f, f"{field}_t1"),
            len(self.years),
        )
        self.figures[f"growth_{key}"] = rate
        if not known:
            return ScorePart(key, title, 0, maximum, maximum, f"{title}：{note}")
        if rate is None:
            return ScorePart(key, title, 0, 0, maximum, f"{title}：{note}")
        band = band_for(bands, rate)
        low, high = (band.low, band.high) if band else (0, 0)
        label = band.label if band else "F"
        said = f"{title} {pct(rate)}，{label} 档" + (f"（{note}）" if note else "")
        return ScorePart(key, title, low, high, maximum, said)

    def score(self) -> tuple[list[ScorePart], Criterion]:
        r = self.r
        ip = self.ip_parts()
        parts = [
            *ip,
            self.conversion_part(),
            ScorePart(
                "organisation",
                "研究开发组织管理水平",
                0,
                r.organisation_max,
                r.organisation_max,
                "专家评判（制度、研发机构、转化激励、人才）",
                by_experts=True,
            ),
            self.growth_part("net_assets", "净资产增长率", "net_assets"),
            self.growth_part("sales", "销售收入增长率", "sales"),
        ]
        ip_low = min(r.ip_cap, sum(p.low for p in ip))
        ip_high = min(r.ip_cap, sum(p.high for p in ip))
        low = ip_low + sum(p.low for p in parts[len(ip) :])
        high = ip_high + sum(p.high for p in parts[len(ip) :])
        self.figures["score_min"] = low
        self.figures["score_max"] = high
        need = r.pass_score_above
        values = {"评分区间": f"{low}–{high}"}
        self.progress["c7"] = high / (need + 1)
        expert = self.f.expert_score
        if expert is not None:
            values["专家评分或自评分"] = expert
            if not low <= expert <= high:
                said = f"评分 {expert} 分与数据不符：按已掌握的数据，评分应在 {low}–{high} 分之间。"
                return parts, self.criterion(
                    "c7", NEEDS_INFO, said, values, gap="核实评分或所依据的数据"
                )
            verdict = MET if expert > need else NOT_MET
            said = f"评分 {expert} 分，{'高于' if expert > need else '未超过'} {need} 分。"
            gap = (
                ""
                if verdict == MET
                else (
                    f"评分需达到 {need + 1} 分以上，按数据可在 {low}–{high} 分之间；"
                    "可从成果转化、知识产权和研发组织管理入手"
                )
            )
            return parts, self.criterion("c7", verdict, said, values, gap=gap)
        if low > need:
            verdict, said, gap = MET, f"按数据测算评分不低于 {low} 分，高于 {need} 分。", ""
        elif high <= need:
            verdict = NOT_MET
            said = f"按数据测算评分最高 {high} 分，达不到 {need} 分以上。"
            gap = "提高成果转化数量、知识产权数量或成长性"
        else:
            verdict = NEEDS_INFO
            said = (
                f"按数据测算评分在 {low}–{high} 分之间；数据确定的部分得 "
                f"{sum(p.low for p in parts if not p.by_experts)}–"
                f"{sum(p.high for p in parts if not p.by_experts)} 分，其余由专家评判。"
            )
            data_high = sum(p.high for p in parts if not p.by_experts)
            gap = (
                f"数据确定的部分按档内最高计，专家评判部分也需至少得 "
                f"{max(0, need + 1 - data_high)} 分"
            )
        return parts, self.criterion("c7", verdict, said, values, gap=gap)

    def run(self) -> Assessment:
        parts, score = self.score()
        criteria = (
            self.registration(),
            self.property_rights(),
            self.domain(),
            self.tech_staff(),
            self.rd_ratio(),
            self.hightech_income(),
            score,
            self.incidents(),
        )
        figures = {
            "rd_ratio": None,
            "rd_threshold": None,
            **self.figures,
        }
        return Assessment(
            self.r.code,
            self.r.version,
            self.on,
            overall(c.verdict for c in criteria),
            criteria,
            tuple(parts),
            figures,
        )


def assess_hnte(facts: Facts, rules: HnteRules, on: date | None = None) -> Assessment:
    """Assess `facts` against `rules` as of the facts' application date, else `on`, else
    today."""
    return _Hnte(facts, rules, on).run()
