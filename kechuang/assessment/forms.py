import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone

from kechuang.assessment import choices
from kechuang.assessment.models import (
    EnterpriseEvent,
    FigureFlag,
    IntellectualProperty,
    Policy,
    RecognitionFigures,
    RecognitionProfile,
)
from kechuang.core.forms import DateInput, ScopedModelForm, WanField
from kechuang.engines.recognition import points as points_engine
from kechuang.engines.recognition import policies as policy_engine
from kechuang.engines.recognition.domains import find_domain
from kechuang.registry.models import Enterprise, Industry, Region

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
    tech_contract_turnover = WanField(label="技术合同成交额（万元）", required=False)

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
            "tech_contract_turnover",
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
        figures = [
            name for name in self._meta.fields if name not in ("enterprise", "year", "source")
        ]
        if not self.errors and all(cleaned.get(name) is None for name in figures):
            self.add_error(None, "请至少填写一项数据。")
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
        label="产品或服务属于禁止、限制和淘汰类", required=False, widget=forms.NullBooleanSelect
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["restricted_catalogue"].widget.choices = [
            ("unknown", "未确认"),
            ("false", "否"),
            ("true", "是"),
        ]

    def clean_no_incidents_confirmed_on(self):
        day = self.cleaned_data.get("no_incidents_confirmed_on")
        if day is not None and day.year < FIRST_YEAR:
            raise forms.ValidationError(f"确认日期应在{FIRST_YEAR}年以后。")
        return day

    def clean(self):
        cleaned = super().clean()
        day, enterprise = cleaned.get("no_incidents_confirmed_on"), cleaned.get("enterprise")
        founded = getattr(enterprise, "founded_on", None)
        if day and founded and day < founded:
            self.add_error("no_incidents_confirmed_on", "确认日期不能早于企业成立日期。")
        return cleaned

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

    def clean(self):
        cleaned = super().clean()
        day, code = cleaned.get("on"), cleaned.get("code")
        if day is None or code is None:
            return cleaned
        if day > timezone.localdate() + datetime.timedelta(days=366):
            self.add_error("on", "基准日应在今后一年以内。")
            return cleaned
        from kechuang.assessment.services import AssessmentRefused, rules_in_force

        try:
            rules_in_force(code, day)
        except AssessmentRefused as refusal:
            self.add_error("on", f"{refusal}，请选择规则生效以后的日期。")
        return cleaned


class PolicyForm(ScopedModelForm):
    cap = WanField(label="单家封顶金额（万元）", required=False)
    amount = WanField(label="定额金额（万元）", required=False)

    class Meta:
        model = Policy
        fields = [
            "title",
            "code",
            "basis",
            "kind",
            "rd_caliber",
            "rate",
            "cap",
            "amount",
            "no_application",
            "effective_from",
            "effective_to",
            "is_active",
            "note",
        ]
        widgets = {"effective_from": DateInput(), "effective_to": DateInput()}
        help_texts = {"code": "英文字母、数字和连字符，如 rd-increase-2025"}

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        rate = cleaned.get("rate")
        if kind in (choices.PolicyKind.RD_INCREASE, choices.PolicyKind.RD_SHARE):
            if rate is None or rate <= 0 or rate > 1:
                self.add_error("rate", "按比例补助须填写 0 至 1 之间的比例（如 0.10）。")
        if kind == choices.PolicyKind.FIXED and not cleaned.get("amount"):
            self.add_error("amount", "定额奖励须填写金额。")
        start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
        if start and start.year < FIRST_YEAR:
            self.add_error("effective_from", f"生效日期应在{FIRST_YEAR}年以后。")
        if start and end and end < start:
            self.add_error("effective_to", "失效日期不能早于生效日期。")
        return cleaned


FACT_CHOICES = [("", "—")] + list(policy_engine.FACT_TITLES.items())
OP_CHOICES = list(policy_engine.OPS.items())
BOOLEAN_FACTS = {"is_above_scale", "holds_hnte", "holds_sme"}
TEXT_FACTS = {"town", "industry"}


class ConditionForm(forms.Form):
    """One condition row: a fact, a comparison and a value as an officer writes it (是/否,
    a number in 万元 or a fraction, 政策年度, or codes separated by commas)."""

    fact = forms.ChoiceField(label="数据项", choices=FACT_CHOICES, required=False)
    op = forms.ChoiceField(label="比较", choices=OP_CHOICES, required=False)
    value = forms.CharField(label="值", max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        fact, op, text = (
            cleaned.get("fact"),
            cleaned.get("op"),
            (cleaned.get("value") or "").strip(),
        )
        if not fact:
            if text:
                self.add_error("fact", "请选择数据项，或清空这一行的值。")
            return cleaned
        if not text:
            self.add_error("value", "请填写比较的值。")
            return cleaned
        if fact in BOOLEAN_FACTS:
            if text not in ("是", "否"):
                self.add_error("value", "填写“是”或“否”。")
                return cleaned
            if op not in ("==", "!="):
                self.add_error("op", "是/否条件只能用“等于”或“不等于”。")
            cleaned["parsed"] = text == "是"
        elif fact in TEXT_FACTS:
            codes = [code.strip() for code in text.replace("，", ",").split(",") if code.strip()]
            if op not in ("==", "!=", "in"):
                self.add_error("op", "代码条件只能用“等于”“不等于”或“属于”。")
            model = Region if fact == "town" else Industry
            known = set(model.objects.filter(pk__in=codes).values_list("pk", flat=True))
            unknown = [code for code in codes if code not in known]
            if unknown:
                kind = "乡镇街道代码" if fact == "town" else "国民经济行业代码"
                self.add_error("value", f"没有这个{kind}：{'、'.join(unknown)}。")
            cleaned["parsed"] = codes if op == "in" else codes[0]
        elif fact == "first_hnte_year" and text == "政策年度":
            cleaned["parsed"] = policy_engine.YEAR
        else:
            try:
                number = Decimal(text.rstrip("%")) / (100 if text.endswith("%") else 1)
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                self.add_error("value", f"“{text}”不是数字。")
                return cleaned
            if op == "in":
                self.add_error("op", "数值条件不能用“属于”。")
            if fact == "rd_intensity" and not 0 <= number <= 1:
                self.add_error("value", "研发投入强度应在 0 至 100% 之间。")
            if fact == "first_hnte_year" and not 2000 <= number <= 2100:
                self.add_error("value", "年度应为 2000 至 2100 之间的四位数字，或填“政策年度”。")
            cleaned["parsed"] = int(number) if fact == "first_hnte_year" else str(number)
        return cleaned

    def as_condition(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("fact"):
            return None
        return {"fact": data["fact"], "op": data["op"], "value": data["parsed"]}


ConditionFormSet = forms.formset_factory(ConditionForm, extra=3, max_num=10)


def condition_initial(conditions: list[dict]) -> list[dict]:
    """Stored conditions as the rows show them."""
    rows = []
    for condition in conditions:
        value = condition["value"]
        if isinstance(value, bool):
            text = "是" if value else "否"
        elif value == policy_engine.YEAR:
            text = "政策年度"
        elif isinstance(value, list):
            text = ",".join(value)
        else:
            text = str(value)
        rows.append({"fact": condition["fact"], "op": condition["op"], "value": text})
    return rows


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError("年度不能晚于今年。")
        return year


class FigureFlagForm(forms.ModelForm):
    """An enterprise confirms a year's figures or flags one as wrong."""

    class Meta:
        model = FigureFlag
        fields = ["year", "figure", "is_confirmation", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, figures: list[tuple[str, str]] = (), years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"] = forms.ChoiceField(
            label="数据项", choices=[("", "全部数据")] + list(figures), required=False
        )
        self.fields["year"] = forms.TypedChoiceField(
            label="年度", choices=[(y, f"{y}年") for y in years], coerce=int
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_confirmation") and not (cleaned.get("note") or "").strip():
            self.add_error("note", "提出异议请说明哪项数据有误、正确的数值及依据。")
        if not cleaned.get("is_confirmation") and not cleaned.get("figure"):
            self.add_error("figure", "提出异议请选择有误的数据项。")
        return cleaned


class FlagHandlingForm(forms.Form):
    status = forms.ChoiceField(
        label="处理结果",
        choices=[(choices.FlagStatus.FIXED, "已更正"), (choices.FlagStatus.KEPT, "核实无误")],
    )
    handling_note = forms.CharField(
        label="处理情况", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class PointsSchemeForm(forms.Form):
    """The innovation-points scheme as an officer edits it: each indicator's full-mark value
    and its weight at each stage (0 leaves it out of that stage), and the stage bounds.
    Saving makes a new version; the weights of each stage must add up to 100."""

    startup_years = forms.IntegerField(label="初创期：成立不满（年）", min_value=1, max_value=50)
    startup_revenue = forms.DecimalField(label="初创期：或营业收入低于（万元）", min_value=0)
    mature_years = forms.IntegerField(label="稳定期：成立满（年）", min_value=1, max_value=100)
    mature_revenue = forms.DecimalField(label="稳定期：且营业收入不低于（万元）", min_value=0)
    note = forms.CharField(
        label="修订说明", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, scheme: points_engine.PointsScheme, **kwargs):
        self.scheme = scheme
        initial = {
            "startup_years": scheme.startup_years,
            "startup_revenue": scheme.startup_revenue,
            "mature_years": scheme.mature_years,
            "mature_revenue": scheme.mature_revenue,
        }
        for indicator in scheme.indicators:
            initial[f"full_{indicator.key}"] = indicator.full_mark_at
            for stage in points_engine.STAGES:
                initial[f"w_{stage}_{indicator.key}"] = scheme.weights[stage].get(indicator.key, 0)
        super().__init__(*args, initial=initial, **kwargs)
        for indicator in scheme.indicators:
            self.fields[f"full_{indicator.key}"] = forms.DecimalField(
                label=f"{indicator.title}满分值",
                min_value=Decimal("0.0001"),
                max_digits=12,
                decimal_places=4,
            )
            for stage, label in points_engine.STAGES.items():
                self.fields[f"w_{stage}_{indicator.key}"] = forms.DecimalField(
                    label=f"{indicator.title}（{label}）权重",
                    min_value=0,
                    max_value=100,
                    decimal_places=2,
                )

    def rows(self):
        """(indicator, full-mark field, weight fields by stage) for the table."""
        return [
            (
                indicator,
                self[f"full_{indicator.key}"],
                [self[f"w_{stage}_{indicator.key}"] for stage in points_engine.STAGES],
            )
            for indicator in self.scheme.indicators
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned["mature_years"] <= cleaned["startup_years"]:
            self.add_error("mature_years", "稳定期的成立年限应长于初创期。")
            return cleaned
        data = points_engine.scheme_to_dict(self.scheme)
        for item in data["indicators"]:
            item["full_mark_at"] = str(cleaned[f"full_{item['key']}"])
        data["weights"] = {
            stage: {
                indicator.key: str(cleaned[f"w_{stage}_{indicator.key}"])
                for indicator in self.scheme.indicators
                if cleaned[f"w_{stage}_{indicator.key}"]
            }
            for stage in points_engine.STAGES
        }
        for name in ("startup_years", "startup_revenue", "mature_years", "mature_revenue"):
            data[name] = str(cleaned[name])
        try:
            cleaned["scheme"] = points_engine.scheme_from_dict(data)
        except points_engine.SchemeError as error:
            self.add_error(None, str(error))
        return cleaned
