"""Intake and period records over the API: upload a file into a batch, read its issues,
commit or roll it back; read the R&D and financial records in the caller's scope."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from kechuang.core.api import ReadOnlyScopedViewSet
from kechuang.core.models import OperationLog
from kechuang.core.oplog import log_operation
from kechuang.monitoring import intake
from kechuang.monitoring.api import serializers
from kechuang.monitoring.models import FinancialRecord, ImportBatch, RDRecord
from kechuang.monitoring.views.intake import industry_code, recompute_after


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
    filterset_fields = ["kind", "year", "quarter", "status"]

    def get_queryset(self):
        return ImportBatch.objects.restrict(self.request.user, "view").order_by("-pk")

    @extend_schema(
        request={"multipart/form-data": serializers.ImportBatchUploadSerializer},
        responses={201: serializers.ImportBatchSerializer},
    )
    def create(self, request, *args, **kwargs):
        upload = serializers.ImportBatchUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        file = data["file"]
        batch = intake.stage(
            filename=file.name,
            content=file.read(),
            kind_key=data["kind"],
            year=data["year"],
            quarter=data["quarter"],
            department=data["department"],
            default_unit=data["default_unit"],
            marks_above_scale=data["marks_above_scale"],
            allow_update=data["update"],
            user=request.user,
        )
        log_operation(
            request,
            OperationLog.Action.IMPORT,
            batch.get_kind_display(),
            summary=f"接口上传并校验 {batch.filename}（批次#{batch.pk}）：{batch.row_count} 行，"
            f"错误 {len(batch.errors)}，警告 {len(batch.warnings)}",
            rows=batch.row_count,
            success=batch.status == "validated",
        )
        return Response(self.get_serializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.CommitSerializer, responses=serializers.ImportBatchSerializer
    )
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        batch = self.get_object()
        options = serializers.CommitSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        try:
            intake.commit(
                batch,
                user=request.user,
                create_unknown=options.validated_data["create_unknown"],
                town_code=options.validated_data["town"].strip(),
                industry_code=industry_code(options.validated_data["industry"]),
            )
        except intake.CommitRefused as exc:
            log_operation(
                request,
                OperationLog.Action.IMPORT,
                batch.get_kind_display(),
                summary=f"接口提交批次#{batch.pk} 被拒绝：{exc}",
                success=False,
            )
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        log_operation(
            request,
            OperationLog.Action.IMPORT,
            batch.get_kind_display(),
            summary=f"接口提交批次#{batch.pk}：新增 {batch.created_count}，"
            f"更新 {batch.updated_count}，未变化 {batch.unchanged_count}",
            rows=batch.created_count + batch.updated_count,
        )
        data = dict(self.get_serializer(batch).data)
        data["recompute_warning"] = recompute_after(batch, request.user)
        return Response(data)

    @extend_schema(request=None, responses=serializers.ImportBatchSerializer)
    @action(detail=True, methods=["post"])
    def rollback(self, request, pk=None):
        batch = self.get_object()
        try:
            intake.rollback(batch, user=request.user)
        except intake.CommitRefused as exc:
            log_operation(
                request,
                OperationLog.Action.OTHER,
                batch.get_kind_display(),
                summary=f"接口撤销批次#{batch.pk} 被拒绝：{exc}",
                success=False,
            )
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        log_operation(
            request,
            OperationLog.Action.OTHER,
            batch.get_kind_display(),
            summary=f"接口撤销批次#{batch.pk}",
            rows=batch.created_count + batch.updated_count,
        )
        data = dict(self.get_serializer(batch).data)
        data["recompute_warning"] = recompute_after(batch, request.user)
        return Response(data)


class PeriodRecordFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    quarter = django_filters.NumberFilter()
    enterprise = django_filters.NumberFilter(field_name="enterprise_id")
    uscc = django_filters.CharFilter(field_name="enterprise__uscc", lookup_expr="iexact")


class RDRecordFilterSet(PeriodRecordFilterSet):
    class Meta:
        model = RDRecord
        fields = ["year", "quarter", "enterprise", "uscc"]


class FinancialRecordFilterSet(PeriodRecordFilterSet):
    class Meta:
        model = FinancialRecord
        fields = ["year", "quarter", "enterprise", "uscc"]


class RDRecordViewSet(ReadOnlyScopedViewSet):
    model = RDRecord
    queryset = RDRecord.objects.none()
    serializer_class = serializers.RDRecordSerializer
    filterset_class = RDRecordFilterSet
    select_related = ("enterprise",)


class FinancialRecordViewSet(ReadOnlyScopedViewSet):
    model = FinancialRecord
    queryset = FinancialRecord.objects.none()
    serializer_class = serializers.FinancialRecordSerializer
    filterset_class = FinancialRecordFilterSet
    select_related = ("enterprise",)
