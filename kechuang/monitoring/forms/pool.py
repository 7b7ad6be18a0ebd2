"""The cultivation pool and its service visits, as pages and API write them."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from kechuang.core.forms import DateInput, ScopedModelForm
from kechuang.monitoring import choices
from kechuang.monitoring.models import PoolEntry, ServiceVisit
from kechuang.registry.models import Enterprise


class PoolEntryForm(ScopedModelForm):
    past_dates = ("joined_on", "left_on")

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
        officer, enterprise = cleaned.get("officer"), cleaned.get("enterprise")
        if (
            officer
            and enterprise
            and not Enterprise.objects.restrict(officer).filter(pk=enterprise.pk).exists()
        ):
            self.add_error("officer", f"{officer}无权查看该企业，不能担任其包联干部。")
        if cleaned.get("status") == choices.PoolStatus.ACTIVE and cleaned.get("enterprise"):
            duplicate = PoolEntry.objects.filter(
                enterprise=cleaned["enterprise"], status=choices.PoolStatus.ACTIVE
            ).exclude(pk=self.instance.pk)
            if duplicate.exists():
                self.add_error("enterprise", "该企业已在培育库中。")
        if cleaned.get("status") != choices.PoolStatus.ACTIVE and not cleaned.get("left_on"):
            self.add_error("left_on", "出库或达成目标时请填写出库日期。")
        joined, left = cleaned.get("joined_on"), cleaned.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", "出库日期不能早于入库日期。")
        return cleaned


class ServiceVisitForm(ScopedModelForm):
    past_dates = ("visited_on", "follow_up_done_on")

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
        if visited and due and due < visited:
            self.add_error("follow_up_due", "跟进期限不能早于走访日期。")
        done = cleaned.get("follow_up_done_on")
        if visited and done and done < visited:
            self.add_error("follow_up_done_on", "跟进完成日期不能早于走访日期。")
        if done and not cleaned.get("follow_up_result"):
            self.add_error("follow_up_result", "填写跟进完成日期时请说明跟进结果。")
        return cleaned
