from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from kechuang.accounts.models import ApiToken, Organisation, Role, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "display_name", "organisation", "is_active", "last_login")
    list_filter = ("is_active", "groups", "organisation__kind")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("组织", {"fields": ("organisation", "display_name", "phone")}),
    )
    raw_id_fields = ("organisation",)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "parent", "region", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    raw_id_fields = ("parent", "region")


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "data_scope", "description")
    filter_horizontal = ("custom_orgs",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are listed and revoked here; they are created only by logging in through the API."""

    list_display = ("user", "client", "token_key", "created", "expiry")
    search_fields = ("user__username", "client", "token_key")
    fields = ("user", "client", "token_key", "created", "expiry")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
