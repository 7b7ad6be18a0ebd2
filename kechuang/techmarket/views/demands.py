from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kechuang.core.masking import shown
from kechuang.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from kechuang.registry.models import Institution
from kechuang.techmarket import choices, filtersets, forms, matching, services, tables
from kechuang.techmarket.models import ExpertProfile, Match, TechDemand, TechResult

KINDS = {
    "result": ("科技成果", TechResult),
    "expert": ("专家", ExpertProfile),
    "institution": ("高校院所及平台", Institution),
}


class TechDemandListView(ObjectListView):
    model = TechDemand
    table_class = tables.TechDemandTable
    filterset_class = filtersets.TechDemandFilterSet
    select_related = ("enterprise__town",)
    create_url_name = "techmarket:techdemand_add"
    import_url_name = "techmarket:techdemand_import"


def may_match(user, demand: TechDemand) -> bool:
    """Candidates are taken for an open demand by those with the right whose own scope holds
    it (the bureau, the demand's town, the enterprise itself), and by brokers for any public
    one."""
    if not user.has_perm("techmarket.match_techdemand"):
        return False
    if demand.status != choices.DemandStatus.OPEN:
        return False
    if user.has_perm("techmarket.broker_techdemand"):
        if demand.visibility == choices.Visibility.PUBLIC:
            return True
    return TechDemand.objects.restrict(user, shared=False).filter(pk=demand.pk).exists()


class TechDemandDetailView(ObjectDetailView):
    model = TechDemand
    template_name = "techmarket/techdemand_detail.html"
    select_related = ("enterprise__town", "enterprise__industry", "industry")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, demand = self.request.user, self.object
        context["field_name"] = choices.field_name(demand.field)
        context["contact_phone"] = shown(user, demand, "contact_phone")
        context["matches"] = (
            Match.objects.restrict(user)
            .filter(demand=demand)
            .select_related("result", "expert__person", "institution", "handler")
        )
        context["may_match"] = may_match(user, demand)
        context["kinds"] = {k: label for k, (label, _) in KINDS.items()}
        return context


def demand_candidates(request, pk: int):
    """The ranked candidates of one kind for a demand, each with why (an HTMX fragment, or
    the whole page without HTMX)."""
    demand = get_object_or_404(
        TechDemand.objects.restrict(request.user).select_related("enterprise"), pk=pk
    )
    if not may_match(request.user, demand):
        raise PermissionDenied
    kind = request.GET.get("kind", "result")
    if kind not in KINDS:
        kind = "result"
    existing = {getattr(m, f"{kind}_id"): m for m in Match.objects.filter(demand=demand, kind=kind)}
    exclude = []
    if kind == "result":
        exclude = TechResult.objects.filter(enterprise=demand.enterprise).values_list(
            "pk", flat=True
        )
    suggestions = matching.suggest(
        matching.demand_query(demand), kind, k=10, exclude=list(exclude), existing=existing
    )
    visible = set(
        Match.objects.restrict(request.user)
        .filter(pk__in=[m.pk for m in existing.values()])
        .values_list("pk", flat=True)
    )
    for suggestion in suggestions:
        if suggestion.existing is not None and suggestion.existing.pk not in visible:
            suggestion.existing_hidden = True
    context = {
        "demand": demand,
        "kind": kind,
        "kind_label": KINDS[kind][0],
        "suggestions": suggestions,
    }
    template = "techmarket/includes/candidates.html"
    if not request.htmx:
        template = "techmarket/demand_candidates.html"
    return render(request, template, context)


@require_POST
def demand_accept(request, pk: int):
    demand = get_object_or_404(
        TechDemand.objects.restrict(request.user).select_related("enterprise"), pk=pk
    )
    if not may_match(request.user, demand):
        raise PermissionDenied
    kind = request.POST.get("kind", "")
    if kind not in KINDS:
        messages.error(request, "对接对象类型不正确。")
        return redirect(demand)
    model = KINDS[kind][1]
    candidate_id = request.POST.get("candidate", "")
    candidate = model.objects.filter(pk=int(candidate_id) if candidate_id.isdigit() else 0).first()
    if candidate is None:
        messages.error(request, "所选对象不存在或已下线。")
        return redirect(demand)
    # The explanation is worked out again here, not taken from the form.
    exclude = (
        TechResult.objects.filter(enterprise=demand.enterprise).values_list("pk", flat=True)
        if kind == "result"
        else []
    )
    suggestion = next(
        (
            s
            for s in matching.suggest(
                matching.demand_query(demand), kind, k=50, exclude=list(exclude)
            )
            if s.obj.pk == candidate.pk
        ),
        None,
    )
    try:
        match = services.accept(
            kind=kind,
            candidate=candidate,
            demand=demand,
            user=request.user,
            score=suggestion.candidate.score if suggestion else None,
            explanation=suggestion.snapshot() if suggestion else {},
            source=choices.MatchSource.ENGINE if suggestion else choices.MatchSource.MANUAL,
            note=request.POST.get("note", "")[:2000],
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(demand)
    messages.success(request, f"已接受推荐，对接 #{match.pk} 进入“{match.get_status_display()}”。")
    return redirect(match)


class TechDemandEditView(ObjectEditView):
    model = TechDemand
    form_class = forms.TechDemandForm


@require_POST
def demand_status(request, pk: int):
    demand = get_object_or_404(TechDemand.objects.restrict(request.user, "change"), pk=pk)
    action = request.POST.get("action")
    if action == "open":
        services.open_demand(demand, user=request.user)
        messages.success(request, f"已发布：{demand}")
    elif action in ("solved", "closed"):
        still_open = services.close_demand(demand, user=request.user, solved=action == "solved")
        messages.success(request, f"{demand}：{demand.get_status_display()}")
        if still_open:
            listed = "、".join(f"#{m.pk}（{m.get_status_display()}）" for m in still_open)
            messages.warning(
                request,
                f"该需求仍有 {len(still_open)} 个对接在进行中：{listed}，"
                "已通知各方；请在对接跟踪中更新其进展。",
            )
    else:
        messages.error(request, "未知的操作。")
    return redirect(demand)
