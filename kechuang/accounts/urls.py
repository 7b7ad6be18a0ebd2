from django.contrib.auth import views as auth_views
from django.urls import path

from kechuang.accounts import views

app_name = "accounts"

urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("operation-log/", views.OperationLogListView.as_view(), name="operationlog_list"),
    path("login-log/", views.LoginLogListView.as_view(), name="loginlog_list"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url="/"
        ),
        name="password_change",
    ),
]
