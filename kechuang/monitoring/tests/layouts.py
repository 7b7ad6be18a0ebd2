"""A corpus of 107-2 (企业研究开发活动及相关情况) files in the layouts county offices send.

Every file is generated from the official field list (RULES.md §4.3) and the wordings the
national 联网直报 form and statistics offices' own tools use for it, not from this project's
import template, so the intake reader is tested against headers its author did not write:

- one-row flat headers, two-row (section over leaves, short or full leaves) and three-row
  (section / sub-group / leaves) headers with real merged cells;
- numbering styles ("1.", "（1）", "(1)", "1、", "①", "（二）"), full- and half-width
  punctuation, spaces, ideographic spaces and line breaks inside header cells;
- a 甲 乙 丙 1 2 3 code row, a units row under the leaves, a units line above the header,
  units in a header's brackets (a column's own unit wins over the units line, and a units
  line wins over the form's default);
- the funding sources under each of their names (企业自筹 / 来自企业自筹 / 企业资金 ...);
- title rows, blank spacer rows, total rows labelled in the code, name or 序号 column or not
  at all, identity columns under several names and extra columns to ignore;
- xlsx, xls (when xlwt is installed), CSV in UTF-8 with and without BOM and in GBK.

Whatever the layout, the file holds the same four enterprises (`ROWS`), so every layout must
import to the same figures: `expected`, in yuan for money and plain integers for counts.

Long because it is a corpus: one builder per layout, each a file as offices send it.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from stdnum.cn import uscc as stdnum_uscc

# -- the official field list --------------------------------------------------------------

MONEY = "千元"


@dataclass(frozen=True)
class Item:
    """One 107-2 indicator: its record field and how the form and offices write it."""

    field: str
    section: int  # 1..8, the form's sections 一 … 八
    full: str  # the form's wording as a flat header ("其中：女性", "*新产品销售收入")
    short: str  # the wording under its section heading ("女性", "合计")
    unit: str  # 千元 for money, else the count unit (人 个 件 篇 项)
    code: int  # the indicator's code (column 丙) on the national form
    ordinal: tuple[str, int] | None = None  # ("cost", 1): numbered "1.人员人工费用"
    group: str = ""  # sub-group in three-row headers

    @property
    def money(self) -> bool:
        return self.unit == MONEY


# Wordings as the national 联网直报 form 107-2 writes them: 一、研究开发人员情况 … 八、其他相关情况.
ITEMS: tuple[Item, ...] = (
    # 一、研究开发人员情况
    Item("rd_staff", 1, "研究开发人员合计", "合计", "人", 1),
    Item("rd_staff_management", 1, "其中：管理和服务人员", "管理和服务人员", "人", 2, group="其中"),
    Item("rd_staff_female", 1, "其中：女性", "女性", "人", 3, group="其中"),
    Item("rd_staff_fulltime", 1, "其中：全职人员", "全职人员", "人", 4, group="其中"),
    Item(
        "rd_staff_bachelor",
        1,
        "其中：本科毕业及以上人员",
        "本科毕业及以上人员",
        "人",
        5,
        group="其中",
    ),
    Item("rd_staff_external", 1, "其中：外聘人员", "外聘人员", "人", 6, group="其中"),
    # 二、研究开发费用情况
    Item("rd_expense", 2, "研究开发费用合计", "合计", MONEY, 7),
    Item("cost_personnel", 2, "人员人工费用", "人员人工费用", MONEY, 8, ("cost", 1)),
    Item("cost_direct", 2, "直接投入费用", "直接投入费用", MONEY, 9, ("cost", 2)),
    Item(
        "cost_depreciation",
        2,
        "折旧费用与长期待摊费用",
        "折旧费用与长期待摊费用",
        MONEY,
        10,
        ("cost", 3),
    ),
    Item("cost_amortisation", 2, "无形资产摊销费用", "无形资产摊销费用", MONEY, 11, ("cost", 4)),
    Item("cost_design", 2, "设计费用", "设计费用", MONEY, 12, ("cost", 5)),
    Item(
        "cost_trial", 2, "装备调试费用与试验费用", "装备调试费用与试验费用", MONEY, 13, ("cost", 6)
    ),
    Item(
        "cost_commissioned",
        2,
        "委托外部研究开发费用",
        "委托外部研究开发费用",
        MONEY,
        14,
        ("cost", 7),
        group="commissioned",
    ),
    Item(
        "commissioned_institutes",
        2,
        "委托境内研究机构",
        "境内研究机构",
        MONEY,
        15,
        ("party", 1),
        "commissioned",
    ),
    Item(
        "commissioned_universities",
        2,
        "委托境内高等学校",
        "境内高等学校",
        MONEY,
        16,
        ("party", 2),
        "commissioned",
    ),
    Item(
        "commissioned_enterprises",
        2,
        "委托境内企业",
        "境内企业",
        MONEY,
        17,
        ("party", 3),
        "commissioned",
    ),
    Item(
        "commissioned_abroad",
        2,
        "委托境外机构",
        "境外机构",
        MONEY,
        18,
        ("party", 4),
        "commissioned",
    ),
    Item("cost_other", 2, "其他费用", "其他费用", MONEY, 19, ("cost", 8)),
    # 三、研究开发资产情况
    Item(
        "rd_fixed_assets",
        3,
        "当年形成用于研究开发的固定资产",
        "当年形成用于研究开发的固定资产",
        MONEY,
        20,
    ),
    Item("rd_instruments", 3, "其中：仪器和设备", "仪器和设备", MONEY, 21),
    # 四、研究开发支出资金来源 (wording chosen per layout, see FUND_WORDS)
    Item("fund_self", 4, "来自企业自筹", "企业自筹", MONEY, 57, ("fund", 1)),
    Item("fund_government", 4, "来自政府部门", "政府部门", MONEY, 43, ("fund", 2)),
    Item("fund_bank", 4, "来自银行贷款", "银行贷款", MONEY, 58, ("fund", 3)),
    Item("fund_venture", 4, "来自风险投资", "风险投资", MONEY, 55, ("fund", 4)),
    Item("fund_other", 4, "来自其他渠道", "其他渠道", MONEY, 56, ("fund", 5)),
    # 五、相关政策落实情况
    Item(
        "deduction_rd_expense",
        5,
        "申报加计扣除减免税的研究开发支出",
        "申报加计扣除减免税的研究开发支出",
        MONEY,
        52,
    ),
    Item("deduction_tax_relief", 5, "加计扣除减免税金额", "加计扣除减免税金额", MONEY, 44),
    Item("hnte_tax_relief", 5, "高新技术企业减免税金额", "高新技术企业减免税金额", MONEY, 45),
    # 六、企业办研究开发机构（境内）情况
    Item("institutions", 6, "期末机构数", "期末机构数", "个", 22),
    Item("institution_staff", 6, "机构研究开发人员", "机构研究开发人员", "人", 23),
    Item("institution_phd", 6, "其中：博士毕业", "博士毕业", "人", 24),
    Item("institution_master", 6, "硕士毕业", "硕士毕业", "人", 25),
    Item("institution_expense", 6, "机构研究开发费用", "机构研究开发费用", MONEY, 26),
    Item("institution_equipment", 6, "期末仪器和设备原价", "期末仪器和设备原价", MONEY, 27),
    # 七、研究开发产出及相关情况
    Item("patent_applications", 7, "当年专利申请数", "当年专利申请数", "件", 29, group="patents"),
    Item("invention_applications", 7, "其中：发明专利", "发明专利", "件", 30, group="patents"),
    Item(
        "valid_inventions", 7, "期末有效发明专利数", "期末有效发明专利数", "件", 32, group="patents"
    ),
    Item("implemented_inventions", 7, "其中：已被实施", "已被实施", "件", 33, group="patents"),
    Item(
        "patent_transfers",
        7,
        "专利所有权转让及许可数",
        "专利所有权转让及许可数",
        "件",
        53,
        group="patents",
    ),
    Item(
        "patent_transfer_income",
        7,
        "专利所有权转让及许可收入",
        "专利所有权转让及许可收入",
        MONEY,
        54,
        group="patents",
    ),
    Item("new_product_sales", 7, "*新产品销售收入", "新产品销售收入", MONEY, 36, group="products"),
    Item("new_product_exports", 7, "*其中：出口", "其中：出口", MONEY, 37, group="products"),
    Item("trademarks", 7, "*期末拥有注册商标", "期末拥有注册商标", "件", 38, group="others"),
    Item("papers", 7, "发表科技论文", "发表科技论文", "篇", 40, group="others"),
    Item("standards", 7, "形成国家或行业标准", "形成国家或行业标准", "项", 41, group="others"),
    # 八、其他相关情况
    Item("tech_renovation", 8, "技术改造经费支出", "技术改造经费支出", MONEY, 46, group="tech"),
    Item(
        "domestic_tech_purchase",
        8,
        "购买境内技术经费支出",
        "购买境内技术经费支出",
        MONEY,
        47,
        group="tech",
    ),
    Item(
        "foreign_tech_import",
        8,
        "引进境外技术经费支出",
        "引进境外技术经费支出",
        MONEY,
        48,
        group="tech",
    ),
    Item(
        "foreign_tech_assimilation",
        8,
        "引进境外技术的消化吸收经费支出",
        "引进境外技术的消化吸收经费支出",
        MONEY,
        49,
        group="tech",
    ),
    Item(
        "overseas_institutions",
        8,
        "期末企业在境外设立的研究开发机构数",
        "期末企业在境外设立的研究开发机构数",
        "个",
        50,
        group="abroad",
    ),
)
FIELDS = tuple(item.field for item in ITEMS)
MONEY_FIELDS = frozenset(item.field for item in ITEMS if item.money)
BY_FIELD = {item.field: item for item in ITEMS}

SECTIONS = {
    1: "研究开发人员情况",
    2: "研究开发费用情况",
    3: "研究开发资产情况",
    4: "研究开发支出资金来源",
    5: "相关政策落实情况",
    6: "企业办研究开发机构（境内）情况",
    7: "研究开发产出及相关情况",
    8: "其他相关情况",
}
# Some offices head section 四 "研究开发费用资金来源".
SECTION_4_ALT = "研究开发费用资金来源"
GROUPS = {
    "其中": "其中",
    "patents": "（一）专利情况",
    "products": "（二）新产品情况",
    "others": "（三）其他情况",
    "tech": "（一）技术改造和技术获取情况",
    "abroad": "（二）企业办研究开发机构（境外）情况",
}
# The five funding sources as the form, the 107-1 project form and offices write them.
FUND_WORDS = {
    "laizi": ("来自企业自筹", "来自政府部门", "来自银行贷款", "来自风险投资", "来自其他渠道"),
    "bare": ("企业自筹", "政府部门", "银行贷款", "风险投资", "其他渠道"),
    "zijin": ("企业资金", "政府资金", "银行贷款", "风险投资", "其他资金"),
    "mixed": ("企业自筹", "来自政府部门", "银行贷款", "来自风险投资", "其他渠道"),
}
CHINESE_ORDINALS = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧"


def ordinal(style: str, n: int) -> str:
    """The numbering prefix of the n-th item in one of the styles files use."""
    return {
        "": "",
        "dot": f"{n}.",
        "dun": f"{n}、",
        "paren": f"（{n}）",
        "paren-half": f"({n})",
        "circled": CIRCLED[n - 1],
        "section": f"{CHINESE_ORDINALS[n - 1]}、",
        "section-paren": f"（{CHINESE_ORDINALS[n - 1]}）",
    }[style]


# -- the four enterprises -----------------------------------------------------------------


def make_uscc(body: str, region: str = "330624") -> str:
    """A GB 32100 code for an enterprise (91) registered in `region` with an 8-digit body."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
    org = body + {10: "X", 11: "0"}.get(check, str(check))
    code = "91" + region + org
    return code + stdnum_uscc.calc_check_digit(code)


@dataclass(frozen=True)
class Enterprise:
    uscc: str
    name: str
    phone: str
    filler: str
    figures: dict  # field -> Decimal yuan (money) / int (count) / None (left blank)


def _enterprise(body: str, name: str, phone: str, filler: str, thousand: dict) -> Enterprise:
    figures = {}
    for name_, value in thousand.items():
        if value is None:
            figures[name_] = None
        elif name_ in MONEY_FIELDS:
            figures[name_] = Decimal(str(value)) * 1000
        else:
            figures[name_] = int(value)
    return Enterprise(make_uscc(body), name, phone, filler, figures)


# Figures as reported, money in 千元. Each row satisfies every 审核关系 of §4.3.
ROWS: tuple[Enterprise, ...] = (
    _enterprise(
        "14621001",
        "新昌县示范精密轴承有限公司",
        "0575-86010001",
        "王晓燕",
        {
            "rd_staff": 120,
            "rd_staff_management": 12,
            "rd_staff_female": 30,
            "rd_staff_fulltime": 100,
            "rd_staff_bachelor": 80,
            "rd_staff_external": 6,
            "rd_expense": "12000",
            "cost_personnel": "6000.5",
            "cost_direct": "3500",
            "cost_depreciation": "800",
            "cost_amortisation": "150",
            "cost_design": "300",
            "cost_trial": "420",
            "cost_commissioned": "600",
            "commissioned_institutes": "200",
            "commissioned_universities": "250",
            "commissioned_enterprises": "100",
            "commissioned_abroad": "50",
            "cost_other": "229.5",
            "rd_fixed_assets": "2500",
            "rd_instruments": "1800",
            "fund_self": "10000",
            "fund_government": "1200",
            "fund_bank": "500",
            "fund_venture": "200",
            "fund_other": "100",
            "deduction_rd_expense": "11000",
            "deduction_tax_relief": "2062.5",
            "hnte_tax_relief": "900",
            "institutions": 2,
            "institution_staff": 90,
            "institution_phd": 5,
            "institution_master": 20,
            "institution_expense": "10000",
            "institution_equipment": "15000",
            "patent_applications": 40,
            "invention_applications": 15,
            "valid_inventions": 60,
            "implemented_inventions": 45,
            "patent_transfers": 3,
            "patent_transfer_income": "350",
            "new_product_sales": "180000",
            "new_product_exports": "40000",
            "trademarks": 12,
            "papers": 6,
            "standards": 2,
            "tech_renovation": "5000",
            "domestic_tech_purchase": "300",
            "foreign_tech_import": "800",
            "foreign_tech_assimilation": "120",
            "overseas_institutions": 1,
        },
    ),
    _enterprise(
        "70452318",
        "浙江澄潭示范制药有限公司",
        "0575-86020002",
        "陈建国",
        {
            "rd_staff": 45,
            "rd_staff_management": 5,
            "rd_staff_female": 12,
            "rd_staff_fulltime": 40,
            "rd_staff_bachelor": 30,
            "rd_staff_external": 2,
            "rd_expense": "4100",
            "cost_personnel": "2100",
            "cost_direct": "1350.2",
            "cost_depreciation": "260",
            "cost_amortisation": "40",
            "cost_design": "90",
            "cost_trial": "75",
            "cost_commissioned": "150",
            "commissioned_institutes": "0",
            "commissioned_universities": "150",
            "commissioned_enterprises": "0",
            "commissioned_abroad": "0",
            "cost_other": "34.8",
            "rd_fixed_assets": "600",
            "rd_instruments": "600",
            "fund_self": "3800",
            "fund_government": "300",
            "fund_bank": "0",
            "fund_venture": "0",
            "fund_other": "0",
            "deduction_rd_expense": "3900",
            "deduction_tax_relief": "731.25",
            "hnte_tax_relief": "310",
            "institutions": 1,
            "institution_staff": 40,
            "institution_phd": 1,
            "institution_master": 8,
            "institution_expense": "4100",
            "institution_equipment": "3200",
            "patent_applications": 12,
            "invention_applications": 4,
            "valid_inventions": 18,
            "implemented_inventions": 10,
            "patent_transfers": 0,
            "patent_transfer_income": "0",
            "new_product_sales": "52000",
            "new_product_exports": "0",
            "trademarks": 5,
            "papers": 2,
            "standards": 0,
            "tech_renovation": "1200",
            "domestic_tech_purchase": "0",
            "foreign_tech_import": "0",
            "foreign_tech_assimilation": "0",
            "overseas_institutions": 0,
        },
    ),
    _enterprise(
        "25839640",
        "新昌县七星示范电子科技有限公司",
        "13905750003",
        "李娜",
        {
            "rd_staff": 8,
            "rd_staff_management": 1,
            "rd_staff_female": 2,
            "rd_staff_fulltime": 6,
            "rd_staff_bachelor": 5,
            "rd_staff_external": 0,
            "rd_expense": "760",
            "cost_personnel": "480",
            "cost_direct": "210.5",
            "cost_depreciation": "35",
            "cost_amortisation": "0",
            "cost_design": "0",
            "cost_trial": "12",
            "cost_commissioned": "20",
            "commissioned_institutes": "0",
            "commissioned_universities": "20",
            "commissioned_enterprises": "0",
            "commissioned_abroad": None,
            "cost_other": "2.5",
            "rd_fixed_assets": "45",
            "rd_instruments": "45",
            "fund_self": "700",
            "fund_government": "60",
            "fund_bank": None,
            "fund_venture": None,
            "fund_other": None,
            "deduction_rd_expense": "700",
            "deduction_tax_relief": "131.25",
            "hnte_tax_relief": "0",
            "institutions": 0,
            "institution_staff": 0,
            "institution_phd": 0,
            "institution_master": 0,
            "institution_expense": "0",
            "institution_equipment": "0",
            "patent_applications": 3,
            "invention_applications": 1,
            "valid_inventions": 2,
            "implemented_inventions": 2,
            "patent_transfers": 0,
            "patent_transfer_income": "0",
            "new_product_sales": "6800",
            "new_product_exports": "1200",
            "trademarks": 1,
            "papers": 0,
            "standards": 0,
            "tech_renovation": "0",
            "domestic_tech_purchase": "50",
            "foreign_tech_import": "0",
            "foreign_tech_assimilation": "0",
            "overseas_institutions": 0,
        },
    ),
    _enterprise(
        "66017532",
        "新昌县沃洲示范机械有限公司",
        "0575-86040004",
        "张伟",
        {
            "rd_staff": 22,
            "rd_staff_management": 3,
            "rd_staff_female": 9,
            "rd_staff_fulltime": 22,
            "rd_staff_bachelor": 20,
            "rd_staff_external": 0,
            "rd_expense": "2500",
            "cost_personnel": "1320",
            "cost_direct": "640",
            "cost_depreciation": "118.6",
            "cost_amortisation": "25",
            "cost_design": "60",
            "cost_trial": "0",
            "cost_commissioned": "300",
            "commissioned_institutes": "120",
            "commissioned_universities": "80",
            "commissioned_enterprises": "60",
            "commissioned_abroad": "40",
            "cost_other": "36.4",
            "rd_fixed_assets": "380",
            "rd_instruments": "260",
            "fund_self": "1900",
            "fund_government": "350",
            "fund_bank": "150",
            "fund_venture": "100",
            "fund_other": "0",
            "deduction_rd_expense": "2400",
            "deduction_tax_relief": "450",
            "hnte_tax_relief": "187.5",
            "institutions": 1,
            "institution_staff": 18,
            "institution_phd": 2,
            "institution_master": 6,
            "institution_expense": "2200",
            "institution_equipment": "1900",
            "patent_applications": 9,
            "invention_applications": 3,
            "valid_inventions": 7,
            "implemented_inventions": 5,
            "patent_transfers": 1,
            "patent_transfer_income": "80",
            "new_product_sales": "21000",
            "new_product_exports": "9000",
            "trademarks": 3,
            "papers": 4,
            "standards": 1,
            "tech_renovation": "600",
            "domestic_tech_purchase": "120",
            "foreign_tech_import": "200",
            "foreign_tech_assimilation": "30",
            "overseas_institutions": 0,
        },
    ),
)
EXPECTED: dict[str, dict[str, Decimal | int | None]] = {e.uscc: dict(e.figures) for e in ROWS}


def column_total(field_name: str) -> Decimal | int:
    """The sum a total row shows for a field, in yuan or as a count (blanks as 0)."""
    values = [e.figures[field_name] or 0 for e in ROWS]
    return sum(values, Decimal(0) if field_name in MONEY_FIELDS else 0)


# -- layouts ------------------------------------------------------------------------------

UNIT_FACTORS = {"元": 1, "千元": 1000, "万元": 10000}
UNIT_KEYS = {"元": "yuan", "千元": "thousand", "万元": "ten_thousand"}


@dataclass(frozen=True)
class Layout:
    name: str
    filename: str
    content: bytes
    expected: dict[str, dict[str, Decimal | int | None]]
    default_unit: str = "thousand"
    features: frozenset[str] = frozenset()  # which layout variants this file exercises
    total_label: str | None = None  # the label of its total row ("" when unlabelled)
    skip_reason: str = ""  # set when this machine cannot write the format


@dataclass(frozen=True)
class Spec:
    """How one file is laid out; `build` turns it into a Layout."""

    name: str
    fmt: str  # xlsx | xls | csv-utf8 | csv-utf8-bom | csv-gbk
    depth: int = 1  # header rows: 1 flat, 2 section/leaf, 3 section/sub-group/leaf
    wording: str = "full"  # leaves: "full" (研究开发人员合计) or "short" (合计)
    cost_numbers: str = "dot"  # 1.人员人工费用 / （1） / (1) / 1、 / none
    party_numbers: str = "circled"  # ①境内研究机构
    fund_numbers: str = ""
    funds: str = "laizi"
    section_numbers: str = "section"  # 一、 / （一）
    section_4: str = SECTIONS[4]
    commissioned_group: str = "7.委托外部研究开发费用"  # three-row sub-group heading
    commissioned_total: str = "小计"  # its leaf for the commissioned total
    half_width: bool = False  # () and : instead of （） and ：
    whitespace: bool = False  # spaces, U+3000 and line breaks inside header cells
    bracket_units: bool = False  # every leaf carries its unit: 研究开发费用合计（千元）
    unit: str = "千元"  # money unit the figures are written in
    column_units: tuple[tuple[str, str], ...] = ()  # field -> unit written in its own header
    units_above: str | None = None  # units line above the header
    units_below: bool = False  # a row of units under the leaves
    code_row: str | None = None  # "int" or "str": 甲 乙 丙 1 2 3 under the header
    titles: bool = False
    identity: tuple[str, ...] = ("统一社会信用代码", "单位详细名称")
    seq_column: bool = False  # a 序号 column first
    extra_columns: bool = False  # 联系电话, 填表人 at the end
    spacers: bool = False  # blank rows between enterprises
    total: tuple[str, str] | None = None  # (label, column: uscc | name | seq | none)
    default_unit: str = "thousand"
    features: tuple[str, ...] = ()


@dataclass
class Col:
    path: tuple[str, ...]  # header texts from the top; a shorter path merges its leaf down
    key: str  # an RDRecord field, or uscc / name / seq / phone / filler
    unit: str | None = None  # money columns: the unit their figures are written in


def _punctuate(text: str, spec: Spec) -> str:
    if spec.half_width:
        text = text.replace("（", "(").replace("）", ")").replace("：", ":")
    return text


def _whitespace(text: str, index: int, unit: str) -> str:
    """Spaces as they appear in hand-made headers: indents, padding, wrapped lines."""
    if text.startswith("研究开发") and len(text) > 6:
        return text.replace("研究开发", "研究开发\n", 1) + unit
    middle = len(text) // 2
    kind = index % 4
    if kind == 0:
        return "\u3000\u3000" + text + unit  # ideographic-space indent, as the form does
    if kind == 1:
        return text[:middle] + "\n" + text[middle:] + ("\n" + unit if unit else "")
    if kind == 2:
        return " " + text + " " + unit + "  "
    return text[:middle] + "\u3000" + text[middle:] + unit


def _leaf(item: Item, spec: Spec, *, wording: str) -> str:
    text = item.full if wording == "full" else item.short
    if item.section == 4:
        text = FUND_WORDS[spec.funds][item.ordinal[1] - 1]
    if item.ordinal:
        kind, n = item.ordinal
        style = {"cost": spec.cost_numbers, "party": spec.party_numbers, "fund": spec.fund_numbers}
        prefix = ordinal(style[kind], n)
        if kind == "party" and wording == "full" and not prefix:
            text = "其中：" + text
        text = prefix + text
    return text


def _unit_of(item: Item, spec: Spec) -> str:
    return dict(spec.column_units).get(item.field, spec.unit) if item.money else item.unit


def _bracket_unit(item: Item, spec: Spec) -> str:
    """The unit a leaf carries in brackets, if any: "（千元）"."""
    own = dict(spec.column_units).get(item.field)
    if own or spec.bracket_units:
        return f"（{own or _unit_of(item, spec)}）"
    return ""


def _section(number: int, spec: Spec) -> str:
    title = spec.section_4 if number == 4 else SECTIONS[number]
    return ordinal(spec.section_numbers, number) + title


def _field_columns(spec: Spec) -> list[Col]:
    columns = []
    for index, item in enumerate(ITEMS):
        unit = _unit_of(item, spec) if item.money else None
        if spec.depth == 1:
            path = (_leaf(item, spec, wording="full"),)
        elif spec.depth == 2:
            path = (_section(item.section, spec), _leaf(item, spec, wording=spec.wording))
        else:
            section = _section(item.section, spec)
            if item.group == "commissioned":
                leaf = (
                    spec.commissioned_total
                    if item.field == "cost_commissioned"
                    else _leaf(item, spec, wording="short")
                )
                path = (section, spec.commissioned_group, leaf)
            elif item.group == "其中":
                path = (section, "其中", item.short)
            elif item.group:
                path = (section, GROUPS[item.group], _leaf(item, spec, wording=spec.wording))
            else:
                path = (section, _leaf(item, spec, wording=spec.wording))
        unit_text = _bracket_unit(item, spec)
        if spec.whitespace:
            leaf = _whitespace(path[-1], index, unit_text)
        else:
            leaf = path[-1] + unit_text
        path = tuple(_punctuate(p, spec) for p in (*path[:-1], leaf))
        columns.append(Col(path, item.field, unit))
    return columns


def _columns(spec: Spec) -> list[Col]:
    columns = []
    if spec.seq_column:
        columns.append(Col(("序号",), "seq"))
    keys = ("uscc", "name")
    for key, label in zip(keys, spec.identity, strict=True):
        columns.append(Col((_punctuate(label, spec),), key))
    columns += _field_columns(spec)
    if spec.extra_columns:
        columns += [Col(("联系电话",), "phone"), Col(("填表人",), "filler")]
    return columns


def _in_unit(value: Decimal | int | None, unit: str | None) -> Decimal | int | None:
    if value is None or unit is None:
        return value
    return value / UNIT_FACTORS[unit]


def _grid(spec: Spec) -> tuple[list[list], list[tuple[int, int, int, int]], str | None]:
    """(rows of cell values, merged ranges as (row1, col1, row2, col2) 0-based, total label)."""
    columns = _columns(spec)
    width = len(columns)
    rows: list[list] = []
    merges: list[tuple[int, int, int, int]] = []

    def blank() -> list:
        return [None] * width

    if spec.titles:
        row = blank()
        row[0] = "企业研究开发活动及相关情况"
        merges.append((len(rows), 0, len(rows), min(width, 12) - 1))
        rows.append(row)
        row = blank()
        row[0] = "综合机关名称：新昌县统计局"
        row[width // 2] = "统计年度：2024年"
        row[width - 1] = "表号：107-2表"
        rows.append(row)
    if spec.units_above:
        row = blank()
        row[width - 1 if spec.titles else 0] = spec.units_above
        rows.append(row)
    top = len(rows)
    for level in range(spec.depth):
        row = blank()
        for position, column in enumerate(columns):
            path = column.path
            if level < len(path) - 1:  # a heading over several columns
                before = columns[position - 1].path if position else ()
                if before[: level + 1] == path[: level + 1] and len(before) > level + 1:
                    continue
                end = position
                while (
                    end + 1 < width
                    and len(columns[end + 1].path) > level + 1
                    and columns[end + 1].path[: level + 1] == path[: level + 1]
                ):
                    end += 1
                row[position] = path[level]
                if end > position:
                    merges.append((top + level, position, top + level, end))
            elif level == len(path) - 1:  # the leaf, merged down to the last header row
                row[position] = path[level]
                if level < spec.depth - 1:
                    merges.append((top + level, position, top + spec.depth - 1, position))
        rows.append(row)
    if spec.units_below:
        row = blank()
        for position, column in enumerate(columns):
            if column.key in BY_FIELD:
                row[position] = column.unit or BY_FIELD[column.key].unit
            elif column.key in ("uscc", "name", "seq"):
                row[position] = "—"
        rows.append(row)
    if spec.code_row:
        row = blank()
        letters = iter("甲乙丙丁戊")
        number = 0
        for position, column in enumerate(columns):
            if column.key in BY_FIELD:
                number += 1
                row[position] = number if spec.code_row == "int" else str(number)
            else:
                row[position] = next(letters)
        rows.append(row)
    for index, enterprise in enumerate(ROWS):
        if spec.spacers and index:
            rows.append(blank())
        row = blank()
        for position, column in enumerate(columns):
            if column.key in BY_FIELD:
                row[position] = _in_unit(enterprise.figures[column.key], column.unit)
            else:
                row[position] = {
                    "seq": index + 1,
                    "uscc": enterprise.uscc,
                    "name": enterprise.name,
                    "phone": enterprise.phone,
                    "filler": enterprise.filler,
                }[column.key]
        rows.append(row)
    label = None
    if spec.total:
        label, where = spec.total
        if spec.spacers:
            rows.append(blank())
        row = blank()
        for position, column in enumerate(columns):
            if column.key in BY_FIELD:
                row[position] = _in_unit(column_total(column.key), column.unit)
            elif column.key == where:
                row[position] = label
        rows.append(row)
    return rows, merges, label


def _plain(value) -> object:
    """A cell value as a spreadsheet holds it: ints for whole numbers, floats otherwise."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _xlsx(rows, merges) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "107-2"
    for row in rows:
        sheet.append([_plain(v) for v in row])
    for r1, c1, r2, c2 in merges:
        sheet.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xls(rows, merges) -> bytes:
    import xlwt  # optional: only when installed

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("107-2")
    covered = set()
    for r1, c1, r2, c2 in merges:
        sheet.write_merge(r1, r2, c1, c2, rows[r1][c1])
        covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) not in covered and value is not None:
                sheet.write(r, c, _plain(value))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue().encode(encoding)


def xlwt_missing() -> str:
    try:
        import xlwt  # noqa: F401
    except ImportError:
        return "xlwt is not installed, so no .xls file can be written on this machine"
    return ""


def build(spec: Spec) -> Layout:
    rows, merges, label = _grid(spec)
    suffix = {"xlsx": ".xlsx", "xls": ".xls"}.get(spec.fmt, ".csv")
    skip = ""
    if spec.fmt == "xlsx":
        content = _xlsx(rows, merges)
    elif spec.fmt == "xls":
        skip = xlwt_missing()
        content = b"" if skip else _xls(rows, merges)
    else:
        encoding = {"csv-utf8": "utf-8", "csv-utf8-bom": "utf-8-sig", "csv-gbk": "gbk"}[spec.fmt]
        content = _csv(rows, encoding)
    return Layout(
        name=spec.name,
        filename=f"{spec.name}{suffix}",
        content=content,
        expected={code: dict(figures) for code, figures in EXPECTED.items()},
        default_unit=spec.default_unit,
        features=frozenset((*spec.features, spec.fmt)),
        total_label=label,
        skip_reason=skip,
    )


UNITS_LINE = "计量单位：人、个、件、篇、项、千元"

SPECS: tuple[Spec, ...] = (
    Spec(
        "flat-1row-full-titles-units-above-total-in-name-xlsx",
        "xlsx",
        titles=True,
        units_above=UNITS_LINE,
        total=("合计", "name"),
        features=("flat", "titles", "units-above", "total-in-name", "funds-laizi", "numbers-dot"),
    ),
    Spec(
        "flat-1row-halfwidth-bracket-units-total-in-seq-csv-utf8-bom",
        "csv-utf8-bom",
        half_width=True,
        bracket_units=True,
        fund_numbers="dot",
        seq_column=True,
        total=("总计", "seq"),
        features=("flat", "half-width", "bracket-units", "total-in-seq", "funds-laizi"),
    ),
    Spec(
        "sectioned-2row-short-leaves-code-row-subtotal-in-uscc-xlsx",
        "xlsx",
        depth=2,
        wording="short",
        funds="bare",
        cost_numbers="",
        party_numbers="",
        units_above="计量单位：人、千元、个、件",
        code_row="int",
        total=("小计", "uscc"),
        features=("2row", "short-leaves", "code-row", "units-above", "total-in-uscc", "funds-bare"),
    ),
    Spec(
        "sectioned-2row-short-leaves-code-row-unlabelled-total-csv-gbk",
        "csv-gbk",
        depth=2,
        wording="short",
        funds="bare",
        code_row="str",
        section_4=SECTION_4_ALT,
        total=("", "none"),
        features=("2row", "short-leaves", "code-row", "total-unlabelled", "funds-bare"),
    ),
    Spec(
        "sectioned-2row-full-leaves-units-below-unlabelled-total-xlsx",
        "xlsx",
        depth=2,
        funds="zijin",
        fund_numbers="dot",
        units_below=True,
        section_4=SECTION_4_ALT,
        total=("", "none"),
        features=("2row", "full-leaves", "units-below", "total-unlabelled", "funds-zijin"),
    ),
    Spec(
        "sectioned-2row-full-leaves-units-below-county-total-csv-utf8",
        "csv-utf8",
        depth=2,
        funds="zijin",
        units_below=True,
        titles=True,
        total=("全县合计", "name"),
        features=("2row", "full-leaves", "units-below", "titles", "total-in-name", "funds-zijin"),
    ),
    Spec(
        "sectioned-3row-commissioned-subgroup-titles-total-in-name-xlsx",
        "xlsx",
        depth=3,
        wording="short",
        titles=True,
        units_above=UNITS_LINE,
        total=("合计", "name"),
        features=("3row", "titles", "units-above", "total-in-name", "funds-laizi"),
    ),
    Spec(
        "sectioned-3row-commissioned-subgroup-code-row-total-in-seq-csv-gbk",
        "csv-gbk",
        depth=3,
        commissioned_group="其中：委托外部研究开发费用",
        commissioned_total="合计",
        funds="mixed",
        code_row="str",
        seq_column=True,
        total=("总计", "seq"),
        features=("3row", "full-leaves", "code-row", "total-in-seq", "funds-mixed"),
    ),
    Spec(
        "numbering-paren-ordinals-2row-xlsx",
        "xlsx",
        depth=2,
        section_numbers="section-paren",
        cost_numbers="paren",
        party_numbers="circled",
        fund_numbers="dun",
        funds="bare",
        total=("合计", "name"),
        features=("2row", "numbers-paren", "numbers-circled", "numbers-dun", "section-paren"),
    ),
    Spec(
        "numbering-dun-halfparen-2row-csv-utf8",
        "csv-utf8",
        depth=2,
        cost_numbers="dun",
        party_numbers="paren-half",
        fund_numbers="paren",
        section_numbers="section-paren",
        total=("合计", "name"),
        features=("2row", "numbers-dun", "numbers-paren-half", "numbers-paren", "section-paren"),
    ),
    Spec(
        "punctuation-whitespace-flat-bracket-units-xlsx",
        "xlsx",
        half_width=True,
        whitespace=True,
        bracket_units=True,
        funds="mixed",
        total=("合计", "name"),
        features=("flat", "half-width", "whitespace", "bracket-units", "funds-mixed"),
    ),
    Spec(
        "punctuation-whitespace-2row-full-width-csv-utf8-bom",
        "csv-utf8-bom",
        depth=2,
        whitespace=True,
        bracket_units=True,
        cost_numbers="paren",
        total=("小计", "uscc"),
        features=("2row", "whitespace", "bracket-units", "full-width", "total-in-uscc"),
    ),
    Spec(
        "units-line-wan-over-default-thousand-xlsx",
        "xlsx",
        unit="万元",
        units_above="单位：万元",
        titles=True,
        total=("合计", "name"),
        features=("flat", "units-above", "wan-over-default", "titles"),
    ),
    Spec(
        "units-line-wan-over-default-thousand-csv-gbk",
        "csv-gbk",
        depth=2,
        unit="万元",
        units_above="单位：万元",
        total=("合计", "name"),
        features=("2row", "units-above", "wan-over-default"),
    ),
    Spec(
        "column-unit-overrides-units-line-xlsx",
        "xlsx",
        units_above="计量单位：人、千元、个、件",
        column_units=tuple(
            (item.field, "万元") for item in ITEMS if item.section == 2 and item.money
        ),
        total=("合计", "name"),
        features=("flat", "units-above", "column-unit-wins"),
    ),
    Spec(
        "column-unit-overrides-units-line-csv-utf8",
        "csv-utf8",
        depth=2,
        units_above="单位：千元",
        column_units=(
            *((item.field, "万元") for item in ITEMS if item.section == 4),
            ("new_product_sales", "元"),
            ("new_product_exports", "元"),
        ),
        half_width=True,
        total=("合计", "name"),
        features=("2row", "units-above", "column-unit-wins", "half-width"),
    ),
    Spec(
        "identity-orgcode-extra-columns-spacers-xlsx",
        "xlsx",
        identity=("组织机构代码（统一社会信用代码）", "单位详细名称"),
        seq_column=True,
        extra_columns=True,
        spacers=True,
        titles=True,
        total=("总计", "seq"),
        features=("flat", "identity-orgcode", "extra-columns", "spacers", "titles", "total-in-seq"),
    ),
    Spec(
        "identity-orgcode-extra-columns-spacers-2row-csv-gbk",
        "csv-gbk",
        depth=2,
        identity=("组织机构代码（统一社会信用代码）", "单位名称"),
        seq_column=True,
        extra_columns=True,
        spacers=True,
        titles=True,
        units_below=True,
        total=("全县合计", "seq"),
        features=("2row", "identity-orgcode", "extra-columns", "spacers", "titles", "total-in-seq"),
    ),
    Spec(
        "sectioned-2row-full-leaves-units-below-total-in-name-xls",
        "xls",
        depth=2,
        units_below=True,
        titles=True,
        total=("合计", "name"),
        features=("2row", "full-leaves", "units-below", "titles", "total-in-name"),
    ),
)


def corpus() -> list[Layout]:
    return [build(spec) for spec in SPECS]
