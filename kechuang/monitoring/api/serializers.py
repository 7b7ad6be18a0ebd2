from rest_framework import serializers

from kechuang.core.serializers import FormValidatedSerializer, StrictSerializer
from kechuang.monitoring import choices
from kechuang.monitoring.forms import PoolEntryForm, ServiceVisitForm
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


class ImportBatchSerializer(serializers.ModelSerializer):
    # Codes as plain strings beside their labels: the choice sets are documented once, on the
    # upload, so the schema has one enum per set.
    kind = serializers.CharField(read_only=True)
    department = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    default_unit = serializers.CharField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default="")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "kind_display",
            "year",
            "quarter",
            "department",
            "filename",
            "sha256",
            "status",
            "status_display",
            "row_count",
            "created_count",
            "updated_count",
            "unchanged_count",
            "issues",
            "unknown_usccs",
            "layout",
            "default_unit",
            "marks_above_scale",
            "allow_update",
            "created_by",
            "created_at",
            "committed_at",
            "rolled_back_at",
        ]
        read_only_fields = fields


class ImportBatchUploadSerializer(StrictSerializer):
    """A multipart upload: the file and what it holds, as on the upload page."""

    kind = serializers.ChoiceField(choices=choices.BatchKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=0, max_value=4, default=0)
    department = serializers.ChoiceField(
        choices=choices.Department.choices, default=choices.Department.STATISTICS
    )
    default_unit = serializers.ChoiceField(
        choices=choices.SourceUnit.choices, default=choices.SourceUnit.THOUSAND
    )
    marks_above_scale = serializers.BooleanField(default=False)
    update = serializers.BooleanField(
        default=False, help_text="为真时以本文件覆盖企业该期已有的不同数据"
    )
    file = serializers.FileField()


class CommitSerializer(StrictSerializer):
    create_unknown = serializers.BooleanField(default=False)
    town = serializers.CharField(required=False, allow_blank=True, default="")
    industry = serializers.CharField(required=False, allow_blank=True, default="")


class PeriodRecordSerializer(serializers.ModelSerializer):
    department = serializers.CharField(read_only=True)
    source_unit = serializers.CharField(read_only=True)
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        exclude = ["created_by", "updated_by"]


class RDRecordSerializer(PeriodRecordSerializer):
    class Meta(PeriodRecordSerializer.Meta):
        model = RDRecord


class FinancialRecordSerializer(PeriodRecordSerializer):
    class Meta(PeriodRecordSerializer.Meta):
        model = FinancialRecord


class SnapshotEntrySerializer(serializers.ModelSerializer):
    """An enterprise's monitoring result with the engine's decisions (lists, class, tier,
    coverage gaps as item keys), as stored with the snapshot."""

    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = SnapshotEntry
        fields = [
            "id",
            "enterprise",
            "enterprise_uscc",
            "enterprise_name",
            "rd_expense",
            "revenue",
            "intensity",
            "rank_spend",
            "rank_intensity",
            "previous_rd_expense",
            "drop",
            "drop_ratio",
            "zero_years",
            "is_above_scale",
            "on_top_spend",
            "on_top_intensity",
            "on_decline",
            "on_zero_rd",
            "on_coverage",
            "coverage_missing",
            "innovation_class",
            "tier",
            "previous_tier",
        ]
        read_only_fields = fields


class AlertSerializer(serializers.ModelSerializer):
    """A warning of the year's current results, with its handling."""

    kind = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    town_name = serializers.CharField(source="enterprise.town.name", read_only=True)
    year = serializers.IntegerField(source="snapshot.year", read_only=True)
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.username", read_only=True, default=""
    )
    acknowledged_by_name = serializers.SerializerMethodField(label="处理人姓名")

    class Meta:
        model = Alert
        fields = [
            "id",
            "year",
            "enterprise",
            "enterprise_uscc",
            "enterprise_name",
            "town_name",
            "kind",
            "kind_display",
            "message",
            "value",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledged_by_name",
            "handling_note",
        ]
        read_only_fields = fields

    def get_acknowledged_by_name(self, alert) -> str:
        return str(alert.acknowledged_by) if alert.acknowledged_by else ""


class AlertHandlingSerializer(StrictSerializer):
    """What was done about an alert; required, as on the page."""

    note = serializers.CharField(
        label="处理情况",
        max_length=500,
        error_messages={
            "required": "请填写处理情况。",
            "blank": "请填写处理情况。",
            "max_length": "处理情况最多 {max_length} 字。",
        },
    )


class PoolEntrySerializer(FormValidatedSerializer):
    """An enterprise in the cultivation pool; written through the page's form."""

    form_class = PoolEntryForm
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    status = serializers.ChoiceField(
        choices=choices.PoolStatus.choices, default=choices.PoolStatus.ACTIVE
    )

    class Meta:
        model = PoolEntry
        fields = [
            "id",
            "enterprise",
            "enterprise_uscc",
            "enterprise_name",
            "officer",
            "target",
            "reason",
            "joined_on",
            "status",
            "left_on",
        ]


class ServiceVisitSerializer(FormValidatedSerializer):
    """A service visit to a pool enterprise; written through the page's form."""

    form_class = ServiceVisitForm
    enterprise_name = serializers.CharField(source="entry.enterprise.name", read_only=True)

    class Meta:
        model = ServiceVisit
        fields = [
            "id",
            "entry",
            "enterprise_name",
            "visited_on",
            "visitors",
            "people_met",
            "problems",
            "help_promised",
            "follow_up_due",
            "follow_up_done_on",
            "follow_up_result",
        ]


class RuleSetSerializer(serializers.ModelSerializer):
    """A version of the monitoring rules: the rules as stored, and whether it is in force."""

    created_by = serializers.CharField(source="created_by.username", read_only=True, default="")
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = RuleSet
        fields = [
            "id",
            "version",
            "effective_from",
            "basis",
            "note",
            "based_on",
            "is_current",
            "rules",
            "impact",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_is_current(self, rule_set) -> bool:
        return rule_set.pk == self.context["current_rule_set"].pk
