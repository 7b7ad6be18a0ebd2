from django.urls import path

from kechuang.accounts.api import views
from kechuang.core.api import AppRouter

router = AppRouter("accounts")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("users", views.UserViewSet, basename="user")
router.register("operation-log", views.OperationLogViewSet, basename="operationlog")
router.register("login-log", views.LoginLogViewSet, basename="loginlog")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("token/", views.TokenView.as_view(), name="api-token"),
    path("tokens/", views.TokenListView.as_view(), name="api-token-list"),
    path("tokens/<str:client>/", views.TokenDetailView.as_view(), name="api-token-detail"),
    path("logout/", views.LogoutView.as_view(), name="api-logout"),
    path("logout-all/", views.LogoutAllView.as_view(), name="api-logout-all"),
    *router.urls,
]
