from kechuang.core.api import ReadOnlyScopedViewSet, ScopedViewSet
from kechuang.registry import filtersets, tables
from kechuang.registry.api import serializers
from kechuang.registry.models import Enterprise, IndustryChain, Institution, Person, Qualification


class EnterpriseViewSet(ScopedViewSet):
    model = Enterprise
    queryset = Enterprise.objects.none()
    serializer_class = serializers.EnterpriseSerializer
    filterset_class = filtersets.EnterpriseFilterSet
    table_class = tables.EnterpriseTable  # sorted as the page's columns sort
    select_related = ("town", "industry")


class InstitutionViewSet(ScopedViewSet):
    model = Institution
    queryset = Institution.objects.none()
    serializer_class = serializers.InstitutionSerializer
    filterset_class = filtersets.InstitutionFilterSet
    table_class = tables.InstitutionTable  # sorted as the page's columns sort


class PersonViewSet(ScopedViewSet):
    model = Person
    queryset = Person.objects.none()
    serializer_class = serializers.PersonSerializer
    filterset_class = filtersets.PersonFilterSet
    table_class = tables.PersonTable  # sorted as the page's columns sort


class QualificationViewSet(ReadOnlyScopedViewSet):
    model = Qualification
    queryset = Qualification.objects.none()
    serializer_class = serializers.QualificationSerializer
    filterset_class = filtersets.QualificationFilterSet
    table_class = tables.QualificationTable  # sorted as the page's columns sort
    select_related = ("enterprise",)


class IndustryChainViewSet(ReadOnlyScopedViewSet):
    model = IndustryChain
    queryset = IndustryChain.objects.none()
    serializer_class = serializers.IndustryChainSerializer
    filterset_class = filtersets.IndustryChainFilterSet
    table_class = tables.IndustryChainTable  # sorted as the page's columns sort
