"""Assessment in the admin: the facts and policies to correct (never deleted), the rule
versions, runs and results to look at. Results change only through a run."""

from django.contrib import admin

from kechuang.assessment import forms, models
from kechuang.core.admin import NoDeleteAdmin, ReadOnlyAdmin
from kechuang.core.forms import EntryRules


class IntellectualPropertyAdminForm(EntryRules):
    past_dates = forms.IntellectualPropertyForm.past_dates

    class Meta:
        model = models.IntellectualProperty
        fields = "__all__"


class RecognitionFiguresAdminForm(EntryRules):
    """Amounts in 万元, as on the page."""

    class Meta:
        model = models.RecognitionFigures
        fields = "__all__"


for _name in models.RecognitionFigures.money_fields:  # the page's 万元 fields, declared here too
    RecognitionFiguresAdminForm.declared_fields[_name] = (
        forms.RecognitionFiguresForm.declared_fields[_name]
    )


class EnterpriseEventAdminForm(EntryRules):
    past_dates = forms.EnterpriseEventForm.past_dates

    class Meta:
        model = models.EnterpriseEvent
        fields = "__all__"


class PolicyAdminForm(EntryRules):
    cap = forms.PolicyForm.base_fields["cap"]
    amount = forms.PolicyForm.base_fields["amount"]

    class Meta:
        model = models.Policy
        fields = "__all__"


@admin.register(models.IntellectualProperty)
class IntellectualPropertyAdmin(NoDeleteAdmin):
    form = IntellectualPropertyAdminForm
    list_display = ("title", "number", "kind", "enterprise", "granted_on", "lapsed_on")
    list_filter = ("kind", "acquisition")
    search_fields = ("title", "number", "enterprise__name", "enterprise__uscc")
    raw_id_fields = ("enterprise",)


@admin.register(models.RecognitionFigures)
class RecognitionFiguresAdmin(NoDeleteAdmin):
    form = RecognitionFiguresAdminForm
    list_display = ("enterprise", "year", "source", "confirmed_at")
    list_filter = ("year", "source")
    search_fields = ("enterprise__name", "enterprise__uscc")
    raw_id_fields = ("enterprise",)


@admin.register(models.EnterpriseEvent)
class EnterpriseEventAdmin(NoDeleteAdmin):
    form = EnterpriseEventAdminForm
    list_display = ("enterprise", "kind", "title", "occurred_on", "ended_on")
    list_filter = ("kind",)
    search_fields = ("enterprise__name", "title")
    raw_id_fields = ("enterprise",)


@admin.register(models.RecognitionProfile)
class RecognitionProfileAdmin(NoDeleteAdmin):
    list_display = ("enterprise", "tech_domain", "restricted_catalogue", "self_assessed_score")
    search_fields = ("enterprise__name", "enterprise__uscc")
    raw_id_fields = ("enterprise",)


@admin.register(models.Policy)
class PolicyAdmin(NoDeleteAdmin):
    form = PolicyAdminForm
    list_display = ("title", "code", "kind", "no_application", "effective_from", "is_active")
    list_filter = ("kind", "no_application", "is_active")
    search_fields = ("title", "code", "basis")


@admin.register(models.FigureFlag)
class FigureFlagAdmin(NoDeleteAdmin):
    list_display = ("enterprise", "year", "figure", "is_confirmation", "status", "handled_by")
    list_filter = ("status", "is_confirmation", "year")
    search_fields = ("enterprise__name", "note")
    raw_id_fields = ("enterprise", "handled_by")


@admin.register(models.RecognitionRules)
class RecognitionRulesAdmin(ReadOnlyAdmin):
    list_display = ("title", "code", "version", "effective_from", "effective_to")


@admin.register(models.PointsScheme)
class PointsSchemeAdmin(ReadOnlyAdmin):
    list_display = ("version", "effective_from", "note")


@admin.register(models.AssessmentRun)
class AssessmentRunAdmin(ReadOnlyAdmin):
    list_display = ("code", "rules", "assessed_on", "computed_at", "computed_by", "is_current")
    list_filter = ("code", "is_current")


@admin.register(models.AssessmentResult)
class AssessmentResultAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "run", "verdict", "met_count", "closeness")
    list_filter = ("verdict",)
    search_fields = ("enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise", "run")


@admin.register(models.PolicyRun)
class PolicyRunAdmin(ReadOnlyAdmin):
    list_display = ("policy", "year", "computed_at", "computed_by", "is_current")


@admin.register(models.PolicyOutcome)
class PolicyOutcomeAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "run", "verdict", "amount")
    list_filter = ("verdict",)
    search_fields = ("enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise", "run__policy")


@admin.register(models.PointsRun)
class PointsRunAdmin(ReadOnlyAdmin):
    list_display = ("year", "scheme", "computed_at", "computed_by", "is_current")


@admin.register(models.PointsResult)
class PointsResultAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "run", "rank", "total", "stage")
    list_filter = ("stage",)
    search_fields = ("enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise", "run")
