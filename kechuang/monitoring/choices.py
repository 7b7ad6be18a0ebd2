from django.db import models


class Department(models.TextChoices):
    """Where a figure came from."""

    STATISTICS = "statistics", "统计局"
    ECONOMY = "economy", "经信局"
    TAX = "tax", "税务局"
    BUREAU = "bureau", "科技局"
    ENTERPRISE = "enterprise", "企业填报"


class SourceUnit(models.TextChoices):
    YUAN = "yuan", "元"
    THOUSAND = "thousand", "千元"
    TEN_THOUSAND = "ten_thousand", "万元"


UNIT_FACTORS = {SourceUnit.YUAN: 1, SourceUnit.THOUSAND: 1_000, SourceUnit.TEN_THOUSAND: 10_000}


class BatchKind(models.TextChoices):
    RD = "rd", "研发统计（107-2）"
    FINANCIAL = "financial", "规上企业财务指标"


class BatchStatus(models.TextChoices):
    """validated -> committed -> rolled_back; validated batches with errors stay failed.
    A validated or failed batch may be discarded instead of committed."""

    VALIDATED = "validated", "已校验待提交"
    FAILED = "failed", "校验未通过"
    COMMITTED = "committed", "已提交"
    ROLLED_BACK = "rolled_back", "已撤销"
    DISCARDED = "discarded", "已放弃"


class AlertKind(models.TextChoices):
    RD_DROP = "rd_drop", "研发投入大幅下降"
    ZERO_RD_STREAK = "zero_rd_streak", "连续零研发"
    HNTE_EXPIRING = "hnte_expiring", "高企资格即将到期"
    LEFT_ABOVE_SCALE = "left_above_scale", "退出规上"


class PoolStatus(models.TextChoices):
    ACTIVE = "active", "培育中"
    GRADUATED = "graduated", "已达成目标"
    REMOVED = "removed", "已出库"


class Quarter(models.IntegerChoices):
    """The period of a return: the year, or the quarters reported cumulatively."""

    ANNUAL = 0, "年报"
    Q1 = 1, "一季度（累计）"
    Q2 = 2, "二季度（累计）"
    Q3 = 3, "三季度（累计）"
    Q4 = 4, "四季度（累计）"
