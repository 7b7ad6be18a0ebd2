import django_filters
from django import forms
from django.db.models import Q

from kechuang.core.filters import KeywordFilterSet, id_filter, number_filter, yes_no_filter
from kechuang.registry.models import IndustryChain
from kechuang.techmarket import choices
from kechuang.techmarket.models import (
    ExpertProfile,
    Match,
    MatchmakingEvent,
    TechDemand,
    TechResult,
)

# A demand counts as answered once a match for it has gone beyond the proposal.
ADVANCED = (
    choices.MatchStatus.CONTACTED,
    choices.MatchStatus.NEGOTIATING,
    choices.MatchStatus.CONTRACTED,
)


def _field_choices():
    return list(choices.field_names().items())


def _chains(request):
    return IndustryChain.objects.filter(is_active=True)


class TechResultFilterSet(KeywordFilterSet):
    search_fields = (
        "title",
        "keywords",
        "abstract",
        "inventors",
        "institution__name",
        "enterprise__name",
    )
    spelled_name = None

    status = django_filters.ChoiceFilter(label="状态", choices=choices.ResultStatus.choices)
    field = django_filters.ChoiceFilter(label="技术领域", choices=_field_choices)
    chain = django_filters.ModelChoiceFilter(label="产业链", field_name="chains", queryset=_chains)
    readiness_min = number_filter(
        1, 9, label="成熟度不低于", field_name="readiness", lookup_expr="gte"
    )
    mode = django_filters.ChoiceFilter(
        label="转化方式", choices=choices.TransferMode.choices, method="by_mode"
    )
    local = yes_no_filter("县内成果", method="by_local")

    class Meta:
        model = TechResult
        fields = ["q", "status", "field", "chain", "readiness_min", "mode", "local"]

    def by_mode(self, queryset, name, value):
        return queryset.filter(**{value: True}) if value else queryset

    def by_local(self, queryset, name, value):
        if value is None:
            return queryset
        local = Q(institution__is_local=True) | Q(enterprise__isnull=False)
        return queryset.filter(local) if value else queryset.exclude(local)


class TechDemandFilterSet(KeywordFilterSet):
    search_fields = ("title", "keywords", "problem", "enterprise__name")
    spelled_name = None

    status = django_filters.ChoiceFilter(label="状态", choices=choices.DemandStatus.choices)
    visibility = django_filters.ChoiceFilter(label="公开范围", choices=choices.Visibility.choices)
    field = django_filters.ChoiceFilter(label="技术领域", choices=_field_choices)
    chain = django_filters.ModelChoiceFilter(label="产业链", field_name="chains", queryset=_chains)
    unanswered = yes_no_filter("尚无推进中的对接", method="by_unanswered")

    class Meta:
        model = TechDemand
        fields = ["q", "status", "visibility", "field", "chain", "unanswered"]

    def by_unanswered(self, queryset, name, value):
        if value is None:
            return queryset
        moving = Q(matches__status__in=ADVANCED)
        answered = queryset.filter(moving).values("pk")
        return queryset.exclude(pk__in=answered) if value else queryset.filter(pk__in=answered)


class ExpertProfileFilterSet(KeywordFilterSet):
    search_fields = (
        "person__name",
        "keywords",
        "works",
        "person__institution__name",
        "person__title",
    )
    spelled_name = "person__name"

    field = django_filters.ChoiceFilter(label="技术领域", choices=_field_choices)
    chain = django_filters.ModelChoiceFilter(label="产业链", field_name="chains", queryset=_chains)
    accepts_matching = yes_no_filter("接受对接")

    class Meta:
        model = ExpertProfile
        fields = ["q", "field", "chain", "accepts_matching"]


class MatchFilterSet(KeywordFilterSet):
    search_fields = (
        "enterprise__name",
        "demand__title",
        "result__title",
        "expert__person__name",
        "institution__name",
    )
    spelled_name = None

    status = django_filters.ChoiceFilter(label="进展", choices=choices.MatchStatus.choices)
    kind = django_filters.ChoiceFilter(label="对接对象", choices=choices.CandidateKind.choices)
    source = django_filters.ChoiceFilter(label="来源", choices=choices.MatchSource.choices)
    demand = id_filter(label="技术需求", field_name="demand", widget=forms.HiddenInput)
    result = id_filter(label="科技成果", field_name="result", widget=forms.HiddenInput)
    year = number_filter(2000, 2100, label="推荐年度", field_name="created_at__year")

    class Meta:
        model = Match
        fields = ["q", "status", "kind", "source", "year", "demand", "result"]


class MatchmakingEventFilterSet(KeywordFilterSet):
    search_fields = ("title", "venue", "organiser", "theme")
    spelled_name = None

    status = django_filters.ChoiceFilter(label="状态", choices=choices.EventStatus.choices)
    year = number_filter(2000, 2100, label="年度", field_name="held_on__year")

    class Meta:
        model = MatchmakingEvent
        fields = ["q", "status", "year"]
