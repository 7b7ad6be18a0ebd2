from django.urls import path

from kechuang.monitoring.views import lists

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
]
