"""The key-enterprise cultivation pool (重点企业培育库), its 包联 officers and service visits."""

from django.db.models import Case, Count, IntegerField, Max, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils import timezone

from kechuang.core.masking import shown
from kechuang.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from kechuang.monitoring import filtersets, forms, tables
from kechuang.monitoring.choices import PoolStatus
from kechuang.monitoring.models import PoolEntry, RDRecord, ServiceVisit
from kechuang.monitoring.services import overdue_visits
from kechuang.registry.models import Enterprise


def is_overdue(visit: ServiceVisit, today=None) -> bool:
    """Whether the visit's follow-up was due before today and is not done (see overdue_visits)."""
    today = today or timezone.localdate()
    return (
        visit.follow_up_due is not None
        and visit.follow_up_done_on is None
        and visit.follow_up_due < today
    )


def overdue_row_attrs() -> dict:
    """Row attributes that mark visits whose follow-up is overdue."""
    today = timezone.localdate()
    return {
        "class": lambda record: "table-danger" if is_overdue(record, today) else "",
        "data-overdue": lambda record: "true" if is_overdue(record, today) else "false",
    }


def _sort_or_default(request):
    """The user's chosen sort, or none so that the queryset's own ordering stands."""
    return request.GET.get("sort") or ()


class PoolEntryListView(ObjectListView):
    """The pool with each entry's visits, last visit and overdue follow-ups; active entries
    with overdue follow-ups come first."""

    model = PoolEntry
    table_class = tables.PoolEntryTable
    filterset_class = filtersets.PoolEntryFilterSet
    select_related = ("enterprise__town", "officer")
    create_url_name = "monitoring:poolentry_add"
    export_name = "重点企业培育库"

    def get_queryset(self):
        overdue = (
            overdue_visits(ServiceVisit.objects.filter(entry=OuterRef("pk")))
            .order_by()
            .values("entry")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset()
            .annotate(
                visit_count=Count("visits"),
                last_visit=Max("visits__visited_on"),
                overdue_count=Coalesce(Subquery(overdue, output_field=IntegerField()), 0),
                active_first=Case(
                    When(status=PoolStatus.ACTIVE, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
            )
            .order_by("active_first", "-overdue_count", "-joined_on", "pk")
        )

    def table_extra_kwargs(self):
        return {"order_by": _sort_or_default(self.request)}


class PoolEntryDetailView(ObjectDetailView):
    model = PoolEntry
    template_name = "monitoring/poolentry_detail.html"
    select_related = (
        "enterprise__town",
        "enterprise__industry",
        "officer__organisation",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        entry = self.object
        enterprise = entry.enterprise
        today = timezone.localdate()
        visits = list(
            ServiceVisit.objects.restrict(user)
            .filter(entry=entry)
            .select_related("created_by")
            .order_by("-visited_on", "-pk")
        )
        changeable = set(
            ServiceVisit.objects.restrict(user, "change")
            .filter(entry=entry)
            .values_list("pk", flat=True)
        )
        context["visits"] = [(v, is_overdue(v, today), v.pk in changeable) for v in visits]
        context["overdue_count"] = sum(1 for _, overdue, _ in context["visits"] if overdue)
        context["can_add_visit"] = entry.status == PoolStatus.ACTIVE and user.has_perm(
            "monitoring.add_servicevisit"
        )
        context["can_view_enterprise"] = (
            Enterprise.objects.restrict(user).filter(pk=enterprise.pk).exists()
        )
        context["contact_phone"] = shown(user, enterprise, "contact_phone")
        context["qualifications"] = [
            q for q in enterprise.qualifications.order_by("-issued_on") if q.is_valid_on(today)
        ]
        context["scale_record"] = enterprise.scale_records.order_by("-year").first()
        context["rd_record"] = (
            RDRecord.objects.restrict(user)
            .filter(enterprise=enterprise, quarter=0)
            .order_by("-year")
            .first()
        )
        context["other_entries"] = (
            PoolEntry.objects.restrict(user)
            .filter(enterprise=enterprise)
            .exclude(pk=entry.pk)
            .select_related("officer")
            .order_by("-joined_on")
        )
        return context


class PoolEntryEditView(ObjectEditView):
    """Add an enterprise to the pool (`?enterprise=<id>` preselects it) or change an entry
    (`?close=1` proposes taking it out of the pool today)."""

    model = PoolEntry
    form_class = forms.PoolEntryForm

    def get_initial(self):
        initial = super().get_initial()
        if "pk" not in self.kwargs and "enterprise" in self.request.GET:
            initial["enterprise"] = self.request.GET["enterprise"]
        if "pk" in self.kwargs and self.request.GET.get("close"):
            initial["status"] = PoolStatus.REMOVED
            initial["left_on"] = timezone.localdate()
        return initial


class ServiceVisitListView(ObjectListView):
    """The officer's work list: without a query an officer with active pool entries sees the
    visits to their own enterprises; `?mine=true&overdue=true` is their overdue follow-ups."""

    model = ServiceVisit
    table_class = tables.ServiceVisitTable
    filterset_class = filtersets.ServiceVisitFilterSet
    select_related = ("entry__enterprise", "entry__officer")
    create_url_name = "monitoring:servicevisit_add"
    export_name = "走访服务记录"

    def get(self, request, *args, **kwargs):
        if not request.GET and self._is_officer():
            query = QueryDict(mutable=True)
            query["mine"] = "true"
            return redirect(f"{request.path}?{query.urlencode()}")
        return super().get(request, *args, **kwargs)

    def _is_officer(self) -> bool:
        return PoolEntry.objects.filter(
            officer=self.request.user, status=PoolStatus.ACTIVE
        ).exists()

    def get_queryset(self):
        today = timezone.localdate()
        overdue = overdue_visits(ServiceVisit.objects.all(), on=today).values("pk")
        return (
            super()
            .get_queryset()
            .annotate(
                overdue_first=Case(
                    When(pk__in=overdue, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("overdue_first", "-visited_on", "-pk")
        )

    def table_extra_kwargs(self):
        return {"order_by": _sort_or_default(self.request), "row_attrs": overdue_row_attrs()}


class ServiceVisitEditView(ObjectEditView):
    """Record a visit (`?entry=<id>` preselects the pool entry) or complete its follow-up;
    either way the officer returns to the entry's page."""

    model = ServiceVisit
    form_class = forms.ServiceVisitForm
    select_related = ("entry__enterprise",)

    def get_initial(self):
        initial = super().get_initial()
        if "pk" not in self.kwargs:
            if "entry" in self.request.GET:
                initial["entry"] = self.request.GET["entry"]
            initial["visitors"] = str(self.request.user)
        return initial

    def get_success_url(self):
        return self.object.entry.get_absolute_url()
