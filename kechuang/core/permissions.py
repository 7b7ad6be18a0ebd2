"""API permission: the same per-action model permissions the pages check."""

from rest_framework import permissions

from kechuang.core.scope import permission_name

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def required_action(request, view) -> str | None:
    """The model action a request needs: the view's own for its extra actions
    (`action_scopes = {"acknowledge": "change"}`), otherwise the method's."""
    named = getattr(view, "action_scopes", {}).get(getattr(view, "action", None))
    return named or METHOD_ACTIONS.get(request.method)


class ModelActionPermission(permissions.BasePermission):
    """Per-action model permission (view/add/change/delete), as the pages check it."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        action = required_action(request, view)
        if action is None:
            return True  # the view answers 405 Method Not Allowed
        queryset = getattr(view, "queryset", None)
        model = getattr(view, "model", None) or getattr(queryset, "model", None)
        if model is None:
            return True
        return request.user.has_perm(permission_name(model, action))
