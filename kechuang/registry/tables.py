import django_tables2 as tables
from django.utils.html import format_html

from kechuang.core.masking import mask
from kechuang.core.tables import BaseTable, CreditCodeColumn, MoneyColumn, YesNoColumn
from kechuang.registry.models import (
    Enterprise,
    IndustryChain,
    Institution,
    Person,
    Qualification,
)


class EnterpriseTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name="企业名称", order_by=("name_sort", "id"))
    uscc = CreditCodeColumn()
    town = tables.Column(verbose_name="乡镇街道")
    industry = tables.Column(verbose_name="行业", order_by=("industry__code",))
    size_class = tables.Column(verbose_name="规模")
    employees = tables.Column(verbose_name="从业人员")
    registered_capital = MoneyColumn("注册资本")
    founded_on = tables.DateColumn(format="Y-m-d", verbose_name="成立日期")
    status = tables.Column(verbose_name="经营状态")
    is_listed = YesNoColumn(verbose_name="上市")

    class Meta:
        model = Enterprise
        fields = (
            "name",
            "uscc",
            "town",
            "industry",
            "size_class",
            "employees",
            "registered_capital",
            "founded_on",
            "status",
            "is_listed",
        )
        always_visible = ("name",)
        order_by = ("name",)

    def render_uscc(self, record, value):
        if record.uscc_state == "legacy":
            return format_html(
                '{} <span class="badge text-bg-warning" title="早期试点代码，校验位不符">试点</span>',
                value,
            )
        return value

    def value_uscc(self, value):
        return value


class QualificationTable(BaseTable):
    enterprise = tables.Column(linkify=True, verbose_name="企业")
    uscc = CreditCodeColumn(accessor="enterprise__uscc")
    kind = tables.Column(verbose_name="资质类型")
    level = tables.Column(verbose_name="级别")
    title = tables.Column(verbose_name="名称")
    certificate_no = tables.Column(verbose_name="证书编号")
    issued_on = tables.DateColumn(format="Y-m-d", verbose_name="认定日期")
    valid_until = tables.DateColumn(format="Y-m-d", verbose_name="有效期至")
    validity = tables.Column(verbose_name="状态", empty_values=(), orderable=False)

    class Meta:
        model = Qualification
        fields = (
            "enterprise",
            "uscc",
            "kind",
            "level",
            "title",
            "certificate_no",
            "issued_on",
            "valid_until",
            "validity",
        )
        always_visible = ("enterprise",)
        order_by = ("-issued_on",)

    def render_validity(self, record):
        if record.is_valid:
            return format_html('<span class="badge text-bg-{}">{}</span>', "success", "有效")
        return format_html('<span class="badge text-bg-{}">{}</span>', "secondary", "已失效")

    def value_validity(self, record):
        return "有效" if record.is_valid else "已失效"


class InstitutionTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name="机构名称", order_by=("name_sort", "id"))

    class Meta:
        model = Institution
        fields = ("name", "kind", "level", "region", "fields", "is_local", "status")
        always_visible = ("name",)
        order_by = ("name",)


class PersonTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name="姓名", order_by=("name_sort", "id"))
    affiliation = tables.Column(verbose_name="所在单位", empty_values=(), orderable=False)
    # Not sortable: the order of masked numbers would tell what the mask hides.
    phone = tables.Column(verbose_name="手机号", orderable=False)

    class Meta:
        model = Person
        fields = ("name", "kind", "gender", "title", "fields", "affiliation", "phone")
        always_visible = ("name",)
        order_by = ("name",)

    def __init__(self, *args, show_pii: bool = False, **kwargs):
        self.show_pii = show_pii
        super().__init__(*args, **kwargs)

    def render_affiliation(self, record):
        return str(record.affiliation or "—")

    def render_phone(self, value):
        return value if self.show_pii else mask(value)

    def value_phone(self, value):
        return value if self.show_pii else mask(value)


class IndustryChainTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name="名称", order_by=("name_sort", "id"))
    enterprise_count = tables.Column(verbose_name="链上企业", orderable=True)

    class Meta:
        model = IndustryChain
        fields = ("name", "kind", "parent", "enterprise_count", "order", "is_active")
        always_visible = ("name",)
        order_by = ("order",)
