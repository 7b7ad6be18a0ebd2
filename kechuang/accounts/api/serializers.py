from rest_framework import serializers

from kechuang.accounts.models import Organisation, User
from kechuang.core.models import LoginLog, OperationLog


class OrganisationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    parent_name = serializers.CharField(source="parent.name", read_only=True, default="")
    region_name = serializers.CharField(source="region.name", read_only=True, default="")
    user_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "parent",
            "parent_name",
            "region",
            "region_name",
            "order",
            "is_active",
            "user_count",
        ]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, default=""
    )
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "organisation",
            "organisation_name",
            "roles",
            "is_active",
            "last_login",
        ]
        read_only_fields = fields

    def get_roles(self, user) -> list[str]:
        return [group.name for group in user.groups.all()]


class OperationLogSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True, default="")
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = OperationLog
        fields = [
            "id",
            "at",
            "user",
            "username",
            "action",
            "action_display",
            "target",
            "summary",
            "row_count",
            "success",
            "ip_address",
            "path",
        ]
        read_only_fields = fields


class LoginLogSerializer(serializers.ModelSerializer):
    event_display = serializers.CharField(source="get_event_display", read_only=True)

    class Meta:
        model = LoginLog
        fields = [
            "id",
            "at",
            "user",
            "username",
            "event",
            "event_display",
            "ip_address",
            "user_agent",
        ]
        read_only_fields = fields
