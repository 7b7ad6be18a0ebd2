from django.contrib import admin

from kechuang.core.admin import NoDeleteAdmin
from kechuang.core.forms import EntryRules, WanField
from kechuang.registry import forms, models


class EnterpriseAdminForm(EntryRules):
    """The back office keeps the pages' rules: capital in 万元, no founding date ahead."""

    past_dates = forms.EnterpriseForm.past_dates
    registered_capital = WanField(label="注册资本（万元）", required=False)

    class Meta:
        model = models.Enterprise
        fields = "__all__"


class QualificationAdminForm(EntryRules):
    past_dates = forms.QualificationForm.past_dates

    class Meta:
        model = models.Qualification
        fields = "__all__"


class InstitutionAdminForm(EntryRules):
    past_dates = forms.InstitutionForm.past_dates
    website = forms.InstitutionForm.base_fields["website"]

    class Meta:
        model = models.Institution
        fields = "__all__"


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("code", "section", "name", "level")
    list_filter = ("level", "section")
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.IndustryChain)
class IndustryChainAdmin(NoDeleteAdmin):
    list_display = ("name", "kind", "parent", "order", "is_active")
    filter_horizontal = ("industries",)


@admin.register(models.Enterprise)
class EnterpriseAdmin(NoDeleteAdmin):
    form = EnterpriseAdminForm
    list_display = ("name", "uscc", "town", "industry", "status")
    list_filter = ("status", "size_class", "town")
    search_fields = ("name", "uscc", "name_initials")
    raw_id_fields = ("industry", "organisation")


@admin.register(models.Qualification)
class QualificationAdmin(NoDeleteAdmin):
    form = QualificationAdminForm
    list_display = ("enterprise", "kind", "level", "issued_on", "valid_until")
    list_filter = ("kind", "level")
    raw_id_fields = ("enterprise",)


@admin.register(models.Institution)
class InstitutionAdmin(NoDeleteAdmin):
    form = InstitutionAdminForm
    list_display = ("name", "kind", "level", "region", "status")
    list_filter = ("kind", "level")
    search_fields = ("name",)


@admin.register(models.Person)
class PersonAdmin(NoDeleteAdmin):
    list_display = ("name", "kind", "title", "enterprise", "institution")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("enterprise", "institution", "user")


@admin.register(models.ScaleRecord)
class ScaleRecordAdmin(NoDeleteAdmin):
    list_display = ("enterprise", "year", "is_above_scale")
    list_filter = ("year", "is_above_scale")
    raw_id_fields = ("enterprise",)


@admin.register(models.ChainLink)
class ChainLinkAdmin(NoDeleteAdmin):
    list_display = ("enterprise", "chain", "position", "is_chain_leader")
    raw_id_fields = ("enterprise",)
