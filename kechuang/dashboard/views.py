import datetime
import json

from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from kechuang.indicators import analysis as indicator_analysis
from kechuang.registry.choices import QualificationKind
from kechuang.registry.models import Enterprise, Institution, Person, Qualification, ScaleRecord

# Pixels of chart height per town in the home page's bar chart (two bars side by side).
TOWN_BAR_HEIGHT = 34


def home(request):
    """The officer's landing page: the registry at a glance, within the user's scope.

    A user of a member body (an enterprise or an institution) lands on its own page instead.
    """
    user = request.user
    member_page = _member_page(user)
    if member_page:
        return redirect(member_page)
    today = timezone.localdate()
    enterprises = Enterprise.objects.restrict(user).filter(status="active")
    latest_year = (
        ScaleRecord.objects.filter(enterprise__in=enterprises)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    valid = Qualification.objects.filter(
        Qualification.valid_on_q(today), enterprise__in=enterprises
    )
    qualification_counts = dict(
        valid.values("kind").annotate(n=Count("enterprise", distinct=True)).values_list("kind", "n")
    )
    above_scale = enterprises.filter(
        Exists(
            ScaleRecord.objects.filter(
                enterprise=OuterRef("pk"), year=latest_year, is_above_scale=True
            )
        )
    )
    by_town = list(
        enterprises.values("town__name")
        .annotate(total=Count("pk"), above=Count("pk", filter=Q(pk__in=above_scale.values("pk"))))
        .order_by("-total")
    )
    expiring = (
        valid.filter(
            kind=QualificationKind.HNTE,
            valid_until__lte=today + datetime.timedelta(days=183),
        )
        .select_related("enterprise")
        .order_by("valid_until")
    )
    qualification_items = [
        {"name": label, "value": qualification_counts.get(value, 0)}
        for value, label in QualificationKind.choices
    ]
    context = {
        "title": "首页",
        "enterprise_count": enterprises.count(),
        "above_scale_count": above_scale.count(),
        "latest_year": latest_year,
        "hnte_count": qualification_counts.get(QualificationKind.HNTE, 0),
        "tech_sme_count": qualification_counts.get(QualificationKind.TECH_SME, 0),
        "institution_count": Institution.objects.restrict(user).count(),
        "person_count": Person.objects.restrict(user).filter(is_active=True).count(),
        "expiring": expiring[:10],
        "expiring_count": expiring.count(),
        # A chart of one town is one bar: a town officer sees the figures above instead.
        "town_chart_shown": len(by_town) > 1,
        "town_chart_height": max(220, TOWN_BAR_HEIGHT * len(by_town) + 60),
        "town_chart": json.dumps(
            {
                "towns": [row["town__name"] for row in by_town],
                "total": [row["total"] for row in by_town],
                "above": [row["above"] for row in by_town],
            },
            ensure_ascii=False,
        ),
        "qualification_items": qualification_items,
        "qualification_ring_shown": sum(1 for q in qualification_items if q["value"]) > 1,
        "qualification_chart": json.dumps(qualification_items, ensure_ascii=False),
        "index_headline": (
            indicator_analysis.headline()
            if user.has_perm("indicators.view_indicatorvalue")
            else None
        ),
    }
    return render(request, "dashboard/home.html", context)


def _member_page(user) -> str | None:
    org = user.organisation
    if org is None or org.is_administrative:
        return None
    for related in ("enterprise", "institution"):
        body = getattr(org, related, None) if hasattr(org, related) else None
        if body is not None and type(body).objects.restrict(user).filter(pk=body.pk).exists():
            return body.get_absolute_url()
    if user.has_perm("techmarket.view_techdemand") and not user.has_perm(
        "registry.view_enterprise"
    ):
        return reverse("techmarket:techdemand_list")  # a broker: the market is their work
    return None
