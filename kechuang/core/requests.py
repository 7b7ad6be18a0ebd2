import ipaddress

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, as used by the lockout, the logs and the history.

    The connecting address, unless settings.TRUSTED_PROXY_COUNT reverse proxies stand in front:
    each appends the address it received the request from to X-Forwarded-For, so the client is
    the entry that many places from the right; anything further left was written by the client
    and is never trusted. A header shorter than the proxy chain or holding no valid address
    leaves the connecting address.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < count or not hops[-count]:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def next_url(request: HttpRequest, default: str) -> str:
    """The `next` address posted or asked for, if it stays on this site; otherwise `default`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def detail_response(message: str, status: int) -> JsonResponse:
    """An API refusal given before DRF sees the request, in DRF's shape and readable Chinese."""
    return JsonResponse(
        {"detail": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )
