"""Which spreadsheet headers fill which record fields, for the two intake forms.

`RD_GROUPS` and `FINANCIAL_GROUPS` are the forms' own layouts (section heading -> leaf ->
field), which the import template writes. `VOCABULARIES` are what the reader accepts: every
wording, short and full, that statistics offices use for each field, matched by the header
engine (`kechuang.engines.headers`) whatever the numbering, punctuation or row layout.
"""

from kechuang.engines.headers import Term, Vocabulary
from kechuang.registry.importers import ENTERPRISE_HEADERS

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


STAFF = ("研究开发人员", "研究开发人员情况", "研发人员")
COSTS = ("研究开发费用", "研究开发经费支出", "研发经费")
COMMISSIONED = ("委托外部研究开发费用", "委托外部研究开发")
ASSETS = ("研究开发资产", "当年形成用于研究开发的固定资产", "研发固定资产")
FUNDING = ("资金来源", "经费来源", "研究开发费用资金来源", "研究开发费用来源")
INSTITUTIONS = ("企业办研究开发机构", "企业办研发机构", "研究开发机构情况")
APPLICATIONS = ("当年专利申请数", "专利申请")
VALID_PATENTS = ("期末有效发明专利数", "有效发明专利")
NEW_PRODUCTS = ("新产品销售收入",)


def _terms(*rows: tuple) -> tuple[Term, ...]:
    return tuple(Term(field, names, *rest) for field, names, *rest in rows)


IDENTITY_TERMS = tuple(Term(field, names) for field, names in ENTERPRISE_HEADERS.items())

RD_TERMS = _terms(
    ("rd_staff", ("研究开发人员合计", "研究开发人员", "研发人员数"), ("合计", "小计"), STAFF),
    ("rd_staff_management", ("研究开发管理和服务人员",), ("管理和服务人员",), STAFF),
    ("rd_staff_female", ("女性研究开发人员",), ("女性",), STAFF),
    ("rd_staff_fulltime", ("全职研究开发人员",), ("全职人员", "全职"), STAFF),
    (
        "rd_staff_bachelor",
        ("本科毕业及以上研究开发人员",),
        ("本科毕业及以上人员", "本科毕业及以上", "本科及以上人员", "本科及以上"),
        STAFF,
    ),
    ("rd_staff_external", ("外聘研究开发人员",), ("外聘人员", "外聘"), STAFF),
    (
        "rd_expense",
        ("研究开发费用合计", "研究开发费用", "研究开发经费支出合计", "研究开发费用总额"),
        ("合计", "小计"),
        COSTS,
    ),
    ("cost_personnel", ("人员人工费用", "人员人工", "人员人工费")),
    ("cost_direct", ("直接投入费用", "直接投入", "直接投入费")),
    (
        "cost_depreciation",
        ("折旧费用与长期待摊费用", "折旧与长期待摊费用", "折旧费用与长期待摊", "折旧与长期待摊"),
    ),
    ("cost_amortisation", ("无形资产摊销费用", "无形资产摊销", "无形资产摊销费")),
    ("cost_design", ("设计费用", "设计费", "新产品设计费")),
    (
        "cost_trial",
        (
            "装备调试费用与试验费用",
            "装备调试费与试验费",
            "装备调试费用与试验",
            "装备调试与试验费用",
            "装备调试与试验",
        ),
    ),
    (
        "cost_commissioned",
        ("委托外部研究开发费用", "委托外部研究开发", "委托外部研究开发费"),
        ("合计", "小计"),
        COMMISSIONED,
    ),
    ("commissioned_institutes", ("委托境内研究机构", "境内研究机构", "对境内研究机构支出")),
    (
        "commissioned_universities",
        ("委托境内高等学校", "境内高等学校", "境内高校", "对境内高等学校支出"),
    ),
    ("commissioned_enterprises", ("委托境内企业", "境内企业", "对境内企业支出")),
    ("commissioned_abroad", ("委托境外机构", "境外机构", "对境外机构支出")),
    ("cost_other", ("其他费用", "其他相关费用", "其他费"), ("其他",), COSTS),
    (
        "rd_fixed_assets",
        ("当年形成用于研究开发的固定资产", "用于研究开发的固定资产", "研究开发固定资产"),
        ("合计", "小计"),
        ASSETS,
    ),
    ("rd_instruments", ("研究开发仪器和设备",), ("仪器和设备", "仪器设备"), ASSETS),
    ("fund_self", ("企业自筹", "来自企业自筹", "企业资金", "企业自有资金", "来自企业")),
    ("fund_government", ("政府部门", "来自政府部门", "政府资金", "来自政府")),
    ("fund_bank", ("银行贷款", "来自银行贷款", "银行资金")),
    ("fund_venture", ("风险投资", "来自风险投资", "风险投资资金")),
    ("fund_other", ("其他渠道", "来自其他渠道", "其他资金", "其他来源"), ("其他",), FUNDING),
    (
        "deduction_rd_expense",
        (
            "申报加计扣除减免税的研究开发支出",
            "申报加计扣除减免税的研发支出",
            "申报加计扣除的研究开发支出",
        ),
    ),
    ("deduction_tax_relief", ("加计扣除减免税金额", "加计扣除减免税", "研发费用加计扣除减免税")),
    ("hnte_tax_relief", ("高新技术企业减免税金额", "高新技术企业减免税")),
    ("institutions", ("期末机构数", "研究开发机构数", "机构数"), ("合计",), INSTITUTIONS),
    (
        "institution_staff",
        ("机构研究开发人员", "机构研究开发人员数"),
        ("研究开发人员", "合计"),
        INSTITUTIONS,
    ),
    ("institution_phd", ("博士毕业", "博士"), (), ()),
    ("institution_master", ("硕士毕业", "硕士"), (), ()),
    (
        "institution_expense",
        ("机构研究开发费用", "机构研究开发经费支出"),
        ("研究开发费用", "研究开发经费支出"),
        INSTITUTIONS,
    ),
    (
        "institution_equipment",
        ("期末仪器和设备原价", "机构仪器和设备原价", "仪器和设备原价"),
        ("仪器和设备", "仪器设备"),
        INSTITUTIONS,
    ),
    ("patent_applications", ("当年专利申请数", "专利申请数"), ("合计",), APPLICATIONS),
    (
        "invention_applications",
        ("发明专利申请数", "发明专利申请"),
        ("发明专利", "发明"),
        APPLICATIONS,
    ),
    ("valid_inventions", ("期末有效发明专利数", "有效发明专利数"), ("合计",), VALID_PATENTS),
    (
        "implemented_inventions",
        ("已被实施的有效发明专利数",),
        ("已被实施", "已实施", "已被实施的"),
        VALID_PATENTS,
    ),
    ("patent_transfers", ("专利所有权转让及许可数", "专利转让及许可数")),
    ("patent_transfer_income", ("专利所有权转让及许可收入", "专利转让及许可收入")),
    ("new_product_sales", ("新产品销售收入",), ("合计",), NEW_PRODUCTS),
    (
        "new_product_exports",
        ("新产品出口收入", "新产品销售收入出口"),
        ("出口", "出口收入"),
        NEW_PRODUCTS,
    ),
    ("trademarks", ("期末拥有注册商标", "期末注册商标", "期末拥有注册商标数", "注册商标数")),
    ("papers", ("发表科技论文", "发表科技论文数")),
    ("standards", ("形成国家或行业标准", "形成国家或行业标准数")),
    ("tech_renovation", ("技术改造经费支出", "技术改造经费")),
    ("domestic_tech_purchase", ("购买境内技术经费支出", "购买境内技术经费", "购买境内技术")),
    ("foreign_tech_import", ("引进境外技术经费支出", "引进境外技术经费", "引进境外技术")),
    (
        "foreign_tech_assimilation",
        (
            "引进境外技术的消化吸收经费支出",
            "引进境外技术消化吸收经费支出",
            "引进境外技术消化吸收经费",
            "引进境外技术消化吸收",
        ),
    ),
    (
        "overseas_institutions",
        ("在境外设立的研究开发机构数", "期末企业在境外设立的研究开发机构数", "境外研究开发机构数"),
    ),
)

FINANCIAL_TERMS = _terms(
    ("revenue", ("营业收入", "营业收入合计")),
    ("main_revenue", ("主营业务收入",)),
    ("total_assets", ("资产总计", "资产总额")),
    ("net_assets", ("所有者权益合计", "所有者权益", "净资产")),
    ("cost_expense_total", ("成本费用总额", "成本费用合计")),
    ("employees", ("从业人员期末人数", "从业人员", "从业人员平均人数", "职工总数")),
    ("tech_staff", ("科技人员", "科技人员数")),
    ("rd_expense_hnte", ("研发费用（高企认定口径）", "研究开发费用（高新技术企业认定口径）")),
    ("rd_expense_deduction", ("研发费用（加计扣除口径）", "研究开发费用（加计扣除口径）")),
)

VOCABULARIES = {
    "rd": Vocabulary((*IDENTITY_TERMS, *RD_TERMS)),
    "financial": Vocabulary((*IDENTITY_TERMS, *FINANCIAL_TERMS)),
}
IDENTITY_FIELDS = frozenset(term.field for term in IDENTITY_TERMS)
IDENTITY_LABELS = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "town": "乡镇街道",
    "industry": "行业代码",
}
UNIT_NAMES = {1: "元", 1_000: "千元", 10_000: "万元"}  # yuan per unit -> the unit's name
UNIT_KEYS = {"元": "yuan", "千元": "thousand", "万元": "ten_thousand"}
COUNT_UNITS = {
    "institutions": "个",
    "overseas_institutions": "个",
    "patent_applications": "件",
    "invention_applications": "件",
    "valid_inventions": "件",
    "implemented_inventions": "件",
    "patent_transfers": "件",
    "trademarks": "件",
    "papers": "篇",
    "standards": "项",
}
"""Count fields not measured in 人 (persons), by the unit the form states."""
