from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kechuang.core.models import LoginLog, OperationLog


class NoDeleteAdmin(SimpleHistoryAdmin):
    """Rows that figures depend on are never hard-deleted; their status fields retire them."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Rows written only by the platform (logs, imported figures, computed results): shown to
    the administrator, changed only through the pages and services that keep them whole. Their
    历史 page shows the change log where the model keeps one."""

    def history_view(self, request, object_id, extra_context=None):
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OperationLog)
class OperationLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "action", "target", "row_count", "success")
    list_filter = ("action", "success")


@admin.register(LoginLog)
class LoginLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "event", "ip_address")
    list_filter = ("event",)
