from django.contrib.auth import views as auth_views
from django.db.models import Count

from kechuang.accounts import filtersets, services, tables
from kechuang.accounts.forms import LoginForm
from kechuang.accounts.models import Organisation, User
from kechuang.core.models import LoginLog, OperationLog
from kechuang.core.views import ObjectListView


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class OrganisationListView(ObjectListView):
    model = Organisation
    table_class = tables.OrganisationTable
    filterset_class = filtersets.OrganisationFilterSet
    select_related = ("parent", "region")

    def get_queryset(self):
        return super().get_queryset().annotate(user_count=Count("users")).order_by("order", "name")


class UserListView(ObjectListView):
    """Users whose organisation lies inside the viewer's scope."""

    model = User
    table_class = tables.UserTable
    filterset_class = filtersets.UserFilterSet
    select_related = ("organisation",)

    def get_queryset(self):
        return services.visible_users(self.request.user)


class OperationLogListView(ObjectListView):
    model = OperationLog
    table_class = tables.OperationLogTable
    filterset_class = filtersets.OperationLogFilterSet
    select_related = ("user",)

    def get_queryset(self):
        return OperationLog.objects.select_related("user")


class LoginLogListView(ObjectListView):
    model = LoginLog
    table_class = tables.LoginLogTable
    filterset_class = filtersets.LoginLogFilterSet

    def get_queryset(self):
        return LoginLog.objects.all()
