from kechuang.core.masking import shown
from kechuang.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from kechuang.techmarket import choices, filtersets, forms, tables
from kechuang.techmarket.models import ExpertProfile, Match


class ExpertProfileListView(ObjectListView):
    model = ExpertProfile
    table_class = tables.ExpertProfileTable
    filterset_class = filtersets.ExpertProfileFilterSet
    select_related = ("person__institution", "person__enterprise")
    create_url_name = "techmarket:expertprofile_add"
    import_url_name = "techmarket:expertprofile_import"


class ExpertProfileDetailView(ObjectDetailView):
    model = ExpertProfile
    template_name = "techmarket/expertprofile_detail.html"
    select_related = ("person__institution", "person__enterprise", "industry")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object.person
        context["field_name"] = choices.field_name(self.object.field)
        context["phone"] = shown(self.request.user, person, "phone")
        context["matches"] = (
            Match.objects.restrict(self.request.user)
            .filter(expert=self.object)
            .select_related("enterprise", "demand")
        )
        return context


class ExpertProfileEditView(ObjectEditView):
    model = ExpertProfile
    form_class = forms.ExpertProfileForm
