from django.urls import path

from kechuang.registry import views

app_name = "registry"

urlpatterns = [
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/add/", views.EnterpriseEditView.as_view(), name="enterprise_add"),
    path("enterprises/import/", views.EnterpriseImportView.as_view(), name="import"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("qualifications/", views.QualificationListView.as_view(), name="qualification_list"),
    path("qualifications/add/", views.QualificationEditView.as_view(), name="qualification_add"),
    path(
        "qualifications/<int:pk>/edit/",
        views.QualificationEditView.as_view(),
        name="qualification_edit",
    ),
    path("chain-links/add/", views.ChainLinkEditView.as_view(), name="chainlink_add"),
    path("chain-links/<int:pk>/edit/", views.ChainLinkEditView.as_view(), name="chainlink_edit"),
    path("institutions/", views.InstitutionListView.as_view(), name="institution_list"),
    path("institutions/add/", views.InstitutionEditView.as_view(), name="institution_add"),
    path(
        "institutions/import/",
        views.InstitutionImportView.as_view(),
        name="institution_import",
    ),
    path(
        "institutions/<int:pk>/",
        views.InstitutionDetailView.as_view(),
        name="institution_detail",
    ),
    path(
        "institutions/<int:pk>/edit/",
        views.InstitutionEditView.as_view(),
        name="institution_edit",
    ),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/add/", views.PersonEditView.as_view(), name="person_add"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    path("chains/", views.IndustryChainListView.as_view(), name="industrychain_list"),
    path("chains/add/", views.IndustryChainEditView.as_view(), name="industrychain_add"),
    path("chains/<int:pk>/", views.IndustryChainDetailView.as_view(), name="industrychain_detail"),
    path("chains/<int:pk>/edit/", views.IndustryChainEditView.as_view(), name="industrychain_edit"),
]
