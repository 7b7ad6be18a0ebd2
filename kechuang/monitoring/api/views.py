"""Monitoring over the API: upload a file into a batch, read its issues, commit or roll it
back; read the R&D and financial records, the monitoring lists and alerts in the caller's
scope and acknowledge alerts; keep the cultivation pool and its service visits.

As on the pages, a file of INTAKE_BACKGROUND_BYTES or more is staged, and a batch of
INTAKE_BACKGROUND_ROWS rows or more committed, by a background job: the answer is then 202
with the job (poll its `url`; when it has succeeded, `result.batch_id` names the batch)."""

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from kechuang.core.api import ReadOnlyScopedViewSet, ScopedViewSet
from kechuang.core.jobs_api import JobSerializer, accepted
from kechuang.core.models import Job
from kechuang.core.oplog import request_origin
from kechuang.core.parsers import FormParser, JSONParser, MultiPartParser
from kechuang.core.uploads import is_too_large, too_large_message
from kechuang.monitoring import batches, choices, filtersets, results, services, tables, tasks
from kechuang.monitoring.api import serializers
from kechuang.monitoring.models import (
    ENTRY_LISTS,
    Alert,
    FinancialRecord,
    ImportBatch,
    PoolEntry,
    RDRecord,
    RuleSet,
    ServiceVisit,
    SnapshotEntry,
)


class IntakePermission(permissions.BasePermission):
    """Reading batches needs view_importbatch; uploading, committing and rolling back need
    import_importbatch, as on the pages."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return request.user.has_perm("monitoring.view_importbatch")
        return request.user.has_perm("monitoring.import_importbatch")


class ImportBatchViewSet(ReadOnlyScopedViewSet):
    """Import batches: POST a file to stage it, then commit or roll back."""

    model = ImportBatch
    queryset = ImportBatch.objects.none()
    serializer_class = serializers.ImportBatchSerializer
    permission_classes = [IntakePermission]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    upload_route = "api"
    filterset_class = filtersets.ImportBatchFilterSet
    table_class = tables.ImportBatchTable  # sorted as the page's columns sort

    def get_queryset(self):
        return ImportBatch.objects.restrict(self.request.user, "view").order_by("-pk")

    @extend_schema(
        request={"multipart/form-data": serializers.ImportBatchUploadSerializer},
        responses={
            201: serializers.ImportBatchSerializer,
            202: OpenApiResponse(JobSerializer, description="大文件：已转入后台任务校验"),
        },
    )
    def create(self, request, *args, **kwargs):
        upload = serializers.ImportBatchUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        file = data["file"]
        if is_too_large(file, self.upload_route):
            return Response(
                {"file": [too_large_message(self.upload_route)]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        content = file.read()
        params = tasks.stage_options(data, allow_update=data["update"])
        staged = tasks.stage_upload(
            content, file.name, params, user=request.user, origin=request_origin(request)
        )
        if isinstance(staged, Job):
            return accepted(staged)
        return Response(self.get_serializer(staged).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.CommitSerializer,
        responses={
            200: serializers.ImportBatchSerializer,
            202: OpenApiResponse(JobSerializer, description="数据较多：已转入后台任务提交"),
        },
    )
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        batch = self.get_object()
        options = serializers.CommitSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        commit_options = {
            "create_unknown": options.validated_data["create_unknown"],
            "town_code": options.validated_data["town"].strip(),
            "industry_code": options.validated_data["industry"],
        }
        outcome = tasks.commit_or_start(
            batch, commit_options, user=request.user, origin=request_origin(request)
        )
        if isinstance(outcome, Job):
            return accepted(outcome)
        return self._outcome_response(batch, outcome)

    @extend_schema(request=None, responses=serializers.ImportBatchSerializer)
    @action(detail=True, methods=["post"])
    def rollback(self, request, pk=None):
        batch = self.get_object()
        outcome = batches.rollback_and_recompute(
            batch, user=request.user, origin=request_origin(request)
        )
        return self._outcome_response(batch, outcome)

    @extend_schema(request=None, responses=serializers.ImportBatchSerializer)
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        batch = self.get_object()
        try:
            batches.discard(batch, user=request.user, origin=request_origin(request))
        except batches.CommitRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(self.get_serializer(batch).data)

    def _outcome_response(self, batch: ImportBatch, outcome: dict) -> Response:
        if outcome.get("error"):
            return Response({"detail": outcome["error"]}, status=status.HTTP_400_BAD_REQUEST)
        batch.refresh_from_db()
        data = dict(self.get_serializer(batch).data)
        data["message"] = outcome.get("success") or (
            f"已提交：新增 {batch.created_count} 条，更新 {batch.updated_count} 条，"
            f"未变化 {batch.unchanged_count} 条。"
            if batch.status == choices.BatchStatus.COMMITTED
            else ""
        )
        data["recompute_warning"] = outcome.get("warning") or outcome.get("info", "")
        return Response(data)


class RDRecordViewSet(ReadOnlyScopedViewSet):
    model = RDRecord
    queryset = RDRecord.objects.none()
    serializer_class = serializers.RDRecordSerializer
    filterset_class = filtersets.RDRecordFilterSet
    select_related = ("enterprise",)


class FinancialRecordViewSet(ReadOnlyScopedViewSet):
    model = FinancialRecord
    queryset = FinancialRecord.objects.none()
    serializer_class = serializers.FinancialRecordSerializer
    filterset_class = filtersets.FinancialRecordFilterSet
    select_related = ("enterprise",)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="年度（默认最近一年）"),
            OpenApiParameter(
                "list",
                str,
                enum=list(ENTRY_LISTS),
                description="名单（按名单的顺序）；不指定则为该年全部企业的结果",
            ),
        ]
    )
)
class SnapshotEntryViewSet(ReadOnlyScopedViewSet):
    """The current monitoring results of a year: `?list=` gives one list as the page shows
    it (the engine's stored decisions, in the list's order), with the page's filters."""

    model = SnapshotEntry
    queryset = SnapshotEntry.objects.none()
    serializer_class = serializers.SnapshotEntrySerializer
    filterset_class = filtersets.SnapshotEntryFilterSet
    table_class = tables.SnapshotEntryTable  # sorted as the page's columns sort
    select_related = ("enterprise",)
    extra_query_params = ("year", "list")

    def get_queryset(self):
        key = self.request.query_params.get("list")
        if key and key not in ENTRY_LISTS:
            raise ValidationError({"list": [f"没有名单“{key}”。可用：{'、'.join(ENTRY_LISTS)}。"]})
        snapshot = _year_snapshot(self.request)
        queryset = super().get_queryset()
        if snapshot is None:
            return queryset.none()
        rows = queryset.of(snapshot)
        return rows.on_list(key) if key else rows.order_by("enterprise_id")


def _year_snapshot(request):
    """The current results of `?year=` (by default the year the pages open on)."""
    try:
        year = results.asked_year(request.query_params.get("year"))
    except ValueError as exc:
        raise ValidationError({"year": [str(exc)]}) from None
    return services.current_snapshot(year) if year else None


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("year", int, description="年度（默认最近一年）")]
    )
)
class AlertViewSet(ReadOnlyScopedViewSet):
    """The warnings of a year's current results, with the page's filters; `acknowledge`
    marks one handled (as the page's 标记处理), which its history keeps."""

    model = Alert
    queryset = Alert.objects.none()
    serializer_class = serializers.AlertSerializer
    filterset_class = filtersets.AlertFilterSet
    table_class = tables.AlertTable  # sorted as the page's columns sort
    select_related = ("enterprise__town", "snapshot", "acknowledged_by")
    extra_query_params = ("year",)
    action_scopes = {"acknowledge": "change"}

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "acknowledge":
            return queryset
        snapshot = _year_snapshot(self.request)
        return queryset.none() if snapshot is None else queryset.of(snapshot)

    @extend_schema(
        request=serializers.AlertHandlingSerializer,
        responses={
            200: serializers.AlertSerializer,
            409: OpenApiResponse(description="该预警已有人处理"),
        },
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = self.get_object()  # out of scope: 404 before anything sent is read
        handling = serializers.AlertHandlingSerializer(data=request.data)
        handling.is_valid(raise_exception=True)
        try:
            alert = services.acknowledge_alert(
                alert, user=request.user, note=handling.validated_data["note"]
            )
        except services.AlertAlreadyHandled as handled:
            return Response({"detail": str(handled)}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(alert).data)


class PoolEntryViewSet(ScopedViewSet):
    """The cultivation pool (重点培育库): written through the page's form and its rules."""

    model = PoolEntry
    queryset = PoolEntry.objects.none()
    serializer_class = serializers.PoolEntrySerializer
    filterset_class = filtersets.PoolEntryFilterSet
    table_class = tables.PoolEntryTable  # sorted as the page's columns sort
    select_related = ("enterprise", "officer")


class ServiceVisitViewSet(ScopedViewSet):
    """Service visits (走访服务) to pool enterprises, written through the page's form."""

    model = ServiceVisit
    queryset = ServiceVisit.objects.none()
    serializer_class = serializers.ServiceVisitSerializer
    filterset_class = filtersets.ServiceVisitFilterSet
    table_class = tables.ServiceVisitTable  # sorted as the page's columns sort
    select_related = ("entry__enterprise",)


class RuleSetViewSet(ReadOnlyScopedViewSet):
    """The versions of the monitoring rules, newest first; a new version is saved on the page,
    where the editor shows whom it moves."""

    model = RuleSet
    queryset = RuleSet.objects.none()
    serializer_class = serializers.RuleSetSerializer
    filterset_class = filtersets.RuleSetFilterSet
    table_class = tables.RuleSetTable  # sorted as the page's columns sort
    select_related = ("created_by",)

    def get_queryset(self):
        return super().get_queryset().order_by("-effective_from", "-version")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "current_rule_set": services.current_rule_set()}
