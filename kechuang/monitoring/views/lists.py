"""Monitoring results: the overview, the lists behind it and the alerts."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kechuang.core.models import OperationLog
from kechuang.core.oplog import log_operation
from kechuang.core.requests import next_url
from kechuang.core.views import ObjectListView
from kechuang.engines import monitoring as engine
from kechuang.monitoring import filtersets, results, services, tables
from kechuang.monitoring.forms import AlertHandlingForm
from kechuang.monitoring.models import (
    Alert,
    Snapshot,
    SnapshotEntry,
)

# The columns each list shows; which entries it holds is the engine's (see ENTRY_LISTS).
LISTS = {
    "top_spend": ("rank_spend", "rd_expense", "revenue", "intensity"),
    "top_intensity": ("rank_intensity", "intensity", "rd_expense", "revenue"),
    "decline": ("previous_rd_expense", "rd_expense", "drop", "drop_ratio"),
    "zero_rd": ("zero_years", "revenue", "tier"),
    "coverage": ("coverage_missing", "rd_expense", "revenue"),
    "class": ("innovation_class", "rd_expense", "intensity", "coverage_missing"),
    "tier": ("tier", "previous_tier", "rd_expense", "revenue", "intensity"),
}
IDENTITY_COLUMNS = ("enterprise", "uscc", "town", "industry")
# Ranked lists of the rules' N: a 研发50强 read over two pages of 25 is not a list of 50.
RANKED_LISTS = ("top_spend", "top_intensity")


def _chosen_year(request) -> int | None:
    try:
        return results.asked_year(request.GET.get("year"))
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def overview(request):
    """The year's monitoring at a glance, within the user's scope."""
    if not request.user.has_perm("monitoring.view_snapshotentry"):
        raise PermissionDenied
    year = _chosen_year(request)
    snapshot = services.current_snapshot(year) if year else None
    context = {
        "title": "研发监测总览",
        "years": results.years(),
        "year": year,
        "snapshot": snapshot,
    }
    if snapshot is not None:
        rules = results.rules_of(snapshot)
        entries = SnapshotEntry.objects.restrict(request.user).of(snapshot)
        summary = results.scoped_summary(entries, rules)
        tier_labels = {**rules.tier_labels(), engine.TIER_NONE: engine.TIER_NONE_LABEL}
        tier_keys = [t.key for t in rules.tiers] + [engine.TIER_NONE]
        move_counts = {(m["previous_tier"], m["tier"]): m["n"] for m in summary["moves"]}
        previous_keys = [*tier_keys, engine.TIER_ABSENT]
        context.update(
            {
                "rules": rules,
                "titles": results.list_titles(rules),
                "summary": summary,
                "class_rows": [
                    (key, label, summary["classes"].get(key, 0))
                    for key, label in engine.CLASS_LABELS.items()
                ],
                # A ring of one class is one colour: the table beside it says as much.
                "class_ring_shown": sum(1 for n in summary["classes"].values() if n) > 1,
                "tier_rows": [
                    (key, tier_labels[key], summary["tiers"].get(key, 0)) for key in tier_keys
                ],
                "tier_labels": {**tier_labels, engine.TIER_ABSENT: engine.TIER_ABSENT_LABEL},
                "move_matrix": [
                    (
                        tier_labels.get(source, engine.TIER_ABSENT_LABEL),
                        [move_counts.get((source, target), 0) for target in tier_keys],
                    )
                    for source in previous_keys
                ],
                "move_columns": [tier_labels[key] for key in tier_keys],
                "moved": sum(n for (a, b), n in move_counts.items() if a != b and a),
                "alert_counts": dict(
                    Alert.objects.restrict(request.user)
                    .of(snapshot)
                    .filter(acknowledged_at__isnull=True)
                    .values_list("kind")
                    .annotate(n=Count("pk"))
                    .order_by()
                ),
                "chart": json.dumps(
                    {
                        "classes": [
                            {"name": label, "value": summary["classes"].get(key, 0)}
                            for key, label in engine.CLASS_LABELS.items()
                        ],
                        "tiers": [
                            {"name": tier_labels[key], "value": summary["tiers"].get(key, 0)}
                            for key in tier_keys
                        ],
                    },
                    ensure_ascii=False,
                ),
                "can_recompute": request.user.has_perm("monitoring.add_snapshot"),
            }
        )
    return render(request, "monitoring/overview.html", context)


@require_POST
@permission_required("monitoring.add_snapshot", raise_exception=True)
def recompute_view(request):
    try:
        snapshot = services.recompute_year(request.POST.get("year", ""), user=request.user)
    except services.RecomputeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("monitoring:overview")
    log_operation(
        request,
        OperationLog.Action.OTHER,
        "研发监测",
        summary=f"重新计算{snapshot.year}年监测结果（规则 {snapshot.rule_set.version}）",
        rows=SnapshotEntry.objects.of(snapshot).count(),
    )
    messages.success(
        request, f"已按规则 {snapshot.rule_set.version} 重新计算{snapshot.year}年监测结果。"
    )
    return redirect(f"{reverse('monitoring:overview')}?year={snapshot.year}")


class SnapshotEntryListView(ObjectListView):
    """One view for every monitoring list; `?list=` picks which, `?year=` the year."""

    model = SnapshotEntry
    table_class = tables.SnapshotEntryTable
    filterset_class = filtersets.SnapshotEntryFilterSet
    select_related = ("enterprise__town", "enterprise__industry")
    template_name = "monitoring/entry_list.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.list_key = request.GET.get("list") or "top_spend"
        if self.list_key not in LISTS:
            raise Http404("没有这个名单")

    def _snapshot(self) -> Snapshot | None:
        if not hasattr(self, "_snapshot_cache"):
            year = _chosen_year(self.request)
            self._snapshot_cache = services.current_snapshot(year) if year else None
        return self._snapshot_cache

    def get_queryset(self):
        snapshot = self._snapshot()
        queryset = super().get_queryset()
        if snapshot is None:
            return queryset.none()
        return queryset.of(snapshot).on_list(self.list_key)

    def _list_rules(self) -> engine.MonitoringRules:
        """The rules of the shown snapshot, or those in force when there is none yet."""
        snapshot = self._snapshot()
        if snapshot is not None:
            return results.rules_of(snapshot)
        return engine.MonitoringRules.from_dict(services.current_rule_set().rules)

    @property
    def list_title(self) -> str:
        return results.list_titles(self._list_rules())[self.list_key]

    def get_table_pagination(self, table):
        pagination = super().get_table_pagination(table)
        if self.list_key in RANKED_LISTS:
            # BoundedPaginator still caps it at LIST_MAX_PER_PAGE.
            pagination["per_page"] = max(self._list_rules().top_n, self.paginate_by)
        return pagination

    def table_extra_kwargs(self):
        snapshot = self._snapshot()
        if snapshot is None:
            return {}
        rules = results.rules_of(snapshot)
        return {
            "tier_labels": rules.tier_labels(),
            "coverage_labels": {item.key: item.label for item in rules.coverage_items},
        }

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if "exclude" not in kwargs:
            shown = set(IDENTITY_COLUMNS) | set(LISTS[self.list_key])
            kwargs["exclude"] = [c for c in self.table_class.base_columns if c not in shown]
        return kwargs

    def _session_key(self) -> str:
        return f"columns:monitoring:{self.list_key}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        snapshot = self._snapshot()
        rules = self._list_rules()
        titles = results.list_titles(rules)
        context.update(
            {
                "lists": [(key, titles[key]) for key in LISTS],
                "list_key": self.list_key,
                "list_title": titles[self.list_key],
                "intensity_eligibility": rules.intensity_eligibility(),
                "years": results.years(),
                "snapshot": snapshot,
                "year": snapshot.year if snapshot else _chosen_year(self.request),
            }
        )
        if snapshot is not None:
            rules = results.rules_of(snapshot)
            context["coverage_items"] = rules.coverage_items
            context["tier_choices"] = [(t.key, t.label) for t in rules.tiers] + [
                (engine.TIER_NONE, engine.TIER_NONE_LABEL)
            ]
        return context

    @property
    def export_name(self) -> str:
        snapshot = self._snapshot()
        year = f"{snapshot.year}年" if snapshot else ""
        return f"{year}{self.list_title}"


class AlertListView(ObjectListView):
    model = Alert
    table_class = tables.AlertTable
    filterset_class = filtersets.AlertFilterSet
    select_related = ("enterprise__town", "acknowledged_by")
    template_name = "monitoring/alert_list.html"

    def _snapshot(self) -> Snapshot | None:
        if not hasattr(self, "_snapshot_cache"):
            year = _chosen_year(self.request)
            self._snapshot_cache = services.current_snapshot(year) if year else None
        return self._snapshot_cache

    def get_queryset(self):
        snapshot = self._snapshot()
        queryset = super().get_queryset()
        if snapshot is None:
            return queryset.none()
        return queryset.of(snapshot).order_by("kind", "-value")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        snapshot = self._snapshot()
        context.update(
            {
                "years": results.years(),
                "snapshot": snapshot,
                "year": snapshot.year if snapshot else _chosen_year(self.request),
            }
        )
        return context

    @property
    def export_name(self) -> str:
        year = _chosen_year(self.request)
        return f"{year}年预警" if year else "预警"


def acknowledge_alert(request, pk: int):
    """Mark an alert handled, with a note of what was done."""
    if not request.user.has_perm("monitoring.change_alert"):
        raise PermissionDenied
    alert = get_object_or_404(
        Alert.objects.restrict(request.user, "change").select_related(
            "enterprise__town", "snapshot"
        ),
        pk=pk,
    )
    year_list = f"{reverse('monitoring:alert_list')}?year={alert.snapshot.year}"
    back = next_url(request, year_list)
    if alert.acknowledged_at is not None:
        messages.info(request, str(services.AlertAlreadyHandled(alert)))
        return redirect(back)
    form = AlertHandlingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.acknowledge_alert(alert, user=request.user, note=form.cleaned_data["note"])
        except services.AlertAlreadyHandled as handled:
            messages.info(request, str(handled))
        else:
            messages.success(request, f"已标记处理：{alert.enterprise}")
        return redirect(back)
    return render(
        request, "monitoring/alert_handle.html", {"alert": alert, "form": form, "back": back}
    )
