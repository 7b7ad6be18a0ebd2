"""The technology market: results offered, demands posted, the expert pool, matches followed
to a deal, and matchmaking events.

Who sees what: published results, open public demands and experts who accept matchmaking
are listed to every market participant; drafts, bureau-only demands and matches stay within
the usual data scope and with the parties to them. A result's confidential part is read by
the bureau, the owner, and the enterprises the owner has approved (`Disclosure`).
"""

from kechuang.techmarket.models.events import (
    EventPairing,
    EventParticipant,
    EventQuerySet,
    MatchmakingEvent,
)
from kechuang.techmarket.models.listings import (
    DemandQuerySet,
    Disclosure,
    ExpertProfile,
    ExpertQuerySet,
    ResultPatent,
    ResultQuerySet,
    TechDemand,
    TechResult,
    split_keywords,
)
from kechuang.techmarket.models.matches import Match, MatchQuerySet, MatchStep

__all__ = [
    "DemandQuerySet",
    "Disclosure",
    "EventPairing",
    "EventParticipant",
    "EventQuerySet",
    "ExpertProfile",
    "ExpertQuerySet",
    "Match",
    "MatchQuerySet",
    "MatchStep",
    "MatchmakingEvent",
    "ResultPatent",
    "ResultQuerySet",
    "TechDemand",
    "TechResult",
    "split_keywords",
]
