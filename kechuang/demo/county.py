"""The demo county written to the database: `generate_demo`.

`generate_demo` writes the county of `plan_county` in one transaction: organisations, industrial
chains, about 2,000 enterprises with their 规上 history and qualifications, institutions,
people and the demo logins (`logins`); the same seed gives the same rows.

Why a module of its own: this is where the pure plan (`plan`, `qualifications`) meets the
database; nothing imports it but the `demo` command and the tests.
"""

import datetime
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from kechuang.accounts.choices import OrgKind
from kechuang.accounts.models import Organisation, User
from kechuang.demo import vocabulary as vocab
from kechuang.demo.logins import DemoLogin, create_demo_users, demo_logins
from kechuang.demo.plan import EnterpriseDraft, draft_figures, plan_chain_links, plan_enterprises
from kechuang.demo.profiles import (
    ABOVE_SCALE_REVENUE,
    DEFAULT_SEED,
    HOME_COUNTY,
    LAST_YEAR,
    RD_ACTIVE,
    REFERENCE_SIZE,
    YEARS,
    DemoError,
    figure_series,
    mobile_number,
    new_uscc,
    person_name,
    scaled_count,
    size_class,
)
from kechuang.demo.qualifications import QualificationDraft, plan_qualifications
from kechuang.engines.identity import id_check_character
from kechuang.engines.text import pinyin_full
from kechuang.registry import choices as rc
from kechuang.registry.models import (
    ChainLink,
    Enterprise,
    EnterpriseFormerName,
    Industry,
    IndustryChain,
    Institution,
    Person,
    Qualification,
    Region,
    ScaleRecord,
)

GDP_2023_YUAN = 60_667_000_000  # 新昌县 GDP 2023, 606.67亿元 (RULES §6)
_CITY_OR_HIGHER = (rc.Level.CITY, rc.Level.PROVINCE, rc.Level.NATIONAL)


class DemoDataExists(DemoError):
    """The database already holds enterprises, organisations or demo users; reset it first."""


@dataclass
class CountyPlan:
    """Everything about the demo county's enterprises, computed from the seed alone."""

    seed: int
    enterprises: list[EnterpriseDraft]
    qualifications: list[QualificationDraft] = field(default_factory=list)
    chain_links: list[tuple[int, str, str, bool]] = field(default_factory=list)


def plan_county(seed: int = DEFAULT_SEED, enterprises: int = REFERENCE_SIZE) -> CountyPlan:
    """The demo county's enterprises, profiles, qualifications and chain links, without I/O."""
    drafts = plan_enterprises(seed, enterprises)
    return CountyPlan(
        seed, drafts, plan_qualifications(seed, drafts), plan_chain_links(seed, drafts)
    )


@dataclass
class DemoSummary:
    """What `generate_demo` wrote, and the calibrated indicators it was built to show."""

    seed: int
    seconds: float
    organisations: int
    chains: int
    enterprises: int
    former_names: int
    chain_links: int
    scale_records: int
    qualifications: dict[str, int]
    institutions: int
    people: dict[str, int]
    users: int
    above_scale: dict[int, int]
    hnte_valid_last_year: int
    rd_revenue_ratio_2024: float
    rd_institution_share_2024: float
    enterprise_rd_gdp_2023: float
    logins: list[DemoLogin]


def _indicators(plan: CountyPlan) -> dict:
    """The seed figures as the plan realises them (规上 counts, R&D ratio, institution share)."""
    above = {
        y: sum(1 for d in plan.enterprises if draft_figures(d, y)["above_scale"]) for y in YEARS
    }
    rd = revenue = 0
    for draft in plan.enterprises:
        figures = draft_figures(draft, 2024)
        if figures["above_scale"]:
            rd, revenue = rd + figures["rd_expense"], revenue + figures["revenue"]
    year_end = datetime.date(2024, 12, 31)
    holders = {
        q.index
        for q in plan.qualifications
        if q.kind == rc.QualificationKind.RD_INSTITUTION
        and q.level in _CITY_OR_HIGHER
        and q.issued_on <= year_end
    }
    above_2024 = [d.index for d in plan.enterprises if draft_figures(d, 2024)["above_scale"]]
    last_day = datetime.date(LAST_YEAR, 12, 31)
    hnte = {
        q.index
        for q in plan.qualifications
        if q.kind == rc.QualificationKind.HNTE
        and q.issued_on <= last_day <= q.valid_until
        and not q.revoked_on
    }
    rd_2023 = sum(draft_figures(d, 2023)["rd_expense"] for d in plan.enterprises)
    return {
        "above_scale": above,
        "hnte_valid_last_year": len(hnte),
        "rd_revenue_ratio_2024": rd / revenue if revenue else 0.0,
        "rd_institution_share_2024": (
            len(holders.intersection(above_2024)) / len(above_2024) if above_2024 else 0.0
        ),
        "enterprise_rd_gdp_2023": rd_2023 / GDP_2023_YUAN,
    }


def _create_organisations() -> dict[str, Organisation]:
    """The administrative tree: the bureau at the root, government, departments and towns."""
    county = Region.objects.get(code=HOME_COUNTY)
    bureau = Organisation.objects.create(
        name="新昌县科学技术局", kind=OrgKind.BUREAU, region=county, order=0
    )
    orgs = {"bureau": bureau}
    orgs["government"] = Organisation.objects.create(
        name="新昌县人民政府", kind=OrgKind.GOVERNMENT, parent=bureau, region=county, order=1
    )
    for order, name in enumerate(vocab.DEPARTMENTS, start=2):
        Organisation.objects.create(
            name=name, kind=OrgKind.DEPARTMENT, parent=bureau, region=county, order=order
        )
    towns = Region.objects.in_bulk(list(vocab.TOWNS))
    for order, code in enumerate(sorted(vocab.TOWNS), start=10):
        orgs[code] = Organisation.objects.create(
            name=towns[code].name,
            kind=OrgKind.TOWN,
            parent=bureau,
            region=towns[code],
            order=order,
        )
    return orgs


def _create_chains() -> int:
    count = 0
    industries = Industry.objects.in_bulk(
        [code for _, _, chains in vocab.CHAINS for _, codes, _ in chains for code in codes]
    )
    for order, (cluster_name, cluster_text, chains) in enumerate(vocab.CHAINS, start=1):
        cluster = IndustryChain.objects.create(
            name=cluster_name,
            kind=rc.ChainKind.CLUSTER,
            description=cluster_text,
            order=order * 10,
        )
        count += 1
        for sub, (name, codes, text) in enumerate(chains, start=1):
            chain = IndustryChain.objects.create(
                name=name,
                kind=rc.ChainKind.CHAIN,
                parent=cluster,
                description=text,
                order=order * 10 + sub,
            )
            chain.industries.set([industries[code] for code in codes])
            count += 1
    return count


def _create_institutions(seed: int) -> dict[str, Institution]:
    rng = random.Random(f"{seed}/institutions")
    seen: set[str] = set()
    made = {}
    for spec in vocab.INSTITUTIONS:
        address = ""
        if spec.is_local:
            town_name, roads = vocab.TOWNS[spec.region]
            address = f"浙江省新昌县{town_name}{rng.choice(roads)}{rng.randint(1, 199)}号"
        made[spec.name] = Institution.objects.create(
            name=spec.name,
            kind=spec.kind,
            level=spec.level,
            uscc=new_uscc(rng, spec.registration, spec.region[:6], spec.established, seen),
            region_id=spec.region,
            address=address,
            fields=spec.fields,
            established_on=datetime.date(spec.established, rng.randint(1, 12), rng.randint(1, 28)),
            is_local=spec.is_local,
            description=spec.description,
            status=spec.status,
        )
    return made


def _create_enterprises(plan: CountyPlan) -> dict[int, Enterprise]:
    rows = []
    places = {town: Region.lineage_names(town) for town in {d.town for d in plan.enterprises}}
    for draft in plan.enterprises:
        profile = draft.profile
        last = LAST_YEAR if draft.exit_year is None else draft.exit_year - 1
        figures = draft_figures(draft, max(last, profile.base_year))
        rows.append(
            Enterprise(
                uscc=draft.uscc,
                uscc_state=draft.uscc_state,
                legacy_reg_no=draft.legacy_reg_no,
                name=draft.name,
                town_id=draft.town,
                address=draft.address,
                industry_id=draft.sector.code,
                founded_on=draft.founded_on,
                registered_capital=draft.capital,
                employees=profile.staff,
                size_class=size_class(draft.sector.kind, profile.staff, figures["revenue"]),
                is_listed=draft.listed,
                stock_code=draft.stock_code,
                legal_representative=draft.legal_representative,
                contact_person=draft.contact_person,
                contact_phone=draft.contact_phone,
                status=draft.status,
            )
        )
        rows[-1].spell_name(places[draft.town])
    created = bulk_create_with_history(rows, Enterprise, batch_size=1000)
    by_uscc = {e.uscc: e for e in created}
    if any(e.pk is None for e in created):
        by_uscc = Enterprise.objects.in_bulk([d.uscc for d in plan.enterprises], field_name="uscc")
    return {draft.index: by_uscc[draft.uscc] for draft in plan.enterprises}


def _create_enterprise_rows(plan: CountyPlan, saved: dict[int, Enterprise]) -> dict[str, int]:
    """Former names, chain links, yearly 规上 records and qualifications, in bulk."""
    chains = {c.name: c for c in IndustryChain.objects.filter(kind=rc.ChainKind.CHAIN)}
    former = [
        EnterpriseFormerName(enterprise=saved[d.index], name=name, until=until)
        for d in plan.enterprises
        for name, until in d.former_names
    ]
    links = [
        ChainLink(enterprise=saved[i], chain=chains[chain], position=pos, is_chain_leader=lead)
        for i, chain, pos, lead in plan.chain_links
    ]
    records = [
        ScaleRecord(enterprise=saved[d.index], year=row["year"], is_above_scale=row["above_scale"])
        for d in plan.enterprises
        for row in figure_series(d.profile)
        if row["active"]
    ]
    quals = [
        Qualification(
            enterprise=saved[q.index],
            kind=q.kind,
            level=q.level,
            title=q.title,
            certificate_no=q.certificate_no,
            issued_on=q.issued_on,
            valid_until=q.valid_until,
            revoked_on=q.revoked_on,
        )
        for q in plan.qualifications
    ]
    for model, objs in (
        (EnterpriseFormerName, former),
        (ChainLink, links),
        (ScaleRecord, records),
        (Qualification, quals),
    ):
        model.objects.bulk_create(objs, batch_size=2000)
    return {"former_names": len(former), "chain_links": len(links), "scale_records": len(records)}


def _id_number(rng: random.Random, gender: str, birth_years: tuple[int, int]) -> str:
    """A well-formed 18-digit resident ID: region, birth date, sequence and GB 11643 check."""
    if rng.random() < 0.45:
        region = HOME_COUNTY
    else:
        region = rng.choice(vocab.ID_REGIONS)
    birth = datetime.date(rng.randint(*birth_years), 1, 1) + datetime.timedelta(rng.randrange(365))
    sequence = rng.randrange(0, 100) * 10 + rng.choice(
        (1, 3, 5, 7, 9) if gender == "male" else (0, 2, 4, 6, 8)
    )
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def _create_people(
    seed: int, plan: CountyPlan, saved: dict[int, Enterprise], institutions: dict[str, Institution]
) -> dict[str, int]:
    """Experts, researchers, brokers and graduate students with fictional names and numbers."""
    rng = random.Random(f"{seed}/people")
    size = len(plan.enterprises)
    universities = [i for i in institutions.values() if i.kind == rc.InstitutionKind.UNIVERSITY]
    local_rd = [
        i
        for i in institutions.values()
        if i.is_local and i.kind in ("lab", "new_rd", "research_institute")
    ]
    services = [i for i in institutions.values() if i.kind in ("tech_transfer", "ip_service")]
    hosts = [
        d
        for d in plan.enterprises
        if d.exit_year is None
        and d.profile.rd_class == RD_ACTIVE
        and d.revenue_last >= ABOVE_SCALE_REVENUE
    ] or plan.enterprises[:1]
    spec = vocab.PEOPLE
    rows = []
    for kind, target in ((k, scaled_count(v["count"], size)) for k, v in spec.items()):
        for _ in range(target):
            name, gender = person_name(
                rng, rc.Gender.MALE if rng.random() < spec[kind]["male"] else rc.Gender.FEMALE
            )
            enterprise = institution = None
            where = rng.random()
            if kind == rc.PersonKind.GRADUATE:
                institution, enterprise = rng.choice(universities), saved[rng.choice(hosts).index]
            elif kind == rc.PersonKind.BROKER:
                institution = rng.choice(services) if where < 0.6 else None
            elif kind == rc.PersonKind.EXPERT:
                pool = universities if where < 0.55 else local_rd if where < 0.75 else None
                institution = rng.choice(pool) if pool else None
            else:
                institution = rng.choice(local_rd) if where < 0.5 else None
            if institution is None and kind != rc.PersonKind.BROKER:
                enterprise = saved[rng.choice(hosts).index]
            if enterprise is not None:
                fields = vocab.SECTOR_BY_CODE[enterprise.industry_id].fields
                if kind == rc.PersonKind.GRADUATE:
                    fields = fields.split("、")[0]
            elif institution is not None:
                topics = institution.fields.split("、")
                fields = "、".join(rng.sample(topics, min(2, len(topics))))
            else:
                fields = rng.choice(vocab.BROKER_FIELDS)
            region = (
                enterprise.town_id
                if enterprise is not None
                else institution.region_id
                if institution is not None
                else HOME_COUNTY
            )
            email = ""
            if kind in (rc.PersonKind.EXPERT, rc.PersonKind.RESEARCHER):
                email = f"{pinyin_full(name)}{rng.randint(10, 99)}@example.com"
            title = rng.choice(spec[kind]["titles"])
            if kind == rc.PersonKind.GRADUATE:
                education = "博士在读" if title == "博士研究生" else "硕士在读"
            else:
                levels, weights = zip(*spec[kind]["education"], strict=True)
                education = rng.choices(levels, weights)[0]
            rows.append(
                Person(
                    name=name,
                    kind=kind,
                    gender=gender,
                    title=title,
                    education=education,
                    fields=fields,
                    enterprise=enterprise,
                    institution=institution,
                    region_id=region,
                    phone=mobile_number(rng),
                    id_number=_id_number(rng, gender, spec[kind]["born"]),
                    email=email,
                )
            )
            rows[-1].spell_name([])
    Person.objects.bulk_create(rows, batch_size=1000)
    return dict(Counter(p.kind for p in rows))


def _require_reference_data() -> None:
    towns = Region.objects.filter(code__in=list(vocab.TOWNS)).count()
    industries = Industry.objects.filter(code__in=list(vocab.SECTOR_BY_CODE)).count()
    if towns < len(vocab.TOWNS) or industries < len(vocab.SECTOR_BY_CODE):
        raise DemoError("行政区划或国民经济行业参考数据缺失：请先执行 migrate")


def generate_demo(seed: int = DEFAULT_SEED, enterprises: int = REFERENCE_SIZE) -> DemoSummary:
    """Write the demo county in one transaction; the same seed always writes the same data.

    Refuses to run over existing enterprises or demo users (see `reset_domain_data`).
    """
    started = time.monotonic()
    _require_reference_data()
    if (
        Enterprise.objects.exists()
        or Organisation.objects.exists()
        or User.objects.filter(username__in=[p.username for p in vocab.PERSONAS]).exists()
    ):
        raise DemoDataExists("数据库中已有企业、组织或演示账号，请先清空（--reset）")
    plan = plan_county(seed, enterprises)
    with transaction.atomic():
        orgs = _create_organisations()
        chains = _create_chains()
        institutions = _create_institutions(seed)
        saved = _create_enterprises(plan)
        counts = _create_enterprise_rows(plan, saved)
        people = _create_people(seed, plan, saved, institutions)
        users = create_demo_users(orgs, saved, institutions)
    indicators = _indicators(plan)
    return DemoSummary(
        seed=seed,
        seconds=time.monotonic() - started,
        organisations=Organisation.objects.count(),
        chains=chains,
        enterprises=len(saved),
        qualifications={
            kind: count
            for kind in rc.QualificationKind.values
            if (count := sum(1 for q in plan.qualifications if q.kind == kind))
        },
        institutions=len(institutions),
        people=people,
        users=users,
        logins=demo_logins(),
        **counts,
        **indicators,
    )
