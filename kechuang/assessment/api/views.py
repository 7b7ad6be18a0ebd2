"""Recognition readiness over the API: the current runs' results (all, 小升高 candidates,
expiring certificates) with the page's filters; one enterprise's live assessment; its IP
rights and recognition-caliber figures; policy outcomes with the 免申即享 list; points."""

from django.core.exceptions import BadRequest
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.assessment import filtersets, services, support, tables
from kechuang.assessment.api import serializers
from kechuang.assessment.choices import RuleCode
from kechuang.assessment.models import (
    AssessmentResult,
    FigureFlag,
    IntellectualProperty,
    PointsResult,
    Policy,
    PolicyOutcome,
    RecognitionFigures,
)
from kechuang.assessment.views.readiness import LISTS, asked_date, asked_rules
from kechuang.core.api import ReadOnlyScopedViewSet, ScopedViewSet
from kechuang.registry.models import Enterprise

RULES_PARAM = OpenApiParameter(
    "rules", str, enum=RuleCode.values, description="hnte 或 sme，默认 hnte"
)
LIST_PARAM = OpenApiParameter(
    "list",
    str,
    enum=list(LISTS),
    description="all（默认）、candidates（小升高）、expiring（证书今明两年到期）",
)


@extend_schema_view(list=extend_schema(parameters=[RULES_PARAM, LIST_PARAM]))
class AssessmentResultViewSet(ReadOnlyScopedViewSet):
    """The current run's results, as the results page lists them (`?list=` and `?rules=`)."""

    model = AssessmentResult
    queryset = AssessmentResult.objects.none()
    serializer_class = serializers.AssessmentResultSerializer
    filterset_class = filtersets.AssessmentResultFilterSet
    table_class = tables.AssessmentResultTable
    select_related = ("enterprise", "run__rules")
    extra_query_params = ("rules", "list")

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            return queryset  # one result by its id, in the caller's scope
        key = self.request.query_params.get("list") or "all"
        if key not in LISTS:
            raise ValidationError({"list": f"名单应为 {'、'.join(LISTS)} 之一。"})
        code = self.request.query_params.get("rules") or RuleCode.HNTE
        if code not in RuleCode.values:
            raise ValidationError({"rules": "测评类型应为 hnte 或 sme。"})
        run = services.current_run(RuleCode.HNTE if key != "all" else code)
        if run is None:
            return queryset.none()
        return services.listed(queryset, run, key)


class CanViewAssessments(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm("assessment.view_assessmentresult"))


class EnterpriseAssessmentView(APIView):
    """One enterprise's assessment now (or `?on=` a date): each condition's verdict, values,
    years, sentence and gap; the score parts as ranges; and where every figure came from."""

    permission_classes = [CanViewAssessments]

    @extend_schema(
        parameters=[RULES_PARAM, OpenApiParameter("on", str, description="YYYY-MM-DD")],
        responses=dict,
    )
    def get(self, request, pk: int):
        enterprise = Enterprise.objects.restrict(request.user).filter(pk=pk).first()
        if enterprise is None:
            raise NotFound("未找到。")
        try:
            code, on = asked_rules(request), asked_date(request)
            result, facts, sources, rules = services.assess_enterprise(enterprise, code, on)
        except (services.AssessmentRefused, BadRequest) as refusal:
            raise ValidationError({"detail": str(refusal)}) from None
        detail = services.detail_of(result)
        return Response(
            {
                "enterprise": enterprise.pk,
                "enterprise_uscc": enterprise.uscc,
                "rules": code,
                "rules_version": rules.version,
                "on": on.isoformat(),
                "verdict": result.verdict,
                "awaiting_experts": result.awaiting_experts,
                "closeness": round(result.closeness, 2),
                **detail,
                "sources": sources,
            }
        )


class IntellectualPropertyViewSet(ScopedViewSet):
    """Enterprises' IP rights, written through the page's form."""

    model = IntellectualProperty
    queryset = IntellectualProperty.objects.none()
    serializer_class = serializers.IntellectualPropertySerializer
    filterset_class = filtersets.IntellectualPropertyFilterSet
    table_class = tables.IntellectualPropertyTable
    select_related = ("enterprise",)


class RecognitionFiguresViewSet(ScopedViewSet):
    """Recognition-caliber yearly figures, written through the page's form (amounts in yuan)."""

    model = RecognitionFigures
    queryset = RecognitionFigures.objects.none()
    serializer_class = serializers.RecognitionFiguresSerializer
    filterset_class = filtersets.RecognitionFiguresFilterSet
    table_class = tables.RecognitionFiguresTable
    select_related = ("enterprise",)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("exempt", str, enum=["1"], description="1：免申即享兑现清单")]
    )
)
class PolicyOutcomeViewSet(ReadOnlyScopedViewSet):
    """Policy outcomes of the current calculations (or of `?run=`); `?exempt=1` gives the
    免申即享 list: eligible outcomes of the policies paid without application."""

    model = PolicyOutcome
    queryset = PolicyOutcome.objects.none()
    serializer_class = serializers.PolicyOutcomeSerializer
    filterset_class = filtersets.PolicyOutcomeFilterSet
    table_class = tables.PolicyOutcomeTable
    select_related = ("enterprise", "run__policy")
    extra_query_params = ("exempt",)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            return queryset
        exempt = self.request.query_params.get("exempt")
        if exempt not in (None, "", "1"):
            raise ValidationError({"exempt": "只能为 1。"})
        if exempt == "1":
            return queryset.filter(pk__in=support.exempt_outcomes().values("pk"))
        if not self.request.query_params.get("run"):
            return queryset.filter(run__is_current=True)
        return queryset


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("year", int, description="数据年度，默认最近一次计算的年度")]
    )
)
class PointsResultViewSet(ReadOnlyScopedViewSet):
    """Innovation points of the current calculation, ranked, each score explained."""

    model = PointsResult
    queryset = PointsResult.objects.none()
    serializer_class = serializers.PointsResultSerializer
    filterset_class = filtersets.PointsResultFilterSet
    table_class = tables.PointsResultTable
    select_related = ("enterprise", "run__scheme")

    extra_query_params = ("year",)

    def get_queryset(self):
        asked = self.request.query_params.get("year", "")
        if asked and not (asked.isascii() and asked.isdigit() and len(asked) == 4):
            raise ValidationError({"year": "年度应为四位数字。"})
        run = support.current_points_run(int(asked) if asked else None)
        queryset = super().get_queryset()
        return queryset.filter(run=run) if run else queryset.none()


class PolicyViewSet(ReadOnlyScopedViewSet):
    """The county's policies as data (written on the policy page, with its checks)."""

    model = Policy
    queryset = Policy.objects.none()
    serializer_class = serializers.PolicySerializer
    filterset_class = filtersets.PolicyFilterSet
    table_class = tables.PolicyTable


class FigureFlagViewSet(ReadOnlyScopedViewSet):
    """Confirmations and flags on enterprises' figures: the officers' work list."""

    model = FigureFlag
    queryset = FigureFlag.objects.none()
    serializer_class = serializers.FigureFlagSerializer
    filterset_class = filtersets.FigureFlagFilterSet
    table_class = tables.FigureFlagTable
    select_related = ("enterprise",)
