"""Structured signals between a query and a candidate, each a number in [0, 1].

Codes are plain strings: industries as GB/T 4754-2017 codes with their section letter
("C3451"), regions as administrative division codes ("330624", or a 9-digit town code),
chains and technology fields as whatever ids the caller uses.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """What is known of a query or a candidate besides its text. `readiness` is the
    technology readiness level (1–9) a result has; `readiness_needed` the lowest level a
    demand asks for (0: any). `research` (0–1) says how much R&D an enterprise does, for
    offering results to it."""

    industries: tuple[str, ...] = ()
    chains: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    readiness: int | None = None
    readiness_needed: int | None = None
    region: str = ""
    track_record: int = 0
    research: float = 0.0


# How alike two industry codes are, by the longest level they share: 小类 (C3451), 中类
# (C345), 大类 (C34), 门类 (C).
INDUSTRY_LEVELS = ((5, 1.0), (4, 0.75), (3, 0.5), (1, 0.15))
# How near a candidate is to the county: the county itself, its city, its province, farther.
PROXIMITY_LEVELS = ((6, 1.0), (4, 0.7), (2, 0.4))
FARTHER = 0.1


def industry(query: Profile, candidate: Profile) -> float:
    """The closest pair of industry codes between the two."""
    best = 0.0
    for a in query.industries:
        for b in candidate.industries:
            for length, value in INDUSTRY_LEVELS:
                if len(a) >= length and len(b) >= length and a[:length] == b[:length]:
                    best = max(best, value)
                    break
    return best


def chain(query: Profile, candidate: Profile) -> float:
    return 1.0 if set(query.chains) & set(candidate.chains) else 0.0


def field(query: Profile, candidate: Profile) -> float:
    return 1.0 if set(query.fields) & set(candidate.fields) else 0.0


def readiness(query: Profile, candidate: Profile) -> float:
    """How well the level a result has meets the level a demand asks for, whichever of the two
    is the query: at or above it, 1; each level short loses a quarter. With no level asked,
    higher is better (level / 9). A candidate without either level counts for nothing."""
    if candidate.readiness is not None:
        level, needed = candidate.readiness, query.readiness_needed
    elif candidate.readiness_needed is not None and query.readiness is not None:
        level, needed = query.readiness, candidate.readiness_needed
    else:
        return 0.0
    if not needed:
        return level / 9
    return max(0.0, 1 - max(0, needed - level) / 4)


def proximity(home: str, candidate: Profile) -> float:
    """Local first, then the city, then the province: by the leading digits the candidate's
    region shares with the home county's code."""
    if not candidate.region or not home:
        return 0.0
    for length, value in PROXIMITY_LEVELS:
        if candidate.region[:length] == home[:length]:
            return value
    return FARTHER


def track_record(candidate: Profile) -> float:
    """Deals the owner has closed through the market: 0 → 0, 2 → 0.5, 4 → 0.75."""
    return 1 - 0.5 ** (max(candidate.track_record, 0) / 2)


STRUCTURED = {
    "industry": "行业相同或相近",
    "chain": "同一产业链",
    "field": "技术领域相同",
    "readiness": "技术成熟度",
    "proximity": "距离（县内优先）",
    "track_record": "以往成交",
    "research": "研发活跃度",
}


def structured(query: Profile, candidate: Profile, home: str) -> dict[str, float]:
    """Every structured signal by name."""
    return {
        "industry": industry(query, candidate),
        "chain": chain(query, candidate),
        "field": field(query, candidate),
        "readiness": readiness(query, candidate),
        "proximity": proximity(home or query.region, candidate),
        "track_record": track_record(candidate),
        "research": min(max(candidate.research, 0.0), 1.0),
    }
