from kechuang.core.api import AppRouter
from kechuang.monitoring.api import views

router = AppRouter("monitoring")
router.register("batches", views.ImportBatchViewSet, basename="importbatch")
router.register("rd-records", views.RDRecordViewSet, basename="rdrecord")
router.register("financial-records", views.FinancialRecordViewSet, basename="financialrecord")
router.register("entries", views.SnapshotEntryViewSet, basename="snapshotentry")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("pool", views.PoolEntryViewSet, basename="poolentry")
router.register("visits", views.ServiceVisitViewSet, basename="servicevisit")
router.register("rules", views.RuleSetViewSet, basename="ruleset")

urlpatterns = router.urls
