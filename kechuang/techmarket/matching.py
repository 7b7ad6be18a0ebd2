"""The platform's side of the matching engine: what each collection indexes, keeping the
indexes current, and turning the engine's candidates into suggestions a page can explain.

Five collections: published results, experts who take matchmaking, institutions, open
demands and enterprises. Each process keeps its matchers in memory; before answering it
applies what changed in the database since it last looked (rows whose `updated_at` is newer),
so every process sees every edit without a message between them. The matchers are saved
under MATCH_INDEX_DIR so that a new process starts from the last save, and
`kechuang match reindex` rebuilds them from the database.
"""

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from kechuang.engines.matching import Document, Matcher, Profile, Query, analysis, dense
from kechuang.engines.matching.engine import Candidate
from kechuang.engines.matching.explain import highlight, telling
from kechuang.registry.choices import EnterpriseStatus, InstitutionStatus
from kechuang.registry.models import Enterprise, Industry, IndustryChain, Institution
from kechuang.techmarket import choices
from kechuang.techmarket.models import ExpertProfile, Match, TechDemand, TechResult, split_keywords

log = logging.getLogger(__name__)

# Edits since the last save after which a process saves its matcher again.
SAVE_AFTER = 20
# Rows changed within this much before the last look are looked at again (clock skew between
# processes, transactions that committed late).
OVERLAP = timedelta(seconds=5)


@cache
def embedder_or_none() -> dense.Embedder | None:
    """The configured embedding model, or None when it is switched off or cannot load (the
    matcher then fuses the lexical signals alone)."""
    choice = settings.MATCH_EMBEDDINGS
    if choice == "off" or not dense.available():
        return None
    return dense.E5Embedder(None if choice == "bundled" else choice)


def domain_terms() -> list[str]:
    """The segmenter's dictionary: shipped terms, industry and chain names, keywords of the
    results, demands and experts."""
    keyword_rows = [
        *TechResult.objects.values_list("keywords", flat=True),
        *TechDemand.objects.values_list("keywords", flat=True),
        *ExpertProfile.objects.values_list("keywords", flat=True),
    ]
    keywords = [k for row in keyword_rows for k in split_keywords(row)]
    industries = Industry.objects.filter(level__gte=3).values_list("name", flat=True)
    chains = IndustryChain.objects.values_list("name", flat=True)
    return analysis.dictionary_terms(industries, chains, sorted(set(keywords)))


# -- what each collection holds -------------------------------------------------------------


def _deals_by(path: str) -> Counter:
    rows = (
        Match.objects.filter(status=choices.MatchStatus.CONTRACTED)
        .exclude(**{f"{path}__isnull": True})
        .values_list(path, flat=True)
    )
    return Counter(rows)


def industry_keys(industry) -> tuple[str, ...]:
    """An industry as the engine compares it: section letter and digits ("C3451")."""
    return (f"{industry.section}{industry.code}",) if industry is not None else ()


def _chains(obj) -> tuple[str, ...]:
    return tuple(str(pk) for pk in obj.chains.values_list("pk", flat=True))


def result_owner_region(result: TechResult) -> str:
    if result.institution_id:
        return result.institution.region_id or ""
    return result.enterprise.town_id or "" if result.enterprise_id else ""


def result_documents(rows) -> list[Document]:
    by_institution = _deals_by("result__institution")
    by_enterprise = _deals_by("result__enterprise")
    documents = []
    for r in rows.select_related("institution", "enterprise", "industry").prefetch_related(
        "chains"
    ):
        deals = (
            by_institution[r.institution_id] if r.institution_id else by_enterprise[r.enterprise_id]
        )
        documents.append(
            Document(
                str(r.pk),
                r.title,
                r.abstract,
                tuple(r.keyword_list),
                Profile(
                    industries=industry_keys(r.industry),
                    chains=tuple(str(c.pk) for c in r.chains.all()),
                    fields=(r.field,) if r.field else (),
                    readiness=r.readiness,
                    region=result_owner_region(r),
                    track_record=deals,
                ),
            )
        )
    return documents


def expert_documents(rows) -> list[Document]:
    deals = _deals_by("expert")
    documents = []
    for e in rows.select_related(
        "person__institution", "person__enterprise", "industry"
    ).prefetch_related("chains"):
        person = e.person
        documents.append(
            Document(
                str(e.pk),
                " ".join(filter(None, [e.keywords, person.title, person.fields])),
                "\n".join(filter(None, [e.works, e.bio])),
                tuple(e.keyword_list),
                Profile(
                    industries=industry_keys(e.industry),
                    chains=tuple(str(c.pk) for c in e.chains.all()),
                    fields=(e.field,) if e.field else (),
                    region=person.region_id or "",
                    track_record=deals[e.pk],
                ),
            )
        )
    return documents


def institution_documents(rows) -> list[Document]:
    direct = _deals_by("institution")
    through_results = _deals_by("result__institution")
    documents = []
    rows = list(rows)
    titles: dict[int, list[str]] = {}
    for institution_id, title in (
        TechResult.objects.published()
        .filter(institution__in=rows)
        .values_list("institution", "title")
    ):
        titles.setdefault(institution_id, []).append(title)
    for i in rows:
        documents.append(
            Document(
                str(i.pk),
                i.name,
                "\n".join(
                    filter(None, [i.fields, i.description, "；".join(titles.get(i.pk, [])[:30])])
                ),
                tuple(split_keywords(i.fields)),
                Profile(
                    region=i.region_id or "", track_record=direct[i.pk] + through_results[i.pk]
                ),
            )
        )
    return documents


def demand_documents(rows) -> list[Document]:
    documents = []
    for d in rows.select_related("enterprise__industry", "industry").prefetch_related(
        "chains", "enterprise__chains"
    ):
        documents.append(
            Document(
                str(d.pk),
                d.title,
                "\n".join(filter(None, [d.problem, d.desired_outcome, d.constraints])),
                tuple(d.keyword_list),
                demand_profile(d),
            )
        )
    return documents


def research_level(enterprise_ids) -> dict[int, float]:
    """How much R&D each enterprise does, from its latest R&D record: 0.5 with R&D spending,
    1 when it also commissions R&D from outside (it buys technology)."""
    from kechuang.monitoring.models import RDRecord

    latest = dict(
        RDRecord.objects.filter(enterprise__in=enterprise_ids, quarter=0)
        .values("enterprise")
        .annotate(year=Max("year"))
        .values_list("enterprise", "year")
    )
    levels = {}
    for enterprise_id, year, expense, commissioned in RDRecord.objects.filter(
        enterprise__in=list(latest), quarter=0
    ).values_list("enterprise", "year", "rd_expense", "cost_commissioned"):
        if latest.get(enterprise_id) != year:
            continue
        level = 0.0
        if expense:
            level = 0.5 + (0.5 if commissioned else 0.0)
        levels[enterprise_id] = max(levels.get(enterprise_id, 0.0), level)
    return levels


def enterprise_documents(rows) -> list[Document]:
    rows = list(rows.select_related("industry").prefetch_related("chains"))
    research = research_level([e.pk for e in rows])
    deals = _deals_by("enterprise")
    demands: dict[int, list[str]] = {}
    for enterprise_id, title, problem in (
        TechDemand.objects.filter(enterprise__in=rows)
        .exclude(status=choices.DemandStatus.DRAFT)
        .values_list("enterprise", "title", "problem")
    ):
        demands.setdefault(enterprise_id, []).append(f"{title}：{problem}")
    documents = []
    for e in rows:
        chains = list(e.chains.all())
        documents.append(
            Document(
                str(e.pk),
                " ".join(filter(None, [e.name, e.products])),
                "\n".join(
                    filter(
                        None,
                        [
                            e.industry.name if e.industry_id else "",
                            "、".join(c.name for c in chains),
                            *demands.get(e.pk, [])[:20],
                        ],
                    )
                ),
                tuple(split_keywords(e.products)),
                Profile(
                    industries=industry_keys(e.industry),
                    chains=tuple(str(c.pk) for c in chains),
                    region=e.town_id or "",
                    track_record=deals[e.pk],
                    research=research.get(e.pk, 0.0),
                ),
            )
        )
    return documents


@dataclass(frozen=True)
class Collection:
    """What one matcher holds. `dense`: whether its documents are embedded too; enterprises
    are not (thousands of short profiles, where the model adds time and little else)."""

    name: str
    label: str
    dense: bool = True

    def searchable(self):
        return {
            "results": lambda: TechResult.objects.published(),
            "experts": lambda: ExpertProfile.objects.filter(
                accepts_matching=True, person__is_active=True
            ),
            "institutions": lambda: Institution.objects.exclude(status=InstitutionStatus.CLOSED),
            "demands": lambda: TechDemand.objects.filter(status=choices.DemandStatus.OPEN),
            "enterprises": lambda: Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE),
        }[self.name]()

    def changed_since(self, when):
        """Every row (searchable or not) that may read differently since `when`."""
        q = {
            "results": Q(updated_at__gte=when),
            "experts": Q(updated_at__gte=when) | Q(person__updated_at__gte=when),
            "institutions": Q(updated_at__gte=when) | Q(tech_results__updated_at__gte=when),
            "demands": Q(updated_at__gte=when),
            "enterprises": Q(updated_at__gte=when) | Q(tech_demands__updated_at__gte=when),
        }[self.name]
        return self.model().objects.filter(q).distinct()

    def model(self):
        return {
            "results": TechResult,
            "experts": ExpertProfile,
            "institutions": Institution,
            "demands": TechDemand,
            "enterprises": Enterprise,
        }[self.name]

    def documents(self, rows) -> list[Document]:
        return {
            "results": result_documents,
            "experts": expert_documents,
            "institutions": institution_documents,
            "demands": demand_documents,
            "enterprises": enterprise_documents,
        }[self.name](rows)


COLLECTIONS = {
    c.name: c
    for c in (
        Collection("results", "科技成果"),
        Collection("experts", "专家"),
        Collection("institutions", "高校院所及平台"),
        Collection("demands", "技术需求"),
        Collection("enterprises", "企业", dense=False),
    )
}


# -- keeping the matchers current ----------------------------------------------------------


@dataclass
class Held:
    matcher: Matcher
    synced_at: object
    unsaved: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


_held: dict[str, Held] = {}
_held_lock = threading.Lock()


def index_dir(name: str) -> Path:
    return Path(settings.MATCH_INDEX_DIR) / name


def build(name: str, *, save: bool = True, dense: bool = True, workers: int = 1) -> Matcher:
    """A matcher built from the database: every searchable row of the collection, with the
    configured embedding model unless `dense` is False (the demo, which must come out the
    same wherever it runs)."""
    collection = COLLECTIONS[name]
    started = timezone.now()
    embedder = embedder_or_none() if dense and collection.dense else None
    matcher = Matcher(domain_terms(), embedder=embedder, home=settings.HOME_REGION_CODE)
    matcher.add_many(collection.documents(collection.searchable()), workers=workers)
    if save:
        matcher.save(index_dir(name), extra={"synced_at": started.isoformat()})
    with _held_lock:
        _held[name] = Held(matcher, started)
    return matcher


def forget() -> None:
    """Drop the matchers this process holds (the next search loads or builds them)."""
    with _held_lock:
        _held.clear()


def current(name: str) -> Matcher:
    """The collection's matcher with every change in the database applied."""
    with _held_lock:
        held = _held.get(name)
    if held is None:
        held = _load_or_build(name)
    with held.lock:
        _catch_up(name, held)
    return held.matcher


def _load_or_build(name: str) -> Held:
    directory = index_dir(name)
    if (directory / "matcher.json").exists():
        try:
            matcher = Matcher.load(directory, embedder=embedder_or_none())
            synced = timezone.datetime.fromisoformat(matcher.extra["synced_at"])
            wants_dense = COLLECTIONS[name].dense and embedder_or_none() is not None
            if (matcher.dense is not None) == wants_dense:
                held = Held(matcher, synced)
                with _held_lock:
                    _held.setdefault(name, held)
                    return _held[name]
        except (OSError, ValueError, KeyError) as error:
            log.warning("match index %s unreadable, rebuilding: %s", name, error)
    build(name)
    with _held_lock:
        return _held[name]


def _catch_up(name: str, held: Held) -> None:
    collection = COLLECTIONS[name]
    now = timezone.now()
    changed = list(collection.changed_since(held.synced_at - OVERLAP).values_list("pk", flat=True))
    if changed:
        keep = set(collection.searchable().filter(pk__in=changed).values_list("pk", flat=True))
        for pk in changed:
            if pk not in keep:
                held.matcher.remove(str(pk))
        for document in collection.documents(collection.model().objects.filter(pk__in=keep)):
            held.matcher.add(document)
        held.unsaved += len(changed)
    held.synced_at = now
    if held.unsaved >= SAVE_AFTER:
        held.matcher.save(index_dir(name), extra={"synced_at": now.isoformat()})
        held.unsaved = 0


# -- asking ---------------------------------------------------------------------------------


def demand_chains(demand: TechDemand) -> tuple[str, ...]:
    """The chains the demand names, or else its enterprise's (as the industry falls back)."""
    own = [c.pk for c in demand.chains.all()] if demand.pk else []
    return tuple(str(pk) for pk in own or [c.pk for c in demand.enterprise.chains.all()])


def demand_profile(demand: TechDemand) -> Profile:
    return Profile(
        industries=industry_keys(demand.industry or demand.enterprise.industry),
        chains=demand_chains(demand),
        fields=(demand.field,) if demand.field else (),
        readiness_needed=demand.min_readiness or 0,
        region=demand.enterprise.town_id or "",
    )


def demand_query(demand: TechDemand) -> Query:
    text = "\n".join(
        filter(
            None,
            [demand.title, demand.problem, demand.desired_outcome, " ".join(demand.keyword_list)],
        )
    )
    return Query(text, demand_profile(demand))


def result_query(result: TechResult) -> Query:
    text = "\n".join(filter(None, [result.title, result.abstract, " ".join(result.keyword_list)]))
    return Query(
        text,
        Profile(
            industries=industry_keys(result.industry),
            chains=_chains(result),
            fields=(result.field,) if result.field else (),
            readiness=result.readiness,
            region=result_owner_region(result),
        ),
    )


@dataclass
class Suggestion:
    """A candidate ready for the page: the object, its score out of 100, what each signal
    gave, the shared terms, and both texts cut into marked pieces."""

    kind: str
    obj: object
    candidate: Candidate
    shared: list[str]
    query_pieces: list[tuple[str, bool]]
    text_pieces: list[tuple[str, bool]]
    existing: Match | None = None
    existing_hidden: bool = False  # a match the viewer may not open

    @property
    def percent(self) -> int:
        return round(self.candidate.score * 100)

    @property
    def parts(self) -> list[dict]:
        total = self.candidate.score or 1.0
        return [
            {
                "name": s.name,
                "label": s.label,
                "value": s.value,
                "contribution": s.contribution,
                "share": s.contribution / total,
            }
            for s in sorted(self.candidate.signals, key=lambda s: -s.contribution)
        ]

    def snapshot(self) -> dict:
        """What is kept on the match: the signals and shared terms as they were."""
        return {
            "score": self.candidate.score,
            "signals": [
                {
                    "name": p["name"],
                    "label": p["label"],
                    "value": round(p["value"], 4),
                    "contribution": round(p["contribution"], 4),
                }
                for p in self.parts
            ],
            "shared": self.shared,
        }


def candidate_text(kind: str, obj) -> str:
    if kind == "result":
        return f"{obj.title}\n{obj.abstract}"
    if kind == "expert":
        return "\n".join(filter(None, [obj.keywords, obj.works]))
    if kind == "institution":
        return "\n".join(filter(None, [obj.name, obj.fields, obj.description]))
    if kind == "demand":
        return f"{obj.title}\n{obj.problem}"
    return "\n".join(
        filter(None, [obj.name, obj.products, obj.industry.name if obj.industry_id else ""])
    )


COLLECTION_OF_KIND = {
    "result": "results",
    "expert": "experts",
    "institution": "institutions",
    "demand": "demands",
    "enterprise": "enterprises",
}


def suggest(
    query: Query, kind: str, *, k: int = 10, exclude=(), existing: dict | None = None
) -> list[Suggestion]:
    """The k best of one kind for the query, each explained."""
    name = COLLECTION_OF_KIND[kind]
    matcher = current(name)
    candidates = matcher.search(query, k, exclude=[str(e) for e in exclude])
    model = COLLECTIONS[name].model()
    related = {
        "result": ("institution", "enterprise"),
        "expert": ("person__institution",),
        "demand": ("enterprise",),
        "enterprise": ("industry", "town"),
        "institution": ("region",),
    }[kind]
    objects = model.objects.select_related(*related).in_bulk([int(c.doc_id) for c in candidates])
    suggestions = []
    for candidate in candidates:
        obj = objects.get(int(candidate.doc_id))
        if obj is None:
            continue
        shared = telling(term for term, _ in matcher.shared_terms(query, candidate.doc_id))
        suggestions.append(
            Suggestion(
                kind=kind,
                obj=obj,
                candidate=candidate,
                shared=shared,
                query_pieces=highlight(query.text, shared),
                text_pieces=highlight(candidate_text(kind, obj), shared),
                existing=(existing or {}).get(obj.pk),
            )
        )
    return suggestions
