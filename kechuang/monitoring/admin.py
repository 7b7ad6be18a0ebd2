"""Monitoring in the admin: figures and results to look at, the pool and visits to correct.

Reported figures change only through an import batch (which can be rolled back), results only
through a recompute, and rule versions only through the rule editor, so all of those are
read-only here."""

from django.contrib import admin

from kechuang.core.admin import NoDeleteAdmin, ReadOnlyAdmin
from kechuang.monitoring import models


@admin.register(models.ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("filename", "kind", "year", "quarter", "department", "status", "row_count")
    list_filter = ("kind", "status", "department", "year")
    search_fields = ("filename",)


@admin.register(models.RDRecord)
class RDRecordAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "year", "quarter", "rd_expense", "department", "batch")
    list_filter = ("year", "quarter", "department")
    search_fields = ("enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise", "batch")


@admin.register(models.FinancialRecord)
class FinancialRecordAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "year", "quarter", "revenue", "department", "batch")
    list_filter = ("year", "quarter", "department")
    search_fields = ("enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise", "batch")


@admin.register(models.RuleSet)
class RuleSetAdmin(ReadOnlyAdmin):
    list_display = ("version", "effective_from", "basis", "based_on")


@admin.register(models.Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("year", "rule_set", "computed_at", "computed_by", "is_current")
    list_filter = ("year", "is_current")


@admin.register(models.SnapshotEntry)
class SnapshotEntryAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "snapshot", "rd_expense", "intensity", "tier")
    list_filter = ("tier", "innovation_class")
    search_fields = ("enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise", "snapshot")


@admin.register(models.Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "kind", "message", "acknowledged_at", "acknowledged_by")
    list_filter = ("kind",)
    search_fields = ("enterprise__name", "message")
    list_select_related = ("enterprise", "acknowledged_by")


@admin.register(models.PoolEntry)
class PoolEntryAdmin(NoDeleteAdmin):
    list_display = ("enterprise", "officer", "joined_on", "status", "left_on")
    list_filter = ("status",)
    search_fields = ("enterprise__name", "enterprise__uscc")
    raw_id_fields = ("enterprise", "officer")


@admin.register(models.ServiceVisit)
class ServiceVisitAdmin(NoDeleteAdmin):
    list_display = ("entry", "visited_on", "visitors", "follow_up_due", "follow_up_done_on")
    search_fields = ("entry__enterprise__name", "problems")
    raw_id_fields = ("entry",)
