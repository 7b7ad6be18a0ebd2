"""Upload size limits per route (settings.UPLOAD_MAX_MB): a view names its route with
`upload_route` (a class attribute, or the `upload_route` decorator on a function), and a
request whose declared length is over the limit is answered before its body is read."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

from kechuang.core.requests import detail_response


def limit_bytes(route: str) -> int:
    """The route's limit; a view that names no route gets the smallest."""
    limits = settings.UPLOAD_MAX_MB
    return limits.get(route, min(limits.values())) * 1024 * 1024


def too_large_message(route: str) -> str:
    return f"文件过大：此处上传的文件不能超过 {limit_bytes(route) // (1024 * 1024)} MB，请拆分后分批上传。"


def is_too_large(upload, route: str) -> bool:
    return upload is not None and upload.size > limit_bytes(route)


def upload_route(route: str):
    """Mark a function view as taking uploads of `route`."""

    def mark(view):
        view.upload_route = route
        return view

    return mark


def route_of(view_func) -> str | None:
    for owner in (
        view_func,
        getattr(view_func, "view_class", None),
        getattr(view_func, "cls", None),
    ):
        route = getattr(owner, "upload_route", None)
        if route:
            return route
    return None


class UploadLimitMiddleware:
    """Refuse an upload over its route's limit from its Content-Length, before the body is
    parsed (placed before the CSRF middleware, which would read it): the API gets 413 with
    a JSON message, a page is sent back to itself with the message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        content_type = request.META.get("CONTENT_TYPE", "")
        if not content_type.startswith("multipart/"):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        route = route_of(view_func) or ""
        if length <= limit_bytes(route):
            return None
        message = too_large_message(route)
        if request.path.startswith("/api/"):
            return detail_response(message, 413)
        messages.error(request, message)
        return redirect(request.path)
