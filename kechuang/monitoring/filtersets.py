import django_filters
from django import forms

from kechuang.core.filters import KeywordFilterSet, id_filter, number_filter, yes_no_filter
from kechuang.engines import monitoring as engine
from kechuang.monitoring import choices
from kechuang.monitoring.models import (
    Alert,
    FinancialRecord,
    ImportBatch,
    PoolEntry,
    RDRecord,
    RuleSet,
    ServiceVisit,
    SnapshotEntry,
)
from kechuang.monitoring.services import overdue_visits
from kechuang.registry.filtersets import industry_code_q, town_filter


class EnterpriseKeywordFilterSet(KeywordFilterSet):
    """Keyword search on the enterprise a row belongs to."""

    search_fields = ("enterprise__name",)
    code_fields = ("enterprise__uscc",)
    spelled_name = "enterprise__name"


class SnapshotEntryFilterSet(EnterpriseKeywordFilterSet):
    town = town_filter("enterprise__town")
    industry = django_filters.CharFilter(label="行业代码", method="filter_industry")
    is_above_scale = yes_no_filter("规上企业")
    innovation_class = django_filters.ChoiceFilter(
        label="创新分类", choices=list(engine.CLASS_LABELS.items())
    )
    tier = django_filters.CharFilter(label="培育梯队", field_name="tier", widget=forms.HiddenInput)
    missing = django_filters.CharFilter(
        label="未覆盖项", method="filter_missing", widget=forms.HiddenInput
    )
    enterprise = id_filter(label="企业", field_name="enterprise", widget=forms.HiddenInput)

    class Meta:
        model = SnapshotEntry
        fields = ["q", "town", "industry", "is_above_scale", "innovation_class"]

    def filter_industry(self, queryset, name, value):
        return queryset.filter(industry_code_q(value, "enterprise__industry"))

    def filter_missing(self, queryset, name, value):
        # coverage_missing is a JSON list of item keys; quoting matches a whole key.
        return queryset.filter(coverage_missing__icontains=f'"{value}"')


class AlertFilterSet(EnterpriseKeywordFilterSet):
    kind = django_filters.ChoiceFilter(label="预警类型", choices=choices.AlertKind.choices)
    town = town_filter("enterprise__town")
    open = yes_no_filter("未处理", field_name="acknowledged_at", lookup_expr="isnull")

    class Meta:
        model = Alert
        fields = ["q", "kind", "town", "open"]


class ImportBatchFilterSet(KeywordFilterSet):
    search_fields = ("filename",)
    spelled_name = None
    kind = django_filters.ChoiceFilter(label="数据类型", choices=choices.BatchKind.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=choices.BatchStatus.choices)
    year = number_filter(1900, 9999, label="年度")
    quarter = django_filters.ChoiceFilter(label="报告期", choices=choices.Quarter.choices)

    class Meta:
        model = ImportBatch
        fields = ["q", "kind", "status", "year", "quarter"]


class PoolEntryFilterSet(EnterpriseKeywordFilterSet):
    town = town_filter("enterprise__town")
    status = django_filters.ChoiceFilter(label="状态", choices=choices.PoolStatus.choices)
    mine = yes_no_filter("我包联的", method="filter_mine")

    class Meta:
        model = PoolEntry
        fields = ["q", "town", "status", "mine"]

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(officer=self.request.user)
        return queryset


class ServiceVisitFilterSet(KeywordFilterSet):
    search_fields = ("entry__enterprise__name", "problems", "help_promised", "visitors")
    code_fields = ("entry__enterprise__uscc",)
    spelled_name = "entry__enterprise__name"
    overdue = yes_no_filter("跟进逾期", method="filter_overdue")
    mine = yes_no_filter("我包联的", method="filter_mine")

    class Meta:
        model = ServiceVisit
        fields = ["q", "overdue", "mine"]

    def filter_overdue(self, queryset, name, value):
        if value:
            return overdue_visits(queryset)
        return queryset

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(entry__officer=self.request.user)
        return queryset


class RuleSetFilterSet(KeywordFilterSet):
    search_fields = ("version", "note", "basis")
    spelled_name = None

    class Meta:
        model = RuleSet
        fields = ["q"]


class PeriodRecordFilterSet(django_filters.FilterSet):
    """Period records by year, quarter and enterprise (id or credit code), for the API."""

    year = number_filter(1900, 9999)
    quarter = number_filter(0, 4)
    enterprise = id_filter(field_name="enterprise_id")
    uscc = django_filters.CharFilter(field_name="enterprise__uscc", lookup_expr="iexact")


class RDRecordFilterSet(PeriodRecordFilterSet):
    class Meta:
        model = RDRecord
        fields = ["year", "quarter", "enterprise", "uscc"]


class FinancialRecordFilterSet(PeriodRecordFilterSet):
    class Meta:
        model = FinancialRecord
        fields = ["year", "quarter", "enterprise", "uscc"]
