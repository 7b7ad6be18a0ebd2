"""The platform's URLs plus one bench-only view, never part of the production URLconf."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from kechuang.registry.models import Enterprise
from kechuang.urls import urlpatterns as platform_urlpatterns

PAGE = engines["django"].from_string(
    "<!doctype html><title>企业</title><table>"
    "{% for e in rows %}<tr><td>{{ e.name }}</td><td>{{ e.uscc }}</td><td>{{ e.town }}</td>"
    "<td>{{ e.industry }}</td><td>{{ e.get_size_class_display }}</td><td>{{ e.employees }}</td>"
    "<td>{{ e.registered_capital }}</td><td>{{ e.founded_on|date:'Y-m-d' }}</td>"
    "<td>{{ e.get_status_display }}</td><td>{{ e.is_listed|yesno:'是,否' }}</td></tr>"
    "{% endfor %}</table>"
)


@login_required
def bare_enterprises(request):
    """The list page's first 25 rows from the same table and scope, with nothing around them."""
    rows = Enterprise.objects.restrict(request.user).select_related("town", "industry")
    return HttpResponse(PAGE.render({"rows": rows.order_by("name_sort", "pk")[:25]}))


urlpatterns = [path("bench/bare/", bare_enterprises), *platform_urlpatterns]
