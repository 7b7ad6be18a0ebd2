"""Recognition readiness pages: the county's runs and lists, one enterprise's assessment,
and the facts the rules read that the period records do not hold."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.assessment import filtersets, forms, services, tables, tasks
from kechuang.assessment.choices import RuleCode
from kechuang.assessment.models import (
    AssessmentResult,
    EnterpriseEvent,
    IntellectualProperty,
    RecognitionFigures,
    RecognitionProfile,
)
from kechuang.core.filters import MAX_ID
from kechuang.core.models import OperationLog
from kechuang.core.oplog import log_operation
from kechuang.core.views import ObjectEditView, ObjectListView, PrefillFromQuery, announce_errors
from kechuang.engines.recognition import hnte, sme
from kechuang.engines.recognition.results import VERDICT_LABELS
from kechuang.registry.models import Enterprise

TITLES = {"hnte": hnte.TITLES, "sme": sme.TITLES}
LISTS = {
    "all": "测评结果",
    "candidates": "小升高培育对象（科小未认定高企）",
    "expiring": "高企证书今明两年到期",
}
WAN = Decimal(10000)


def asked_rules(request) -> str:
    code = request.GET.get("rules") or RuleCode.HNTE
    if code not in RuleCode.values:
        raise BadRequest("测评类型应为 hnte（高新技术企业）或 sme（科技型中小企业）。")
    return code


def asked_date(request) -> datetime.date:
    text = request.GET.get("on")
    if not text:
        return timezone.localdate()
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"“{text}”不是日期，应写作 YYYY-MM-DD。") from None
    if day.year < 2003:
        raise BadRequest("测评基准日过早。")
    return day


def overview(request):
    """Both assessments at a glance within the user's scope, and a new run to start."""
    if not request.user.has_perm("assessment.view_assessmentresult"):
        raise PermissionDenied
    own = (
        getattr(request.user.organisation, "enterprise", None)
        if request.user.organisation_id
        else None
    )
    if own is not None:  # an enterprise's user: its own page says what the county's would
        return redirect("assessment:enterprise_overview", own.pk)
    cards = []
    for code, label in RuleCode.choices:
        run = services.current_run(code)
        card = {"code": code, "label": label, "run": run}
        if run is not None:
            results = AssessmentResult.objects.restrict(request.user).filter(run=run)
            counts = dict(results.values_list("verdict").annotate(n=Count("pk")).order_by())
            card["verdicts"] = [
                (key, VERDICT_LABELS[key], counts.get(key, 0))
                for key in ("eligible", "needs_info", "not_eligible")
            ]
            card["total"] = sum(counts.values())
            card["awaiting"] = results.filter(awaiting_experts=True).count()
            unmet = []
            for key, title in TITLES[code].items():
                n = results.filter(**{f"verdicts__{key}": "not_met"}).count()
                unmet.append((key, title, n))
            card["unmet"] = unmet
            if code == RuleCode.HNTE:
                card["candidates"] = services.candidates(run).filter(pk__in=results).count()
                card["expiring"] = services.expiring(run).filter(pk__in=results).count()
        cards.append(card)
    context = {
        "title": "认定测评",
        "cards": cards,
        "can_run": request.user.has_perm("assessment.run_assessment"),
        "run_form": forms.RunForm(initial={"code": "hnte", "on": timezone.localdate()}),
    }
    return render(request, "assessment/overview.html", context)


@require_POST
@permission_required("assessment.run_assessment", raise_exception=True)
def run_view(request):
    form = forms.RunForm(request.POST)
    if not form.is_valid():
        announce_errors(request, form)
        return redirect("assessment:overview")
    code, on = form.cleaned_data["code"], form.cleaned_data["on"]
    job = tasks.start_run(code, on, user=request.user)
    log_operation(
        request,
        OperationLog.Action.OTHER,
        "认定测评",
        summary=f"发起全县{RuleCode(code).label}测评，基准日 {on:%Y-%m-%d}",
    )
    if job.is_finished and job.status == job.Status.SUCCEEDED:
        messages.success(
            request,
            f"已完成{RuleCode(code).label}测评：{job.result.get('enterprises', 0)} 家企业。",
        )
        return redirect(job.result["url"])
    return redirect("core:job_status", job.pk)


class AssessmentResultListView(ObjectListView):
    """The current run's results: every enterprise, the 小升高 candidates, or the 高企
    whose certificates end this year or next (`?list=`); `?rules=` picks the run."""

    model = AssessmentResult
    table_class = tables.AssessmentResultTable
    filterset_class = filtersets.AssessmentResultFilterSet
    select_related = ("enterprise__town", "run")
    template_name = "assessment/result_list.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.list_key = request.GET.get("list") or "all"
        if self.list_key not in LISTS:
            raise Http404("没有这个名单")
        self.code = RuleCode.HNTE if self.list_key != "all" else asked_rules(request)
        self.run = services.current_run(self.code)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.run is None:
            return queryset.none()
        return services.listed(queryset, self.run, self.list_key)

    def table_extra_kwargs(self):
        return {"criteria": {key: f"条件{key[1:]}" for key in TITLES[self.code]}}

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if "exclude" not in kwargs:
            hidden = (
                {"score"} if self.code == RuleCode.HNTE else {"score_range", "hnte_valid_until"}
            )
            if self.list_key != "expiring":
                hidden.add("hnte_valid_until")
            kwargs["exclude"] = sorted(hidden)
        return kwargs

    def _session_key(self) -> str:
        return f"columns:assessment:{self.code}:{self.list_key}"

    @property
    def list_title(self) -> str:
        if self.list_key == "all":
            return f"{RuleCode(self.code).label}测评结果"
        return LISTS[self.list_key]

    def get_export_name(self) -> str:
        day = f"（基准日{self.run.assessed_on:%Y-%m-%d}）" if self.run else ""
        return f"{self.list_title}{day}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "list_key": self.list_key,
                "list_title": self.list_title,
                "lists": list(LISTS.items()),
                "code": self.code,
                "run": self.run,
                "criteria": list(TITLES[self.code].items()),
            }
        )
        return context


# What the assessment page calls each fact; `{t1}` … stand for the accounting years.
FACT_LABELS = {
    "registered_on": "注册成立日期",
    "sales_t1": "{t1}年销售收入",
    "sales_t2": "{t2}年销售收入",
    "sales_t3": "{t3}年销售收入",
    "total_income_t1": "{t1}年总收入",
    "hightech_income_t1": "{t1}年高新技术产品（服务）收入",
    "rd_t1": "{t1}年研究开发费用",
    "rd_t2": "{t2}年研究开发费用",
    "rd_t3": "{t3}年研究开发费用",
    "rd_domestic_t1": "{t1}年境内研究开发费用",
    "rd_domestic_t2": "{t2}年境内研究开发费用",
    "rd_domestic_t3": "{t3}年境内研究开发费用",
    "cost_expense_t1": "{t1}年成本费用支出总额",
    "assets_t1": "{t1}年末资产总额",
    "net_assets_t1": "{t1}年末净资产",
    "net_assets_t2": "{t2}年末净资产",
    "net_assets_t3": "{t3}年末净资产",
    "staff_total": "{t1}年职工总数",
    "tech_staff": "{t1}年科技人员数",
    "ip_class1": "有效Ⅰ类知识产权（件）",
    "ip_class2": "可用Ⅱ类知识产权（件）",
    "conversions_avg_3y": "近三年科技成果转化年均数（项）",
    "major_incident": "有重大事故或失信记录",
    "hnte_valid": "持有效高企证书",
    "provincial_rd_institution": "有省部级以上研发机构",
    "led_standard_5y": "近五年主导制定标准",
    "national_award_5y": "近五年获国家级科技奖励",
    "tech_domain": "核心技术所属领域",
    "restricted_catalogue": "属于禁止、限制和淘汰类",
}


def fact_label(name: str, on: datetime.date) -> str:
    return FACT_LABELS[name].format(t1=on.year - 1, t2=on.year - 2, t3=on.year - 3)


def _scoped_enterprise(request, pk: int, action: str = "view") -> Enterprise:
    if not request.user.has_perm("registry.view_enterprise"):
        raise PermissionDenied
    return get_object_or_404(Enterprise.objects.restrict(request.user, action), pk=pk)


def _shown(name: str, value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        text = f"{value.quantize(Decimal('0.01')).normalize():f}" if value % 1 else f"{value:f}"
        stem = name.rsplit("_t", 1)[0]
        money = stem in ("sales", "rd", "rd_domestic", "net_assets") or name in (
            "total_income_t1",
            "hightech_income_t1",
            "cost_expense_t1",
            "assets_t1",
        )
        return f"{text} 万元" if money else text
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def enterprise_assessment(request, pk: int):
    """One enterprise's readiness for 高企 or 科小 on a date: each condition with the
    figures and years it used, the score as ranges, what is missing, and where every
    figure came from."""
    enterprise = _scoped_enterprise(request, pk)
    code, on = asked_rules(request), asked_date(request)
    try:
        result, facts, sources, rules = services.assess_enterprise(enterprise, code, on)
    except services.AssessmentRefused as refusal:
        raise BadRequest(str(refusal)) from None
    used = [
        (fact_label(name, on), _shown(name, getattr(facts, name)), sources.get(name, "未掌握"))
        for name in FACT_LABELS
    ]
    if facts.expert_score is not None:
        used.append(
            ("创新能力评价自评分", str(facts.expert_score), sources.get("expert_score", ""))
        )
    parts = list(result.parts)
    data_parts = [p for p in parts if not p.by_experts]
    context = {
        "title": f"{enterprise.name} {RuleCode(code).label}测评",
        "enterprise": enterprise,
        "code": code,
        "codes": RuleCode.choices,
        "on": on,
        "result": result,
        "verdict_label": VERDICT_LABELS[result.verdict],
        "rules": rules,
        "parts": parts,
        "data_score": (sum(p.low for p in data_parts), sum(p.high for p in data_parts)),
        "used": used,
        "can_edit_facts": request.user.has_perm("assessment.change_recognitionprofile")
        and Enterprise.objects.restrict(request.user, "change").filter(pk=pk).exists(),
    }
    return render(request, "assessment/enterprise_assessment.html", context)


def enterprise_facts(request, pk: int):
    """The facts the rules read that the period records do not hold, with their sources."""
    enterprise = _scoped_enterprise(request, pk)
    if not request.user.has_perm("assessment.view_intellectualproperty"):
        raise PermissionDenied
    today = timezone.localdate()
    rights = list(IntellectualProperty.objects.restrict(request.user).filter(enterprise=enterprise))
    valid = [r for r in rights if r.is_valid_on(today)]
    can_change = Enterprise.objects.restrict(request.user, "change").filter(pk=pk).exists()
    context = {
        "title": f"{enterprise.name} 认定相关信息",
        "enterprise": enterprise,
        "profile": RecognitionProfile.objects.restrict(request.user)
        .filter(enterprise=enterprise)
        .first(),
        "rights": [(r, r.is_valid_on(today)) for r in rights],
        "class_one": sum(1 for r in valid if r.is_class_one),
        "class_two": sum(1 for r in valid if not r.is_class_one),
        "class_two_unused": sum(
            1 for r in valid if not r.is_class_one and r.used_in_hnte_year is None
        ),
        "figures": RecognitionFigures.objects.restrict(request.user)
        .filter(enterprise=enterprise)
        .order_by("-year"),
        "events": EnterpriseEvent.objects.restrict(request.user).filter(enterprise=enterprise),
        "can_add": {
            name: can_change and request.user.has_perm(f"assessment.add_{name}")
            for name in (
                "intellectualproperty",
                "recognitionfigures",
                "enterpriseevent",
                "recognitionprofile",
            )
        },
        "can_change": {
            name: can_change and request.user.has_perm(f"assessment.change_{name}")
            for name in (
                "intellectualproperty",
                "recognitionfigures",
                "enterpriseevent",
                "recognitionprofile",
            )
        },
    }
    return render(request, "assessment/enterprise_facts.html", context)


class EnterpriseFactEditView(PrefillFromQuery, ObjectEditView):
    """Add or change a fact; the enterprise comes from `?enterprise=` and the page goes back
    to the enterprise's facts."""

    def get_success_url(self):
        return reverse("assessment:facts", args=[self.object.enterprise_id])


class IntellectualPropertyEditView(EnterpriseFactEditView):
    model = IntellectualProperty
    form_class = forms.IntellectualPropertyForm


class RecognitionFiguresEditView(EnterpriseFactEditView):
    model = RecognitionFigures
    form_class = forms.RecognitionFiguresForm


class EnterpriseEventEditView(EnterpriseFactEditView):
    model = EnterpriseEvent
    form_class = forms.EnterpriseEventForm


class RecognitionProfileEditView(EnterpriseFactEditView):
    model = RecognitionProfile
    form_class = forms.RecognitionProfileForm

    def get(self, request, *args, **kwargs):
        # One profile per enterprise: adding a second one edits the first.
        asked = request.GET.get("enterprise", "")
        if "pk" not in self.kwargs and asked.isascii() and asked.isdigit() and int(asked) <= MAX_ID:
            existing = (
                RecognitionProfile.objects.restrict(request.user, "change")
                .filter(enterprise_id=int(asked))
                .first()
            )
            if existing is not None:
                return redirect("assessment:recognitionprofile_edit", existing.pk)
        return super().get(request, *args, **kwargs)


class IntellectualPropertyListView(ObjectListView):
    model = IntellectualProperty
    table_class = tables.IntellectualPropertyTable
    filterset_class = filtersets.IntellectualPropertyFilterSet
    select_related = ("enterprise",)
    create_url_name = "assessment:intellectualproperty_add"
