from django.contrib import admin

from kechuang.core.admin import NoDeleteAdmin, ReadOnlyAdmin
from kechuang.indicators.models import IndexFramework, Indicator, IndicatorValue, PeerSet, Target


@admin.register(Indicator)
class IndicatorAdmin(NoDeleteAdmin):
    list_display = ("code", "name", "unit", "kind", "direction", "position", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ("region", "year", "indicator", "value", "origin", "source")
    list_filter = ("origin", "year")
    search_fields = ("region__name", "indicator__name", "source")


@admin.register(IndexFramework)
class IndexFrameworkAdmin(ReadOnlyAdmin):
    list_display = ("version", "title", "effective_from")


@admin.register(PeerSet)
class PeerSetAdmin(NoDeleteAdmin):
    list_display = ("home",)
    filter_horizontal = ("members",)


@admin.register(Target)
class TargetAdmin(NoDeleteAdmin):
    list_display = ("region", "indicator", "year", "value", "note")
    list_filter = ("year",)
