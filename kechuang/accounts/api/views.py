from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.auth import TokenAuthentication
from knox.views import LogoutAllView as KnoxLogoutAllView
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.accounts import filtersets, services, tables
from kechuang.accounts.api import serializers as api_serializers
from kechuang.accounts.models import ApiToken, Organisation, User
from kechuang.core.api import ReadOnlyScopedViewSet
from kechuang.core.models import LoginLog, OperationLog
from kechuang.core.serializers import StrictSerializer


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


class TokenLoginSerializer(StrictSerializer):
    username = serializers.CharField(label="用户名", write_only=True)
    password = serializers.CharField(
        label="密码", write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )
    client = serializers.RegexField(
        r"^[\w.@+-]{1,64}$",
        label="客户端名称",
        required=False,
        default="default",
        help_text="每个客户端一个令牌；同一客户端再次登录时旧令牌作废。",
        error_messages={"invalid": "客户端名称只能包含字母、数字和 . @ + - _，最长 64 个字符。"},
    )

    def validate(self, attrs):
        request = self.context["request"]
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if getattr(request, "axes_locked_out", False):
            raise exceptions.PermissionDenied(
                f"登录失败次数过多，账号已临时锁定，请 {settings.AXES_COOLOFF_TIME * 60:.0f} 分钟后再试。"
            )
        if user is None:
            raise serializers.ValidationError("用户名或密码错误。", code="authorization")
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["client", "created", "expiry"]


class TokenView(APIView):
    """Exchange username and password for an API token (header: `Authorization: Token ...`).

    Each client name holds one token: logging in again as the same client replaces it. Tokens
    end at `expiry`, at logout and when the password changes."""

    authentication_classes = []
    permission_classes = []
    renderer_classes = [JSONRenderer]

    @extend_schema(
        request=TokenLoginSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {
                    "token": serializers.CharField(),
                    "client": serializers.CharField(),
                    "expiry": serializers.DateTimeField(),
                },
            ),
            400: OpenApiResponse(description="用户名或密码错误，或客户端名称不合规"),
            403: OpenApiResponse(description="账号已锁定"),
        },
    )
    def post(self, request):
        login = TokenLoginSerializer(data=request.data, context={"request": request})
        login.is_valid(raise_exception=True)
        user, client = login.validated_data["user"], login.validated_data["client"]
        with transaction.atomic():
            ApiToken.objects.filter(user=user, client=client).delete()
            instance, token = ApiToken.objects.create(user=user, client=client)
        return Response({"token": token, "client": client, "expiry": instance.expiry})


class TokenListView(APIView):
    """The calling user's API tokens, one per client (the secrets are never shown again)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TokenSerializer(many=True))
    def get(self, request):
        tokens = ApiToken.objects.filter(user=request.user)
        return Response(TokenSerializer(tokens, many=True).data)


class TokenDetailView(APIView):
    """Revoke the calling user's token for one client."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="没有该客户端的令牌")})
    def delete(self, request, client):
        get_object_or_404(ApiToken, user=request.user, client=client).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(KnoxLogoutView):
    """Revoke the token this request carries."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class LogoutAllView(KnoxLogoutAllView):
    """Revoke every token of the calling user."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class OrganisationViewSet(ReadOnlyScopedViewSet):
    """Organisations in the caller's data scope, with their user counts, as on the page."""

    model = Organisation
    queryset = Organisation.objects.none()
    serializer_class = api_serializers.OrganisationSerializer
    filterset_class = filtersets.OrganisationFilterSet
    table_class = tables.OrganisationTable  # sorted as the page's columns sort
    select_related = ("parent", "region")

    def get_queryset(self):
        return super().get_queryset().annotate(user_count=Count("users")).order_by("order", "name")


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """Users of the organisations in the caller's data scope."""

    queryset = User.objects.none()
    serializer_class = api_serializers.UserSerializer
    filterset_class = filtersets.UserFilterSet
    table_class = tables.UserTable  # sorted as the page's columns sort

    def get_queryset(self):
        return services.visible_users(self.request.user).order_by("username")


class OperationLogViewSet(viewsets.ReadOnlyModelViewSet):
    """What was imported, exported and changed in bulk: newest first."""

    queryset = OperationLog.objects.select_related("user").order_by("-at", "-pk")
    serializer_class = api_serializers.OperationLogSerializer
    filterset_class = filtersets.OperationLogFilterSet
    table_class = tables.OperationLogTable  # sorted as the page's columns sort


class LoginLogViewSet(viewsets.ReadOnlyModelViewSet):
    """Logins, logouts and refused logins: newest first."""

    queryset = LoginLog.objects.order_by("-at", "-pk")
    serializer_class = api_serializers.LoginLogSerializer
    filterset_class = filtersets.LoginLogFilterSet
    table_class = tables.LoginLogTable  # sorted as the page's columns sort
