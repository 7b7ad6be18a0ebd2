"""Monitoring rule versions: the list, the Chinese editor that saves a new version, and the
version page with what changed and how many enterprises it moves."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render

from kechuang.core.views import ObjectListView
from kechuang.engines import monitoring as engine
from kechuang.monitoring import filtersets, rule_versions, services, tables
from kechuang.monitoring.forms import RuleEditor
from kechuang.monitoring.models import RuleSet


class RuleSetListView(ObjectListView):
    model = RuleSet
    template_name = "monitoring/ruleset_list.html"
    table_class = tables.RuleSetTable
    filterset_class = filtersets.RuleSetFilterSet

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = services.current_rule_set()
        context["current"] = current
        context["described"] = rule_versions.describe(
            engine.MonitoringRules.from_dict(current.rules)
        )
        context["can_add"] = self.request.user.has_perm("monitoring.add_ruleset")
        return context


@permission_required("monitoring.add_ruleset", raise_exception=True)
def rule_version_create(request):
    """Edit every rule in labelled fields; saving creates a new version (never an edit)."""
    base = services.current_rule_set()
    if request.GET.get("from", "").isdigit():
        base = get_object_or_404(RuleSet, pk=int(request.GET["from"]))
    rules = engine.MonitoringRules.from_dict(base.rules)
    editor = RuleEditor(rules, request.POST if request.method == "POST" else None)
    if request.method == "POST" and editor.is_valid():
        data = editor.settings.cleaned_data
        try:
            rule_set = services.save_rule_version(
                base=base,
                changes=editor.changes(),
                version=data["version"],
                effective_from=data["effective_from"],
                basis=data["basis"],
                note=data["note"],
                user=request.user,
            )
        except ValueError as exc:
            editor.errors.append(str(exc))
        else:
            messages.success(
                request, f"已保存规则版本 {rule_set.version}；重新计算后按新规则生成名单。"
            )
            for later in services.pending_after(rule_set):
                messages.warning(
                    request,
                    f"注意：版本 {later.version} 将于{later.effective_from:%Y年%-m月%-d日}起生效，"
                    f"它不包含本次修改，生效后将取代本版本；如需保留本次修改，请基于本版本为该日期另存新版本。",
                )
            return redirect(rule_set)
    return render(
        request,
        "monitoring/ruleset_form.html",
        {"editor": editor, "base": base, "title": "新建监测规则版本"},
    )


@permission_required("monitoring.view_ruleset", raise_exception=True)
def rule_version_detail(request, pk: int):
    """A version in words, its changes against the version before, and whom it moves."""
    rule_set = get_object_or_404(RuleSet, pk=pk)
    rules = engine.MonitoringRules.from_dict(rule_set.rules)
    previous = services.compared_rule_set(rule_set)
    changes = None
    if previous is not None:
        changes = rule_versions.diff(engine.MonitoringRules.from_dict(previous.rules), rules)
    impact = rule_set.impact or None
    estimated_now = False
    if impact is None and previous is not None:
        impact, estimated_now = services.rule_impact(previous, rule_set), True
    return render(
        request,
        "monitoring/ruleset_detail.html",
        {
            "title": f"监测规则版本 {rule_set.version}",
            "rule_set": rule_set,
            "previous": previous,
            "described": rule_versions.describe(rules),
            "changes": changes,
            "impact": impact,
            "estimated_now": estimated_now,
            "is_current": services.current_rule_set() == rule_set,
            "overridden": services.overridden_by_later(rule_set),
            "can_add": request.user.has_perm("monitoring.add_ruleset"),
        },
    )
