from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone

from kechuang.techmarket import funnel as funnel_analysis
from kechuang.techmarket.models import TechDemand


@permission_required("techmarket.view_match", raise_exception=True)
def overview(request):
    """The market's funnel for a year (or all years), by field and by town, and the demands
    left unanswered longest."""
    years = sorted(
        {d.year for d in TechDemand.objects.restrict(request.user).dates("published_on", "year")},
        reverse=True,
    )
    chosen = request.GET.get("year", "")
    year = int(chosen) if chosen.isdigit() and int(chosen) in years else None
    report = funnel_analysis.build(request.user, year=year)
    return render(
        request,
        "techmarket/overview.html",
        {
            "title": "技术市场",
            "report": report,
            "breakdowns": [("按技术领域", report.by_field), ("按乡镇街道", report.by_town)],
            "years": years,
            "year": year,
            "today": timezone.localdate(),
            "whole_county": request.user.scope_grant().covers_region(settings.HOME_REGION_CODE),
        },
    )
