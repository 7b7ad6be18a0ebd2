from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    TOWN = "town", "乡镇街道"


class EnterpriseStatus(models.TextChoices):
    """Enterprises are never deleted; they leave the active list by status."""

    ACTIVE = "active", "存续"
    MOVED_OUT = "moved_out", "迁出"
    CLOSED = "closed", "注销"
    REVOKED = "revoked", "吊销"


class SizeClass(models.TextChoices):
    """统计上大中小微型企业划分."""

    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


class UsccState(models.TextChoices):
    VALID = "valid", "校验通过"
    LEGACY = "legacy", "早期试点代码（校验位不符）"


class QualificationKind(models.TextChoices):
    TECH_SME = "tech_sme", "科技型中小企业"
    HNTE = "hnte", "高新技术企业"
    INNOVATIVE_SME = "innovative_sme", "创新型中小企业"
    SRDI_PROVINCE = "srdi_province", "省级专精特新中小企业"
    SRDI_NATIONAL = "srdi_national", "国家级专精特新“小巨人”企业"
    RD_INSTITUTION = "rd_institution", "企业研发机构"


class Level(models.TextChoices):
    COUNTY = "county", "县级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "国家级"


class ChainKind(models.TextChoices):
    CLUSTER = "cluster", "产业集群"
    CHAIN = "chain", "产业链"
    SEGMENT = "segment", "细分环节"


class ChainPosition(models.TextChoices):
    UPSTREAM = "upstream", "上游"
    CORE = "core", "核心零部件"
    MIDSTREAM = "midstream", "中游整机"
    DOWNSTREAM = "downstream", "下游应用"


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", "高校"
    RESEARCH_INSTITUTE = "research_institute", "科研院所"
    LAB = "lab", "实验室"
    NEW_RD = "new_rd", "新型研发机构"
    POC_CENTRE = "poc_centre", "概念验证中心"
    PILOT_PLATFORM = "pilot_platform", "中试平台"
    INCUBATOR = "incubator", "孵化器/众创空间"
    TECH_TRANSFER = "tech_transfer", "技术转移机构"
    IP_SERVICE = "ip_service", "知识产权服务机构"


class InstitutionStatus(models.TextChoices):
    ACTIVE = "active", "运行中"
    BUILDING = "building", "建设中"
    CLOSED = "closed", "已撤销"


class PersonKind(models.TextChoices):
    EXPERT = "expert", "专家"
    RESEARCHER = "researcher", "科研人员"
    BROKER = "broker", "技术经纪人"
    GRADUATE = "graduate", "研究生"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"
