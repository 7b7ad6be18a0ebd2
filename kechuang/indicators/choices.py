from django.db import models


class IndicatorKind(models.TextChoices):
    BULLETIN = "bulletin", "统计公报等来源录入"
    COMPUTED = "computed", "由企业数据计算"
    RATIO = "ratio", "由两项指标相除"


class Direction(models.IntegerChoices):
    UP = 1, "越大越好"
    DOWN = -1, "越小越好"


class ValueOrigin(models.TextChoices):
    ENTERED = "entered", "手工录入"
    IMPORTED = "imported", "文件导入"
    DERIVED = "derived", "由其他指标算出"
    COMPUTED = "computed", "由企业数据计算"
