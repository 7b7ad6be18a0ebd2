from django.contrib import admin

from kechuang.core.models import LoginLog, OperationLog


class ReadOnlyLogAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OperationLog)
class OperationLogAdmin(ReadOnlyLogAdmin):
    list_display = ("at", "user", "action", "target", "row_count", "success")
    list_filter = ("action", "success")


@admin.register(LoginLog)
class LoginLogAdmin(ReadOnlyLogAdmin):
    list_display = ("at", "username", "event", "ip_address")
    list_filter = ("event",)
