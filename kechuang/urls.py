from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from kechuang.accounts.views import LoginView
from kechuang.core.api import ApiRoot
from kechuang.core.views import favicon, moved
from kechuang.registry.api.urls import router as registry_router


def _docs_page(view_class, **options):
    """An API documentation page: for logged-in users only, and with the CSP relaxed for what
    Swagger UI and ReDoc need (a web worker from a blob, inline SVG images)."""
    view = view_class.as_view(url_name="api-schema", **options)
    view = csp_update({"worker-src": ["blob:"], "img-src": ["data:", "blob:"]})(view)
    return login_required(view)


api_patterns = [
    path("", ApiRoot.as_view(), name="api-index"),
    path("registry/", include(registry_router.urls)),
    # The registry's API moved under /api/registry/ with every app's.
    re_path(
        r"^(?P<rest>(?:enterprises|qualifications|institutions|people|chains)(?:/.*)?)$",
        moved("/api/registry/"),
    ),
    path("accounts/", include("kechuang.accounts.api.urls")),
    path("monitoring/", include("kechuang.monitoring.api.urls")),
    path("assessment/", include("kechuang.assessment.api.urls")),
    path("indicators/", include("kechuang.indicators.api.urls")),
    path("techmarket/", include("kechuang.techmarket.api.urls")),
    path("jobs/", include("kechuang.core.jobs_api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", _docs_page(SpectacularSwaggerSplitView), name="api-docs"),
    path(
        "redoc/",
        _docs_page(
            # Without the web fonts the stock page fetches from outside the site.
            SpectacularRedocView,
            template_name="accounts/redoc.html",
        ),
        name="api-redoc",
    ),
]

urlpatterns = [
    path("", include("kechuang.dashboard.urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("kechuang.accounts.urls")),
    path("registry/", include("kechuang.registry.urls")),
    path("monitoring/", include("kechuang.monitoring.urls")),
    path("assessment/", include("kechuang.assessment.urls")),
    path("indicators/", include("kechuang.indicators.urls")),
    path("techmarket/", include("kechuang.techmarket.urls")),
    path("", include("kechuang.core.urls")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
]

handler400 = "kechuang.core.api.bad_request_answer"
handler404 = "kechuang.core.api.not_found"

admin.site.site_header = "科创 · 后台管理"
admin.site.site_title = "科创后台"
admin.site.index_title = "后台管理"
