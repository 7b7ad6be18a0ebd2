from kechuang.core.models import OperationLog
from kechuang.core.requests import client_ip


def request_origin(request) -> dict:
    """Where an action came from, kept with a background job so its log row can say so."""
    return {"ip": client_ip(request), "path": request.path}


def record_operation(
    user,
    action: str,
    target: str,
    *,
    summary: str = "",
    rows: int = 0,
    success: bool = True,
    origin: dict | None = None,
) -> OperationLog:
    """Record a non-CRUD action (export, import, ...) for the operation log."""
    origin = origin or {}
    return OperationLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        target=target[:100],
        summary=summary[:500],
        row_count=rows,
        success=success,
        ip_address=origin.get("ip"),
        path=(origin.get("path") or "")[:300],
    )


def log_operation(
    request, action: str, target: str, *, summary: str = "", rows: int = 0, success: bool = True
) -> OperationLog:
    """Record a non-CRUD action done in this request."""
    return record_operation(
        request.user,
        action,
        target,
        summary=summary,
        rows=rows,
        success=success,
        origin=request_origin(request),
    )
