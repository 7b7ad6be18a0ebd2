"""The shipped indicator catalog, default framework and peers (configuration the bureau can change).

The province's county index (《浙江省及各市、县（市、区）科技进步统计监测报告》) is organised in
five domains: 科技投入, 技术创新, 科技产出, 转型升级, 创新环境 (RULES.md §5); its full indicator
list is not public, so the framework below is built from the indicators the seed and the
report name, and every weight and indicator can be revised as a new framework version.
"""

BULLETIN, COMPUTED, RATIO = "bulletin", "computed", "ratio"

# code, name, unit, direction, kind, definition, usual source, decimals, extra
CATALOG = (
    ("gdp", "地区生产总值", "亿元", 1, BULLETIN, "按当年价格计算的地区生产总值", "国民经济和社会发展统计公报", 2, {}),
    ("rd_total", "全社会R&D经费支出", "亿元", 1, BULLETIN, "全社会研究与试验发展经费内部支出合计", "统计公报、R&D经费投入统计公报", 2, {}),
    ("population", "常住人口", "万人", 1, BULLETIN, "年末常住人口", "国民经济和社会发展统计公报", 2, {}),
    ("employment", "就业人员", "万人", 1, BULLETIN, "年末全社会就业人员", "统计年鉴", 2, {}),
    ("fiscal_expenditure", "一般公共预算支出", "亿元", 1, BULLETIN, "一般公共预算支出合计", "财政决算报告", 2, {}),
    ("fiscal_st", "地方财政科技支出", "亿元", 1, BULLETIN, "一般公共预算支出中的科学技术支出", "财政决算报告", 2, {}),
    ("tech_contract", "技术合同成交额", "亿元", 1, BULLETIN, "经认定登记的技术合同成交额", "技术市场统计", 2, {}),
    ("valid_inventions", "有效发明专利拥有量", "件", 1, BULLETIN, "年末有效发明专利数", "市场监管（知识产权）部门", 0, {}),
    ("rd_personnel", "R&D人员全时当量", "人年", 1, BULLETIN, "研究与试验发展人员全时当量", "R&D统计", 0, {}),
    ("platforms", "省级以上科技创新平台数", "个", 1, BULLETIN, "省级以上重点实验室、技术创新中心、企业研究院、新型研发机构等", "科技部门统计", 0, {}),
    ("incubators", "科技企业孵化器和众创空间数", "个", 1, BULLETIN, "省级以上科技企业孵化器、众创空间", "科技部门统计", 0, {}),
    ("hitech_va_share", "高新技术产业增加值占规上工业比重", "%", 1, BULLETIN, "高新技术产业增加值 ÷ 规模以上工业增加值", "统计公报", 2, {}),
    ("digital_share", "数字经济核心产业增加值占GDP比重", "%", 1, BULLETIN, "数字经济核心产业增加值 ÷ 地区生产总值", "统计公报", 2, {}),
    ("new_product_rate", "规上工业新产品产值率", "%", 1, BULLETIN, "规模以上工业新产品产值 ÷ 工业总产值", "统计公报", 2, {}),
    ("tech_sme_total", "科技型中小企业数", "家", 1, BULLETIN, "有效入库的科技型中小企业", "科技部门统计", 0, {}),
    (
        "hnte_total", "高新技术企业数", "家", 1, COMPUTED,
        "年末仍在有效期内的高新技术企业；本县及乡镇由企业库资质计算，其他地区录入", "科技部门统计", 0,
        {"calculator": "hnte_total"},
    ),
    (
        "above_rd_intensity", "规上工业企业R&D经费支出占营业收入比重", "%", 1, COMPUTED,
        "规上工业企业研发投入合计 ÷ 营业收入合计（RULES.md §4.4）；本县及乡镇由监测结果计算", "统计公报、107-2 表", 2,
        {"calculator": "above_rd_intensity"},
    ),
    (
        "rd_institution_share", "规上工业企业研发机构设置率", "%", 1, COMPUTED,
        "设有研发机构的规上工业企业 ÷ 规上工业企业数；本县及乡镇由 107-2 表计算", "科技部门统计", 2,
        {"calculator": "rd_institution_share"},
    ),
    (
        "rd_coverage", "规上工业企业研发活动覆盖率", "%", 1, COMPUTED,
        "有研发投入的规上工业企业 ÷ 规上工业企业数", "研发监测结果", 2, {"calculator": "rd_coverage"},
    ),
    (
        "enterprise_rd", "企业研发投入", "亿元", 1, COMPUTED,
        "监测企业研发投入合计（107-2 表口径）", "研发监测结果", 2, {"calculator": "enterprise_rd"},
    ),
    (
        "enterprise_rd_growth", "企业研发投入增长率", "%", 1, COMPUTED,
        "本年与上年监测企业研发投入合计之比减 1", "研发监测结果", 2, {"calculator": "enterprise_rd_growth"},
    ),
    (
        "above_scale_count", "规上工业企业数", "家", 1, COMPUTED,
        "监测结果中的规上工业企业", "研发监测结果", 0, {"calculator": "above_scale_count"},
    ),
    (
        "full_coverage_share", "五个全覆盖达标率", "%", 1, COMPUTED,
        "五个全覆盖各项均已覆盖的规上工业企业 ÷ 规上工业企业数", "研发监测结果", 2,
        {"calculator": "full_coverage_share"},
    ),
    (
        "rd_gdp", "R&D经费支出占GDP比重", "%", 1, RATIO,
        "全社会R&D经费支出 ÷ 地区生产总值（RULES.md §4.4）", "由两项公报数据算出", 2,
        {"numerator": "rd_total", "denominator": "gdp", "scale": 100},
    ),
    (
        "fiscal_st_share", "财政科技支出占一般公共预算支出比重", "%", 1, RATIO,
        "地方财政科技支出 ÷ 一般公共预算支出", "由两项公报数据算出", 2,
        {"numerator": "fiscal_st", "denominator": "fiscal_expenditure", "scale": 100},
    ),
    (
        "tech_contract_gdp", "技术合同成交额占GDP比重", "%", 1, RATIO,
        "技术合同成交额 ÷ 地区生产总值", "由两项公报数据算出", 2,
        {"numerator": "tech_contract", "denominator": "gdp", "scale": 100},
    ),
    (
        "inventions_per_10k", "每万人有效发明专利拥有量", "件", 1, RATIO,
        "有效发明专利拥有量 ÷ 常住人口（万人）", "由两项公报数据算出", 2,
        {"numerator": "valid_inventions", "denominator": "population", "scale": 1},
    ),
    (
        "rd_personnel_per_10k", "每万名就业人员中R&D人员", "人年", 1, RATIO,
        "R&D人员全时当量 ÷ 就业人员（万人）", "由两项公报数据算出", 2,
        {"numerator": "rd_personnel", "denominator": "employment", "scale": 1},
    ),
    (
        "labour_productivity", "全员劳动生产率", "万元/人", 1, RATIO,
        "地区生产总值 ÷ 就业人员", "由两项公报数据算出", 2,
        {"numerator": "gdp", "denominator": "employment", "scale": 1},
    ),
)

FRAMEWORK_VERSION = "2024-default"
FRAMEWORK_TITLE = "县（市、区）创新指数（五个领域）"
# iCode, iName, Level, Parent, Direction, Weight, Denominator
FRAMEWORK = (
    ("rd_gdp", "R&D经费支出占GDP比重", 1, "input", 1, 1, ""),
    ("above_rd_intensity", "规上工业R&D经费占营业收入比重", 1, "input", 1, 1, ""),
    ("rd_personnel_per_10k", "每万名就业人员中R&D人员", 1, "input", 1, 1, ""),
    ("rd_institution_share", "规上工业企业研发机构设置率", 1, "innovation", 1, 1, ""),
    ("hnte_total", "每亿元GDP高新技术企业数", 1, "innovation", 1, 1, "gdp"),
    ("tech_sme_total", "每亿元GDP科技型中小企业数", 1, "innovation", 1, 1, "gdp"),
    ("new_product_rate", "规上工业新产品产值率", 1, "innovation", 1, 1, ""),
    ("inventions_per_10k", "每万人有效发明专利拥有量", 1, "output", 1, 1, ""),
    ("tech_contract_gdp", "技术合同成交额占GDP比重", 1, "output", 1, 1, ""),
    ("hitech_va_share", "高新技术产业增加值占规上工业比重", 1, "upgrading", 1, 1, ""),
    ("labour_productivity", "全员劳动生产率", 1, "upgrading", 1, 1, ""),
    ("digital_share", "数字经济核心产业增加值占GDP比重", 1, "upgrading", 1, 1, ""),
    ("fiscal_st_share", "财政科技支出占比", 1, "environment", 1, 1, ""),
    ("platforms", "每亿元GDP省级以上科技创新平台数", 1, "environment", 1, 1, "gdp"),
    ("incubators", "每万人孵化器和众创空间数", 1, "environment", 1, 1, "population"),
    ("input", "科技投入", 2, "Index", 1, 1, ""),
    ("innovation", "技术创新", 2, "Index", 1, 1, ""),
    ("output", "科技产出", 2, "Index", 1, 1, ""),
    ("upgrading", "转型升级", 2, "Index", 1, 1, ""),
    ("environment", "创新环境", 2, "Index", 1, 1, ""),
    ("Index", "创新指数", 3, "", 1, 1, ""),
)
FRAMEWORK_COLUMNS = ("iCode", "iName", "Level", "Parent", "Direction", "Weight", "Denominator")

DEFAULT_PEERS = ("330108", "330110", "330521", "330402")  # 滨江, 余杭, 德清, 南湖 (the seed's peers)


def framework_rows() -> list[dict]:
    return [dict(zip(FRAMEWORK_COLUMNS, row, strict=True)) for row in FRAMEWORK]
