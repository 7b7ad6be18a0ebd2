"""The registry: who the county's innovators are, where they are and what they do.

Kept in one file, as Django expects an app's models: every other model hangs off the
enterprise, institution and region defined here."""

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from kechuang.core.models import BaseModel, SpelledName
from kechuang.core.scope import ScopePaths
from kechuang.registry import choices


def add_years(day: datetime.date, years: int) -> datetime.date:
    """Same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class RegionQuerySet(models.QuerySet):
    def within_scope(self, user) -> "RegionQuerySet":
        """Regions a user may file records under: those their data scope covers."""
        grant = user.scope_grant()
        if grant.everything:
            return self
        condition = models.Q(pk__in=[])
        for prefix in grant.region_prefixes:
            condition |= models.Q(code__startswith=prefix)
        if grant.region_codes:
            condition |= models.Q(code__in=grant.region_codes)
        return self.filter(condition)


class Region(models.Model):
    """National administrative division (GB/T 2260 county codes, 9-digit statistical town codes)."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=choices.RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_prefix(self) -> str:
        """Code prefix shared by this region and everything below it (330600 -> 3306)."""
        if self.level == choices.RegionLevel.PROVINCE:
            return self.code[:2]
        if self.level == choices.RegionLevel.CITY:
            return self.code[:4]
        return self.code

    @classmethod
    def lineage_names(cls, code: str) -> list[str]:
        """The names of the region and the regions above it (town, county, city, province),
        read from the code's structure in one query."""
        codes = {code, code[:6], code[:4] + "00", code[:2] + "0000"}
        return list(cls.objects.filter(code__in=codes).values_list("name", flat=True))

    @classmethod
    def home(cls) -> "Region":
        return cls.objects.get(code=settings.HOME_REGION_CODE)


class Industry(models.Model):
    """GB/T 4754-2017 national economic industry classification, all four levels."""

    code = models.CharField("行业代码", max_length=5, primary_key=True)
    level = models.PositiveSmallIntegerField("层级")
    section = models.CharField("门类", max_length=1, db_index=True)
    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT
    )
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "国民经济行业"
        verbose_name_plural = "国民经济行业"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.display_code} {self.name}"

    @property
    def display_code(self) -> str:
        return self.code if self.level == 1 else f"{self.section}{self.code}"


class IndustryChain(SpelledName, BaseModel):
    """The county's own clusters, chains and segments (e.g. 高端智能装备 > 轴承), a tree."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=choices.ChainKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    industries = models.ManyToManyField(Industry, verbose_name="对应行业", blank=True)
    description = models.TextField("说明", blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["order", "name"]
        permissions = [("export_industrychain", "导出产业链")]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:industrychain_detail", args=[self.pk])


class Enterprise(SpelledName, BaseModel):
    """An enterprise, keyed by its unified social credit code. Never deleted: see `status`."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    uscc_state = models.CharField(
        "代码校验", max_length=10, choices=choices.UsccState.choices, default="valid"
    )
    legacy_reg_no = models.CharField("原工商注册号", max_length=15, blank=True)
    name = models.CharField("企业名称", max_length=200, db_index=True)
    town = models.ForeignKey(
        Region,
        verbose_name="所在乡镇街道",
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"level": choices.RegionLevel.TOWN},
    )
    address = models.CharField("地址", max_length=300, blank=True)
    industry = models.ForeignKey(
        Industry,
        verbose_name="国民经济行业",
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"level": 4},
    )
    chains = models.ManyToManyField(
        IndustryChain, verbose_name="所属产业链", through="ChainLink", blank=True
    )
    founded_on = models.DateField(
        "成立日期", null=True, blank=True, help_text="由统计数据导入新建的企业暂缺，待补登"
    )
    registered_capital = models.DecimalField(
        "注册资本（元）",
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    employees = models.PositiveIntegerField("从业人员（人）", null=True, blank=True)
    products = models.CharField(
        "主要产品", max_length=300, blank=True, help_text="以逗号或顿号分隔，用于技术供需匹配"
    )
    size_class = models.CharField(
        "企业规模", max_length=10, choices=choices.SizeClass.choices, blank=True
    )
    is_listed = models.BooleanField("上市企业", default=False)
    stock_code = models.CharField("股票代码", max_length=20, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    status = models.CharField(
        "经营状态",
        max_length=10,
        choices=choices.EnterpriseStatus.choices,
        default=choices.EnterpriseStatus.ACTIVE,
        db_index=True,
    )
    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name="平台组织",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprise",
    )

    scope_paths = ScopePaths(region="town", org="organisation")
    personal_fields = {"contact_phone": "registry.view_contact_enterprise"}
    # Stored in yuan, read in 万元 wherever a person reads them (forms, lists, history).
    money_fields = ("registered_capital",)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        # By pinyin, as Chinese readers look names up. Unindexed on purpose: a scoped list
        # then sorts its own few thousand rows, where an index in this order would walk the
        # whole table past other counties' names (which share their county's first words).
        ordering = ["name_sort", "id"]
        # Monitoring reads every enterprise's place from this index, not the wide table.
        indexes = [models.Index(fields=["id", "town", "industry"], name="enterprise_place")]
        permissions = [
            ("export_enterprise", "导出企业"),
            ("import_enterprise", "导入企业"),
            ("view_contact_enterprise", "查看企业联系电话"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:enterprise_detail", args=[self.pk])

    def place_names(self) -> list[str]:
        return Region.lineage_names(self.town_id) if self.town_id else []

    def save(self, *args, **kwargs):
        previous = None
        if self.pk:
            previous = Enterprise.objects.filter(pk=self.pk).values_list("name", flat=True).first()
        super().save(*args, **kwargs)
        if previous and previous != self.name:
            self.former_names.create(name=previous, until=timezone.localdate())

    def above_scale_in(self, year: int) -> bool:
        return self.scale_records.filter(year=year, is_above_scale=True).exists()


class EnterpriseFormerName(BaseModel):
    """A name the enterprise used before; searched like the current name."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField("曾用名", max_length=200, db_index=True)
    until = models.DateField("使用至", null=True, blank=True)

    scope_paths = ScopePaths(region="enterprise__town", org="enterprise__organisation")

    class Meta:
        verbose_name = "企业曾用名"
        verbose_name_plural = "企业曾用名"
        ordering = ["-until"]

    def __str__(self) -> str:
        return self.name


class ChainLink(BaseModel):
    """An enterprise's place on one of the county's industrial chains."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="chain_links"
    )
    chain = models.ForeignKey(
        IndustryChain, verbose_name="产业链", on_delete=models.PROTECT, related_name="links"
    )
    position = models.CharField("链上环节", max_length=12, choices=choices.ChainPosition.choices)
    is_chain_leader = models.BooleanField("链主企业", default=False)

    scope_paths = ScopePaths(region="enterprise__town", org="enterprise__organisation")

    class Meta:
        verbose_name = "产业链关系"
        verbose_name_plural = "产业链关系"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "chain"], name="uniq_chain_link")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.chain}"

    @staticmethod
    def under_q(chain) -> models.Q:
        """Links to `chain` or to the chains and segments below it (a cluster holds the
        enterprises of its chains). `chain` may be an OuterRef."""
        return (
            models.Q(chain=chain)
            | models.Q(chain__parent=chain)
            | models.Q(chain__parent__parent=chain)
        )


class ScaleRecord(BaseModel):
    """Whether the enterprise was above designated size (规上) in a year, as the statistics say."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="scale_records"
    )
    year = models.PositiveSmallIntegerField("年度")
    is_above_scale = models.BooleanField("规上企业")

    scope_paths = ScopePaths(region="enterprise__town", org="enterprise__organisation")

    class Meta:
        verbose_name = "规上状态"
        verbose_name_plural = "规上状态"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="uniq_scale_year")
        ]
        indexes = [models.Index(fields=["year", "is_above_scale"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class Qualification(BaseModel):
    """A dated recognition: 高企 (3-year validity), 科小, 专精特新, R&D institutions by level."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField("资质类型", max_length=20, choices=choices.QualificationKind.choices)
    level = models.CharField("级别", max_length=10, choices=choices.Level.choices, blank=True)
    title = models.CharField("名称", max_length=200, blank=True)
    certificate_no = models.CharField("证书编号/入库编号", max_length=60, blank=True)
    issued_on = models.DateField("认定日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)

    scope_paths = ScopePaths(region="enterprise__town", org="enterprise__organisation")

    HNTE_YEARS = 3

    class Meta:
        verbose_name = "企业资质"
        verbose_name_plural = "企业资质"
        ordering = ["-issued_on"]
        indexes = [models.Index(fields=["kind", "valid_until"])]
        permissions = [("export_qualification", "导出企业资质")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}".strip()

    def save(self, *args, **kwargs):
        if self.kind == choices.QualificationKind.HNTE and self.valid_until is None:
            # 认定办法第九条: valid for three years from the certificate date, i.e. up to the
            # day before the third anniversary; a 29 February certificate has its anniversary
            # on 1 March in a common year, so it stays valid through 28 February.
            issued = self.issued_on
            anniversary = add_years(issued, self.HNTE_YEARS)
            if (issued.month, issued.day) == (2, 29) and anniversary.day == 28:
                anniversary += datetime.timedelta(1)
            self.valid_until = anniversary - datetime.timedelta(1)
        super().save(*args, **kwargs)

    @staticmethod
    def valid_on_q(day: datetime.date) -> models.Q:
        """Qualifications in force on `day`: issued, not yet expired, not revoked (the same
        rule as `is_valid_on`, as a filter)."""
        return (
            models.Q(issued_on__lte=day)
            & (models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day))
            & (models.Q(revoked_on__isnull=True) | models.Q(revoked_on__gt=day))
        )

    def is_valid_on(self, day: datetime.date) -> bool:
        if self.revoked_on and self.revoked_on <= day:
            return False
        if day < self.issued_on:
            return False
        return self.valid_until is None or day <= self.valid_until

    @property
    def is_valid(self) -> bool:
        return self.is_valid_on(timezone.localdate())


class Institution(SpelledName, BaseModel):
    """Universities, institutes, labs, new-type R&D bodies, PoC and pilot platforms, incubators,
    technology-transfer and IP service institutions."""

    name = models.CharField("机构名称", max_length=200, db_index=True)
    kind = models.CharField("机构类型", max_length=20, choices=choices.InstitutionKind.choices)
    level = models.CharField("级别", max_length=10, choices=choices.Level.choices, blank=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="institutions"
    )
    address = models.CharField("地址", max_length=300, blank=True)
    fields = models.CharField("研究领域", max_length=300, blank=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    is_local = models.BooleanField("县内机构", default=True)
    partner_county = models.ForeignKey(
        Region,
        verbose_name="合作县（市、区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_institutions",
        help_text="县外机构所合作的县（市、区），其县级用户可见；默认本县。",
    )
    website = models.URLField("网址", blank=True)
    description = models.TextField("简介", blank=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=choices.InstitutionStatus.choices,
        default=choices.InstitutionStatus.ACTIVE,
    )
    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name="平台组织",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="institution",
    )

    # A partner outside the county (a university, the county's enclave in Hangzhou) belongs
    # to the county it works with, as well as to where it stands.
    scope_paths = ScopePaths(region=("region", "partner_county"), org="organisation")

    class Meta:
        verbose_name = "高校院所及平台"
        verbose_name_plural = "高校院所及平台"
        ordering = ["name_sort", "id"]
        permissions = [
            ("export_institution", "导出机构"),
            ("import_institution", "导入机构"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:institution_detail", args=[self.pk])

    def place_names(self) -> list[str]:
        return Region.lineage_names(self.region_id) if self.region_id else []

    def save(self, *args, **kwargs):
        self.settle_partner_county()
        super().save(*args, **kwargs)

    def settle_partner_county(self) -> None:
        """A local institution has no partner county; one outside is the home county's."""
        if self.is_local:
            self.partner_county = None
        elif self.partner_county_id is None:
            self.partner_county = Region.objects.filter(pk=settings.HOME_REGION_CODE).first()


class Person(SpelledName, BaseModel):
    """Experts, researchers, technology brokers and graduate students.

    Phone and ID numbers are personal data (PIPL): shown masked unless the user holds
    `registry.view_pii_person`.
    """

    name = models.CharField("姓名", max_length=50, db_index=True)
    kind = models.CharField("人员类别", max_length=12, choices=choices.PersonKind.choices)
    gender = models.CharField("性别", max_length=6, choices=choices.Gender.choices, blank=True)
    title = models.CharField("职称/职务", max_length=50, blank=True)
    education = models.CharField("学历学位", max_length=20, blank=True)
    fields = models.CharField("专业领域", max_length=300, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="所在企业",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name="所在机构",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="people"
    )
    phone = models.CharField("手机号", max_length=20, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    email = models.EmailField("邮箱", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="平台账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    is_active = models.BooleanField("在库", default=True)

    personal_fields = {"phone": "registry.view_pii_person", "id_number": "registry.view_pii_person"}
    scope_paths = ScopePaths(
        region=("region", "institution__partner_county"),
        org=("enterprise__organisation", "institution__organisation"),
        owner="user",
    )

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["name_sort", "id"]
        permissions = [
            ("export_person", "导出人员"),
            ("view_pii_person", "查看人员手机号和身份证号"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:person_detail", args=[self.pk])

    @property
    def affiliation(self):
        return self.enterprise or self.institution
