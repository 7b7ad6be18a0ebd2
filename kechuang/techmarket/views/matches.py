from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kechuang.core.views import ObjectDetailView, ObjectListView
from kechuang.techmarket import choices, filtersets, forms, services, tables
from kechuang.techmarket.models import Match, TechDemand


class MatchListView(ObjectListView):
    model = Match
    table_class = tables.MatchTable
    filterset_class = filtersets.MatchFilterSet
    select_related = ("enterprise", "demand", "result", "expert__person", "institution", "handler")


class MatchDetailView(ObjectDetailView):
    model = Match
    template_name = "techmarket/match_detail.html"
    select_related = (
        "enterprise__town",
        "demand",
        "result__institution",
        "result__enterprise",
        "expert__person",
        "institution",
        "handler",
        "event",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        match = self.object
        context["steps"] = match.steps.select_related("created_by")
        context["can_move"] = match.is_open and services.can_move(self.request.user, match)
        demand = match.demand
        context["can_close_demand"] = (
            match.status == choices.MatchStatus.CONTRACTED
            and demand is not None
            and demand.status == choices.DemandStatus.OPEN
            and TechDemand.objects.restrict(self.request.user, "change")
            .filter(pk=demand.pk)
            .exists()
        )
        if context["can_move"]:
            context["move_form"] = kwargs.get("move_form") or forms.MoveForm(match=match)
        return context


@require_POST
def match_move(request, pk: int):
    match = get_object_or_404(Match.objects.restrict(request.user, "change"), pk=pk)
    form = forms.MoveForm(request.POST, match=match)
    if form.is_valid():
        data = form.cleaned_data
        try:
            match = services.move(
                match,
                data["to_status"],
                user=request.user,
                note=data["note"],
                expected=data["expected"],
                contract_value=data.get("contract_value"),
                contracted_on=data.get("contracted_on"),
                reason=data.get("reason") or "",
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, problems in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, f"对接 #{match.pk} 已更新为“{match.get_status_display()}”。")
            return redirect(match)
    view = MatchDetailView()
    view.setup(request, pk=pk)
    view.object = match
    context = view.get_context_data(object=match, move_form=form)
    return render(request, view.template_name, context, status=200)
