from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    organisation = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    data_scope = serializers.ListField(child=serializers.CharField())


class MeView(APIView):
    """The calling user, their organisation, roles and data scope."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        return Response(
            {
                "username": user.username,
                "display_name": user.display_name,
                "organisation": str(user.organisation) if user.organisation else None,
                "roles": [role.name for role in user.roles],
                "data_scope": [role.get_data_scope_display() for role in user.roles],
            }
        )


class TokenView(ObtainAuthToken):
    """Exchange username and password for an API token (header: `Authorization: Token ...`)."""

    permission_classes = []
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # not ObtainAuthToken's own
