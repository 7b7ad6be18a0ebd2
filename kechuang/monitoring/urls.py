from django.urls import path

from kechuang.monitoring.views import lists, pool

app_name = "monitoring"

urlpatterns = [
    # monitoring results (lists, classes, tiers, coverage, alerts)
    path("", lists.overview, name="overview"),
    path("recompute/", lists.recompute_view, name="recompute"),
    path("entries/", lists.SnapshotEntryListView.as_view(), name="entry_list"),
    path("alerts/", lists.AlertListView.as_view(), name="alert_list"),
    path("alerts/<int:pk>/acknowledge/", lists.acknowledge_alert, name="alert_acknowledge"),
    path("rules/", lists.RuleSetListView.as_view(), name="ruleset_list"),
    path("rules/new/", lists.rule_version_create, name="ruleset_add"),
    # cultivation pool and service visits
    path("pool/", pool.PoolEntryListView.as_view(), name="poolentry_list"),
    path("pool/add/", pool.PoolEntryEditView.as_view(), name="poolentry_add"),
    path("pool/<int:pk>/", pool.PoolEntryDetailView.as_view(), name="poolentry_detail"),
    path("pool/<int:pk>/edit/", pool.PoolEntryEditView.as_view(), name="poolentry_edit"),
    path("visits/", pool.ServiceVisitListView.as_view(), name="servicevisit_list"),
    path("visits/add/", pool.ServiceVisitEditView.as_view(), name="servicevisit_add"),
    path("visits/<int:pk>/edit/", pool.ServiceVisitEditView.as_view(), name="servicevisit_edit"),
]
