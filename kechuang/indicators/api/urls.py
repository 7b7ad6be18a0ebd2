from django.urls import path

from kechuang.core.api import AppRouter
from kechuang.indicators.api import views

router = AppRouter("indicators", extra={"index": "index-ranking"})
router.register("values", views.IndicatorValueViewSet, basename="indicatorvalue")
router.register("targets", views.TargetViewSet, basename="target")

urlpatterns = [
    path("index/", views.IndexRankingView.as_view(), name="index-ranking"),
    *router.urls,
]
