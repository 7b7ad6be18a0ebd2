"""What the recognition rules read about one enterprise, and how a row of text becomes it.

`Facts` holds figures as of an application date: t1 is the last accounting year before the
application, t2 and t3 the two before it. Amounts are in 万元 (Decimal); None means unknown,
and an unknown fact makes the criteria that need it "needs information", never a guess.

`FACT_COLUMNS` documents every column of the analyst's FACTS file (`kechuang assess`); the
pages build the same `Facts` from the database.
"""

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation

from kechuang.engines import uscc as uscc_engine


@dataclass(frozen=True, slots=True)
class Facts:
    uscc: str = ""
    name: str = ""
    registered_on: date | None = None
    apply_on: date | None = None
    sales_t1: Decimal | None = None
    sales_t2: Decimal | None = None
    sales_t3: Decimal | None = None
    total_income_t1: Decimal | None = None
    hightech_income_t1: Decimal | None = None
    rd_t1: Decimal | None = None
    rd_t2: Decimal | None = None
    rd_t3: Decimal | None = None
    rd_domestic_t1: Decimal | None = None
    rd_domestic_t2: Decimal | None = None
    rd_domestic_t3: Decimal | None = None
    cost_expense_t1: Decimal | None = None
    assets_t1: Decimal | None = None
    net_assets_t1: Decimal | None = None
    net_assets_t2: Decimal | None = None
    net_assets_t3: Decimal | None = None
    staff_total: Decimal | None = None
    tech_staff: Decimal | None = None
    ip_class1: int | None = None
    ip_class2: int | None = None
    conversions_avg_3y: Decimal | None = None
    major_incident: bool | None = None
    hnte_valid: bool | None = None
    provincial_rd_institution: bool | None = None
    led_standard_5y: bool | None = None
    national_award_5y: bool | None = None
    tech_domain: str | None = None
    restricted_catalogue: bool | None = None
    ip_self_developed: bool | None = None
    expert_score: int | None = None


FIELD_NAMES = tuple(field.name for field in fields(Facts))

# Column, meaning. The first block is the FACTS file every consultancy already keeps; the
# second holds what only experts or the enterprise itself can say.
FACT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("uscc", "统一社会信用代码（18位）"),
    ("name", "企业名称"),
    ("registered_on", "注册成立日期，YYYY-MM-DD"),
    ("apply_on", "申请（评价）日期，YYYY-MM-DD；为空时取 --on，再为空取今天"),
    ("sales_t1", "t1 年销售收入（主营业务收入+其他业务收入），万元"),
    ("sales_t2", "t2 年销售收入，万元"),
    ("sales_t3", "t3 年销售收入，万元"),
    ("total_income_t1", "t1 年总收入（收入总额减不征税收入），万元"),
    ("hightech_income_t1", "t1 年高新技术产品（服务）收入，含技术性收入，万元"),
    ("rd_t1", "t1 年研究开发费用总额（高企口径），万元"),
    ("rd_t2", "t2 年研究开发费用总额，万元"),
    ("rd_t3", "t3 年研究开发费用总额，万元"),
    ("rd_domestic_t1", "t1 年在中国境内发生的研究开发费用，万元"),
    ("rd_domestic_t2", "t2 年境内研究开发费用，万元"),
    ("rd_domestic_t3", "t3 年境内研究开发费用，万元"),
    ("cost_expense_t1", "t1 年成本费用支出总额，万元（科小研发投入第二种算法的分母）"),
    ("assets_t1", "t1 年末资产总额，万元"),
    ("net_assets_t1", "t1 年末净资产（资产总额减负债总额），万元"),
    ("net_assets_t2", "t2 年末净资产，万元"),
    ("net_assets_t3", "t3 年末净资产，万元"),
    ("staff_total", "职工总数（全年月平均数，人）"),
    ("tech_staff", "科技人员数（全年月平均数，人）"),
    ("ip_class1", "有效Ⅰ类知识产权件数（发明专利、植物新品种、集成电路布图设计等）"),
    (
        "ip_class2",
        "有效Ⅱ类知识产权件数（实用新型、外观设计、软件著作权），未在以往高企申请中使用过的",
    ),
    ("conversions_avg_3y", "近三年科技成果转化年平均数（项）"),
    (
        "major_incident",
        "申请前一年内发生重大安全、重大质量事故或严重环境违法行为；科小另含科研严重失信、列入经营异常名录或严重违法失信名单",
    ),
    ("hnte_valid", "持有有效期内的高新技术企业证书"),
    ("provincial_rd_institution", "拥有经认定的省部级以上研发机构"),
    ("led_standard_5y", "近五年内主导制定过国际标准、国家标准或行业标准（排名前五）"),
    ("national_award_5y", "近五年内获得过国家级科技奖励，且在获奖单位中排名前三"),
    (
        "tech_domain",
        "（补充）核心技术所属高新技术领域三级编号，如 1.1.1 或 一(一)1；高企第（三）项据此判断，缺则需补充信息",
    ),
    (
        "restricted_catalogue",
        "（补充）产品或服务属于国家规定的禁止、限制和淘汰类；科小第（三）项据此判断，缺则需补充信息",
    ),
    ("ip_self_developed", "（补充）有自主研发取得的知识产权（否：仅受让、受赠、并购）"),
    (
        "expert_score",
        "（补充）创新能力评价专家评分或自评分（整数，0–100）；高企第（七）项据此判断，缺则按评分区间",
    ),
)

DATE_FIELDS = {"registered_on", "apply_on"}
INT_FIELDS = {"ip_class1", "ip_class2", "expert_score"}
BOOL_FIELDS = {
    "major_incident",
    "hnte_valid",
    "provincial_rd_institution",
    "led_standard_5y",
    "national_award_5y",
    "restricted_catalogue",
    "ip_self_developed",
}
TEXT_FIELDS = {"uscc", "name", "tech_domain"}
NON_NEGATIVE = {
    name
    for name in FIELD_NAMES
    if name not in DATE_FIELDS | BOOL_FIELDS | TEXT_FIELDS and not name.startswith("net_assets")
}

# A part can never exceed its whole: (part, whole, the whole's name).
CONSISTENCY = (
    ("tech_staff", "staff_total", "职工总数"),
    ("hightech_income_t1", "total_income_t1", "总收入"),
    ("rd_domestic_t1", "rd_t1", "t1 年研究开发费用"),
    ("rd_domestic_t2", "rd_t2", "t2 年研究开发费用"),
    ("rd_domestic_t3", "rd_t3", "t3 年研究开发费用"),
)

TRUE_WORDS = {"1", "true", "yes", "y", "t", "是", "有", "√", "✓"}
FALSE_WORDS = {"0", "false", "no", "n", "f", "否", "无", "×", "✗"}

LABELS = dict(FACT_COLUMNS)


class FactError(ValueError):
    """A cell that cannot be read; `column` names it."""

    def __init__(self, column: str, message: str):
        super().__init__(f"{column}（{LABELS.get(column, column)}）：{message}")
        self.column = column


def parse_value(column: str, raw: str | None):
    """One cell as the type its column holds; an empty cell is None (unknown)."""
    text = (raw or "").strip()
    if text == "":
        return None
    if column in TEXT_FIELDS:
        return uscc_engine.normalise(text) if column == "uscc" else text
    if column in DATE_FIELDS:
        try:
            return date.fromisoformat(text.replace("/", "-")[:10])
        except ValueError:
            raise FactError(column, f"“{text}”不是日期，应写作 YYYY-MM-DD") from None
    if column in BOOL_FIELDS:
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise FactError(column, f"“{text}”不是是/否，应填 1 或 0（是/否）")
    try:
        number = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise FactError(column, f"“{text}”不是数字") from None
    if not number.is_finite():
        raise FactError(column, f"“{text}”不是数字")
    if column in NON_NEGATIVE and number < 0:
        raise FactError(column, f"{text} 为负数")
    if column in INT_FIELDS:
        if number != number.to_integral_value():
            raise FactError(column, f"{text} 应为整数")
        if column == "expert_score" and number > 100:
            raise FactError(column, f"{text} 超过满分 100")
        return int(number)
    return number


def read_row(row: dict[str, str | None]) -> tuple[Facts | None, list[FactError]]:
    """A row of text (column name -> cell) as Facts, or every cell that cannot be read.
    Columns outside FACT_COLUMNS are ignored."""
    values, errors = {}, []
    for column in FIELD_NAMES:
        if column in row:
            try:
                value = parse_value(column, row[column])
            except FactError as error:
                errors.append(error)
                continue
            if value is not None:
                values[column] = value
    if not errors:
        registered, applying = values.get("registered_on"), values.get("apply_on")
        if registered and applying and applying < registered:
            errors.append(
                FactError("apply_on", f"申请日期 {applying} 早于注册成立日期 {registered}")
            )
        for part, whole, said in CONSISTENCY:
            if (
                values.get(part) is not None
                and values.get(whole) is not None
                and values[part] > values[whole]
            ):
                errors.append(FactError(part, f"{values[part]} 大于{said} {values[whole]}"))
        code = values.get("uscc")
        if code and not uscc_engine.FORMAT.match(code):
            errors.append(FactError("uscc", f"“{code}”不是 18 位统一社会信用代码"))
    return (None if errors else Facts(**values)), errors


def facts_from_row(row: dict[str, str | None]) -> Facts:
    """As `read_row`, raising the first FactError."""
    facts, errors = read_row(row)
    if errors:
        raise errors[0]
    return facts
