from django.urls import path

from kechuang.assessment.api import views
from kechuang.core.api import AppRouter

router = AppRouter("assessment")
router.register("results", views.AssessmentResultViewSet, basename="assessmentresult")
router.register("ip", views.IntellectualPropertyViewSet, basename="intellectualproperty")
router.register("figures", views.RecognitionFiguresViewSet, basename="recognitionfigures")
router.register("policy-outcomes", views.PolicyOutcomeViewSet, basename="policyoutcome")
router.register("points", views.PointsResultViewSet, basename="pointsresult")
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("flags", views.FigureFlagViewSet, basename="figureflag")

urlpatterns = [
    path(
        "enterprises/<int:pk>/",
        views.EnterpriseAssessmentView.as_view(),
        name="enterprise-assessment",
    ),
    *router.urls,
]
