import datetime

from django import forms
from django.utils import timezone

from kechuang.assessment import choices
from kechuang.assessment.models import (
    EnterpriseEvent,
    IntellectualProperty,
    RecognitionFigures,
    RecognitionProfile,
)
from kechuang.core.forms import DateInput, ScopedModelForm, WanField
from kechuang.engines.recognition.domains import find_domain
from kechuang.registry.models import Enterprise

FIRST_YEAR = 2000


class EnterpriseFactForm(ScopedModelForm):
    """A fact about an enterprise the user may change; the enterprise comes from the page
    (`?enterprise=`) and stays within the user's scope."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(self.user, "change")


class IntellectualPropertyForm(EnterpriseFactForm):
    past_dates = ("granted_on", "lapsed_on")

    class Meta:
        model = IntellectualProperty
        fields = [
            "enterprise",
            "kind",
            "number",
            "title",
            "granted_on",
            "expires_on",
            "lapsed_on",
            "acquisition",
            "used_in_hnte_year",
            "source",
        ]
        widgets = {"granted_on": DateInput(), "expires_on": DateInput(), "lapsed_on": DateInput()}

    def clean(self):
        cleaned = super().clean()
        granted, expires, lapsed = (
            cleaned.get("granted_on"),
            cleaned.get("expires_on"),
            cleaned.get("lapsed_on"),
        )
        if granted and expires and expires < granted:
            self.add_error("expires_on", "保护期届满日不能早于授权日期。")
        if granted and lapsed and lapsed < granted:
            self.add_error("lapsed_on", "失效日期不能早于授权日期。")
        used = cleaned.get("used_in_hnte_year")
        if used is not None:
            if cleaned.get("kind") in choices.CLASS_ONE_KINDS:
                self.add_error("used_in_hnte_year", "Ⅰ类知识产权可重复使用，无需填写。")
            elif not FIRST_YEAR <= used <= timezone.localdate().year:
                self.add_error("used_in_hnte_year", f"年度应在{FIRST_YEAR}年至今年之间。")
            elif granted and used < granted.year:
                self.add_error("used_in_hnte_year", "不能早于授权年度。")
        return cleaned


class RecognitionFiguresForm(EnterpriseFactForm):
    sales = WanField(
        label="销售收入（万元）", required=False, help_text="主营业务收入与其他业务收入之和"
    )
    total_income = WanField(
        label="总收入（万元）", required=False, help_text="收入总额减不征税收入"
    )
    hightech_income = WanField(
        label="高新技术产品（服务）收入（万元）",
        required=False,
        help_text="含技术转让、技术服务、接受委托研发收入",
    )
    rd_expense = WanField(label="研究开发费用（高企口径，万元）", required=False)
    rd_domestic = WanField(label="其中：境内研究开发费用（万元）", required=False)
    net_assets = WanField(label="年末净资产（万元）", required=False, min_value=None)

    class Meta:
        model = RecognitionFigures
        fields = [
            "enterprise",
            "year",
            "sales",
            "total_income",
            "hightech_income",
            "rd_expense",
            "rd_domestic",
            "net_assets",
            "staff_total",
            "tech_staff",
            "conversions",
            "source",
        ]

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        if year is not None and not FIRST_YEAR <= year < timezone.localdate().year:
            self.add_error("year", f"年度应在{FIRST_YEAR}年至上一年之间（已结束的会计年度）。")
        pairs = (
            ("hightech_income", "total_income", "高新技术产品（服务）收入不能大于总收入。"),
            ("rd_domestic", "rd_expense", "境内研究开发费用不能大于研究开发费用总额。"),
            ("tech_staff", "staff_total", "科技人员不能多于职工总数。"),
        )
        for part, whole, message in pairs:
            a, b = cleaned.get(part), cleaned.get(whole)
            if a is not None and b is not None and a > b:
                self.add_error(part, message)
        for name in ("staff_total", "tech_staff"):
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, "不能为负数。")
        return cleaned


class EnterpriseEventForm(EnterpriseFactForm):
    past_dates = ("occurred_on", "ended_on")

    class Meta:
        model = EnterpriseEvent
        fields = ["enterprise", "kind", "title", "occurred_on", "ended_on", "detail", "source"]
        widgets = {"occurred_on": DateInput(), "ended_on": DateInput()}

    def clean(self):
        cleaned = super().clean()
        occurred, ended = cleaned.get("occurred_on"), cleaned.get("ended_on")
        if occurred and ended and ended < occurred:
            self.add_error("ended_on", "移出名单日期不能早于列入日期。")
        return cleaned


class RecognitionProfileForm(EnterpriseFactForm):
    past_dates = ("no_incidents_confirmed_on",)
    restricted_catalogue = forms.NullBooleanField(
        label="产品或服务属于禁止、限制和淘汰类",
        required=False,
        widget=forms.Select(choices=[("unknown", "未确认"), ("false", "否"), ("true", "是")]),
    )

    class Meta:
        model = RecognitionProfile
        fields = [
            "enterprise",
            "tech_domain",
            "restricted_catalogue",
            "self_assessed_score",
            "no_incidents_confirmed_on",
            "source",
        ]
        widgets = {"no_incidents_confirmed_on": DateInput()}

    def clean_self_assessed_score(self):
        score = self.cleaned_data.get("self_assessed_score")
        if score is not None and score > 100:
            raise forms.ValidationError("自评分应在 0 至 100 分之间。")
        return score

    def clean_tech_domain(self):
        text = (self.cleaned_data.get("tech_domain") or "").strip()
        if not text:
            return ""
        domain = find_domain(text)
        if domain is None:
            raise forms.ValidationError(
                f"“{text}”不是《国家重点支持的高新技术领域》中的三级领域，请填写编号（如 8.1.1）或三级领域名称。"
            )
        return domain.code


class RunForm(forms.Form):
    code = forms.ChoiceField(label="测评类型", choices=choices.RuleCode.choices)
    on = forms.DateField(label="测评基准日", widget=DateInput())

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day.year < FIRST_YEAR + 3 or day > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError("基准日应在今后一年以内。")
        return day
