from django.core.exceptions import BadRequest
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.core.api import ReadOnlyScopedViewSet
from kechuang.indicators import analysis, filtersets, services, tables
from kechuang.indicators.api import serializers
from kechuang.indicators.models import IndicatorValue, Target
from kechuang.indicators.views.index import asked_year


class IndicatorValueViewSet(ReadOnlyScopedViewSet):
    """Regional indicator values: official ones (entered, imported, derived) and those computed
    from enterprise data, each with its source."""

    model = IndicatorValue
    queryset = IndicatorValue.objects.none()
    serializer_class = serializers.IndicatorValueSerializer
    filterset_class = filtersets.IndicatorValueFilterSet
    table_class = tables.IndicatorValueTable
    select_related = ("indicator", "region")

    def get_queryset(self):
        return super().get_queryset().with_use()


class TargetViewSet(ReadOnlyScopedViewSet):
    """Targets set for regions, with the latest value, the gap and what each year must add."""

    model = Target
    queryset = Target.objects.none()
    serializer_class = serializers.TargetSerializer
    filterset_class = filtersets.TargetFilterSet
    table_class = tables.TargetTable
    select_related = ("indicator", "region")


class CanViewIndicators(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm("indicators.view_indicatorvalue"))


class IndexRankingView(APIView):
    """The index of every county-level unit for a year: score and rank, overall and per element."""

    permission_classes = [CanViewIndicators]

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="年度；省略为最新有指数的年度")],
        responses={
            200: serializers.RankingSerializer(many=True),
            400: OpenApiResponse(description="年度不合法，或该年度没有指数"),
        },
    )
    def get(self, request):
        years = services.index_years()
        try:
            year = asked_year(request, years)
        except BadRequest as error:
            raise ValidationError({"year": str(error)}) from None
        if year not in years:
            raise ValidationError(
                {"year": f"{year}年没有指数结果，可选：{'、'.join(map(str, years))}"}
            )
        build = services.build_year(year)
        names = dict(services.county_units().values_list("code", "name"))
        codes = [element.code for element in build.framework.aggregates]
        rows = []
        for unit in build.aggregated.index:
            rows.append(
                {
                    "region": unit,
                    "region_name": names.get(unit, unit),
                    "scores": {code: analysis.score_of(build, unit, code) for code in codes},
                    "ranks": {code: analysis.rank_of(build, unit, code) for code in codes},
                }
            )
        rows.sort(
            key=lambda row: (row["ranks"][build.index_code] is None, row["ranks"][build.index_code])
        )
        return Response(serializers.RankingSerializer(rows, many=True).data)
