"""Which spreadsheet headers fill which record fields, for the two intake forms.

Headers are matched after normalisation (spaces, numbering, "其中", units in brackets and
"研究开发" vs "研发" spellings removed), so the official two-row 107-2 layout
("研究开发人员" over "合计 / 女性 / ...") and flattened one-row variants both match.
"""

import re

IDENTITY_LABELS = {
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "组织机构代码", "单位代码"),
    "name": ("单位详细名称", "单位名称", "企业名称", "详细名称", "名称"),
    "town": ("乡镇街道", "所在乡镇街道", "乡镇", "街道"),
    "industry": ("行业代码", "国民经济行业代码", "行业小类代码"),
}

# parent header -> {child header: field}; a child under no parent is matched on its own.
RD_GROUPS: dict[str, dict[str, str]] = {
    "研究开发人员": {
        "合计": "rd_staff",
        "管理和服务人员": "rd_staff_management",
        "女性": "rd_staff_female",
        "全职人员": "rd_staff_fulltime",
        "本科毕业及以上": "rd_staff_bachelor",
        "外聘人员": "rd_staff_external",
    },
    "研究开发费用": {
        "合计": "rd_expense",
        "人员人工费用": "cost_personnel",
        "直接投入费用": "cost_direct",
        "折旧费用与长期待摊费用": "cost_depreciation",
        "无形资产摊销费用": "cost_amortisation",
        "设计费用": "cost_design",
        "装备调试费用与试验费用": "cost_trial",
        "委托外部研究开发费用": "cost_commissioned",
        "境内研究机构": "commissioned_institutes",
        "境内高等学校": "commissioned_universities",
        "境内企业": "commissioned_enterprises",
        "境外机构": "commissioned_abroad",
        "其他费用": "cost_other",
    },
    "研究开发资产": {
        "当年形成用于研究开发的固定资产": "rd_fixed_assets",
        "仪器和设备": "rd_instruments",
    },
    "研究开发费用资金来源": {
        "企业自筹": "fund_self",
        "来自政府部门": "fund_government",
        "来自银行贷款": "fund_bank",
        "来自风险投资": "fund_venture",
        "来自其他渠道": "fund_other",
    },
    "政策落实情况": {
        "申报加计扣除减免税的研究开发支出": "deduction_rd_expense",
        "加计扣除减免税金额": "deduction_tax_relief",
        "高新技术企业减免税金额": "hnte_tax_relief",
    },
    "企业办研究开发机构": {
        "期末机构数": "institutions",
        "机构研究开发人员": "institution_staff",
        "博士毕业": "institution_phd",
        "硕士毕业": "institution_master",
        "机构研究开发费用": "institution_expense",
        "期末仪器和设备原价": "institution_equipment",
    },
    "研究开发产出及相关情况": {
        "当年专利申请数": "patent_applications",
        "发明专利": "invention_applications",
        "期末有效发明专利数": "valid_inventions",
        "已被实施": "implemented_inventions",
        "专利所有权转让及许可数": "patent_transfers",
        "专利所有权转让及许可收入": "patent_transfer_income",
        "新产品销售收入": "new_product_sales",
        "出口": "new_product_exports",
        "期末拥有注册商标": "trademarks",
        "发表科技论文": "papers",
        "形成国家或行业标准": "standards",
    },
    "其他相关情况": {
        "技术改造经费支出": "tech_renovation",
        "购买境内技术经费支出": "domestic_tech_purchase",
        "引进境外技术经费支出": "foreign_tech_import",
        "引进境外技术的消化吸收经费支出": "foreign_tech_assimilation",
        "在境外设立的研究开发机构数": "overseas_institutions",
    },
}

FINANCIAL_GROUPS: dict[str, dict[str, str]] = {
    "": {
        "营业收入": "revenue",
        "主营业务收入": "main_revenue",
        "资产总计": "total_assets",
        "资产总额": "total_assets",
        "所有者权益": "net_assets",
        "净资产": "net_assets",
        "所有者权益合计": "net_assets",
        "成本费用总额": "cost_expense_total",
        "成本费用合计": "cost_expense_total",
        "从业人员期末人数": "employees",
        "从业人员": "employees",
        "科技人员": "tech_staff",
        "研发费用高企认定口径": "rd_expense_hnte",
        "研发费用加计扣除口径": "rd_expense_deduction",
    }
}

UNIT_WORDS = {"元": "yuan", "千元": "thousand", "万元": "ten_thousand"}
UNIT_NAMES = {1: "元", 1_000: "千元", 10_000: "万元"}  # yuan per unit -> the unit's name
COUNT_UNITS = {"人", "个", "件", "项", "篇", "人年", "人月", "家"}
_BRACKETS = re.compile(r"[（(]([^）)]*)[）)]")
_NUMBERING = re.compile(r"^([一二三四五六七八九十]+、|\d+[、.．]|[（(]\d+[）)]|[①②③④⑤⑥⑦⑧⑨⑩])")


def unit_of(text: str) -> str | None:
    """The money unit written in a header or units cell, e.g. '费用（千元）' -> 'thousand'."""
    text = str(text or "").strip()
    if text in UNIT_WORDS:
        return UNIT_WORDS[text]
    for inner in _BRACKETS.findall(text):
        inner = inner.replace("单位", "").replace("：", "").replace(":", "").strip()
        if inner in UNIT_WORDS:
            return UNIT_WORDS[inner]
    return None


def _is_unit_note(inner: str) -> bool:
    inner = inner.replace("单位", "").replace("：", "").replace(":", "").strip()
    return (
        not inner
        or inner in UNIT_WORDS
        or inner in COUNT_UNITS
        or inner.isdigit()
        or all(ch in "一二三四五六七八九十" for ch in inner)
    )


def normalise(text: object, *, keep_notes: bool = True) -> str:
    """A header reduced to what names its field: no spaces, numbering, units or "其中".

    A bracketed note that is not a unit ("研发费用（高企认定口径）") stays, since it tells one
    caliber from another; `keep_notes=False` drops every bracket, for headers whose notes
    name nothing the lookup knows."""
    value = re.sub(r"\s", "", str(text or ""))
    value = _BRACKETS.sub(
        lambda m: "" if not keep_notes or _is_unit_note(m.group(1)) else m.group(1), value
    )
    value = _NUMBERING.sub("", value)
    for prefix in ("其中：", "其中:", "其中"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    value = value.replace("研究与试验发展", "研发").replace("研究开发", "研发")
    value = value.replace("：", "").replace(":", "").replace("*", "").replace("＊", "")
    return value


def build_lookup(groups: dict[str, dict[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """(keys with their parent, child-only keys that are unambiguous) -> field."""
    qualified: dict[str, str] = {}
    child_counts: dict[str, set[str]] = {}
    for parent, children in groups.items():
        for child, field in children.items():
            qualified[normalise(parent) + normalise(child)] = field
            child_counts.setdefault(normalise(child), set()).add(field)
    unique = {
        child: next(iter(fields)) for child, fields in child_counts.items() if len(fields) == 1
    }
    unique.pop("合计", None)
    return qualified, unique


IDENTITY_LOOKUP = {
    normalise(label): field for field, labels in IDENTITY_LABELS.items() for label in labels
}
