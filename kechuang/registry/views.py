from django.conf import settings
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from kechuang.core.masking import hidden_fields, shown
from kechuang.core.views import (
    ImportView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PrefillFromQuery,
)
from kechuang.registry import filtersets, forms, tables
from kechuang.registry.importers import EnterpriseImportSpec, InstitutionImportSpec
from kechuang.registry.models import (
    ChainLink,
    Enterprise,
    IndustryChain,
    Institution,
    Person,
    Qualification,
)


class EnterpriseListView(ObjectListView):
    model = Enterprise
    table_class = tables.EnterpriseTable
    filterset_class = filtersets.EnterpriseFilterSet
    select_related = ("town", "industry")
    create_url_name = "registry:enterprise_add"
    import_url_name = "registry:import"


class EnterpriseDetailView(ObjectDetailView):
    model = Enterprise
    template_name = "registry/enterprise_detail.html"
    select_related = ("town", "industry", "organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enterprise = self.object
        today = timezone.localdate()
        context["qualifications"] = [
            (q, q.is_valid_on(today)) for q in enterprise.qualifications.order_by("-issued_on")
        ]
        context["chain_links"] = enterprise.chain_links.select_related("chain__parent")
        context["scale_years"] = list(enterprise.scale_records.order_by("year"))
        context["former_names"] = enterprise.former_names.all()
        context["people"] = Person.objects.restrict(self.request.user).filter(
            enterprise=enterprise, is_active=True
        )[:20]
        context["show_contact"] = "contact_phone" not in self.masked_fields()
        context["contact_phone"] = shown(self.request.user, enterprise, "contact_phone")
        context["can_add_qualification"] = (
            self.request.user.has_perm("registry.add_qualification") and context["can_change"]
        )
        return context


class EnterpriseEditView(ObjectEditView):
    model = Enterprise
    form_class = forms.EnterpriseForm


class QualificationListView(ObjectListView):
    model = Qualification
    table_class = tables.QualificationTable
    filterset_class = filtersets.QualificationFilterSet
    select_related = ("enterprise",)
    create_url_name = "registry:qualification_add"


class QualificationEditView(PrefillFromQuery, ObjectEditView):
    model = Qualification
    form_class = forms.QualificationForm

    def get_success_url(self):
        return self.object.enterprise.get_absolute_url()


class ChainLinkEditView(PrefillFromQuery, ObjectEditView):
    model = ChainLink
    form_class = forms.ChainLinkForm

    def get_success_url(self):
        return self.object.enterprise.get_absolute_url()


class InstitutionListView(ObjectListView):
    model = Institution
    table_class = tables.InstitutionTable
    filterset_class = filtersets.InstitutionFilterSet
    select_related = ("region",)
    create_url_name = "registry:institution_add"
    import_url_name = "registry:institution_import"


class InstitutionDetailView(ObjectDetailView):
    model = Institution
    template_name = "registry/institution_detail.html"
    select_related = ("region",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["people"] = [
            (p, shown(user, p, "phone"))
            for p in Person.objects.restrict(user).filter(institution=self.object)
        ]
        return context


class InstitutionEditView(ObjectEditView):
    model = Institution
    form_class = forms.InstitutionForm


class PersonListView(ObjectListView):
    model = Person
    table_class = tables.PersonTable
    filterset_class = filtersets.PersonFilterSet
    select_related = ("enterprise", "institution")
    create_url_name = "registry:person_add"

    def table_extra_kwargs(self):
        return {"show_pii": not hidden_fields(self.request.user, Person)}


class PersonDetailView(ObjectDetailView):
    model = Person
    template_name = "registry/person_detail.html"
    select_related = ("enterprise", "institution", "region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["phone"] = shown(self.request.user, self.object, "phone")
        context["id_number"] = shown(self.request.user, self.object, "id_number")
        return context


class PersonEditView(ObjectEditView):
    model = Person
    form_class = forms.PersonForm


class IndustryChainListView(ObjectListView):
    model = IndustryChain
    table_class = tables.IndustryChainTable
    filterset_class = filtersets.IndustryChainFilterSet
    select_related = ("parent",)
    create_url_name = "registry:industrychain_add"

    def get_queryset(self):
        visible = Enterprise.objects.restrict(self.request.user).values("pk")
        # Enterprises on the chain or below it, each once: a cluster counts its chains'.
        counted = (
            ChainLink.objects.filter(ChainLink.under_q(OuterRef("pk")), enterprise__in=visible)
            .order_by()
            .annotate(everything=Value(1))
            .values("everything")
            .annotate(n=Count("enterprise", distinct=True))
            .values("n")
        )
        return (
            super()
            .get_queryset()
            .annotate(enterprise_count=Coalesce(Subquery(counted), 0))
            .order_by("order", "name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not keeps_county_chains(self.request.user):
            context["perms_for"] = {**context["perms_for"], "add": False, "change": False}
        return context


class IndustryChainDetailView(ObjectDetailView):
    model = IndustryChain
    template_name = "registry/industrychain_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.object.children.all()
        context["industries"] = self.object.industries.all()
        links = (
            ChainLink.objects.restrict(self.request.user)
            .filter(ChainLink.under_q(self.object))
            .select_related("enterprise__town", "chain")
            .order_by("-is_chain_leader", "position", "enterprise__name_sort")
        )
        context["links"] = links[:200]
        context["link_count"] = links.values("enterprise").distinct().count()
        context["shows_chain"] = self.object.children.exists()
        context["can_change"] = context["can_change"] and keeps_county_chains(self.request.user)
        return context


def keeps_county_chains(user) -> bool:
    """The chains are the county's: only users whose scope is the whole county keep them."""
    return user.scope_grant().covers_region(settings.HOME_REGION_CODE)


class IndustryChainEditView(ObjectEditView):
    model = IndustryChain
    form_class = forms.IndustryChainForm

    def has_permission(self):
        return super().has_permission() and keeps_county_chains(self.request.user)


class EnterpriseImportView(ImportView):
    spec_class = EnterpriseImportSpec


class InstitutionImportView(ImportView):
    spec_class = InstitutionImportSpec
