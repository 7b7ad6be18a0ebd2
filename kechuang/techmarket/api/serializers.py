from rest_framework import serializers

from kechuang.core.masking import shown
from kechuang.core.serializers import StrictSerializer
from kechuang.techmarket import choices, services
from kechuang.techmarket.models import (
    ExpertProfile,
    Match,
    MatchmakingEvent,
    MatchStep,
    ResultPatent,
    TechDemand,
    TechResult,
)


class ResultPatentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResultPatent
        fields = ["kind", "number", "title", "status", "granted_on"]
        read_only_fields = fields


class TechResultSerializer(serializers.ModelSerializer):
    """A result as the market lists it; the confidential part and the contact's phone only
    for the bureau, the owner and enterprises the owner has approved (null otherwise)."""

    owner = serializers.SerializerMethodField()
    field_name = serializers.SerializerMethodField()
    transfer_modes = serializers.SerializerMethodField()
    keywords = serializers.SerializerMethodField()
    patents = ResultPatentSerializer(many=True, read_only=True)
    confidential = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()

    class Meta:
        model = TechResult
        fields = [
            "id",
            "title",
            "abstract",
            "field",
            "field_name",
            "industry",
            "chains",
            "keywords",
            "readiness",
            "owner",
            "institution",
            "enterprise",
            "inventors",
            "transfer_modes",
            "price",
            "price_negotiable",
            "status",
            "published_on",
            "patents",
            "confidential",
            "contact_person",
            "contact_phone",
            "updated_at",
        ]
        read_only_fields = fields

    def _readable(self, obj) -> bool:
        cache = self.context.setdefault("_confidential", {})
        if obj.pk not in cache:
            cache[obj.pk] = services.can_read_confidential(self.context["user"], obj)
        return cache[obj.pk]

    def get_owner(self, obj) -> str:
        return str(obj.owner)

    def get_field_name(self, obj) -> str:
        return choices.field_name(obj.field)

    def get_transfer_modes(self, obj) -> list[str]:
        return obj.transfer_modes

    def get_keywords(self, obj) -> list[str]:
        return obj.keyword_list

    def get_confidential(self, obj) -> str | None:
        return obj.confidential if self._readable(obj) else None

    def get_contact_phone(self, obj) -> str | None:
        return obj.contact_phone if self._readable(obj) else None


class TechDemandSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    field_name = serializers.SerializerMethodField()
    keywords = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()

    class Meta:
        model = TechDemand
        fields = [
            "id",
            "title",
            "enterprise",
            "enterprise_name",
            "problem",
            "desired_outcome",
            "constraints",
            "budget",
            "deadline",
            "field",
            "field_name",
            "industry",
            "chains",
            "keywords",
            "min_readiness",
            "visibility",
            "status",
            "published_on",
            "closed_on",
            "contact_person",
            "contact_phone",
            "updated_at",
        ]
        read_only_fields = fields

    def get_field_name(self, obj) -> str:
        return choices.field_name(obj.field) if obj.field else ""

    def get_keywords(self, obj) -> list[str]:
        return obj.keyword_list

    def get_contact_phone(self, obj) -> str:
        return shown(self.context["user"], obj, "contact_phone")


class ExpertProfileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    title = serializers.CharField(source="person.title", read_only=True)
    affiliation = serializers.SerializerMethodField()
    keywords = serializers.SerializerMethodField()

    class Meta:
        model = ExpertProfile
        fields = [
            "id",
            "person",
            "name",
            "title",
            "affiliation",
            "field",
            "industry",
            "chains",
            "keywords",
            "works",
            "bio",
            "accepts_matching",
        ]
        read_only_fields = fields

    def get_affiliation(self, obj) -> str:
        return str(obj.person.affiliation or "")

    def get_keywords(self, obj) -> list[str]:
        return obj.keyword_list


class MatchStepSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="created_by", default="", read_only=True)

    class Meta:
        model = MatchStep
        fields = ["from_status", "to_status", "at", "by", "note"]
        read_only_fields = fields


class MatchSerializer(serializers.ModelSerializer):
    candidate_name = serializers.SerializerMethodField()
    steps = MatchStepSerializer(many=True, read_only=True)
    handler_name = serializers.CharField(source="handler", default="", read_only=True)

    class Meta:
        model = Match
        fields = [
            "id",
            "demand",
            "enterprise",
            "kind",
            "result",
            "expert",
            "institution",
            "candidate_name",
            "status",
            "source",
            "score",
            "explanation",
            "handler",
            "handler_name",
            "stage_since",
            "contract_value",
            "contracted_on",
            "declined_reason",
            "event",
            "steps",
        ]
        read_only_fields = fields

    def get_candidate_name(self, obj) -> str:
        return str(obj.candidate)


class MoveSerializer(StrictSerializer):
    to_status = serializers.ChoiceField(choices=choices.MatchStatus.choices, help_text="新进展")
    expected = serializers.ChoiceField(
        choices=choices.MatchStatus.choices,
        required=False,
        help_text="您看到的当前进展；已被他人改动时拒绝（409）",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    contract_value = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="合同金额（元），签约时必填",
    )
    contracted_on = serializers.DateField(
        required=False, allow_null=True, help_text="签约日期，签约时必填"
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=300, default="", help_text="未成原因"
    )


class SignalSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(help_text="0–1")
    contribution = serializers.FloatField(help_text="对匹配度的贡献（各项之和为匹配度）")


class CandidateSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField(source="obj.pk")
    name = serializers.CharField(source="obj")
    score = serializers.FloatField(source="candidate.score", help_text="匹配度，0–1")
    strength = serializers.CharField(source="candidate.strength", help_text="较强、一般或较弱")
    signals = SignalSerializer(source="parts", many=True)
    shared_terms = serializers.ListField(source="shared", child=serializers.CharField())
    match = serializers.IntegerField(source="existing.pk", default=None, help_text="已有对接的编号")


class MatchmakingEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatchmakingEvent
        fields = ["id", "title", "held_on", "venue", "organiser", "region", "theme", "status"]
        read_only_fields = fields
