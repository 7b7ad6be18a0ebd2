from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from kechuang.monitoring import choices
from kechuang.monitoring.models import PoolEntry, ServiceVisit
from kechuang.registry.forms import DateInput, ScopedModelForm
from kechuang.registry.models import Enterprise, Region


class UploadForm(forms.Form):
    """An intake upload: the file and what it is."""

    kind = forms.ChoiceField(label="数据类型", choices=choices.BatchKind.choices)
    year = forms.IntegerField(label="统计年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="报告期",
        coerce=int,
        choices=[
            (0, "年报"),
            (1, "一季度（累计）"),
            (2, "二季度（累计）"),
            (3, "三季度（累计）"),
            (4, "四季度（累计）"),
        ],
        initial=0,
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


class PoolEntryForm(ScopedModelForm):
    class Meta:
        model = PoolEntry
        fields = ["enterprise", "officer", "target", "reason", "joined_on", "status", "left_on"]
        widgets = {"joined_on": DateInput(), "left_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(self.user, "view")
        self.fields["officer"].queryset = get_user_model().objects.filter(
            is_active=True, organisation__kind__in=["bureau", "town", "department"]
        )
        if not self.instance.pk:
            self.fields["joined_on"].initial = timezone.localdate()
            self.fields["officer"].initial = self.user.pk

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == choices.PoolStatus.ACTIVE and cleaned.get("enterprise"):
            duplicate = PoolEntry.objects.filter(
                enterprise=cleaned["enterprise"], status=choices.PoolStatus.ACTIVE
            ).exclude(pk=self.instance.pk)
            if duplicate.exists():
                self.add_error("enterprise", "该企业已在培育库中。")
        if cleaned.get("status") != choices.PoolStatus.ACTIVE and not cleaned.get("left_on"):
            self.add_error("left_on", "出库或达成目标时请填写出库日期。")
        return cleaned


class ServiceVisitForm(ScopedModelForm):
    class Meta:
        model = ServiceVisit
        fields = [
            "entry",
            "visited_on",
            "visitors",
            "people_met",
            "problems",
            "help_promised",
            "follow_up_due",
            "follow_up_done_on",
            "follow_up_result",
        ]
        widgets = {
            "visited_on": DateInput(),
            "follow_up_due": DateInput(),
            "follow_up_done_on": DateInput(),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "help_promised": forms.Textarea(attrs={"rows": 3}),
            "follow_up_result": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = PoolEntry.objects.restrict(
            self.user, "view"
        ).select_related("enterprise")
        if not self.instance.pk:
            self.fields["visited_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        visited, due = cleaned.get("visited_on"), cleaned.get("follow_up_due")
        if visited and visited > timezone.localdate():
            self.add_error("visited_on", "走访日期不能晚于今天。")
        if visited and due and due < visited:
            self.add_error("follow_up_due", "跟进期限不能早于走访日期。")
        done = cleaned.get("follow_up_done_on")
        if done and not cleaned.get("follow_up_result"):
            self.add_error("follow_up_result", "填写跟进完成日期时请说明跟进结果。")
        return cleaned
