from django.db import models


class OrgKind(models.TextChoices):
    """Organisation kinds. Administrative kinds cover the rows of their region."""

    BUREAU = "bureau", "科技主管部门"
    GOVERNMENT = "government", "政府及领导"
    DEPARTMENT = "department", "其他部门"
    TOWN = "town", "乡镇街道"
    ENTERPRISE = "enterprise", "企业"
    INSTITUTION = "institution", "高校院所"
    SERVICE = "service", "服务机构"


ADMINISTRATIVE_KINDS = {OrgKind.BUREAU, OrgKind.GOVERNMENT, OrgKind.DEPARTMENT, OrgKind.TOWN}


class DataScope(models.TextChoices):
    """RuoYi's five data-scope levels."""

    ALL = "all", "全部数据"
    CUSTOM = "custom", "自定义组织数据"
    ORG = "org", "本组织数据"
    ORG_AND_BELOW = "org_below", "本组织及以下数据"
    SELF = "self", "仅本人数据"
