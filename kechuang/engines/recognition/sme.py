"""科技型中小企业 evaluation: the five conditions of 第六条, the three scores of 第七条 (taking
the better of the two R&D ratios) and the direct-confirmation routes of 第八条.

`assess_sme(facts, rules, on)` returns an `Assessment` with c1 … c5, the score parts, and
figures `score`, `score_staff`, `score_rd`, `score_ip` (None while a part is unknown),
`rd_ratio` (the ratio of the better basis), `rd_threshold` (the lower bound of the band that
ratio reached, or of the lowest band when it reached none), `rd_basis` and `direct_route`.
"""

from datetime import date
from decimal import ROUND_CEILING, Decimal

from kechuang.engines import uscc as uscc_engine
from kechuang.engines.recognition.facts import Facts
from kechuang.engines.recognition.hnte import year_of
from kechuang.engines.recognition.results import (
    MET,
    NEEDS_INFO,
    NOT_MET,
    Assessment,
    Criterion,
    Evaluation,
    ScorePart,
    all_of,
    overall,
    pct,
    threshold_pct,
    wan,
    years_label,
)
from kechuang.engines.recognition.rules import Band, SmeRules, band_for

TITLES = {
    "c1": "在中国境内（不含港、澳、台地区）注册的居民企业",
    "c2": "职工总数不超过500人、年销售收入不超过2亿元、资产总额不超过2亿元",
    "c3": "产品和服务不属于国家规定的禁止、限制和淘汰类",
    "c4": "上一年度至当年未发生重大安全、质量事故和严重环境违法、科研严重失信行为，未列入经营异常名录和严重违法失信企业名单",
    "c5": "综合评价得分不低于60分且科技人员指标得分不为0分，或符合直接确认条件",
}

DIRECT_ROUTES = (
    ("hnte_valid", "hnte", "拥有有效期内高新技术企业资格证书"),
    ("national_award_5y", "national_award", "近五年内获得过国家级科技奖励并在获奖单位中排名前三"),
    ("provincial_rd_institution", "rd_institution", "拥有经认定的省部级以上研发机构"),
    ("led_standard_5y", "standard", "近五年内主导制定过国际标准、国家标准或行业标准"),
)


# What each score part needs, named as the FACTS columns and the forms name it.
NEEDED = {
    "staff": "科技人员数和职工总数（staff_total、tech_staff）",
    "rd": "研发费用及销售收入或成本费用（rd_t1、sales_t1、cost_expense_t1）",
    "ip": "Ⅰ类、Ⅱ类知识产权件数（ip_class1、ip_class2）",
}


def band_score(bands: tuple[Band, ...], value: Decimal) -> int:
    band = band_for(bands, value)
    return band.low if band else 0


class _Sme(Evaluation):
    titles = TITLES

    def __init__(self, facts: Facts, rules: SmeRules, on: date | None):
        super().__init__(facts, rules, on)
        self.period = years_label([year_of("t1", self.on)])
        self.figures: dict = {
            "score": None,
            "score_staff": None,
            "score_rd": None,
            "score_ip": None,
            "rd_ratio": None,
            "rd_threshold": None,
            "rd_basis": None,
            "direct_route": None,
        }

    def resident(self) -> Criterion:
        code = self.f.uscc
        if not code:
            return self.criterion("c1", NEEDS_INFO, "缺少统一社会信用代码。")
        result = uscc_engine.check(code)
        values = {"统一社会信用代码": code}
        if result.status != uscc_engine.UsccStatus.VALID:
            return self.criterion(
                "c1", NEEDS_INFO, f"统一社会信用代码“{code}”校验不通过，请核实。", values
            )
        if code[:2] != "91":
            return self.criterion(
                "c1", NOT_MET, f"代码前两位为 {code[:2]}，登记类别不是企业。", values
            )
        return self.criterion("c1", MET, "在境内工商登记的企业。", values)

    def size(self) -> Criterion:
        f, r = self.f, self.r
        checks = (
            ("职工总数", f.staff_total, Decimal(r.max_staff), "人"),
            ("年销售收入", f.sales_t1, r.max_sales, "万元"),
            ("资产总额", f.assets_t1, r.max_assets, "万元"),
        )
        values = {label: value for label, value, _limit, _unit in checks}
        verdicts, said = [], []
        for label, value, limit, unit in checks:
            shown = (lambda v: wan(v)) if unit == "万元" else (lambda v: f"{v.normalize():f} 人")
            if value is None:
                verdicts.append(NEEDS_INFO)
                said.append(f"缺少{label}")
            elif value <= limit:
                verdicts.append(MET)
                said.append(f"{label} {shown(value)}")
            else:
                verdicts.append(NOT_MET)
                said.append(f"{label} {shown(value)}，超过 {shown(limit)}")
        return self.criterion("c2", all_of(verdicts), "；".join(said) + "。", values, self.period)

    def catalogue(self) -> Criterion:
        flag = self.f.restricted_catalogue
        if flag is None:
            return self.criterion(
                "c3",
                NEEDS_INFO,
                "未确认产品和服务是否属于禁止、限制和淘汰类。",
                gap="确认主要产品和服务不在《产业结构调整指导目录》限制类、淘汰类之列",
            )
        if flag:
            return self.criterion("c3", NOT_MET, "产品或服务属于国家规定的禁止、限制和淘汰类。")
        return self.criterion("c3", MET, "产品和服务不属于禁止、限制和淘汰类。")

    def conduct(self) -> Criterion:
        flag = self.f.major_incident
        if flag is None:
            return self.criterion(
                "c4", NEEDS_INFO, "未确认有无重大事故、严重违法失信或经营异常记录。"
            )
        if flag:
            return self.criterion(
                "c4",
                NOT_MET,
                "有重大事故、严重环境违法、科研严重失信或经营异常、严重违法失信记录。",
            )
        return self.criterion("c4", MET, "无重大事故、严重违法失信或经营异常记录。")

    def staff_part(self) -> ScorePart:
        bands = self.r.staff_bands
        maximum = bands[0].high
        staff, tech = self.f.staff_total, self.f.tech_staff
        if staff is None or tech is None:
            return ScorePart("staff", "科技人员", 0, maximum, maximum, "缺少科技人员数或职工总数")
        if staff == 0:
            self.figures["score_staff"] = 0
            return ScorePart("staff", "科技人员", 0, 0, maximum, "职工总数为 0")
        ratio = tech / staff
        points = band_score(bands, ratio)
        self.figures["score_staff"] = points
        return ScorePart(
            "staff", "科技人员", points, points, maximum, f"科技人员占职工总数 {pct(ratio)}"
        )

    def rd_part(self) -> ScorePart:
        f, r = self.f, self.r
        maximum = r.rd_sales_bands[0].high
        options = []
        for basis, denominator, bands, label in (
            ("sales", f.sales_t1, r.rd_sales_bands, "研发费用占销售收入"),
            ("cost", f.cost_expense_t1, r.rd_cost_bands, "研发费用占成本费用支出"),
        ):
            if f.rd_t1 is None or denominator is None or denominator == 0:
                options.append((basis, None, None, bands, label))
                continue
            ratio = f.rd_t1 / denominator
            options.append((basis, ratio, band_score(bands, ratio), bands, label))
        known = [option for option in options if option[2] is not None]
        if not known:
            return ScorePart(
                "rd", "研发投入", 0, maximum, maximum, "缺少研发费用或销售收入、成本费用"
            )
        basis, ratio, points, bands, label = max(known, key=lambda option: option[2])
        band = band_for(bands, ratio)
        self.figures.update(rd_ratio=ratio, rd_threshold=(band or bands[-1]).lower, rd_basis=basis)
        said = "；".join(f"{option[4]} {pct(option[1])}，得 {option[2]} 分" for option in known)
        said += f"；取较高的“{label}”"
        unknown = len(known) < len(options) and points < maximum
        if unknown:
            return ScorePart(
                "rd", "研发投入", points, maximum, maximum, said + "（另一算法缺数据）"
            )
        self.figures["score_rd"] = points
        return ScorePart("rd", "研发投入", points, points, maximum, said)

    def ip_part(self) -> ScorePart:
        r = self.r
        maximum = r.ip_class1.high
        c1, c2 = self.f.ip_class1, self.f.ip_class2
        if c1 is not None and c1 >= 1:
            points, said = r.ip_class1.low, f"Ⅰ类知识产权 {c1} 件"
        elif c2 is None:
            return ScorePart("ip", "科技成果", 0, maximum, maximum, "知识产权件数未知")
        else:
            points = band_score(r.ip_class2_bands, Decimal(c2))
            said = f"Ⅱ类知识产权 {c2} 件"
            if c1 is None:
                return ScorePart("ip", "科技成果", points, maximum, maximum, said + "，Ⅰ类件数未知")
        self.figures["score_ip"] = points
        return ScorePart("ip", "科技成果", points, points, maximum, said)

    def evaluation(self, parts: list[ScorePart]) -> Criterion:
        f, r = self.f, self.r
        low, high = sum(p.low for p in parts), sum(p.high for p in parts)
        staff = parts[0]
        if all(p.low == p.high for p in parts):
            self.figures["score"] = low
        values = {"评分区间": f"{low}–{high}" if low != high else low}
        for flag, route, said in DIRECT_ROUTES:
            if getattr(f, flag):
                self.figures["direct_route"] = route
                values["直接确认"] = said
                return self.criterion("c5", MET, f"{said}，可直接确认。", values, self.period)
        routes_unknown = [said for flag, _route, said in DIRECT_ROUTES if getattr(f, flag) is None]
        need = r.pass_score
        self.progress["c5"] = high / need if staff.high > 0 else 0.0
        if low >= need and staff.low > 0:
            return self.criterion(
                "c5",
                MET,
                f"综合评价 {low} 分以上，科技人员指标得 {staff.low} 分。",
                values,
                self.period,
            )
        if high < need or staff.high == 0:
            reason = (
                f"科技人员指标得 0 分（科技人员占比低于 {threshold_pct(r.staff_bands[-1].lower)}）"
                if staff.high == 0
                else f"综合评价最高 {high} 分，低于 {need} 分"
            )
            if routes_unknown:
                return self.criterion(
                    "c5",
                    NEEDS_INFO,
                    f"{reason}；未确认是否符合直接确认条件。",
                    values,
                    self.period,
                    "确认有无有效高企证书、国家级科技奖励、省部级以上研发机构或主导制定标准",
                )
            return self.criterion(
                "c5", NOT_MET, reason + "。", values, self.period, self.gap(parts)
            )
        missing = [NEEDED[p.key] for p in parts if p.low != p.high]
        return self.criterion(
            "c5",
            NEEDS_INFO,
            f"综合评价在 {low}–{high} 分之间，缺数据的指标待补充。",
            values,
            self.period,
            "补充" + "；".join(missing),
        )

    def gap(self, parts: list[ScorePart]) -> str:
        """What would lift a failing score: the staff bar first, then R&D spend."""
        f, r = self.f, self.r
        staff, rd = parts[0], parts[1]
        tips = []
        if staff.high == 0 and f.staff_total:
            need = r.staff_bands[-1].lower * f.staff_total - f.tech_staff
            tips.append(
                f"科技人员还需增加约 {need.to_integral_value(rounding=ROUND_CEILING)} 人（达到 {threshold_pct(r.staff_bands[-1].lower)}）"
            )
        total = sum(p.low for p in parts)
        if f.sales_t1 and f.rd_t1 is not None and total < r.pass_score:
            for band in reversed(r.rd_sales_bands):
                if total - rd.low + band.low >= r.pass_score and band.low > rd.low:
                    more = band.lower * f.sales_t1 - f.rd_t1
                    tips.append(
                        f"研发费用占销售收入达到 {threshold_pct(band.lower)}（还需投入约 {wan(more)}）"
                        f"可得 {band.low} 分"
                    )
                    break
        return "；".join(tips)

    def run(self) -> Assessment:
        parts = [self.staff_part(), self.rd_part(), self.ip_part()]
        criteria = (
            self.resident(),
            self.size(),
            self.catalogue(),
            self.conduct(),
            self.evaluation(parts),
        )
        return Assessment(
            self.r.code,
            self.r.version,
            self.on,
            overall(c.verdict for c in criteria),
            criteria,
            tuple(parts),
            self.figures,
        )


def assess_sme(facts: Facts, rules: SmeRules, on: date | None = None) -> Assessment:
    """Evaluate `facts` as a 科技型中小企业 under `rules` (see the module docstring)."""
    return _Sme(facts, rules, on).run()
