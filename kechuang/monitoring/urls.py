from django.urls import path, re_path

from kechuang.core.views import moved
from kechuang.monitoring.views import intake, lists, pool, rules

app_name = "monitoring"

urlpatterns = [
    # monitoring results (lists, classes, tiers, coverage, alerts)
    path("", lists.overview, name="overview"),
    path("recompute/", lists.recompute_view, name="recompute"),
    path("entries/", lists.SnapshotEntryListView.as_view(), name="snapshotentry_list"),
    path("alerts/", lists.AlertListView.as_view(), name="alert_list"),
    path("alerts/<int:pk>/acknowledge/", lists.acknowledge_alert, name="alert_acknowledge"),
    path("rules/", rules.RuleSetListView.as_view(), name="ruleset_list"),
    path("rules/new/", rules.rule_version_create, name="ruleset_add"),
    path("rules/<int:pk>/", rules.rule_version_detail, name="ruleset_detail"),
    # cultivation pool and service visits
    path("pool/", pool.PoolEntryListView.as_view(), name="poolentry_list"),
    path("pool/add/", pool.PoolEntryEditView.as_view(), name="poolentry_add"),
    path("pool/<int:pk>/", pool.PoolEntryDetailView.as_view(), name="poolentry_detail"),
    path("pool/<int:pk>/edit/", pool.PoolEntryEditView.as_view(), name="poolentry_edit"),
    path("visits/", pool.ServiceVisitListView.as_view(), name="servicevisit_list"),
    path("visits/add/", pool.ServiceVisitEditView.as_view(), name="servicevisit_add"),
    path("visits/<int:pk>/edit/", pool.ServiceVisitEditView.as_view(), name="servicevisit_edit"),
    # data intake: upload, preview, commit, roll back
    path("batches/", intake.ImportBatchListView.as_view(), name="batch_list"),
    path("batches/upload/", intake.upload, name="batch_upload"),
    path("batches/template/<str:kind>/", intake.batch_template, name="batch_template"),
    path("batches/<int:pk>/", intake.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/commit/", intake.commit_view, name="batch_commit"),
    path("batches/<int:pk>/rollback/", intake.rollback_view, name="batch_rollback"),
    path("batches/<int:pk>/discard/", intake.discard_view, name="batch_discard"),
    path("batches/<int:pk>/issues/", intake.issues_download, name="batch_issues"),
    # Moved: the intake's batches were under imports/, job pages are every app's now.
    re_path(r"^imports/(?P<rest>.*)$", moved("/monitoring/batches/")),
    re_path(r"^jobs/(?P<rest>.*)$", moved("/jobs/")),
]
