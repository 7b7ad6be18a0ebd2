"""Policies (who qualifies, how much, why; the 免申即享 list) and innovation points."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import transaction
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.assessment import filtersets, forms, support, tables
from kechuang.assessment.models import PointsResult, PointsScheme, Policy, PolicyOutcome, PolicyRun
from kechuang.core import changelog
from kechuang.core.models import OperationLog
from kechuang.core.oplog import log_operation
from kechuang.core.views import ObjectListView, announce_errors
from kechuang.engines.recognition import points as points_engine
from kechuang.engines.recognition import policies as policy_engine


class PolicyListView(ObjectListView):
    model = Policy
    table_class = tables.PolicyTable
    filterset_class = filtersets.PolicyFilterSet
    create_url_name = "assessment:policy_add"


def policy_edit(request, pk: int | None = None):
    """Add or change a policy with its conditions; what it was stays in the history."""
    policy = get_object_or_404(Policy, pk=pk) if pk else None
    if not request.user.has_perm("assessment.change_policy" if pk else "assessment.add_policy"):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.PolicyForm(request.POST, instance=policy, user=request.user)
        rows = forms.ConditionFormSet(request.POST, prefix="conditions")
        if form.is_valid() and rows.is_valid():
            conditions = [c for c in (row.as_condition() for row in rows) if c]
            try:
                policy_engine.policy_from_dict(
                    {**support.policy_as_dict(form.save(commit=False)), "conditions": conditions}
                )
            except policy_engine.PolicyError as error:
                form.add_error(None, str(error))
            else:
                with transaction.atomic(), changelog.recording(request.user):
                    saved = form.save(commit=False)
                    saved.conditions = conditions
                    saved.save()
                messages.success(request, f"已保存：{saved}")
                return redirect(saved.get_absolute_url())
    else:
        form = forms.PolicyForm(
            instance=policy,
            user=request.user,
            initial=None
            if policy
            else {"effective_from": timezone.localdate().replace(month=1, day=1)},
        )
        rows = forms.ConditionFormSet(
            prefix="conditions",
            initial=forms.condition_initial(policy.conditions) if policy else None,
        )
    context = {
        "title": f"修改政策：{policy}" if policy else "新增惠企政策",
        "form": form,
        "rows": rows,
        "policy": policy,
        "facts": policy_engine.FACT_TITLES,
    }
    return render(request, "assessment/policy_form.html", context)


def policy_detail(request, pk: int):
    if not request.user.has_perm("assessment.view_policy"):
        raise PermissionDenied
    policy = get_object_or_404(Policy, pk=pk)
    runs = []
    for run in policy.runs.filter(is_current=True).order_by("-year"):
        outcomes = PolicyOutcome.objects.restrict(request.user).filter(run=run)
        counts = dict(outcomes.values_list("verdict").annotate(n=Count("pk")).order_by())
        total = outcomes.filter(verdict="eligible").aggregate(total=Sum("amount"))["total"]
        runs.append({"run": run, "counts": counts, "total": total or Decimal(0)})
    rules = support.engine_policy(policy)
    context = {
        "title": policy.title,
        "policy": policy,
        "conditions": [c.describe(timezone.localdate().year) for c in rules.conditions],
        "formula": _formula(policy),
        "runs": runs,
        "can_run": request.user.has_perm("assessment.run_policy"),
        "can_change": request.user.has_perm("assessment.change_policy"),
        "year_form": forms.YearForm(initial={"year": timezone.localdate().year - 1}),
    }
    return render(request, "assessment/policy_detail.html", context)


def _formula(policy: Policy) -> str:
    cap = f"，单家最高 {policy.cap / 10000:,.2f} 万元" if policy.cap else ""
    rate = f"{policy.rate * 100:.2f}".rstrip("0").rstrip(".") + "%" if policy.rate else ""
    caliber = policy.get_rd_caliber_display()
    if policy.kind == "rd_increase":
        return f"研发费用（{caliber}）比上年增加额 × {rate}{cap}"
    if policy.kind == "rd_share":
        return f"当年研发费用（{caliber}）× {rate}{cap}"
    return f"定额 {policy.amount / 10000:,.2f} 万元"


@require_POST
@permission_required("assessment.run_policy", raise_exception=True)
def policy_calculate(request, pk: int):
    policy = get_object_or_404(Policy, pk=pk)
    form = forms.YearForm(request.POST)
    if not form.is_valid():
        announce_errors(request, form)
        return redirect(policy.get_absolute_url())
    try:
        run = support.calculate_policy(policy, form.cleaned_data["year"], user=request.user)
    except support.CalculationRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(policy.get_absolute_url())
    log_operation(
        request,
        OperationLog.Action.OTHER,
        "惠企政策测算",
        summary=f"{policy.title} {run.year}年：符合 {run.summary['eligible']} 家",
        rows=run.summary["enterprises"],
    )
    messages.success(
        request,
        f"已测算 {run.year}年“{policy.title}”：符合条件 {run.summary['eligible']} 家，"
        f"合计 {Decimal(run.summary['total']) / 10000:,.2f} 万元。",
    )
    return redirect(f"{reverse('assessment:policyoutcome_list')}?run={run.pk}")


@require_POST
@permission_required("assessment.run_policy", raise_exception=True)
def policy_run_withdraw(request, pk: int):
    run = get_object_or_404(PolicyRun.objects.select_related("policy"), pk=pk)
    reason = (request.POST.get("reason") or "").strip()
    if not reason:
        messages.error(request, "撤回测算须说明原因。")
        return redirect(run.policy.get_absolute_url())
    try:
        support.withdraw_policy_run(run, user=request.user, reason=reason[:300])
    except support.CalculationRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(run.policy.get_absolute_url())
    log_operation(
        request,
        OperationLog.Action.OTHER,
        "惠企政策测算",
        summary=f"撤回{run.year}年“{run.policy.title}”测算：{reason}"[:500],
    )
    messages.success(request, f"已撤回{run.year}年的测算，其结果不再列入兑现清单。")
    return redirect(run.policy.get_absolute_url())


class PolicyOutcomeListView(ObjectListView):
    """A calculation's outcomes (`?run=`), or the 免申即享 list (`?exempt=1`): the eligible
    outcomes of every current calculation of the policies paid without applying."""

    model = PolicyOutcome
    table_class = tables.PolicyOutcomeTable
    filterset_class = filtersets.PolicyOutcomeFilterSet
    select_related = ("enterprise__town", "run__policy")
    template_name = "assessment/policyoutcome_list.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.exempt = request.GET.get("exempt") == "1"
        run_id = request.GET.get("run", "")
        self.run = (
            PolicyRun.objects.select_related("policy").filter(pk=int(run_id)).first()
            if run_id.isascii() and run_id.isdigit() and len(run_id) < 10
            else None
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.exempt:
            return queryset.filter(pk__in=support.exempt_outcomes().values("pk"))
        if self.run is None:
            return queryset.filter(run__is_current=True)
        return queryset

    @property
    def list_title(self) -> str:
        if self.exempt:
            return "免申即享兑现清单"
        if self.run is not None:
            return f"{self.run.year}年 {self.run.policy.title} 测算结果"
        return "政策测算结果"

    def get_export_name(self) -> str:
        return self.list_title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.filterset.qs if self.filterset.is_valid() else PolicyOutcome.objects.none()
        context.update(
            {
                "list_title": self.list_title,
                "exempt": self.exempt,
                "run": self.run,
                "total": rows.filter(verdict="eligible").aggregate(total=Sum("amount"))["total"],
            }
        )
        return context


class PointsResultListView(ObjectListView):
    model = PointsResult
    table_class = tables.PointsResultTable
    filterset_class = filtersets.PointsResultFilterSet
    select_related = ("enterprise__town",)
    template_name = "assessment/points_list.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        asked = request.GET.get("year", "")
        if asked and not (asked.isascii() and asked.isdigit() and len(asked) == 4):
            raise BadRequest("年度应为四位数字。")
        self.run = support.current_points_run(int(asked) if asked else None)

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.filter(run=self.run) if self.run else queryset.none()

    def get_export_name(self) -> str:
        return f"{self.run.year}年企业创新积分" if self.run else "企业创新积分"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scheme = points_engine.scheme_from_dict(self.run.scheme.scheme) if self.run else None
        context.update(
            {
                "run": self.run,
                "years": support.points_years(),
                "scheme": scheme,
                "stages": points_engine.STAGES,
                "can_run": self.request.user.has_perm("assessment.run_points"),
                "year_form": forms.YearForm(initial={"year": timezone.localdate().year - 1}),
                "filter_year": self.run.year if self.run else None,
            }
        )
        return context


@require_POST
@permission_required("assessment.run_points", raise_exception=True)
def points_calculate(request):
    form = forms.YearForm(request.POST)
    if not form.is_valid():
        announce_errors(request, form)
        return redirect("assessment:pointsresult_list")
    try:
        run = support.calculate_points(form.cleaned_data["year"], user=request.user)
    except support.CalculationRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("assessment:pointsresult_list")
    log_operation(
        request,
        OperationLog.Action.OTHER,
        "企业创新积分",
        summary=f"计算{run.year}年企业创新积分（方案 {run.scheme.version}）",
        rows=run.summary["enterprises"],
    )
    messages.success(request, f"已按方案 {run.scheme.version} 计算{run.year}年企业创新积分。")
    return redirect(f"{reverse('assessment:pointsresult_list')}?year={run.year}")


def points_scheme(request):
    """The scheme in force, and a revised version to save (it applies from the next
    calculation; earlier calculations keep the version they used)."""
    if not request.user.has_perm("assessment.view_pointsscheme"):
        raise PermissionDenied
    row, scheme = support.scheme_in_force(timezone.localdate())
    can_change = request.user.has_perm("assessment.add_pointsscheme")
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        form = forms.PointsSchemeForm(request.POST, scheme=scheme)
        if form.is_valid():
            saved = support.save_scheme(
                form.cleaned_data["scheme"], form.cleaned_data["note"], user=request.user
            )
            messages.success(
                request, f"已保存积分方案 {saved.version}；重新计算积分后按新方案计分。"
            )
            return redirect("assessment:pointsresult_list")
    else:
        form = forms.PointsSchemeForm(scheme=scheme)
    context = {
        "title": "企业创新积分方案",
        "row": row,
        "form": form,
        "settings_fields": [
            form[name]
            for name in (
                "startup_years",
                "startup_revenue",
                "mature_years",
                "mature_revenue",
                "note",
            )
        ],
        "stages": points_engine.STAGES,
        "can_change": can_change,
        "versions": PointsScheme.objects.order_by("-effective_from", "-pk")[:10],
    }
    return render(request, "assessment/points_scheme.html", context)
