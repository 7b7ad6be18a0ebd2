from kechuang.core.api import AppRouter
from kechuang.techmarket.api import views

router = AppRouter("techmarket")
router.register("results", views.TechResultViewSet, basename="techresult")
router.register("demands", views.TechDemandViewSet, basename="techdemand")
router.register("experts", views.ExpertProfileViewSet, basename="expertprofile")
router.register("matches", views.MatchViewSet, basename="match")
router.register("events", views.MatchmakingEventViewSet, basename="matchmakingevent")

urlpatterns = router.urls
