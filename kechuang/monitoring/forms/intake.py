"""The upload and commit forms of the statistical intake."""

from django import forms
from django.utils import timezone

from kechuang.monitoring import choices
from kechuang.registry.models import Region


class UploadForm(forms.Form):
    """An intake upload: the file and what it is."""

    kind = forms.ChoiceField(label="数据类型", choices=choices.BatchKind.choices)
    year = forms.IntegerField(label="统计年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="报告期",
        coerce=int,
        choices=choices.Quarter.choices,
        initial=choices.Quarter.ANNUAL,
    )
    department = forms.ChoiceField(
        label="来源部门", choices=choices.Department.choices, initial=choices.Department.STATISTICS
    )
    default_unit = forms.ChoiceField(
        label="金额单位（表头未注明时）",
        choices=choices.SourceUnit.choices,
        initial=choices.SourceUnit.THOUSAND,
        help_text="107-2 表金额单位为千元；表头或单位行注明单位的列按注明的单位换算。",
    )
    marks_above_scale = forms.BooleanField(
        label="本文件为规上企业名录（据此更新该年度规上状态）", required=False
    )
    file = forms.FileField(label="文件", help_text="xlsx、xls 或 CSV（UTF-8 或 GBK）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1


class CommitForm(forms.Form):
    """How to commit a validated batch: what to do with codes not yet in the registry."""

    create_unknown = forms.BooleanField(label="一并新建未登记的企业", required=False)
    town = forms.ModelChoiceField(label="新建企业默认乡镇街道", queryset=None, required=False)
    industry = forms.CharField(label="新建企业默认行业代码", required=False, max_length=5)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Region.objects.within_scope(user).filter(level="town")
