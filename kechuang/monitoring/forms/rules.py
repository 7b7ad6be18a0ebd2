"""The monitoring rule editor: every rule of a version in labelled fields (settings,
classes, coverage items, tiers as formsets of conditions), saved as a new version."""

import math
import re
from decimal import Decimal

from django import forms
from django.utils import timezone

from kechuang.core.forms import DateInput
from kechuang.engines import industry
from kechuang.engines import monitoring as engine
from kechuang.monitoring import rule_versions
from kechuang.monitoring.models import RuleSet

KEY_FIELD = {
    "max_length": 30,
    "regex": r"^[a-z][a-z0-9_]*$",
    "error_messages": {"invalid": "代码只能由小写英文字母、数字和下划线组成，并以字母开头。"},
}
SECTION_CHOICES = [(code, f"{code} {label}") for code, label in industry.SECTION_LABELS.items()]
FIELD_CHOICES = [("", "请选择")] + [
    (name, rule_versions.field_label(name)) for name in engine.RULE_FIELDS
]
COVERAGE_FIELD_CHOICES = [("", "请选择")] + [
    (name, rule_versions.field_label(name))
    for name, kind in engine.RULE_FIELDS.items()
    if kind in ("number", "bool")
]
OP_CHOICES = [("", "请选择"), *rule_versions.OP_LABELS.items()]
TRUE_TEXTS = {"是", "有", "true", "1", "yes", "y"}
FALSE_TEXTS = {"否", "无", "false", "0", "no", "n"}


def _percent_field(label: str, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=Decimal("99.99"),
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )


class RuleSetForm(forms.Form):
    """The version's identity and every single-valued setting of MonitoringRules, in the
    units officers use (per cent, 万元)."""

    version = forms.RegexField(
        label="新版本号",
        max_length=30,
        regex=r"^[\w.\-]+$",
        error_messages={"invalid": "版本号只能包含字母、数字、点、横线和下划线。"},
        help_text="如 2026.2；保存后不可修改。",
    )
    effective_from = forms.DateField(label="生效日期", widget=DateInput())
    basis = forms.CharField(
        label="依据", max_length=300, required=False, help_text="如文件文号或局务会纪要。"
    )
    note = forms.CharField(
        label="修订说明", widget=forms.Textarea(attrs={"rows": 2}), help_text="说明为何修改。"
    )
    top_n = forms.IntegerField(
        label="研发强企名单数量（N）",
        min_value=1,
        max_value=1000,
        help_text="名单标题随之变化，如填 30 即为“研发30强”。",
    )
    decline_min_ratio = _percent_field(
        "负增长名单下降幅度下限（%）", "0 表示研发投入只要下降即列入；60 表示下降超过 60% 才列入。"
    )
    zero_rd_above_scale_only = forms.BooleanField(label="零研发名单仅列规上企业", required=False)
    zero_rd_min_years = forms.IntegerField(
        label="零研发名单连续年数下限",
        min_value=1,
        max_value=10,
        help_text="1 表示当年研发投入为零即列入。",
    )
    intensity_above_scale_only = forms.BooleanField(
        label="研发强度排名仅含规上企业", required=False
    )
    intensity_sections = forms.MultipleChoiceField(
        label="研发强度排名的行业门类",
        choices=SECTION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选表示不限行业；规上工业为 B、C、D。",
    )
    intensity_min_revenue = forms.DecimalField(
        label="研发强度排名营业收入下限（万元）",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text="含本数；默认 2,000 万元。",
    )
    alert_decline_ratio = _percent_field("研发下降预警阈值（%）", "研发投入下降超过该比例时预警。")
    zero_rd_alert_years = forms.IntegerField(label="连续零研发预警年数", min_value=1, max_value=10)
    hnte_expiry_days = forms.IntegerField(label="高企到期提前预警天数", min_value=0, max_value=1000)

    def clean_version(self):
        version = self.cleaned_data["version"].strip()
        if RuleSet.objects.filter(version=version).exists():
            raise forms.ValidationError("该版本号已存在，请换一个。")
        return version

    @staticmethod
    def initial_from(rules: engine.MonitoringRules) -> dict:
        return {
            "top_n": rules.top_n,
            "decline_min_ratio": rule_versions.to_display("intensity", rules.decline_min_ratio),
            "zero_rd_above_scale_only": rules.zero_rd_above_scale_only,
            "zero_rd_min_years": rules.zero_rd_min_years,
            "intensity_above_scale_only": rules.intensity_above_scale_only,
            "intensity_sections": list(rules.intensity_sections),
            "intensity_min_revenue": rule_versions.to_display(
                "revenue", rules.intensity_min_revenue
            ),
            "alert_decline_ratio": rule_versions.to_display("intensity", rules.alert_decline_ratio),
            "zero_rd_alert_years": rules.zero_rd_alert_years,
            "hnte_expiry_days": rules.hnte_expiry_days,
            "effective_from": timezone.localdate(),
        }

    def settings(self) -> dict:
        data = self.cleaned_data
        return {
            "top_n": data["top_n"],
            "decline_min_ratio": rule_versions.from_display(
                "intensity", float(data["decline_min_ratio"])
            ),
            "zero_rd_above_scale_only": data["zero_rd_above_scale_only"],
            "zero_rd_min_years": data["zero_rd_min_years"],
            "intensity_above_scale_only": data["intensity_above_scale_only"],
            "intensity_sections": [
                code for code in industry.SECTION_LABELS if code in data["intensity_sections"]
            ],
            "intensity_min_revenue": float(
                rule_versions.from_display("revenue", float(data["intensity_min_revenue"]))
            ),
            "alert_decline_ratio": rule_versions.from_display(
                "intensity", float(data["alert_decline_ratio"])
            ),
            "zero_rd_alert_years": data["zero_rd_alert_years"],
            "hnte_expiry_days": data["hnte_expiry_days"],
        }


def parse_value(field: str, op: str, text: str):
    """A typed condition value in the engine's units; ValidationError in Chinese."""
    kind = engine.RULE_FIELDS[field]
    label = engine.FIELD_LABELS.get(field, field)
    parts = [p for p in re.split(r"[,，、;；\s]+", text.strip()) if p] if op == "in" else [text]
    if not parts or not all(p.strip() for p in parts):
        raise forms.ValidationError("请填写取值。")
    values = []
    for part in parts:
        part = part.strip()
        if kind == "bool":
            if part.lower() in TRUE_TEXTS:
                values.append(True)
            elif part.lower() in FALSE_TEXTS:
                values.append(False)
            else:
                raise forms.ValidationError(f"“{label}”的取值应为“是”或“否”。")
        elif kind == "number":
            try:
                number = float(part.replace(",", ""))
            except ValueError:
                raise forms.ValidationError(
                    f"“{label}”的取值应为数字，“{part}”不是数字。"
                ) from None
            if not math.isfinite(number):
                raise forms.ValidationError(f"“{label}”的取值应为有限的数字。")
            values.append(rule_versions.from_display(field, number))
        else:
            values.append(part.upper() if field == "industry_section" else part)
    return tuple(values) if op == "in" else values[0]


# Amounts and ratios vary continuously: a condition on them compares, never lists values.
CONTINUOUS_FIELDS = rule_versions.MONEY_FIELDS | rule_versions.PERCENT_FIELDS


class ConditionForm(forms.Form):
    """One labelled condition row. Rows with the same group number are alternatives (any
    one holds); all groups must hold."""

    group = forms.IntegerField(label="条件组", min_value=1, max_value=9, initial=1, required=False)
    field = forms.ChoiceField(label="字段", choices=FIELD_CHOICES)
    op = forms.ChoiceField(label="运算符", choices=OP_CHOICES)
    value = forms.CharField(label="取值", max_length=200)

    def clean(self):
        cleaned = super().clean()
        field, op, text = cleaned.get("field"), cleaned.get("op"), cleaned.get("value")
        if not field or not op or "group" in self.errors:
            return cleaned
        allowed = engine.OPS_BY_KIND[engine.RULE_FIELDS[field]]
        if op == "in" and field in CONTINUOUS_FIELDS:
            allowed = tuple(o for o in allowed if o != "in")
        if op not in allowed:
            names = "、".join(rule_versions.OP_LABELS[o].split("（")[0] for o in allowed)
            self.add_error("op", f"该字段只能用：{names}。")
            return cleaned
        if text is not None:
            try:
                value = parse_value(field, op, text)
                if field in rule_versions.PERCENT_FIELDS and not 0 <= value <= 1:
                    raise forms.ValidationError("百分比取值应在 0 到 100 之间。")
                cleaned["row"] = rule_versions.Row(cleaned.get("group") or 1, field, op, value)
            except forms.ValidationError as error:
                self.add_error("value", error)
        return cleaned

    @staticmethod
    def initial_from(row: "rule_versions.Row") -> dict:
        value = row.value
        if isinstance(value, tuple):
            text = "，".join(_value_input(row.field, v) for v in value)
        else:
            text = _value_input(row.field, value)
        return {"group": row.group, "field": row.field, "op": row.op, "value": text}


def _value_input(field: str, value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return str(rule_versions.to_display(field, value))
    return str(value)


class BaseConditionFormSet(forms.BaseFormSet):
    def rows(self) -> list:
        return [
            form.cleaned_data["row"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and "row" in form.cleaned_data
        ]


ConditionFormSet = forms.formset_factory(
    ConditionForm, formset=BaseConditionFormSet, extra=2, can_delete=True, max_num=30
)


class CoverageItemForm(forms.Form):
    key = forms.RegexField(label="代码", **KEY_FIELD)
    label = forms.CharField(label="名称", max_length=20)
    field = forms.ChoiceField(label="字段", choices=COVERAGE_FIELD_CHOICES)
    op = forms.ChoiceField(
        label="运算符",
        choices=[("", "请选择"), (">=", "大于等于"), (">", "大于")],
        required=False,
    )
    min_value = forms.DecimalField(
        label="阈值", decimal_places=4, max_digits=18, min_value=0, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if engine.RULE_FIELDS.get(cleaned.get("field")) == "bool":
            # A yes/no field covers when it is yes; nothing beside it means anything.
            if cleaned.get("op") or cleaned.get("min_value") is not None:
                self.add_error("min_value", "“是/否”类字段在为“是”时即覆盖，运算符和阈值请留空。")
            cleaned["op"], cleaned["min_value"] = ">=", Decimal(1)
            return cleaned
        if not cleaned.get("op"):
            self.add_error("op", "请选择运算符。")
        if cleaned.get("min_value") is None and "min_value" not in self.errors:
            self.add_error("min_value", "数值字段请填写阈值。")
        return cleaned

    def item(self) -> dict:
        data = self.cleaned_data
        return {
            "key": data["key"],
            "label": data["label"],
            "field": data["field"],
            "op": data["op"],
            "min_value": rule_versions.from_display(data["field"], float(data["min_value"])),
        }

    @staticmethod
    def initial_from(item: engine.CoverageItem) -> dict:
        if engine.RULE_FIELDS.get(item.field) == "bool":
            return {"key": item.key, "label": item.label, "field": item.field}
        return {
            "key": item.key,
            "label": item.label,
            "field": item.field,
            "op": item.op,
            "min_value": rule_versions.to_display(item.field, item.min_value),
        }


class BaseCoverageFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise forms.ValidationError("至少保留一个全覆盖事项。")
        keys = [f.cleaned_data["key"] for f in kept]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise forms.ValidationError(f"事项代码重复：{'、'.join(repeated)}。")
        if {"enterprise_id", "missing"} & set(keys):
            raise forms.ValidationError("事项代码不能为 enterprise_id 或 missing。")

    def items(self) -> list[dict]:
        return [f.item() for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


CoverageFormSet = forms.formset_factory(
    CoverageItemForm,
    formset=BaseCoverageFormSet,
    extra=2,
    can_delete=True,
    max_num=engine.MAX_COVERAGE_ITEMS,
)


class TierForm(forms.Form):
    key = forms.RegexField(label="代码", **KEY_FIELD)
    label = forms.CharField(label="名称", max_length=20)

    def clean_key(self):
        key = self.cleaned_data["key"]
        if key in (engine.TIER_NONE, engine.TIER_ABSENT):
            raise forms.ValidationError(f"“{key}”为系统保留代码。")
        return key


TierFormSet = forms.formset_factory(TierForm, extra=1, can_delete=True, can_order=True, max_num=12)


class RuleEditor:
    """Every part of a rule version as Chinese forms: settings, 分类提级 conditions,
    五个全覆盖 items and the cultivation tiers with their condition rows."""

    CLASS_KEYS = (engine.CLASS_ACTIVE, engine.CLASS_LACKING)

    def __init__(self, base: engine.MonitoringRules, data=None):
        self.base = base
        self.errors: list[str] = []
        self.settings = RuleSetForm(data, initial=RuleSetForm.initial_from(base))
        classes = {rule.key: rule for rule in base.classes}
        self.classes = [
            (
                key,
                engine.CLASS_LABELS[key],
                ConditionFormSet(data, prefix=f"class-{key}", initial=self._rows(classes.get(key))),
            )
            for key in self.CLASS_KEYS
        ]
        self.coverage = CoverageFormSet(
            data,
            prefix="coverage",
            initial=[CoverageItemForm.initial_from(i) for i in base.coverage_items],
        )
        self.tiers = TierFormSet(
            data,
            prefix="tier",
            initial=[
                {"key": t.key, "label": t.label, "ORDER": n}
                for n, t in enumerate(base.tiers, start=1)
            ],
        )
        tier_rules = list(base.tiers)
        self.tier_rows = [
            (
                form,
                ConditionFormSet(
                    data,
                    prefix=f"{form.prefix}-cond",
                    initial=self._rows(tier_rules[i] if i < len(tier_rules) else None),
                ),
            )
            for i, form in enumerate(self.tiers.forms)
        ]

    @staticmethod
    def _rows(rule) -> list[dict]:
        if rule is None:
            return []
        rows = rule_versions.to_rows(rule.conditions) or []
        return [ConditionForm.initial_from(row) for row in rows]

    def _formsets(self):
        return (
            [fs for _, _, fs in self.classes]
            + [self.coverage, self.tiers]
            + [fs for _, fs in self.tier_rows]
        )

    @property
    def has_errors(self) -> bool:
        """Whether a bound editor shows any error, in a field, a row or a whole set."""
        if not self.settings.is_bound:
            return False
        return bool(
            self.errors
            or self.settings.errors
            or any(fs.total_error_count() for fs in self._formsets())
        )

    def is_valid(self) -> bool:
        valid = self.settings.is_valid()
        for formset in self._formsets():
            valid = formset.is_valid() and valid
        if not valid:
            return False
        tiers = self._tiers()
        if not self.errors:
            try:
                engine.MonitoringRules.from_dict({**self.changes(tiers), "version": "check"})
            except ValueError as exc:
                self.errors.append(str(exc))
        return not self.errors

    def _tiers(self) -> list[dict]:
        conditions = {form.prefix: formset for form, formset in self.tier_rows}
        tiers, keys = [], []
        for form in self.tiers.ordered_forms:
            rows = conditions[form.prefix].rows()
            expr = rule_versions.from_rows(rows)
            label = form.cleaned_data.get("label") or form.cleaned_data.get("key")
            if expr is None:
                self.errors.append(f"梯队“{label}”至少需要一个条件。")
                continue
            keys.append(form.cleaned_data["key"])
            tiers.append(
                {
                    "key": form.cleaned_data["key"],
                    "label": form.cleaned_data["label"],
                    "conditions": engine.expr_to_dict(expr),
                }
            )
        if len(set(keys)) != len(keys):
            self.errors.append("梯队代码重复。")
        if not tiers and not self.errors:
            self.errors.append("至少保留一个培育梯队。")
        self._tier_data = tiers
        return tiers

    def changes(self, tiers: list[dict] | None = None) -> dict:
        classes = []
        for key, _, formset in self.classes:
            expr = rule_versions.from_rows(formset.rows())
            if expr is not None:
                classes.append({"key": key, "conditions": engine.expr_to_dict(expr)})
        return {
            **self.settings.settings(),
            "classes": classes,
            "coverage_items": self.coverage.items(),
            "tiers": tiers if tiers is not None else self._tier_data,
        }
