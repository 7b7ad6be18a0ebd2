"""The demo county's technology market: results from its institutes and partner universities,
demands from its enterprises, the expert pool, matches in every stage and two past
matchmaking events with their outcomes.

The results are the engine's labelled collection (written for the county's industries), owned
by the institutes whose fields they fall in; demands, experts, partners and events come from
`techmarket_content`. Everything is drawn from the seed, so two runs give the same market.
"""

import datetime
import random
from collections import Counter, defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kechuang.accounts.models import User
from kechuang.core.changelog import recording
from kechuang.demo import techmarket_content as content
from kechuang.demo import vocabulary as vocab
from kechuang.demo.profiles import mobile_number, person_name
from kechuang.demo.recognition import ASSESSED_ON
from kechuang.engines.matching.trec import COLLECTION, read_corpus
from kechuang.engines.patents import check_character
from kechuang.registry import choices as rc
from kechuang.registry.models import ChainLink, Enterprise, Industry, Institution, Person
from kechuang.techmarket import choices, matching, services
from kechuang.techmarket.models import (
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

# The collection's areas (doc_id ranges, see its README): industry, technology field, and
# the institutes that would own such results (partners are added by name at run time).
AREAS = (
    (1, 22, "3451", "8.5", ("浙江大学新昌技术创新研究院", "中国计量大学新昌轴承检测技术研究院")),
    (23, 44, "3670", "8.7", ("绍兴文理学院新昌产业技术研究院", "浙江大学新昌制冷技术研究中心")),
    (45, 64, "3551", "8.5", ("浙江理工大学新昌技术创新研究院",)),
    (65, 86, "3464", "6.4", ("浙江大学新昌制冷技术研究中心",)),
    (87, 108, "2710", "2.3", ("浙江工业大学新昌创新研究院", "浙江中医药大学新昌生命健康研究院")),
    (109, 126, "2750", "2.1", ("天姥实验室", "天姥实验室动物医药与健康概念验证中心")),
    (127, 144, "3491", "8.1", ("杭州电子科技大学新昌智能制造研究院",)),
    (145, 162, "3963", "3.1", ("浙江科技大学新昌低空经济研究院",)),
    (163, 174, "2662", "4.1", ("绍兴文理学院新昌产业技术研究院",)),
    (175, 186, "3360", "4.1", ("浙江大学新昌技术创新研究院",)),
    (187, 198, "3464", "6.4", ("浙江大学新昌制冷技术研究中心",)),
    (199, 208, "6513", "1.1", ("杭州电子科技大学新昌智能制造研究院",)),
    (209, 218, "7452", "5.2", ("中国计量大学新昌轴承检测技术研究院",)),
    (219, 228, "7320", "7.1", ("浙江工业大学新昌创新研究院",)),
    (229, 234, "1495", "2.6", ("浙江工业大学新昌创新研究院",)),
    (235, 240, "1530", "2.7", ("浙江中医药大学新昌生命健康研究院",)),
)
# Sectors whose partner university takes a share of the area's results.
PARTNER_SHARE = 0.3
MODES = ("transfer", "license", "equity", "joint")
# The market's last three years, up to a week before the demo's day.
LAST_DAY = ASSESSED_ON - datetime.timedelta(days=7)
FIRST_DAY = LAST_DAY - datetime.timedelta(days=3 * 365)
# The technology field of a sector's demands.
SECTOR_FIELDS = {
    "3451": "8.5",
    "3452": "8.5",
    "3551": "8.5",
    "3484": "8.4",
    "3443": "8.5",
    "3464": "6.4",
    "3670": "8.7",
    "2710": "2.3",
    "2720": "2.4",
    "2750": "2.1",
    "2761": "2.1",
    "1495": "2.6",
    "3491": "8.1",
    "4011": "8.1",
    "3963": "3.1",
    "3360": "4.1",
    "2929": "4.3",
    "1530": "2.7",
    "6513": "1.1",
}


def _area(doc_number: int):
    return next(a for a in AREAS if a[0] <= doc_number <= a[1])


def _day(rng: random.Random, start=FIRST_DAY, end=LAST_DAY) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8), rng.randrange(60)))
    )


def _patent_number(rng: random.Random, year: int, kind: str) -> str:
    digits = f"{year}{'1' if kind == 'invention' else '2'}{rng.randrange(10**7):07d}"
    return f"{digits}.{check_character(digits)}"


def _partners(rng: random.Random) -> list[Institution]:
    made = []
    for spec in content.PARTNERS:
        institution, _ = Institution.objects.get_or_create(
            name=spec.name,
            defaults={
                "kind": rc.InstitutionKind.UNIVERSITY,
                "region_id": spec.region,
                "fields": spec.fields,
                "description": spec.description,
                "is_local": False,
                "established_on": datetime.date(1950 + rng.randrange(60), 9, 1),
            },
        )
        made.append(institution)
    return made


def _results(rng: random.Random, partners: list[Institution], staff: User) -> list[TechResult]:
    institutions = {i.name: i for i in Institution.objects.all()}
    industries = Industry.objects.in_bulk(field_name="code")
    results = []
    for document in read_corpus(COLLECTION / "corpus.jsonl"):
        number = int(document.doc_id[1:])
        _first, _last, sector, field, owners = _area(number)
        owner = institutions[rng.choice(owners)]
        if rng.random() < PARTNER_SHARE:
            words = set(document.title) | set("".join(document.keywords))
            fitting = [p for p in partners if len(set(p.fields) & words) >= 2] or partners
            owner = rng.choice(fitting)
        status = choices.ResultStatus.PUBLISHED
        roll = rng.random()
        if roll < 0.05:
            status = choices.ResultStatus.DRAFT
        elif roll < 0.08:
            status = choices.ResultStatus.WITHDRAWN
        readiness = rng.choices(range(2, 10), weights=(2, 6, 10, 12, 14, 10, 5, 2))[0]
        modes = set(rng.sample(MODES, rng.choice((1, 1, 2, 2, 3))))
        if readiness <= 4:
            modes.add("joint")
        negotiable = rng.random() < 0.35
        price = (
            None
            if negotiable and rng.random() < 0.7
            else Decimal(rng.choice((20, 30, 50, 80, 120, 200, 300, 500)) * 10_000)
        )
        result = TechResult(
            title=document.title,
            abstract=document.abstract,
            confidential=f"关键工艺参数、配方和验证数据详见成果方技术资料（{document.doc_id}-{rng.randrange(100, 999)}）。",
            field=field,
            industry=industries.get(sector),
            keywords="、".join(document.keywords),
            readiness=readiness,
            institution=owner,
            inventors="、".join(sorted({vocab_person_name(rng) for _ in range(rng.randint(1, 4))})),
            price=price,
            price_negotiable=negotiable or price is None,
            contact_person=vocab_person_name(rng),
            contact_phone=mobile_number(rng),
            status=status,
            published_on=_day(rng) if status != choices.ResultStatus.DRAFT else None,
            **{mode: mode in modes for mode in MODES},
        )
        results.append(result)
    TechResult.objects.bulk_create(results)
    _chain_results(results)
    patents = []
    for result in results:
        for _ in range(rng.choice((0, 1, 1, 2))):
            kind = rng.choice(("invention", "invention", "utility"))
            year = rng.randrange(2016, 2025)
            granted = rng.random() < 0.7
            patents.append(
                ResultPatent(
                    result=result,
                    kind=kind,
                    number=_patent_number(rng, year, kind),
                    status=choices.PatentStatus.GRANTED if granted else choices.PatentStatus.FILED,
                    granted_on=datetime.date(
                        year + rng.randint(1, 2), rng.randint(1, 12), rng.randint(1, 28)
                    )
                    if granted
                    else None,
                )
            )
    ResultPatent.objects.bulk_create(patents, ignore_conflicts=True)
    return results


def _chain_results(results: list[TechResult]) -> None:
    """Each result on the chain most of its industry's enterprises sit on (none when its
    industry is on no chain)."""
    tally: dict[str, Counter] = defaultdict(Counter)
    for industry, chain in ChainLink.objects.values_list("enterprise__industry_id", "chain_id"):
        tally[industry][chain] += 1
    through = TechResult.chains.through
    through.objects.bulk_create(
        through(techresult_id=r.pk, industrychain_id=tally[r.industry_id].most_common(1)[0][0])
        for r in results
        if r.industry_id and tally[r.industry_id]
    )


def vocab_person_name(rng: random.Random) -> str:
    return person_name(rng, rng.choice((rc.Gender.MALE, rc.Gender.FEMALE)))[0]


def _demands(rng: random.Random, persona_enterprise: Enterprise) -> list[TechDemand]:
    by_sector = defaultdict(list)
    for enterprise in Enterprise.objects.filter(status=rc.EnterpriseStatus.ACTIVE).order_by("pk"):
        by_sector[enterprise.industry_id].append(enterprise)
    industries = Industry.objects.in_bulk(field_name="code")
    demands = []
    persona_taken = False
    for spec in content.DEMANDS:
        pool = by_sector.get(spec.sector) or by_sector.get("3484") or [persona_enterprise]
        enterprise = rng.choice(pool)
        if not persona_taken and spec.sector == persona_enterprise.industry_id:
            enterprise, persona_taken = persona_enterprise, True
        published = _day(rng, LAST_DAY - datetime.timedelta(days=700))
        roll = rng.random()
        status = choices.DemandStatus.OPEN
        if roll < 0.08:
            status = choices.DemandStatus.DRAFT
        elif roll < 0.2:
            status = choices.DemandStatus.SOLVED
        elif roll < 0.25:
            status = choices.DemandStatus.CLOSED
        demands.append(
            TechDemand(
                enterprise=enterprise,
                title=spec.title,
                problem=spec.problem,
                desired_outcome=spec.outcome,
                constraints=spec.constraints,
                budget=None if spec.budget_wan is None else Decimal(str(spec.budget_wan)) * 10_000,
                deadline=published + datetime.timedelta(days=rng.choice((180, 270, 365, 540))),
                field=SECTOR_FIELDS.get(spec.sector, ""),
                industry=industries.get(spec.sector),
                keywords="、".join(spec.keywords),
                min_readiness=spec.min_readiness,
                visibility=choices.Visibility.BUREAU
                if spec.bureau_only
                else choices.Visibility.PUBLIC,
                status=status,
                published_on=None if status == choices.DemandStatus.DRAFT else published,
                closed_on=min(published + datetime.timedelta(days=rng.randint(60, 300)), LAST_DAY)
                if status in (choices.DemandStatus.SOLVED, choices.DemandStatus.CLOSED)
                else None,
                contact_person=enterprise.contact_person or vocab_person_name(rng),
                contact_phone=enterprise.contact_phone,
            )
        )
    TechDemand.objects.bulk_create(demands)
    return demands


# Where an expert of each industry plausibly works: words of the institution's name.
ENGINEERING = (
    "工业",
    "理工",
    "计量",
    "科技大学",
    "电子科技",
    "浙江大学",
    "宁波大学",
    "智能",
    "天姥",
)
EXPERT_HOMES = {
    "2710": ("药", "医", "生命", "浙江大学", "工业", "工商"),
    "2720": ("药", "医", "生命", "浙江大学", "工业"),
    "2750": ("农林", "药", "医", "生命", "浙江大学"),
    "2761": ("药", "医", "生命", "浙江大学"),
    "1495": ("农林", "工商", "药", "浙江大学"),
    "1530": ("农林", "工商", "浙江大学"),
    "3451": (*ENGINEERING, "轴承"),
    "3452": (*ENGINEERING, "轴承"),
    "3464": ("制冷", "浙江大学", "工业", "计量", "科技大学"),
    "3551": ("理工", "纺", "工业", "绍兴文理"),
    "3963": ("低空", "电子科技", "科技大学", "浙江大学"),
    "6513": ("电子科技", "工商", "浙江大学", "智能"),
    "3491": (*ENGINEERING, "智能制造"),
    "4011": (*ENGINEERING, "智能制造"),
}


# Words of an institute devoted to one industry: its experts are of that industry.
SPECIALISED = ("制冷", "低空", "轴承", "智能制造", "生命健康", "纺")


def _fits_home(person: Person, sector: str) -> bool:
    if person.institution_id is None:
        return True
    name = person.institution.name
    homes = EXPERT_HOMES.get(sector, ENGINEERING)
    foreign = [w for w in SPECIALISED if w in name and not any(w in h or h in w for h in homes)]
    return not foreign and any(word in name for word in homes)


def _experts(rng: random.Random) -> list[ExpertProfile]:
    people = list(
        Person.objects.filter(kind=rc.PersonKind.EXPERT, is_active=True)
        .select_related("institution", "enterprise")
        .order_by("pk")
    )
    industries = Industry.objects.in_bulk(field_name="code")
    profiles = []
    taken = set()
    for spec in content.EXPERTS:
        sector_words = vocab.SECTOR_BY_CODE.get(spec.sector)
        fitting = [
            p
            for p in people
            if p.pk not in taken
            and sector_words is not None
            and (p.enterprise_id is None or p.enterprise.industry_id == spec.sector)
            and _fits_home(p, spec.sector)
        ]
        free = fitting or [p for p in people if p.pk not in taken]
        if not free:
            break  # a small demo county has fewer experts than profiles
        person = rng.choice(free)
        taken.add(person.pk)
        profiles.append(
            ExpertProfile(
                person=person,
                field=spec.field,
                industry=industries.get(spec.sector),
                keywords="、".join(spec.keywords),
                works=spec.works,
                bio=spec.bio,
                accepts_matching=rng.random() > 0.08,
            )
        )
    ExpertProfile.objects.bulk_create(profiles)
    return profiles


def _step(match: Match, previous: str, status: str, at: datetime.datetime, note: str) -> None:
    MatchStep.objects.create(match=match, from_status=previous, to_status=status, at=at, note=note)


FLOW = (
    choices.MatchStatus.PROPOSED,
    choices.MatchStatus.CONTACTED,
    choices.MatchStatus.NEGOTIATING,
    choices.MatchStatus.CONTRACTED,
)
NOTES = {
    choices.MatchStatus.CONTACTED: (
        "已电话联系双方，约定现场交流",
        "已转交成果方技术资料",
        "双方已视频会议初步沟通",
    ),
    choices.MatchStatus.NEGOTIATING: (
        "已赴成果方实验室考察",
        "正在商谈许可方式和费用",
        "企业提供样件进行验证试验",
    ),
    choices.MatchStatus.CONTRACTED: ("签订技术开发合同", "签订专利许可合同", "签订技术转让合同"),
}
DECLINE_REASONS = (
    "报价超出企业预算",
    "技术指标不满足工况要求",
    "企业调整产品方向，暂停需求",
    "成果方已与其他企业合作",
)


def _after(earlier: datetime.datetime, day: datetime.date, rng: random.Random):
    """A moment on `day`, later than `earlier` (steps capped at the last day share it)."""
    return max(_moment(day, rng), earlier + datetime.timedelta(minutes=rng.randint(10, 90)))


def _follow(
    match: Match, rng: random.Random, start: datetime.date, target: str, staff: User
) -> None:
    """Walk a match through the stages up to `target` (or to declined), days apart."""
    day = start
    at = _moment(day, rng)
    Match.objects.filter(pk=match.pk).update(stage_since=at)
    _step(match, "", choices.MatchStatus.PROPOSED, at, "智能匹配推荐，科技局已审核")
    previous = choices.MatchStatus.PROPOSED
    stop_at = FLOW.index(target) if target in FLOW else rng.randrange(0, 3)
    for status in FLOW[1 : stop_at + 1]:
        day = min(day + datetime.timedelta(days=rng.randint(5, 60)), LAST_DAY)
        at = _after(at, day, rng)
        _step(match, previous, status, at, rng.choice(NOTES[status]))
        previous = status
    values = {"status": previous, "stage_since": at, "handler": staff}
    if target == choices.MatchStatus.CONTRACTED:
        values.update(
            contract_value=Decimal(rng.choice((15, 30, 45, 60, 80, 120, 180, 260)) * 10_000),
            contracted_on=day,
        )
    if target == choices.MatchStatus.DECLINED:
        day = min(day + datetime.timedelta(days=rng.randint(7, 45)), LAST_DAY)
        at = _after(at, day, rng)
        reason = rng.choice(DECLINE_REASONS)
        _step(match, previous, choices.MatchStatus.DECLINED, at, reason)
        values.update(status=choices.MatchStatus.DECLINED, stage_since=at, declined_reason=reason)
    Match.objects.filter(pk=match.pk).update(**values)


def _matches(
    rng: random.Random, demands: list[TechDemand], experts: list[ExpertProfile], staff: User
) -> dict:
    """Matches for most published demands, by the engine's own ranking, in every stage."""
    counts: dict[str, int] = defaultdict(int)
    targets = (
        (choices.MatchStatus.PROPOSED, 0.25),
        (choices.MatchStatus.CONTACTED, 0.2),
        (choices.MatchStatus.NEGOTIATING, 0.15),
        (choices.MatchStatus.CONTRACTED, 0.22),
        (choices.MatchStatus.DECLINED, 0.18),
    )
    statuses, weights = zip(*targets, strict=True)
    for demand in demands:
        if demand.status == choices.DemandStatus.DRAFT or rng.random() < 0.2:
            continue  # some demands wait unanswered
        query = matching.demand_query(demand)
        kind = rng.choices(("result", "expert", "institution"), weights=(7, 2, 1))[0]
        suggestions = matching.suggest(query, kind, k=3)
        for suggestion in suggestions[: rng.choice((1, 1, 2))]:
            target = rng.choices(statuses, weights)[0]
            if demand.status == choices.DemandStatus.SOLVED:
                target = choices.MatchStatus.CONTRACTED
            match = Match.objects.create(
                demand=demand,
                enterprise=demand.enterprise,
                kind=kind,
                score=suggestion.candidate.score,
                explanation=suggestion.snapshot(),
                handler=staff,
                stage_since=timezone.now(),
                **services.candidate_fields(kind, suggestion.obj),
            )
            _follow(
                match,
                rng,
                max(demand.published_on, FIRST_DAY) + datetime.timedelta(days=rng.randint(1, 20)),
                target,
                staff,
            )
            counts[target] += 1
    return counts


def _offers(rng: random.Random, results: list[TechResult], staff: User) -> int:
    """Results the bureau offered to enterprises that may need them (no demand behind)."""
    offered = 0
    published = [r for r in results if r.status == choices.ResultStatus.PUBLISHED]
    for result in rng.sample(published, 10):
        for suggestion in matching.suggest(matching.result_query(result), "enterprise", k=2)[:1]:
            match = Match.objects.create(
                enterprise=suggestion.obj,
                kind=choices.CandidateKind.RESULT,
                result=result,
                score=suggestion.candidate.score,
                explanation=suggestion.snapshot(),
                handler=staff,
                source=choices.MatchSource.MANUAL,
                stage_since=timezone.now(),
            )
            target = rng.choice(
                (
                    choices.MatchStatus.PROPOSED,
                    choices.MatchStatus.CONTACTED,
                    choices.MatchStatus.CONTRACTED,
                    choices.MatchStatus.DECLINED,
                )
            )
            _follow(match, rng, max(result.published_on or FIRST_DAY, FIRST_DAY), target, staff)
            offered += 1
    return offered


def _events(rng: random.Random, demands: list[TechDemand], staff: User) -> int:
    """The matchmaking events: the held ones with invitations, attendance and the pairings
    of the day (each enterprise with the institution of the result the engine ranks first
    for its demand), some signed on the spot; the planned one with its invitations."""
    home = settings.HOME_REGION_CODE
    banks = ("中国银行新昌支行", "浙江新昌农村商业银行", "中国工商银行新昌支行")
    funds = ("新昌县产业发展基金", "绍兴科创投资基金")
    pairings = 0
    published = [d for d in demands if d.status != choices.DemandStatus.DRAFT]
    for spec in content.EVENTS:
        held_on = datetime.date.fromisoformat(spec.held_on)
        event = MatchmakingEvent.objects.create(
            title=spec.title,
            held_on=held_on,
            venue=spec.venue,
            organiser=spec.organiser,
            region_id=home,
            theme=spec.theme,
            status=spec.status,
        )
        held = spec.status == choices.EventStatus.HELD
        medical = "医药" in spec.title or "生命健康" in spec.title
        fitting = [
            d
            for d in published
            if d.industry_id
            and d.industry_id.startswith(("27", "14")) == medical
            and (not held or (d.published_on and d.published_on <= held_on))
        ]
        providers: dict[int, EventParticipant] = {}
        for demand in rng.sample(fitting, min(6, len(fitting))):
            seeker = EventParticipant.objects.create(
                event=event,
                kind=choices.ParticipantKind.ENTERPRISE,
                enterprise=demand.enterprise,
                invitation=choices.Invitation.ACCEPTED,
                attended=True if held else None,
            )
            best = matching.suggest(matching.demand_query(demand), "result", k=1)
            if not best:
                continue
            result = best[0].obj
            institution = result.institution
            if institution.pk not in providers:
                providers[institution.pk] = EventParticipant.objects.create(
                    event=event,
                    kind=choices.ParticipantKind.INSTITUTION,
                    institution=institution,
                    invitation=choices.Invitation.ACCEPTED,
                    attended=True if held else None,
                )
            if not held or services.existing_match(
                demand=demand, kind=choices.CandidateKind.RESULT, candidate=result
            ):
                continue  # a pairing is recorded on the day, not onto a later match
            outcome = rng.choice(
                (
                    choices.PairingOutcome.TALKED,
                    choices.PairingOutcome.INTENT,
                    choices.PairingOutcome.INTENT,
                    choices.PairingOutcome.SIGNED,
                    choices.PairingOutcome.NONE,
                )
            )
            recorded_from = timezone.now()
            pairing = services.record_pairing(
                EventPairing(
                    event=event,
                    seeker=seeker,
                    provider=providers[institution.pk],
                    demand=demand,
                    result=result,
                    outcome=outcome,
                    amount=Decimal(rng.choice((20, 50, 80, 150)) * 10_000)
                    if outcome == choices.PairingOutcome.SIGNED
                    else None,
                    note="现场洽谈",
                ),
                user=staff,
            )
            if pairing.match_id:  # the day's steps happened on the day
                on_the_day = _moment(held_on, rng)
                steps = MatchStep.objects.filter(
                    match=pairing.match_id, at__gte=recorded_from
                ).order_by("pk")
                last = None
                for minutes, step in enumerate(steps):
                    last = on_the_day + datetime.timedelta(minutes=20 * minutes)
                    MatchStep.objects.filter(pk=step.pk).update(at=last)
                if last is not None:
                    Match.objects.filter(
                        pk=pairing.match_id, stage_since__gte=recorded_from
                    ).update(stage_since=last)
            pairings += 1
        for name in banks + funds:
            came = rng.random() < 0.8
            EventParticipant.objects.create(
                event=event,
                kind=choices.ParticipantKind.BANK
                if name in banks
                else choices.ParticipantKind.FUND,
                name=name,
                invitation=choices.Invitation.ACCEPTED if came else choices.Invitation.DECLINED,
                attended=(came if held else None),
                note="科技金融产品推介" if name in banks else "关注成果作价入股项目",
            )
    return pairings


def generate_demo_techmarket(seed: int) -> dict:
    """The market, built once the registry, people and logins exist."""
    rng = random.Random(f"{seed}/techmarket")
    staff = User.objects.get(username="staff")
    persona = Enterprise.objects.filter(organisation__users__username="enterprise").first()
    with transaction.atomic(), recording(user=staff):
        partners = _partners(rng)
        results = _results(rng, partners, staff)
        demands = _demands(rng, persona or Enterprise.objects.order_by("pk").first())
        experts = _experts(rng)
    matching.forget()
    for name in ("results", "experts", "institutions", "enterprises"):
        matching.build(name, save=False, dense=False)
    with transaction.atomic(), recording(user=staff):
        counts = _matches(rng, demands, experts, staff)
        offers = _offers(rng, results, staff)
        pairings = _events(rng, demands, staff)
    matching.forget()
    return {
        "results": len(results),
        "published": sum(r.status == choices.ResultStatus.PUBLISHED for r in results),
        "demands": len(demands),
        "experts": len(experts),
        "partners": len(partners),
        "matches": dict(counts),
        "pairings": pairings,
        "offers": offers,
    }
