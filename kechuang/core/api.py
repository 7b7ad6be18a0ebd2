"""API base: the same permissions and data scope as the pages."""

import re

from django.http import Http404
from django.views.defaults import bad_request, page_not_found
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework import exceptions, mixins, viewsets
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView, exception_handler

from kechuang.core.permissions import required_action
from kechuang.core.requests import detail_response

CJK = re.compile(r"[\u4e00-\u9fff]")
NOT_FOUND = "未找到，或不在您的数据范围内。"


class ScopedQueryMixin:
    """Rows come from `restrict(user, action)`: out-of-scope ids answer 404."""

    model = None
    select_related: tuple[str, ...] = ()

    def get_queryset(self):
        action = required_action(self.request, self) or "view"
        queryset = self.model.objects.restrict(self.request.user, action)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        # The model's order, as its list page opens (names in pinyin order), then the id so
        # that pages never repeat or skip a row.
        ordering = [o for o in self.model._meta.ordering if o not in ("pk", "id")]
        return queryset.order_by(*ordering, "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}


class AppRouter(DefaultRouter):
    """An app's API router: its root at /api/<app>/ lists the app's endpoints."""

    include_format_suffixes = False

    def __init__(self, app: str, *, extra: dict[str, str] | None = None):
        super().__init__()
        self.root_view_name = f"{app}-api-root"
        self.extra = extra or {}

    def get_api_root_view(self, api_urls=None):
        """The root lists the app's views outside the router too (`extra`: name -> url name)."""
        view = super().get_api_root_view(api_urls)
        view.initkwargs["api_root_dict"].update(self.extra)
        return view


class ApiRoot(APIView):
    """/api/: each app's API and the documentation."""

    schema = None  # an index of links, like each app's router root

    def get(self, request):
        links = {
            app: f"{app}-api-root"
            for app in (
                "registry",
                "monitoring",
                "assessment",
                "indicators",
                "techmarket",
                "accounts",
            )
        }
        links.update({"schema": "api-schema", "docs": "api-docs"})
        return Response({name: reverse(view, request=request) for name, view in links.items()})


class ReadOnlyScopedViewSet(ScopedQueryMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedViewSet(
    ScopedQueryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create and update within the user's scope; nothing is hard-deleted."""


ERROR_SCHEMAS = {
    "ErrorDetail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrors": {
        "type": "object",
        "description": "字段名（或 non_field_errors、detail）到错误说明的对应。",
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {}},
                {"type": "string"},
                {"type": "object"},
            ]
        },
    },
}


class DocumentedErrorsSchema(AutoSchema):
    """Every operation also documents the error answers it can give, with their bodies."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = {"401": "未登录或身份认证失败。", "403": "无权执行此操作。"}
        if self.method in ("POST", "PUT", "PATCH") or self._has_query():
            codes["400"] = "请求参数或内容不合法。"
        if "{" in self.path or self._is_list_view():
            codes["404"] = "不存在、不在数据范围内或页码无效。"
        if self.view.get_throttles() or self._takes_password():
            codes["429"] = "请求过于频繁或账号已被暂时锁定。"
        media_types = self.map_renderers("media_type")
        for code, description in sorted(codes.items()):
            declared = responses.get(code)
            if declared and "content" in declared:
                continue
            description = declared["description"] if declared else description
            name = "ValidationErrors" if code == "400" else "ErrorDetail"
            component = ResolvedComponent(
                name=name, type=ResolvedComponent.SCHEMA, object=name, schema=ERROR_SCHEMAS[name]
            )
            self.registry.register_on_missing(component)
            responses[code] = {
                "description": description,
                "content": {media_type: {"schema": component.ref} for media_type in media_types},
            }
        return responses

    def _has_query(self) -> bool:
        return bool(self._get_filter_parameters() or self._get_pagination_parameters())

    def _takes_password(self) -> bool:
        if self.method != "POST":
            return False
        serializer = force_instance(self.get_request_serializer())
        return "password" in getattr(serializer, "fields", {})


def not_found(request, exception=None):
    """Missing pages under /api/ answer in JSON like the API's own 404s; others get the page."""
    if request.path.startswith("/api/"):
        return detail_response(NOT_FOUND, 404)
    return page_not_found(request, exception)


def bad_request_answer(request, exception=None):
    """A request Django refuses before any view (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too
    many fields): JSON under /api/, the Chinese page elsewhere."""
    if request.path.startswith("/api/"):
        return detail_response("请求内容过大或格式有误，无法处理。", 400)
    return bad_request(request, exception, template_name="400.html")


def chinese_exception_handler(exc, context):
    """DRF's handler, with the two answers it gives in English put into Chinese: a missing
    row ("No Enterprise matches the given query.") and a session write without its CSRF
    token."""
    if isinstance(exc, Http404) and not CJK.search(str(exc)):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF"):
        exc = exceptions.PermissionDenied(
            "CSRF 校验失败：页面内调用请带上 X-CSRFToken 请求头，程序调用请使用令牌认证。"
        )
    return exception_handler(exc, context)
