from django.urls import path

from kechuang.assessment.views import enterprise, support
from kechuang.assessment.views import readiness as views

app_name = "assessment"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("run/", views.run_view, name="run"),
    path("results/", views.AssessmentResultListView.as_view(), name="assessmentresult_list"),
    path("enterprises/<int:pk>/", views.enterprise_assessment, name="enterprise"),
    path("enterprises/<int:pk>/facts/", views.enterprise_facts, name="facts"),
    path("me/", enterprise.my_enterprise, name="me"),
    path(
        "enterprises/<int:pk>/overview/", enterprise.enterprise_overview, name="enterprise_overview"
    ),
    path(
        "enterprises/<int:pk>/report.<str:fmt>",
        enterprise.enterprise_report,
        name="enterprise_report",
    ),
    path("enterprises/<int:pk>/flags/", enterprise.flag_create, name="figureflag_add"),
    path("flags/", enterprise.FigureFlagListView.as_view(), name="figureflag_list"),
    path("flags/<int:pk>/handle/", enterprise.flag_handle, name="figureflag_handle"),
    path("reports/", enterprise.report_batch, name="report_batch"),
    path("reports/<int:pk>/download/", enterprise.report_download, name="report_download"),
    path("policies/", support.PolicyListView.as_view(), name="policy_list"),
    path("policies/add/", support.policy_edit, name="policy_add"),
    path("policies/<int:pk>/", support.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/edit/", support.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/calculate/", support.policy_calculate, name="policy_calculate"),
    path(
        "policies/runs/<int:pk>/withdraw/", support.policy_run_withdraw, name="policyrun_withdraw"
    ),
    path("outcomes/", support.PolicyOutcomeListView.as_view(), name="policyoutcome_list"),
    path("points/", support.PointsResultListView.as_view(), name="pointsresult_list"),
    path("points/calculate/", support.points_calculate, name="points_calculate"),
    path("points/scheme/", support.points_scheme, name="points_scheme"),
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
