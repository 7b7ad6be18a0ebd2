from rest_framework import serializers

from kechuang.assessment import forms
from kechuang.assessment.models import (
    AssessmentResult,
    FigureFlag,
    IntellectualProperty,
    PointsResult,
    Policy,
    PolicyOutcome,
    RecognitionFigures,
)
from kechuang.core.serializers import FormValidatedSerializer


class AssessmentResultSerializer(serializers.ModelSerializer):
    """An enterprise's result in the current run, as the engine gave it: the verdict, each
    condition's verdict, the figures and score range, and the criteria with their values,
    years, sentences and gaps (`detail`)."""

    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    rules = serializers.CharField(source="run.code", read_only=True)
    rules_version = serializers.CharField(source="run.rules.version", read_only=True)
    assessed_on = serializers.DateField(source="run.assessed_on", read_only=True)

    class Meta:
        model = AssessmentResult
        fields = [
            "id",
            "enterprise",
            "enterprise_uscc",
            "enterprise_name",
            "rules",
            "rules_version",
            "assessed_on",
            "verdict",
            "awaiting_experts",
            "verdicts",
            "met_count",
            "closeness",
            "rd_ratio",
            "rd_threshold",
            "score_min",
            "score_max",
            "score",
            "holds_hnte",
            "holds_sme",
            "hnte_valid_until",
            "gaps",
            "detail",
        ]


class IntellectualPropertySerializer(FormValidatedSerializer):
    """An IP right of an enterprise; written through the page's form and its rules."""

    form_class = forms.IntellectualPropertyForm
    is_class_one = serializers.BooleanField(read_only=True)

    class Meta:
        model = IntellectualProperty
        fields = [
            "id",
            "enterprise",
            "kind",
            "is_class_one",
            "number",
            "title",
            "granted_on",
            "expires_on",
            "lapsed_on",
            "acquisition",
            "used_in_hnte_year",
            "source",
        ]


class RecognitionFiguresSerializer(FormValidatedSerializer):
    """A year's figures on the recognition calibers; amounts in yuan, as stored."""

    form_class = forms.RecognitionFiguresForm

    class Meta:
        model = RecognitionFigures
        fields = [
            "id",
            "enterprise",
            "year",
            "sales",
            "total_income",
            "hightech_income",
            "rd_expense",
            "rd_domestic",
            "net_assets",
            "staff_total",
            "tech_staff",
            "conversions",
            "tech_contract_turnover",
            "source",
        ]


class PolicyOutcomeSerializer(serializers.ModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    policy = serializers.CharField(source="run.policy.code", read_only=True)
    policy_title = serializers.CharField(source="run.policy.title", read_only=True)
    policy_basis = serializers.CharField(source="run.policy.basis", read_only=True)
    no_application = serializers.BooleanField(source="run.policy.no_application", read_only=True)
    year = serializers.IntegerField(source="run.year", read_only=True)
    amount = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="金额，单位：元（页面和导出以万元显示）",
    )

    class Meta:
        model = PolicyOutcome
        fields = [
            "id",
            "enterprise",
            "enterprise_uscc",
            "enterprise_name",
            "policy",
            "policy_title",
            "policy_basis",
            "no_application",
            "year",
            "verdict",
            "amount",
            "explanation",
            "checks",
        ]


class PointsResultSerializer(serializers.ModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    year = serializers.IntegerField(source="run.year", read_only=True)
    scheme = serializers.CharField(source="run.scheme.version", read_only=True)

    class Meta:
        model = PointsResult
        fields = [
            "id",
            "enterprise",
            "enterprise_uscc",
            "enterprise_name",
            "year",
            "scheme",
            "stage",
            "total",
            "rank",
            "items",
        ]


class PolicySerializer(serializers.ModelSerializer):
    """A policy as data; `cap` and `amount` in yuan (the pages show 万元)."""

    class Meta:
        model = Policy
        fields = [
            "id",
            "code",
            "title",
            "basis",
            "kind",
            "rd_caliber",
            "rate",
            "cap",
            "amount",
            "conditions",
            "no_application",
            "effective_from",
            "effective_to",
            "is_active",
            "note",
        ]


class FigureFlagSerializer(serializers.ModelSerializer):
    """An enterprise's confirmation of a year's figures, or a flag on one, with its handling."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    figure_label = serializers.CharField(source="get_figure_label", read_only=True)

    class Meta:
        model = FigureFlag
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "year",
            "figure",
            "figure_label",
            "is_confirmation",
            "note",
            "status",
            "created_at",
            "handled_by",
            "handled_at",
            "handling_note",
        ]
