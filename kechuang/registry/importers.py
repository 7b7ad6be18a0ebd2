"""Excel import specs for the registry (the contract lives in core.importing)."""

from django.conf import settings

from kechuang.core.importing import (
    Column,
    ImportSpec,
    amount,
    choice,
    date_text,
    whole_number,
    yes_no,
)
from kechuang.engines.industry import split_code
from kechuang.engines.uscc import normalise
from kechuang.registry import choices
from kechuang.registry.forms import EnterpriseForm, InstitutionForm
from kechuang.registry.models import Industry, Region

ENTERPRISE_HEADERS: dict[str, tuple[str, ...]] = {
    "uscc": (
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "USCC",
        "组织机构代码",
        "单位代码",
        "法人单位代码",
        "组织机构代码（统一社会信用代码）",
        "统一社会信用代码（组织机构代码）",
        "统一社会信用代码/组织机构代码",
    ),
    "name": (
        "企业名称",
        "单位详细名称",
        "单位名称",
        "企业（单位）名称",
        "详细名称",
        "名称",
        "法人单位详细名称",
    ),
    "town": ("所在乡镇街道", "乡镇街道", "乡镇（街道）", "所在乡镇", "乡镇", "街道"),
    "industry": (
        "行业代码",
        "国民经济行业代码",
        "国民经济行业",
        "国民经济行业分类",
        "所属行业",
        "行业小类代码",
        "行业代码（GB/T4754）",
        "行业",
    ),
}
"""How the files that name enterprises head their identity columns: the first wording is
the template's, the rest are what statistics offices and registers write. Monitoring's
intake reads the same columns with the same words."""


def identity_column(field: str, **options) -> Column:
    header, *synonyms = ENTERPRISE_HEADERS[field]
    return Column(header, field, synonyms=tuple(synonyms), **options)


def home_town(text: str) -> str:
    """A town of the home county, by name or 9-digit code."""
    towns = Region.objects.filter(
        level=choices.RegionLevel.TOWN, code__startswith=settings.HOME_REGION_CODE
    )
    found = towns.filter(code=text).first() or towns.filter(name=text).first()
    if found is None:
        raise ValueError(f"本县没有名为“{text}”的乡镇街道。")
    return found.code


def region(text: str) -> str:
    """A region by code, or by name inside the home county (then the province)."""
    found = Region.objects.filter(code=text).first()
    if found is None:
        for prefix in (settings.HOME_REGION_CODE, settings.HOME_REGION_CODE[:2]):
            matches = Region.objects.filter(name=text, code__startswith=prefix)
            if matches.count() == 1:
                found = matches.first()
                break
    if found is None:
        raise ValueError(f"未找到区划“{text}”，请填写区划代码或本县乡镇街道名称。")
    return found.code


def industry(text: str) -> str:
    """GB/T 4754 class code, with or without its section letter ('C3451' or '3451'), or the
    class's name ('滚动轴承制造'), as registers write it."""
    _section, code = split_code(text.split(" ")[0])
    if Industry.objects.filter(code=code, level=4).exists():
        return code
    named = Industry.objects.filter(name=text.strip(), level=4).values_list("code", flat=True)
    if len(named) == 1:
        return named[0]
    raise ValueError("行业应为 GB/T 4754-2017 的四位小类代码（如 C3451）或小类名称。")


def uscc_text(text: str) -> str:
    return normalise(text)


class EnterpriseImportSpec(ImportSpec):
    title = "企业"
    form_class = EnterpriseForm
    key_field = "uscc"
    key_label = "统一社会信用代码"
    columns = (
        identity_column("uscc", required=True, help="18位，GB 32100-2015", parse=uscc_text),
        identity_column("name", required=True),
        identity_column(
            "town",
            required=True,
            help="本县乡镇街道名称或9位区划代码，如 南明街道",
            parse=home_town,
        ),
        identity_column(
            "industry",
            required=True,
            help="GB/T 4754-2017 四位小类代码，如 C3451",
            parse=industry,
        ),
        Column(
            "成立日期",
            "founded_on",
            required=True,
            synonyms=("成立时间", "注册日期"),
            help="如 2015-06-18",
            parse=date_text,
        ),
        Column(
            "注册资本（万元）",
            "registered_capital",
            synonyms=("注册资本",),
            help="单位：万元",
            parse=amount(10_000, places=6),
        ),
        Column(
            "注册资本（元）",
            "registered_capital",
            help="单位：元（与上一列二选一）",
            parse=amount(1, places=2),
        ),
        Column(
            "从业人员",
            "employees",
            synonyms=("从业人员数", "职工人数", "从业人员（人）"),
            parse=whole_number,
        ),
        Column("主要产品", "products", synonyms=("主营产品", "产品"), help="以逗号或顿号分隔"),
        Column(
            "企业规模",
            "size_class",
            synonyms=("规模",),
            help="大型、中型、小型、微型",
            parse=choice(choices.SizeClass),
        ),
        Column(
            "经营状态",
            "status",
            help="存续、迁出、注销、吊销；不填为存续",
            parse=choice(choices.EnterpriseStatus),
        ),
        Column("是否上市", "is_listed", synonyms=("上市",), help="是/否", parse=yes_no),
        Column("股票代码", "stock_code"),
        Column("法定代表人", "legal_representative", synonyms=("法人代表",)),
        Column("联系人", "contact_person"),
        Column("联系电话", "contact_phone", synonyms=("电话", "手机")),
        Column("地址", "address", synonyms=("注册地址", "经营地址")),
        Column("原工商注册号", "legacy_reg_no", synonyms=("工商注册号", "注册号")),
        Column(
            "早期试点代码",
            "confirm_legacy_uscc",
            help="代码校验位不符但确为早期试点代码时填“是”",
            parse=yes_no,
        ),
    )

    def normalise_key(self, value: str) -> str:
        return normalise(value)


class InstitutionImportSpec(ImportSpec):
    title = "高校院所及平台"
    form_class = InstitutionForm
    key_field = "name"
    key_label = "机构名称"
    columns = (
        Column("机构名称", "name", required=True, synonyms=("名称", "单位名称")),
        Column(
            "机构类型",
            "kind",
            required=True,
            synonyms=("类型",),
            help="、".join(choices.InstitutionKind.labels),
            parse=choice(choices.InstitutionKind),
        ),
        Column("级别", "level", help="县级、市级、省级、国家级", parse=choice(choices.Level)),
        identity_column("uscc", parse=uscc_text),
        Column(
            "所在区划",
            "region",
            required=True,
            synonyms=("区划", "所在地", "乡镇街道"),
            help="区划代码，或本县乡镇街道名称",
            parse=region,
        ),
        Column("县内机构", "is_local", help="是/否", parse=yes_no),
        Column("地址", "address"),
        Column("研究领域", "fields", synonyms=("领域", "专业领域")),
        Column("成立日期", "established_on", parse=date_text),
        Column("网址", "website"),
        Column(
            "状态", "status", help="运行中、建设中、已撤销", parse=choice(choices.InstitutionStatus)
        ),
        Column("简介", "description"),
    )
