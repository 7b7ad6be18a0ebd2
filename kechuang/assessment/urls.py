from django.urls import path

from kechuang.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("run/", views.run_view, name="run"),
    path("results/", views.AssessmentResultListView.as_view(), name="assessmentresult_list"),
    path("enterprises/<int:pk>/", views.enterprise_assessment, name="enterprise"),
    path("enterprises/<int:pk>/facts/", views.enterprise_facts, name="facts"),
    path("ip/", views.IntellectualPropertyListView.as_view(), name="intellectualproperty_list"),
    path("ip/add/", views.IntellectualPropertyEditView.as_view(), name="intellectualproperty_add"),
    path(
        "ip/<int:pk>/edit/",
        views.IntellectualPropertyEditView.as_view(),
        name="intellectualproperty_edit",
    ),
    path("figures/add/", views.RecognitionFiguresEditView.as_view(), name="recognitionfigures_add"),
    path(
        "figures/<int:pk>/edit/",
        views.RecognitionFiguresEditView.as_view(),
        name="recognitionfigures_edit",
    ),
    path("events/add/", views.EnterpriseEventEditView.as_view(), name="enterpriseevent_add"),
    path(
        "events/<int:pk>/edit/",
        views.EnterpriseEventEditView.as_view(),
        name="enterpriseevent_edit",
    ),
    path(
        "profiles/add/", views.RecognitionProfileEditView.as_view(), name="recognitionprofile_add"
    ),
    path(
        "profiles/<int:pk>/edit/",
        views.RecognitionProfileEditView.as_view(),
        name="recognitionprofile_edit",
    ),
]
