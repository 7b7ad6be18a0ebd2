import datetime

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from kechuang.core.filters import KeywordFilterSet, id_filter, yes_no_filter
from kechuang.engines.industry import split_code
from kechuang.registry import choices
from kechuang.registry.models import (
    ChainLink,
    Enterprise,
    EnterpriseFormerName,
    Industry,
    IndustryChain,
    Institution,
    Person,
    Qualification,
    Region,
    ScaleRecord,
)


def industry_code_q(typed: str, path: str) -> Q:
    """Rows whose industry (at `path`) is the typed code or under it: "C34" is section C's
    division 34, "34" any class beginning 34, "C" the whole section."""
    section, digits = split_code(typed)
    condition = Q(**{f"{path}__code__startswith": digits}) if digits else Q()
    if section:
        condition &= Q(**{f"{path}__section": section})
    return condition


def _towns(request):
    if request is None or not request.user.is_authenticated:
        return Region.objects.none()
    return Region.objects.within_scope(request.user).filter(
        level=choices.RegionLevel.TOWN, code__startswith=settings.HOME_REGION_CODE
    )


def town_filter(field_name: str = "town") -> django_filters.ModelChoiceFilter:
    """A filter by the home county's towns that lie in the user's scope."""
    return django_filters.ModelChoiceFilter(
        label="乡镇街道", field_name=field_name, queryset=_towns
    )


def _year_choices():
    this_year = timezone.localdate().year
    return [(y, f"{y}年") for y in range(this_year, 2015, -1)]


class EnterpriseFilterSet(KeywordFilterSet):
    code_fields = ("uscc",)
    town = town_filter()
    industry_section = django_filters.ChoiceFilter(
        label="行业门类",
        field_name="industry__section",
        choices=lambda: [
            (i.code, i.name) for i in Industry.objects.filter(level=1).order_by("code")
        ],
    )
    industry = django_filters.CharFilter(label="行业代码", method="filter_industry")
    chain = django_filters.ModelChoiceFilter(
        label="产业链",
        queryset=IndustryChain.objects.filter(is_active=True),
        method="filter_chain",
        null_label="未归入产业链",
    )
    size_class = django_filters.ChoiceFilter(label="规模", choices=choices.SizeClass.choices)
    above_scale_year = django_filters.ChoiceFilter(
        label="规上企业（年度）", choices=_year_choices, method="filter_above_scale"
    )
    qualification = django_filters.ChoiceFilter(
        label="有效资质", choices=choices.QualificationKind.choices, method="filter_qualification"
    )
    status = django_filters.ChoiceFilter(label="经营状态", choices=choices.EnterpriseStatus.choices)
    is_listed = yes_no_filter("上市企业")

    class Meta:
        model = Enterprise
        fields = [
            "q",
            "town",
            "industry_section",
            "industry",
            "chain",
            "size_class",
            "above_scale_year",
            "qualification",
            "status",
            "is_listed",
        ]

    def extra_matches(self, queryset, value):
        by_former = EnterpriseFormerName.objects.filter(
            enterprise=OuterRef("pk"), name__icontains=value
        )
        return Q(Exists(by_former))

    def filter_industry(self, queryset, name, value):
        return queryset.filter(industry_code_q(value, "industry"))

    @extend_schema_field(OpenApiTypes.INT)
    def filter_chain(self, queryset, name, value: IndustryChain | str):
        links = ChainLink.objects.filter(enterprise=OuterRef("pk"))
        if value == self.filters[name].null_value:  # 未归入产业链: on no chain at all
            return queryset.exclude(Exists(links))
        return queryset.filter(Exists(links.filter(chain_id__in=_chain_subtree(value))))

    def filter_above_scale(self, queryset, name, value: int | str):
        return queryset.filter(
            Exists(
                ScaleRecord.objects.filter(
                    enterprise=OuterRef("pk"), year=int(value), is_above_scale=True
                )
            )
        )

    def filter_qualification(self, queryset, name, value):
        valid = Qualification.objects.filter(
            Qualification.valid_on_q(timezone.localdate()), enterprise=OuterRef("pk"), kind=value
        )
        return queryset.filter(Exists(valid))


def _chain_subtree(chain: IndustryChain) -> set[int]:
    edges = list(IndustryChain.objects.values_list("id", "parent_id"))
    found, frontier = {chain.pk}, [chain.pk]
    while frontier:
        frontier = [child for child, parent in edges if parent in frontier and child not in found]
        found.update(frontier)
    return found


class QualificationFilterSet(KeywordFilterSet):
    search_fields = ("enterprise__name", "title", "certificate_no")
    code_fields = ("enterprise__uscc",)
    spelled_name = "enterprise__name"
    kind = django_filters.ChoiceFilter(label="资质类型", choices=choices.QualificationKind.choices)
    level = django_filters.ChoiceFilter(label="级别", choices=choices.Level.choices)
    town = town_filter("enterprise__town")
    validity = django_filters.ChoiceFilter(
        label="有效状态",
        choices=[("valid", "有效"), ("expiring", "六个月内到期"), ("expired", "已失效")],
        method="filter_validity",
    )
    enterprise = id_filter(label="企业", field_name="enterprise", widget=forms.HiddenInput)

    class Meta:
        model = Qualification
        fields = ["q", "kind", "level", "town", "validity", "enterprise"]

    def filter_validity(self, queryset, name, value):
        today = timezone.localdate()
        current = Qualification.valid_on_q(today)
        if value == "valid":
            return queryset.filter(current)
        if value == "expiring":
            horizon = today + datetime.timedelta(days=183)
            return queryset.filter(current, valid_until__lte=horizon)
        return queryset.exclude(current)


class InstitutionFilterSet(KeywordFilterSet):
    code_fields = ("uscc",)
    kind = django_filters.ChoiceFilter(label="机构类型", choices=choices.InstitutionKind.choices)
    level = django_filters.ChoiceFilter(label="级别", choices=choices.Level.choices)
    is_local = yes_no_filter("县内机构")
    status = django_filters.ChoiceFilter(label="状态", choices=choices.InstitutionStatus.choices)

    class Meta:
        model = Institution
        fields = ["q", "kind", "level", "is_local", "status"]


class PersonFilterSet(KeywordFilterSet):
    search_fields = ("name", "fields", "title", "enterprise__name", "institution__name")
    kind = django_filters.ChoiceFilter(label="人员类别", choices=choices.PersonKind.choices)
    gender = django_filters.ChoiceFilter(label="性别", choices=choices.Gender.choices)
    is_active = yes_no_filter("在库")
    enterprise = id_filter(label="企业", field_name="enterprise", widget=forms.HiddenInput)
    institution = id_filter(label="机构", field_name="institution", widget=forms.HiddenInput)

    class Meta:
        model = Person
        fields = ["q", "kind", "gender", "is_active", "enterprise", "institution"]


class IndustryChainFilterSet(KeywordFilterSet):
    kind = django_filters.ChoiceFilter(label="类型", choices=choices.ChainKind.choices)

    class Meta:
        model = IndustryChain
        fields = ["q", "kind"]
