import re

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone

from kechuang.engines.composite.methods import AGGREGATIONS, IMPUTATIONS, NORMALISATIONS
from kechuang.indicators import filtersets, services
from kechuang.indicators.choices import IndicatorKind
from kechuang.indicators.models import Indicator, Target
from kechuang.registry.choices import RegionLevel
from kechuang.registry.models import Region

FIRST_YEAR = 2000
SIMULATION_SPAN = 10


class IndicatorValueForm(forms.Form):
    """An official value: the indicator, the region, the year, the value and where it is from."""

    indicator = forms.ModelChoiceField(
        label="指标",
        queryset=Indicator.objects.filter(is_active=True).exclude(kind=IndicatorKind.RATIO),
        help_text="比率类指标（如 R&D 经费支出占 GDP 比重）由其分子、分母自动算出，无需录入",
    )
    region = forms.ModelChoiceField(label="地区", queryset=Region.objects.none())
    year = forms.IntegerField(label="年度", min_value=FIRST_YEAR)
    value = forms.DecimalField(label="数值", max_digits=24, decimal_places=6)
    source = forms.CharField(
        label="出处", max_length=300, help_text="如“2024年新昌县国民经济和社会发展统计公报”"
    )
    note = forms.CharField(label="备注", max_length=300, required=False)
    reason = forms.CharField(
        label="修改原因", max_length=200, required=False, help_text="修改已有数值时填写"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = filtersets._regions(None)
        this_year = timezone.localdate().year
        self.fields["year"].validators.append(MaxValueValidator(this_year))
        self.fields["year"].widget.attrs["max"] = this_year

    def clean(self):
        data = super().clean()
        indicator, value = data.get("indicator"), data.get("value")
        if indicator is not None and value is not None:
            problem = services.value_problem(indicator, value)
            if problem:
                self.add_error("value", f"“{indicator.name}”{problem}")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="文件",
        help_text="Excel（.xlsx/.xls）或 CSV。每行一个地区、一个年度；列为 地区（名称或区划代码）、年度、出处，"
        "其余列名为指标名称或代码（宽表）；也可用 指标、数值 两列（长表）。",
    )
    source = forms.CharField(label="出处（文件无“出处”列时使用）", max_length=300, required=False)


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["region", "indicator", "year", "value", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = filtersets._regions(None)
        self.fields["indicator"].queryset = Indicator.objects.filter(is_active=True)
        self.fields[
            "indicator"
        ].help_text = "乡镇街道只有由企业数据计算的指标（研发投入、规上研发强度、覆盖率、高企数等）"
        this_year = timezone.localdate().year
        self.fields["year"].widget.attrs.update(min=this_year - 1, max=this_year + 15)
        if self.instance.pk:
            self.initial["value"] = self.instance.value.normalize()

    def clean_year(self):
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if not this_year - 1 <= year <= this_year + 15:
            raise forms.ValidationError(f"目标年度应在 {this_year - 1} 至 {this_year + 15} 年之间")
        return year

    def clean(self):
        data = super().clean()
        indicator, value, region = data.get("indicator"), data.get("value"), data.get("region")
        if indicator is not None and value is not None:
            problem = services.value_problem(indicator, value)
            if problem and "分母" not in problem:
                self.add_error("value", f"“{indicator.name}”{problem}")
        if (
            region is not None
            and indicator is not None
            and region.level == RegionLevel.TOWN
            and indicator.kind != IndicatorKind.COMPUTED
        ):
            self.add_error(
                "indicator", f"乡镇街道没有“{indicator.name}”的数值，请选择由企业数据计算的指标"
            )
        return data


class SimulationForm(forms.Form):
    """What-if: the R&D growth of the top enterprises, zero-R&D enterprises starting R&D,
    and any indicator set by hand."""

    year = forms.IntegerField(label="基准年度", min_value=FIRST_YEAR)
    target_year = forms.IntegerField(label="测算到", min_value=FIRST_YEAR)
    top_n = forms.IntegerField(label="研发投入前 N 家企业", min_value=1, max_value=500, initial=50)
    top_growth = forms.DecimalField(
        label="前 N 家研发投入年增长（%）",
        min_value=-50,
        max_value=100,
        decimal_places=2,
        initial=15,
    )
    others_growth = forms.DecimalField(
        label="其他企业研发投入年增长（%）",
        min_value=-50,
        max_value=100,
        decimal_places=2,
        initial=5,
    )
    zero_start_share = forms.DecimalField(
        label="零研发规上企业中开展研发的比例（%）",
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=20,
    )
    gdp_growth = forms.DecimalField(
        label="GDP 名义年增长（%）", min_value=-20, max_value=50, decimal_places=2, initial=7
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        if years:
            self.fields["year"].widget = forms.Select(
                choices=[(y, f"{y}年") for y in reversed(years)]
            )
        self.fields["target_year"].validators.append(MaxValueValidator(this_year + 10))
        self.fields["target_year"].widget.attrs["max"] = this_year + 10

    def clean(self):
        data = super().clean()
        year, target = data.get("year"), data.get("target_year")
        if year is not None and target is not None and target < year:
            self.add_error("target_year", "测算年度不能早于基准年度")
        elif year is not None and target is not None and target - year > SIMULATION_SPAN:
            self.add_error("target_year", f"测算年度距基准年度不宜超过 {SIMULATION_SPAN} 年")
        return data


PAGE_NORMALISATIONS = ("minmax", "zscore", "rank", "percentile")


class WeightsForm(forms.Form):
    """A revised framework: a weight per element (or a whole table uploaded), the methods,
    and why it changed."""

    impute = forms.ChoiceField(label="缺失值", choices=list(IMPUTATIONS.items())[:3])
    normalise = forms.ChoiceField(
        label="标准化",
        choices=[(k, v) for k, v in NORMALISATIONS.items() if k in PAGE_NORMALISATIONS],
    )
    aggregate = forms.ChoiceField(label="加总", choices=list(AGGREGATIONS.items()))
    file = forms.FileField(
        label="或上传整张框架表（CSV）",
        required=False,
        help_text="列为 iCode、iName、Level、Parent、Direction、Weight、Denominator；"
        "可先下载现行框架再修改。上传后忽略上面的权重。",
    )
    note = forms.CharField(
        label="修改说明", max_length=300, help_text="如“按2025年考核办法提高科技投入权重”"
    )

    def __init__(self, *args, framework, methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.weight_codes = []
        for element in framework.elements:
            if element.parent is None:
                continue
            self.fields[f"weight_{element.code}"] = forms.DecimalField(
                label=element.label,
                min_value=0,
                max_value=1000,
                decimal_places=4,
                initial=element.weight,
            )
            self.weight_codes.append(element.code)
        for name in ("impute", "normalise", "aggregate"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        for name in ("file", "note"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["impute"].initial = methods.impute
        self.fields["normalise"].initial = methods.normalise
        self.fields["aggregate"].initial = methods.aggregate
        self.order_fields(
            [f"weight_{code}" for code in self.weight_codes]
            + ["impute", "normalise", "aggregate", "file", "note"]
        )

    def weight_fields(self):
        return [self[f"weight_{code}"] for code in self.weight_codes]

    def method_fields(self):
        return [self[name] for name in ("impute", "normalise", "aggregate", "file", "note")]


class IndicatorForm(forms.ModelForm):
    """A catalog entry the bureau adds or revises: figures from bulletins, or a ratio of two.
    Indicators computed from enterprise data come with the platform's calculators."""

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "unit",
            "direction",
            "kind",
            "numerator",
            "denominator",
            "scale",
            "definition",
            "source_hint",
            "period",
            "decimals",
            "position",
            "is_active",
        ]
        help_texts = {
            "code": "小写字母、数字和下划线，如 college_per_10k；保存后不能修改",
            "direction": "在指数中越大越好，还是越小越好",
        }

    pillar = forms.ChoiceField(
        label="加入指数的领域",
        required=False,
        help_text="选择后另存一版指数框架，把该指标加入所选领域（之后可在“指数框架”中调整权重）",
    )
    weight = forms.DecimalField(
        label="在领域内的权重", required=False, min_value=0, max_value=1000, initial=1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        framework = services.engine_framework(services.current_framework())
        in_index = {element.code for element in framework.indicators}
        pillars = framework.at_level(2) if framework.depth > 1 else []
        if self.instance.pk and self.instance.code in in_index:
            del self.fields["pillar"], self.fields["weight"]
        else:
            self.fields["pillar"].choices = [("", "不加入")] + [(p.code, p.label) for p in pillars]
        kinds = [(k, v) for k, v in IndicatorKind.choices if k != IndicatorKind.COMPUTED]
        self.fields["kind"].choices = kinds
        parts = Indicator.objects.exclude(kind=IndicatorKind.RATIO)
        if self.instance.pk:
            parts = parts.exclude(pk=self.instance.pk)
            self.fields["code"].disabled = True
            self.fields["kind"].disabled = True
            if self.instance.kind == IndicatorKind.COMPUTED:
                self.fields["kind"].choices = IndicatorKind.choices
        self.fields["numerator"].queryset = parts
        self.fields["denominator"].queryset = parts
        self.fields["numerator"].required = self.fields["denominator"].required = False

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", code):
            raise forms.ValidationError("代码应以小写字母开头，只含小写字母、数字和下划线")
        return code

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or self.instance.kind
        if kind == IndicatorKind.RATIO:
            if not data.get("numerator") or not data.get("denominator"):
                self.add_error("numerator", "比率类指标需选择分子和分母")
            elif data["numerator"] == data["denominator"]:
                self.add_error("denominator", "分母不能与分子相同")
            if not data.get("scale"):
                self.add_error("scale", "倍数不能为 0")
        else:
            data["numerator"] = data["denominator"] = None
        return data
