import django_tables2 as tables

from kechuang.accounts.models import Organisation, User
from kechuang.core.models import LoginLog, OperationLog
from kechuang.core.tables import BaseTable


class OrganisationTable(BaseTable):
    name = tables.Column(verbose_name="名称")
    user_count = tables.Column(verbose_name="用户数")

    class Meta:
        model = Organisation
        fields = ("name", "kind", "parent", "region", "user_count", "is_active")
        always_visible = ("name",)
        order_by = ("order", "name")


class UserTable(BaseTable):
    roles = tables.Column(verbose_name="角色", empty_values=(), orderable=False)

    class Meta:
        model = User
        fields = ("username", "display_name", "organisation", "roles", "is_active", "last_login")
        always_visible = ("username",)

    def render_roles(self, record):
        return "、".join(g.name for g in record.groups.all()) or "—"

    value_roles = render_roles


class OperationLogTable(BaseTable):
    class Meta:
        model = OperationLog
        fields = ("at", "user", "action", "target", "summary", "row_count", "success", "ip_address")
        always_visible = ("at",)


class LoginLogTable(BaseTable):
    class Meta:
        model = LoginLog
        fields = ("at", "username", "event", "ip_address", "user_agent")
        always_visible = ("at",)
