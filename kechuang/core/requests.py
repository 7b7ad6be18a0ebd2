from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; REMOTE_ADDR only, since proxies are configured per deployment."""
    return request.META.get("REMOTE_ADDR") or None
