from django.contrib import admin

from kechuang.core.admin import NoDeleteAdmin, ReadOnlyAdmin
from kechuang.techmarket.models import (
    Disclosure,
    EventPairing,
    EventParticipant,
    ExpertProfile,
    Match,
    MatchmakingEvent,
    MatchStep,
    ResultPatent,
    TechDemand,
    TechResult,
)


@admin.register(TechResult)
class TechResultAdmin(NoDeleteAdmin):
    list_display = (
        "title",
        "institution",
        "enterprise",
        "field",
        "readiness",
        "status",
        "published_on",
    )
    list_filter = ("status", "readiness")
    search_fields = ("title", "keywords", "institution__name", "enterprise__name")
    raw_id_fields = ("institution", "enterprise", "industry")


@admin.register(ResultPatent)
class ResultPatentAdmin(NoDeleteAdmin):
    list_display = ("number", "kind", "status", "result")
    search_fields = ("number", "result__title")
    raw_id_fields = ("result",)


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin):
    list_display = ("result", "enterprise", "status", "decided_at")
    list_filter = ("status",)


@admin.register(TechDemand)
class TechDemandAdmin(NoDeleteAdmin):
    list_display = ("title", "enterprise", "status", "visibility", "published_on")
    list_filter = ("status", "visibility")
    search_fields = ("title", "keywords", "enterprise__name")
    raw_id_fields = ("enterprise", "industry")


@admin.register(ExpertProfile)
class ExpertProfileAdmin(NoDeleteAdmin):
    list_display = ("person", "field", "keywords", "accepts_matching")
    list_filter = ("accepts_matching",)
    search_fields = ("person__name", "keywords")
    raw_id_fields = ("person", "industry")


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ("pk", "enterprise", "kind", "status", "source", "stage_since", "contract_value")
    list_filter = ("status", "kind", "source")
    search_fields = ("enterprise__name", "demand__title", "result__title")


@admin.register(MatchStep)
class MatchStepAdmin(ReadOnlyAdmin):
    list_display = ("match", "from_status", "to_status", "at", "created_by")


@admin.register(MatchmakingEvent)
class MatchmakingEventAdmin(NoDeleteAdmin):
    list_display = ("title", "held_on", "status", "region")
    list_filter = ("status",)


@admin.register(EventParticipant)
class EventParticipantAdmin(NoDeleteAdmin):
    list_display = (
        "event",
        "kind",
        "enterprise",
        "institution",
        "expert",
        "name",
        "invitation",
        "attended",
    )
    raw_id_fields = ("event", "enterprise", "institution", "expert")


@admin.register(EventPairing)
class EventPairingAdmin(ReadOnlyAdmin):
    list_display = ("event", "seeker", "provider", "outcome", "amount", "match")
