from kechuang.core.models import OperationLog
from kechuang.core.requests import client_ip


def log_operation(
    request, action: str, target: str, *, summary: str = "", rows: int = 0, success: bool = True
) -> OperationLog:
    """Record a non-CRUD action (export, import, ...) for the operation log."""
    user = request.user if request.user.is_authenticated else None
    return OperationLog.objects.create(
        user=user,
        action=action,
        target=target[:100],
        summary=summary[:500],
        row_count=rows,
        success=success,
        ip_address=client_ip(request),
        path=request.path[:300],
    )
