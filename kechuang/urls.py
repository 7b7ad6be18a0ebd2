from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from kechuang.accounts.views import LoginView
from kechuang.registry.api.urls import router as registry_router

api_patterns = [
    path("", include(registry_router.urls)),
    path("accounts/", include("kechuang.accounts.api.urls")),
    path("monitoring/", include("kechuang.monitoring.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

urlpatterns = [
    path("", include("kechuang.dashboard.urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("kechuang.accounts.urls")),
    path("registry/", include("kechuang.registry.urls")),
    path("monitoring/", include("kechuang.monitoring.urls")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

handler404 = "kechuang.core.api.not_found"

admin.site.site_header = "科创 · 后台管理"
admin.site.site_title = "科创后台"
admin.site.index_title = "后台管理"
