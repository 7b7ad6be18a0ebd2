from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from kechuang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, PrefillFromQuery
from kechuang.registry.models import Enterprise
from kechuang.techmarket import choices, filtersets, forms, matching, services, tables
from kechuang.techmarket.models import Disclosure, Match, ResultPatent, TechDemand, TechResult


class TechResultListView(ObjectListView):
    model = TechResult
    table_class = tables.TechResultTable
    filterset_class = filtersets.TechResultFilterSet
    select_related = ("institution", "enterprise")
    create_url_name = "techmarket:techresult_add"
    import_url_name = "techmarket:techresult_import"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "export":
            queryset = queryset.prefetch_related("patents")
        return queryset


class TechResultDetailView(ObjectDetailView):
    model = TechResult
    template_name = "techmarket/techresult_detail.html"
    select_related = ("institution", "enterprise", "industry")

    def secret_fields(self):
        if services.can_read_confidential(self.request.user, self.object):
            return ()
        return ("confidential", "contact_phone")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, result = self.request.user, self.object
        context["confidential_readable"] = services.can_read_confidential(user, result)
        # Whoever may read the confidential part reads the contact's phone with it.
        context["contact_phone"] = result.contact_phone if context["confidential_readable"] else ""
        context["patents"] = result.patents.all()
        context["field_name"] = choices.field_name(result.field)
        owner_org = result.owner_organisation_id
        is_owner = owner_org is not None and user.organisation_id == owner_org
        context["is_owner"] = is_owner
        if is_owner or context["can_change"]:
            context["disclosures"] = result.disclosures.select_related("enterprise")
        company = (
            Enterprise.objects.filter(organisation_id=user.organisation_id).first()
            if user.organisation_id
            else None
        )
        if company is not None and not is_owner and result.status == choices.ResultStatus.PUBLISHED:
            context["request_form"] = forms.DisclosureRequestForm()
            context["my_disclosure"] = Disclosure.objects.filter(
                result=result, enterprise=company
            ).first()
        context["can_add_patent"] = context["can_change"] and user.has_perm(
            "techmarket.add_resultpatent"
        )
        context["matches"] = (
            Match.objects.restrict(user)
            .filter(result=result)
            .select_related("enterprise", "demand")
        )
        if (
            user.has_perm("techmarket.match_techresult")
            and result.status == choices.ResultStatus.PUBLISHED
        ):
            context["offer_to"] = reverse_suggestions(user, result)
        return context


def reverse_suggestions(user, result: TechResult) -> dict:
    """For a result: the enterprises most likely to need it (from their industry, products,
    R&D and demands) and the open demands it may answer, within what the user may see."""
    query = matching.result_query(result)
    visible_enterprises = set(Enterprise.objects.restrict(user).values_list("pk", flat=True))
    offered = {
        m.enterprise_id: m
        for m in Match.objects.filter(result=result, demand__isnull=True).select_related(
            "enterprise"
        )
    }
    own = [result.enterprise_id] if result.enterprise_id else []
    enterprises = [
        s
        for s in matching.suggest(query, "enterprise", k=25, exclude=own, existing=offered)
        if s.obj.pk in visible_enterprises
    ][:6]
    visible_demands = set(TechDemand.objects.restrict(user).values_list("pk", flat=True))
    answered = {m.demand_id: m for m in Match.objects.filter(result=result, demand__isnull=False)}
    demands = [
        s
        for s in matching.suggest(query, "demand", k=25, existing=answered)
        if s.obj.pk in visible_demands
        and s.obj.enterprise_id not in own
        and s.obj.status == choices.DemandStatus.OPEN
    ][:6]
    return {"enterprises": enterprises, "demands": demands}


class TechResultEditView(ObjectEditView):
    model = TechResult
    form_class = forms.TechResultForm


class ResultPatentEditView(PrefillFromQuery, ObjectEditView):
    model = ResultPatent
    form_class = forms.ResultPatentForm
    prefill_params = ("result",)

    def get_success_url(self):
        return self.object.result.get_absolute_url()


def _result_for(request, pk: int, action: str) -> TechResult:
    return get_object_or_404(TechResult.objects.restrict(request.user, action), pk=pk)


@require_POST
def result_publish(request, pk: int):
    result = _result_for(request, pk, "change")
    if request.POST.get("action") == "withdraw":
        services.withdraw_result(result, user=request.user)
        messages.success(request, f"已撤回：{result}")
    else:
        services.publish_result(result, user=request.user)
        messages.success(request, f"已发布：{result}")
    return redirect(result)


@require_POST
def result_request_access(request, pk: int):
    result = _result_for(request, pk, "view")
    company = Enterprise.objects.filter(organisation_id=request.user.organisation_id).first()
    if company is None or result.status != choices.ResultStatus.PUBLISHED:
        raise PermissionDenied
    form = forms.DisclosureRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors["reason"]))
        return redirect(result)
    disclosure = services.request_disclosure(
        result, enterprise=company, user=request.user, reason=form.cleaned_data["reason"]
    )
    messages.success(request, f"已提交查阅申请，当前状态：{disclosure.get_status_display()}")
    return redirect(result)


@require_POST
def disclosure_decide(request, pk: int):
    disclosure = get_object_or_404(Disclosure.objects.select_related("result"), pk=pk)
    result = disclosure.result
    is_owner = (
        result.owner_organisation_id is not None
        and result.owner_organisation_id == request.user.organisation_id
    )
    if (
        not is_owner
        and not TechResult.objects.restrict(request.user, "change").filter(pk=result.pk).exists()
    ):
        raise PermissionDenied
    approve = request.POST.get("approve") == "1"
    try:
        services.decide_disclosure(disclosure, approve=approve, user=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(result)
    messages.success(request, f"{disclosure.enterprise}：{disclosure.get_status_display()}")
    return redirect(result)


@require_POST
def result_offer(request, pk: int):
    """Offer a result to an enterprise (the reverse match): a match without a demand."""
    if not request.user.has_perm("techmarket.match_techresult"):
        raise PermissionDenied
    result = _result_for(request, pk, "view")
    enterprise = get_object_or_404(
        Enterprise.objects.restrict(request.user), pk=request.POST.get("enterprise") or 0
    )
    score = _float(request.POST.get("score"))
    suggestion = next(
        (
            s
            for s in reverse_suggestions(request.user, result)["enterprises"]
            if s.obj.pk == enterprise.pk
        ),
        None,
    )
    try:
        match = services.accept(
            kind=choices.CandidateKind.RESULT,
            candidate=result,
            enterprise=enterprise,
            user=request.user,
            score=suggestion.candidate.score if suggestion else score,
            explanation=suggestion.snapshot() if suggestion else {},
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(result)
    messages.success(request, f"已向 {enterprise} 推荐该成果，进入对接跟踪。")
    return redirect(match)


def _float(text) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None
