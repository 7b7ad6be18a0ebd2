from django.db import models


class RuleCode(models.TextChoices):
    HNTE = "hnte", "高新技术企业认定"
    SME = "sme", "科技型中小企业评价"


class Verdict(models.TextChoices):
    ELIGIBLE = "eligible", "符合条件"
    NEEDS_INFO = "needs_info", "需补充信息"
    NOT_ELIGIBLE = "not_eligible", "不符合条件"


class CriterionVerdict(models.TextChoices):
    MET = "met", "符合"
    NEEDS_INFO = "needs_info", "需补充信息"
    NOT_MET = "not_met", "不符合"


class IpKind(models.TextChoices):
    """工作指引 三(二): Ⅰ类 first, then Ⅱ类; trademarks do not count."""

    INVENTION = "invention", "发明专利（含国防专利）"
    PLANT_VARIETY = "plant_variety", "植物新品种"
    CROP_VARIETY = "crop_variety", "国家级农作物品种"
    NEW_DRUG = "new_drug", "国家新药"
    TCM_PROTECTED = "tcm_protected", "国家一级中药保护品种"
    IC_LAYOUT = "ic_layout", "集成电路布图设计专有权"
    UTILITY_MODEL = "utility_model", "实用新型专利"
    DESIGN = "design", "外观设计专利"
    SOFTWARE = "software", "软件著作权"


CLASS_ONE_KINDS = frozenset(
    {
        IpKind.INVENTION,
        IpKind.PLANT_VARIETY,
        IpKind.CROP_VARIETY,
        IpKind.NEW_DRUG,
        IpKind.TCM_PROTECTED,
        IpKind.IC_LAYOUT,
    }
)


class IpAcquisition(models.TextChoices):
    OWN = "own", "自主研发"
    TRANSFERRED = "transferred", "受让"
    GIFTED = "gifted", "受赠"
    MERGED = "merged", "并购"


class EventKind(models.TextChoices):
    """Dated facts the rules look back on: the first four rule an enterprise out for a
    period, the last three open a 科小 direct-confirmation route."""

    SAFETY_INCIDENT = "safety_incident", "重大安全事故"
    QUALITY_INCIDENT = "quality_incident", "重大质量事故"
    ENVIRONMENT_VIOLATION = "environment_violation", "严重环境违法行为"
    RESEARCH_MISCONDUCT = "research_misconduct", "科研严重失信行为"
    ABNORMAL_LIST = "abnormal_list", "列入经营异常名录"
    DISHONEST_LIST = "dishonest_list", "列入严重违法失信企业名单"
    STANDARD_LED = "standard_led", "主导制定国际、国家或行业标准（排名前五）"
    NATIONAL_AWARD = "national_award", "获国家级科技奖励（获奖单位排名前三）"


HNTE_INCIDENTS = frozenset(
    {EventKind.SAFETY_INCIDENT, EventKind.QUALITY_INCIDENT, EventKind.ENVIRONMENT_VIOLATION}
)
SME_MISCONDUCT = HNTE_INCIDENTS | {
    EventKind.RESEARCH_MISCONDUCT,
    EventKind.ABNORMAL_LIST,
    EventKind.DISHONEST_LIST,
}


class FactSource(models.TextChoices):
    ENTERPRISE = "enterprise", "企业填报"
    BUREAU = "bureau", "科技局录入"
    IP_OFFICE = "ip_office", "知识产权部门"
    TAX = "tax", "税务部门"
    MARKET = "market", "市场监管部门"
    ENVIRONMENT = "environment", "生态环境部门"
    EMERGENCY = "emergency", "应急管理部门"
    OTHER = "other", "其他"


class PolicyKind(models.TextChoices):
    RD_INCREASE = "rd_increase", "研发投入增量补助（按增量比例，封顶）"
    RD_SHARE = "rd_share", "研发投入补助（按当年研发投入比例，封顶）"
    FIXED = "fixed", "定额奖励或券额"


class RdCaliber(models.TextChoices):
    """Which R&D figure a policy pays on: the three calibers are kept apart (RULES.md §4.4)."""

    STATISTICAL = "statistical", "研发统计口径（107-2）"
    DEDUCTION = "deduction", "加计扣除口径"
    HNTE = "hnte", "高企认定口径"


class Stage(models.TextChoices):
    STARTUP = "startup", "初创期"
    GROWTH = "growth", "成长期"
    MATURE = "mature", "稳定期"


class FlagStatus(models.TextChoices):
    CONFIRMED = "confirmed", "企业已确认"
    OPEN = "open", "待处理"
    FIXED = "fixed", "已更正"
    KEPT = "kept", "核实无误"
