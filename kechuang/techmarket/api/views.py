from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from kechuang.core.api import ReadOnlyScopedViewSet
from kechuang.techmarket import filtersets, matching, services, tables
from kechuang.techmarket.api import serializers
from kechuang.techmarket.models import (
    ExpertProfile,
    Match,
    MatchmakingEvent,
    TechDemand,
    TechResult,
)
from kechuang.techmarket.views.demands import KINDS, may_match


class TechResultViewSet(ReadOnlyScopedViewSet):
    """Technology results: published ones for every market participant, drafts within scope."""

    model = TechResult
    queryset = TechResult.objects.none()
    serializer_class = serializers.TechResultSerializer
    filterset_class = filtersets.TechResultFilterSet
    table_class = tables.TechResultTable
    select_related = ("institution", "enterprise")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("patents", "chains")


class TechDemandViewSet(ReadOnlyScopedViewSet):
    """Technology demands: open public ones for every market participant, the rest within
    scope."""

    model = TechDemand
    queryset = TechDemand.objects.none()
    serializer_class = serializers.TechDemandSerializer
    filterset_class = filtersets.TechDemandFilterSet
    table_class = tables.TechDemandTable
    select_related = ("enterprise",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("chains")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", str, enum=list(KINDS), description="对接对象类型；默认 result"
            ),
            OpenApiParameter("limit", int, description="条数，1–50，默认 10"),
        ],
        responses={
            200: serializers.CandidateSerializer(many=True),
            400: OpenApiResponse(description="kind 或 limit 不合法"),
            403: OpenApiResponse(description="无匹配权限，或需求不在征集中"),
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def candidates(self, request, pk=None):
        """The ranked candidates for the demand, each with its signals and shared terms."""
        demand = self.get_object()
        if not may_match(request.user, demand):
            raise PermissionDenied("无权为该需求匹配，或需求不在征集中。")
        kind = request.query_params.get("kind", "result")
        if kind not in KINDS:
            raise ValidationError({"kind": f"应为 {'、'.join(KINDS)} 之一，收到 {kind!r}。"})
        limit = request.query_params.get("limit", "10")
        if not limit.isdigit() or not 1 <= int(limit) <= 50:
            raise ValidationError({"limit": f"应为 1 至 50 的整数，收到 {limit!r}。"})
        existing = {
            getattr(m, f"{kind}_id"): m for m in Match.objects.filter(demand=demand, kind=kind)
        }
        exclude = (
            list(
                TechResult.objects.filter(enterprise=demand.enterprise).values_list("pk", flat=True)
            )
            if kind == "result"
            else []
        )
        suggestions = matching.suggest(
            matching.demand_query(demand), kind, k=int(limit), exclude=exclude, existing=existing
        )
        return Response(serializers.CandidateSerializer(suggestions, many=True).data)


class ExpertProfileViewSet(ReadOnlyScopedViewSet):
    """The expert pool: experts who take matchmaking, for every market participant."""

    model = ExpertProfile
    queryset = ExpertProfile.objects.none()
    serializer_class = serializers.ExpertProfileSerializer
    filterset_class = filtersets.ExpertProfileFilterSet
    table_class = tables.ExpertProfileTable
    select_related = ("person__institution", "person__enterprise")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("chains")


class MatchViewSet(ReadOnlyScopedViewSet):
    """Matches and their steps, for the bureau within scope and for the parties to them."""

    model = Match
    queryset = Match.objects.none()
    serializer_class = serializers.MatchSerializer
    filterset_class = filtersets.MatchFilterSet
    table_class = tables.MatchTable
    select_related = ("enterprise", "result", "expert__person", "institution", "handler")
    action_scopes = {"move": "change"}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("steps__created_by")

    @extend_schema(
        request=serializers.MoveSerializer,
        responses={
            200: serializers.MatchSerializer,
            400: OpenApiResponse(description="不能转到该进展，或缺少合同金额、签约日期、未成原因"),
            409: OpenApiResponse(description="该对接已被他人更新"),
        },
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the match one stage on (or to declined), recording who, when and why."""
        match = self.get_object()
        given = serializers.MoveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        expected = data.get("expected")
        if expected and expected != match.status:
            return Response(
                {"detail": f"该对接已被他人更新为“{match.get_status_display()}”。"},
                status=status.HTTP_409_CONFLICT,
            )
        try:
            match = services.move(
                match,
                data["to_status"],
                user=request.user,
                note=data["note"],
                expected=expected,
                contract_value=data.get("contract_value"),
                contracted_on=data.get("contracted_on"),
                reason=data["reason"],
            )
        except DjangoValidationError as error:
            detail = (
                error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
            )
            raise ValidationError(detail) from None
        return Response(self.get_serializer(match).data)


class MatchmakingEventViewSet(ReadOnlyScopedViewSet):
    """产学研金 matchmaking events."""

    model = MatchmakingEvent
    queryset = MatchmakingEvent.objects.none()
    serializer_class = serializers.MatchmakingEventSerializer
    filterset_class = filtersets.MatchmakingEventFilterSet
    table_class = tables.MatchmakingEventTable
