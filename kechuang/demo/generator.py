"""Deterministic demo data: a county like Xinchang, and province-size benchmark data.

`generate_demo` builds the demo county from one seed (organisations, industrial chains, about
2,000 enterprises with their 规上 history and qualifications, institutions, people and the
demo logins); the same seed gives the same rows. Every enterprise carries a latent
`EnterpriseProfile`, and `yearly_figures(profile, year)` turns it into revenue, R&D and output
for 2016-2025, so that modules holding yearly figures can load numbers consistent with the
registry: `demo_profiles(seed, enterprises)` recomputes the profiles without the database, each
matched to its enterprise by USCC.

`generate_scale` writes synthetic enterprises over the towns of all Zhejiang counties for
benchmarks. `reset_domain_data` empties the registry and accounts tables for a fresh start.
"""

import datetime
import hashlib
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache, lru_cache

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

from kechuang.accounts.choices import DataScope, OrgKind
from kechuang.accounts.models import Organisation, Role, User
from kechuang.accounts.services import (
    create_user,
    ensure_standard_roles,
    organisation_for_enterprise,
    organisation_for_institution,
)
from kechuang.demo import vocabulary as vocab
from kechuang.engines import uscc as uscc_engine
from kechuang.engines.identity import id_check_character
from kechuang.engines.text import pinyin_full, pinyin_initials
from kechuang.monitoring.models import FinancialRecord, RDRecord
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
    add_years,
)

DEFAULT_SEED = 2026
DEMO_PASSWORD = "demo-pass-2026"
HOME_COUNTY = "330624"
FIRST_YEAR, LAST_YEAR = 2016, 2025
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)

# 规模以上工业: annual main-business revenue of 20 million yuan or more (RULES §4.4).
ABOVE_SCALE_REVENUE = 20_000_000
# Calibration targets for the full-size demo (2,000 enterprises); counts scale with the size.
REFERENCE_SIZE = 2000
TARGET_ABOVE_SCALE = 600  # 规上工业 enterprises in LAST_YEAR
TARGET_HNTE = 300  # valid 高新技术企业 certificates at the end of LAST_YEAR
TARGET_RD_REVENUE_2024 = 0.0349  # 规上工业 R&D / revenue, 2024 (seed)
TARGET_RD_INSTITUTION_SHARE_2024 = 0.421  # 规上 with a city-or-higher R&D institution (seed)
GDP_2023_YUAN = 60_667_000_000  # 新昌县 GDP 2023, 606.67亿元 (RULES §6)

RD_NONE, RD_PASSIVE, RD_ACTIVE = "none", "passive", "active"
# Common yearly revenue drift (log points) on top of each enterprise's own growth.
MACRO = {
    2016: 0.0,
    2017: 0.05,
    2018: 0.03,
    2019: 0.0,
    2020: -0.04,
    2021: 0.09,
    2022: 0.01,
    2023: 0.02,
    2024: 0.03,
    2025: 0.02,
}
_CITY_OR_HIGHER = (rc.Level.CITY, rc.Level.PROVINCE, rc.Level.NATIONAL)


class DemoError(Exception):
    """A demo data request that cannot be carried out; the message says why, in Chinese."""


class DemoDataExists(DemoError):
    """The database already holds enterprises, organisations or demo users; reset it first."""


@dataclass(frozen=True)
class EnterpriseProfile:
    """The latent economics of one enterprise, from which all its yearly figures follow.

    Revenue follows a log random walk from `base_revenue` in `base_year` with drift `growth`
    (plus the county-wide MACRO drift) and shocks of size `volatility`. `rd_class` is the
    分类提级 class: no innovation awareness, passive or active innovator.
    """

    index: int
    uscc: str
    industry: str  # GB/T 4754 level-4 code
    industrial: bool  # counted in 规上工业 when above the revenue threshold
    founded_year: int
    exit_year: int | None  # first year without activity (closed or moved out)
    base_year: int  # first year with figures: max(FIRST_YEAR, founded_year)
    base_revenue: float  # yuan, in base_year
    growth: float  # mean yearly log growth
    volatility: float  # s.d. of the yearly log shock
    rd_class: str
    rd_intensity: float  # target R&D expense / revenue
    rd_start_year: int
    staff: int  # employees in the last active year
    rd_staff_share: float  # R&D staff / employees in years with R&D
    patent_rate: float  # patent applications per million yuan of R&D
    new_product_share: float  # new-product sales / revenue in years with R&D
    noise_seed: int  # seed of the enterprise's own yearly shocks


def _stable_int(*parts: object) -> int:
    """A 63-bit integer from the parts, the same on every machine and in every run."""
    digest = hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


@lru_cache(maxsize=8192)
def _shocks(noise_seed: int) -> tuple[tuple[float, ...], ...]:
    """Per year: revenue, R&D, skip, new-product, patent-uniform and patent-normal draws."""
    rng = random.Random(noise_seed)
    return tuple(
        (
            rng.gauss(0, 1),
            rng.gauss(0, 1),
            rng.random(),
            rng.gauss(0, 1),
            rng.random(),
            rng.gauss(0, 1),
        )
        for _ in YEARS
    )


def _log_steps(growth: float, volatility: float, noise_seed: int, base_year: int) -> list[float]:
    """Log revenue change into each year of YEARS (zero up to and including base_year)."""
    shocks = _shocks(noise_seed)
    return [
        growth + MACRO[year] + volatility * shocks[k][0] if year > base_year else 0.0
        for k, year in enumerate(YEARS)
    ]


def _poisson(lam: float, uniform: float, normal: float) -> int:
    """A Poisson count from given draws: inverse CDF when small, normal approximation when large."""
    if lam <= 0:
        return 0
    if lam >= 30:
        return max(0, round(lam + math.sqrt(lam) * normal))
    term = total = math.exp(-lam)
    count = 0
    while uniform > total and count < 100:
        count += 1
        term *= lam / count
        total += term
    return count


_ZERO = {
    "active": False,
    "revenue": 0,
    "employees": 0,
    "rd_expense": 0,
    "rd_staff": 0,
    "patents": 0,
    "invention_patents": 0,
    "new_product_sales": 0,
    "above_scale": False,
}


@lru_cache(maxsize=65536)
def _series(profile: EnterpriseProfile) -> tuple[dict, ...]:
    """All years' figures of a profile at once: the revenue path needs every earlier shock."""
    shocks = _shocks(profile.noise_seed)
    steps = _log_steps(profile.growth, profile.volatility, profile.noise_seed, profile.base_year)
    levels, level = [], math.log(profile.base_revenue)
    for step in steps:
        level += step
        levels.append(level)
    last = LAST_YEAR if profile.exit_year is None else min(LAST_YEAR, profile.exit_year - 1)
    last_level = levels[max(last, profile.base_year) - FIRST_YEAR]
    rows = []
    for k, year in enumerate(YEARS):
        z_rev, z_rd, u_skip, z_new, u_pat, z_pat = shocks[k]
        if year < profile.base_year or (profile.exit_year and year >= profile.exit_year):
            rows.append({"year": year, **_ZERO})
            continue
        revenue = math.exp(levels[k])
        employees = max(1, round(profile.staff * math.exp(0.6 * (levels[k] - last_level))))
        rd = 0.0
        doing_rd = profile.rd_class != RD_NONE and year >= profile.rd_start_year
        if doing_rd and (profile.rd_class == RD_ACTIVE or u_skip >= 0.25):
            spread = 0.08 if profile.rd_class == RD_ACTIVE else 0.35
            noise = math.exp(spread * z_rd - spread * spread / 2)
            rd = min(0.3 * revenue, revenue * profile.rd_intensity * noise)
        patents = _poisson(profile.patent_rate * rd / 1e6, u_pat, z_pat)
        invention_share = 0.3 if profile.rd_class == RD_ACTIVE else 0.12
        new_sales = min(revenue, revenue * profile.new_product_share * math.exp(0.2 * z_new))
        revenue_yuan = round(revenue)
        rows.append(
            {
                "year": year,
                "active": True,
                "revenue": revenue_yuan,
                "employees": employees,
                "rd_expense": round(rd),
                "rd_staff": max(1, round(employees * profile.rd_staff_share)) if rd else 0,
                "patents": patents,
                "invention_patents": round(patents * invention_share),
                "new_product_sales": round(new_sales) if rd else 0,
                "above_scale": profile.industrial and revenue_yuan >= ABOVE_SCALE_REVENUE,
            }
        )
    return tuple(rows)


def yearly_figures(profile: EnterpriseProfile, year: int) -> dict:
    """The enterprise's figures for one year of 2016-2025; a pure function of the profile.

    Keys: `active` (existed and operated that year), `revenue` (yuan), `employees`,
    `rd_expense` (yuan), `rd_staff`, `patents` (applications), `invention_patents`,
    `new_product_sales` (yuan) and `above_scale` (industrial and revenue >= 2000万元).
    Passive innovators skip R&D in about a quarter of years, so that the 零研发 and 负增长
    lists have members; enterprises without innovation awareness never do R&D. The demo
    county's intensities are calibrated in `plan_county`: 规上工业 R&D / revenue is 3.49% in
    2024, and enterprise R&D alone is above 4% of the 2023 GDP (606.67亿元).
    """
    if year not in YEARS:
        raise ValueError(f"yearly figures cover {FIRST_YEAR}-{LAST_YEAR}, not {year}")
    return dict(_series(profile)[year - FIRST_YEAR])


def size_class(kind: str, employees: int, revenue: int) -> str:
    """统计上大中小微型企业划分 (2017): industry, software and 'other' rules, both criteria."""
    if kind in vocab.INDUSTRIAL_KINDS:
        bands = ((1000, 400_000_000), (300, 20_000_000), (20, 3_000_000))
    elif kind == "software":
        bands = ((300, 100_000_000), (100, 10_000_000), (10, 500_000))
    else:
        bands = ((300, 0), (100, 0), (10, 0))
    for size, (staff, money) in zip(
        (rc.SizeClass.LARGE, rc.SizeClass.MEDIUM, rc.SizeClass.SMALL), bands, strict=True
    ):
        if employees >= staff and revenue >= money:
            return size
    return rc.SizeClass.MICRO


# --- the county plan (pure: no database) -------------------------------------------------


@dataclass
class _Draft:
    index: int
    sector: vocab.Sector
    town: str
    founded_on: datetime.date
    exit_year: int | None
    score: float
    province: bool = False
    listed: bool = False
    revenue_last: float = 0.0
    name: str = ""
    uscc: str = ""
    uscc_state: str = rc.UsccState.VALID
    legacy_reg_no: str = ""
    stock_code: str = ""
    status: str = rc.EnterpriseStatus.ACTIVE
    address: str = ""
    capital: Decimal = Decimal(0)
    legal_representative: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    profile: EnterpriseProfile | None = None
    former_names: list[tuple[str, datetime.date]] = field(default_factory=list)


@dataclass(frozen=True)
class _Qual:
    index: int
    kind: str
    level: str
    title: str
    issued_on: datetime.date
    valid_until: datetime.date | None
    certificate_no: str = ""
    revoked_on: datetime.date | None = None


@dataclass
class CountyPlan:
    """Everything about the demo county's enterprises, computed from the seed alone."""

    seed: int
    enterprises: list[_Draft]
    qualifications: list[_Qual] = field(default_factory=list)
    chain_links: list[tuple[int, str, str, bool]] = field(default_factory=list)


def _scaled(target: int, enterprises: int) -> int:
    return max(1, round(target * enterprises / REFERENCE_SIZE))


def _pareto(rng: random.Random, low: float, alpha: float, cap: float) -> float:
    return min(cap, low * (1.0 - rng.random()) ** (-1.0 / alpha))


def _lognormal_below(rng: random.Random, median: float, sigma: float, ceiling: float) -> float:
    while True:
        value = median * math.exp(rng.gauss(0, sigma))
        if 100_000 <= value < ceiling:
            return value


def _revenue_last(rng: random.Random, kind: str, *, above: bool) -> float:
    """Revenue in the last year: above or below the 规上 line for industry, by kind otherwise."""
    if kind in vocab.INDUSTRIAL_KINDS:
        if above:
            return _pareto(rng, 20_100_000, 1.3, 4_000_000_000)
        return _lognormal_below(rng, 3_500_000, 1.0, 19_800_000)
    median, sigma = {"software": (5e6, 1.1), "tech": (2e6, 1.0)}.get(kind, (3e6, 1.1))
    return _lognormal_below(rng, median, sigma, 500_000_000)


def _draw_profile(
    rng: random.Random,
    *,
    seed: int,
    index: int,
    uscc: str,
    sector: vocab.Sector,
    founded_year: int,
    exit_year: int | None,
    revenue_last: float,
    steady: bool = False,
) -> EnterpriseProfile:
    """Growth, R&D habits and staff for an enterprise whose last-year revenue is known.

    `steady` is for the largest enterprises: moderate growth and small yearly shocks, since
    they carry half of the county's totals.
    """
    kind = sector.kind
    base_year = max(FIRST_YEAR, founded_year)
    if steady:
        growth = rng.gauss(0.06, 0.02)
    elif founded_year >= 2012:
        growth = rng.gauss(0.12, 0.07)
    elif rng.random() < 0.12:
        growth = rng.gauss(-0.04, 0.03)
    else:
        growth = rng.gauss(0.03, 0.05)
    volatility = rng.uniform(0.015, 0.035) if steady else rng.uniform(0.04, 0.16)
    noise_seed = _stable_int(seed, "profile", index)
    last = LAST_YEAR if exit_year is None else min(LAST_YEAR, exit_year - 1)
    climb = sum(_log_steps(growth, volatility, noise_seed, base_year)[: last - FIRST_YEAR + 1])
    above = revenue_last >= ABOVE_SCALE_REVENUE
    active_p, passive_p = vocab.RD_PROPENSITY[kind][0 if above else 1]
    draw = rng.random()
    rd_class = (
        RD_ACTIVE if draw < active_p else RD_PASSIVE if draw < active_p + passive_p else RD_NONE
    )
    if rd_class == RD_ACTIVE:
        intensity = vocab.RD_INTENSITY[kind] * math.exp(rng.gauss(0, 0.35))
        rd_start = base_year + (rng.randint(0, 3) if rng.random() < 0.3 else 0)
    elif rd_class == RD_PASSIVE:
        intensity = rng.uniform(0.004, 0.02)
        rd_start = base_year + rng.randint(0, 5)
    else:
        intensity, rd_start = 0.0, LAST_YEAR + 1
    productivity = vocab.PRODUCTIVITY[kind] * math.exp(rng.gauss(0, 0.35))
    return EnterpriseProfile(
        index=index,
        uscc=uscc,
        industry=sector.code,
        industrial=kind in vocab.INDUSTRIAL_KINDS,
        founded_year=founded_year,
        exit_year=exit_year,
        base_year=base_year,
        base_revenue=revenue_last * math.exp(-climb),
        growth=growth,
        volatility=volatility,
        rd_class=rd_class,
        rd_intensity=intensity,
        rd_start_year=rd_start,
        staff=max(1, round(revenue_last / productivity)),
        rd_staff_share=(
            rng.uniform(0.08, 0.25) if rd_class == RD_ACTIVE else rng.uniform(0.02, 0.08)
        ),
        patent_rate=rng.uniform(0.3, 1.5) if rd_class == RD_ACTIVE else rng.uniform(0.2, 1.0),
        new_product_share=(
            rng.uniform(0.2, 0.6)
            if rd_class == RD_ACTIVE
            else rng.uniform(0.03, 0.2)
            if rd_class == RD_PASSIVE
            else 0.0
        ),
        noise_seed=noise_seed,
    )


def _uscc_body(rng: random.Random, founded_year: int) -> str:
    """Organisation-code body: 8 digits before the 2015 reform, 'MA2' and five after."""
    if founded_year < 2015:
        return rng.choice(vocab.OLD_BODY_PREFIXES) + "".join(rng.choices("0123456789", k=6))
    return "MA2" + "".join(rng.choices(vocab.USCC_ALPHABET, k=5))


def _new_uscc(
    rng: random.Random, registration: str, region: str, founded_year: int, seen: set[str]
) -> str:
    while True:
        code = uscc_engine.make(registration, region, _uscc_body(rng, founded_year))
        if code not in seen:
            seen.add(code)
            return code


def _legacy_reg_no(rng: random.Random) -> str:
    """A 15-digit 工商注册号 with its ISO 7064 MOD 11,10 check digit."""
    body = HOME_COUNTY + "000" + "".join(rng.choices("0123456789", k=5))
    product = 10
    for digit in body:
        total = (product + int(digit)) % 10 or 10
        product = total * 2 % 11
    return body + str((11 - product) % 10)


def _person_name(rng: random.Random, gender: str | None = None) -> tuple[str, str]:
    gender = gender or (rc.Gender.MALE if rng.random() < 0.6 else rc.Gender.FEMALE)
    pool = vocab.GIVEN_MALE if gender == rc.Gender.MALE else vocab.GIVEN_FEMALE
    given = rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool)
    surname = rng.choices(vocab.SURNAMES, weights=vocab.SURNAME_WEIGHTS)[0]
    return surname + given, gender


def _mobile(rng: random.Random) -> str:
    return rng.choice(vocab.MOBILE_PREFIXES) + "".join(rng.choices("0123456789", k=8))


def _enterprise_name(
    rng: random.Random, sector: vocab.Sector, *, listed: bool, province: bool
) -> tuple[str, str, str, str]:
    """Prefix, brand, industry word and company-form suffix of a fictional enterprise name."""
    prefix = "浙江" if province else rng.choices(("浙江", "新昌县", "绍兴"), (35, 50, 15))[0]
    suffix = "股份有限公司" if listed or rng.random() < 0.05 else "有限公司"
    return prefix, rng.choice(vocab.BRANDS), rng.choice(sector.words), suffix


def plan_county(seed: int = DEFAULT_SEED, enterprises: int = REFERENCE_SIZE) -> CountyPlan:
    """The demo county's enterprises, profiles, qualifications and chain links, without I/O.

    Each enterprise's own attributes come from a generator seeded by (seed, index); only the
    choice of which enterprises are above the 规上 line in LAST_YEAR, the R&D calibration and
    the qualification lists look at all enterprises together.
    """
    if enterprises < 20:
        raise DemoError("演示县至少需要 20 家企业")
    drafts: list[_Draft] = []
    for index in range(enterprises):
        rng = random.Random(f"{seed}/enterprise/{index}")
        anchor = vocab.ANCHORS[index] if index < len(vocab.ANCHORS) else None
        if anchor:
            sector = vocab.SECTOR_BY_CODE[anchor.code]
            town, founded_year = anchor.town, anchor.founded
        else:
            sector = rng.choices(vocab.SECTORS, cum_weights=vocab.SECTOR_CUM_WEIGHTS)[0]
            town = rng.choices(vocab.TOWN_CODES, weights=vocab.TOWN_WEIGHTS)[0]
            centre = 2007 if sector.kind in vocab.INDUSTRIAL_KINDS else 2015
            founded_year = min(2024, max(1985, round(rng.gauss(centre, 8 if centre < 2010 else 5))))
        founded_on = datetime.date(founded_year, 1, 1) + datetime.timedelta(rng.randrange(365))
        exit_year = None
        if not anchor and rng.random() < 0.02:
            exit_year = (
                rng.randint(max(2017, founded_year + 1), LAST_YEAR) if founded_year < 2025 else None
            )
        age_bonus = min(1.2, max(-1.0, (2012 - founded_year) / 12))
        score = rng.gauss(0, 1) + vocab.SIZE_BONUS[sector.kind] + age_bonus
        draft = _Draft(index, sector, town, founded_on, exit_year, score)
        if exit_year:
            draft.status = (
                rc.EnterpriseStatus.CLOSED if rng.random() < 0.65 else rc.EnterpriseStatus.MOVED_OUT
            )
        if anchor:
            draft.province, draft.listed = anchor.province, anchor.listed
            draft.revenue_last = anchor.revenue_yi * 1e8 * rng.uniform(0.97, 1.03)
        drafts.append(draft)

    # The 规上 enterprises of LAST_YEAR: the highest latent scores among operating industry.
    anchors = min(len(vocab.ANCHORS), enterprises)
    eligible = sorted(
        (
            d
            for d in drafts[anchors:]
            if d.sector.kind in vocab.INDUSTRIAL_KINDS
            and d.exit_year is None
            and d.founded_on.year <= 2021
        ),
        key=lambda d: (-d.score, d.index),
    )
    chosen = eligible[: max(0, _scaled(TARGET_ABOVE_SCALE, enterprises) - anchors)]
    draw = random.Random(f"{seed}/above-scale")
    sizes = sorted((_revenue_last(draw, "equipment", above=True) for _ in chosen), reverse=True)
    for draft, revenue in zip(chosen, sizes, strict=True):
        draft.revenue_last = revenue
    chosen_ids = {d.index for d in chosen}
    for draft in drafts[anchors:]:
        if draft.index not in chosen_ids:
            rng = random.Random(f"{seed}/revenue/{draft.index}")
            above = draft.exit_year is not None and rng.random() < 0.35
            draft.revenue_last = _revenue_last(rng, draft.sector.kind, above=above)

    seen: set[str] = set()
    for draft in drafts:
        rng = random.Random(f"{seed}/uscc/{draft.index}")
        region = "330000" if draft.province else HOME_COUNTY
        draft.uscc = _new_uscc(rng, "91", region, draft.founded_on.year, seen)
        if draft.founded_on.year < 2015 and rng.random() < 0.5:
            draft.legacy_reg_no = _legacy_reg_no(rng)
    legacy_pool = [d for d in drafts[anchors:] if d.founded_on.year < 2012 and d.exit_year is None]
    for draft in random.Random(f"{seed}/legacy").sample(legacy_pool, min(2, len(legacy_pool))):
        alphabet = vocab.USCC_ALPHABET
        wrong = alphabet[(alphabet.index(draft.uscc[-1]) + 7) % len(alphabet)]
        draft.uscc, draft.uscc_state = draft.uscc[:-1] + wrong, rc.UsccState.LEGACY

    profiles = []
    for draft in drafts:
        rng = random.Random(f"{seed}/profile/{draft.index}")
        profiles.append(
            _draw_profile(
                rng,
                seed=seed,
                index=draft.index,
                uscc=draft.uscc,
                sector=draft.sector,
                founded_year=draft.founded_on.year,
                exit_year=draft.exit_year,
                revenue_last=draft.revenue_last,
                steady=draft.index < anchors,
            )
        )
    if anchors:
        for k in range(anchors):
            intensity = vocab.RD_INTENSITY[drafts[k].sector.kind]
            profiles[k] = replace(
                profiles[k],
                rd_class=RD_ACTIVE,
                rd_intensity=intensity,
                rd_start_year=FIRST_YEAR,
                new_product_share=0.45,
            )
    for draft, profile in zip(drafts, _calibrate_rd(profiles), strict=True):
        draft.profile = profile

    _describe(seed, drafts)
    plan = CountyPlan(seed, drafts)
    plan.qualifications = (
        _plan_hnte(seed, drafts)
        + _plan_tech_sme(seed, drafts)
        + _plan_srdi(seed, drafts)
        + _plan_rd_institutions(seed, drafts)
    )
    plan.chain_links = _plan_chain_links(seed, drafts)
    return plan


def _calibrate_rd(profiles: list[EnterpriseProfile]) -> list[EnterpriseProfile]:
    """Scale R&D intensities so that 规上工业 R&D / revenue in 2024 meets the seed's 3.49%."""
    for _ in range(2):
        rd = revenue = 0
        for profile in profiles:
            figures = _series(profile)[2024 - FIRST_YEAR]
            if figures["above_scale"]:
                rd += figures["rd_expense"]
                revenue += figures["revenue"]
        if not rd:
            return profiles
        factor = TARGET_RD_REVENUE_2024 * revenue / rd
        profiles = [replace(p, rd_intensity=p.rd_intensity * factor) for p in profiles]
    return profiles


def _describe(seed: int, drafts: list[_Draft]) -> None:
    """Names, addresses, people and money: what a registry page shows about each enterprise."""
    names = {vocab.FLAGSHIP_NAME}
    extra_listed = {
        d.index
        for d in sorted(drafts[len(vocab.ANCHORS) :], key=lambda d: (-d.revenue_last, d.index))[:2]
        if d.revenue_last >= 5e8
    }
    stock_codes: set[str] = set()
    for draft in drafts:
        rng = random.Random(f"{seed}/describe/{draft.index}")
        draft.listed = draft.listed or draft.index in extra_listed
        if draft.index == 0:
            draft.name = vocab.FLAGSHIP_NAME
            parts = ("浙江", "新禾成", "生物医药", "股份有限公司")
        else:
            while True:
                parts = _enterprise_name(
                    rng, draft.sector, listed=draft.listed, province=draft.province
                )
                if "".join(parts) not in names:
                    break
            draft.name = "".join(parts)
            names.add(draft.name)
        if draft.listed:
            while not draft.stock_code or draft.stock_code in stock_codes | vocab.TAKEN_STOCK_CODES:
                draft.stock_code = (
                    rng.choice(("002", "300", "603", "605", "688")) + f"{rng.randrange(1000):03d}"
                )
            stock_codes.add(draft.stock_code)
        town_name, roads = vocab.TOWNS[draft.town]
        draft.address = f"浙江省新昌县{town_name}{rng.choice(roads)}{rng.randint(1, 399)}号"
        draft.legal_representative = _person_name(rng)[0]
        draft.contact_person = (
            _person_name(rng)[0] if rng.random() < 0.7 else draft.legal_representative
        )
        draft.contact_phone = _mobile(rng)
        capital_wan = max(10, round(draft.revenue_last * rng.uniform(0.05, 0.3) / 10_000, -1))
        draft.capital = Decimal(int(min(capital_wan, 500_000)) * 10_000)
        if draft.founded_on.year < 2015 and draft.index and rng.random() < 0.07:
            draft.former_names = _former_names(rng, draft, parts, names)


def _former_names(
    rng: random.Random, draft: _Draft, parts: tuple[str, ...], taken: set[str]
) -> list[tuple[str, datetime.date]]:
    prefix, brand, word, suffix = parts
    if suffix == "股份有限公司":
        older = f"{prefix}{brand}{word}有限公司"
    elif prefix != "新昌县":
        older = f"新昌县{brand}{word}{suffix}"
    else:
        older = f"新昌县{brand}{word}厂"
    start = draft.founded_on.year + 2
    end = max(start, min(2024, (draft.exit_year or LAST_YEAR) - 1))
    until = datetime.date(rng.randint(start, end), rng.randint(1, 12), rng.randint(1, 28))
    found = [] if older in taken else [(older, until)]
    if found and rng.random() < 0.25 and draft.founded_on.year < 2005:
        oldest = f"新昌县{brand}{rng.choice(vocab.OLD_WORDS)}厂"
        if oldest not in taken and oldest != older:
            found.append(
                (oldest, until.replace(year=max(draft.founded_on.year + 1, until.year - 6)))
            )
    return found


def _figures(draft: _Draft, year: int) -> dict:
    return _series(draft.profile)[year - FIRST_YEAR]


def _batch_date(batches: dict[int, tuple[int, int]], year: int) -> datetime.date:
    month, day = batches[year]
    return datetime.date(year, month, day)


def _three_years(issued: datetime.date) -> datetime.date:
    return add_years(issued, 3) - datetime.timedelta(days=1)


def _plan_hnte(seed: int, drafts: list[_Draft]) -> list[_Qual]:
    """高企: recognitions every three years; TARGET_HNTE valid at the end of LAST_YEAR."""
    rng = random.Random(f"{seed}/hnte")
    first, last = min(vocab.HNTE_BATCHES), LAST_YEAR
    candidates = [
        d
        for d in drafts
        if d.exit_year is None
        and d.sector.kind != "service"
        and d.profile.rd_class != RD_NONE
        and d.founded_on.year <= last - 2
    ]
    scores = {
        d.index: math.log(d.revenue_last)
        + (2.0 if d.profile.rd_class == RD_ACTIVE else 0.0)
        + rng.gauss(0, 1.0)
        for d in candidates
    }
    candidates.sort(key=lambda d: (-scores[d.index], d.index))
    current = candidates[: _scaled(TARGET_HNTE, len(drafts))]
    pool = {d.index: d for d in candidates[len(current) :]}
    pool.update((d.index, d) for d in drafts if d.exit_year and d.profile.rd_class == RD_ACTIVE)
    former = [pool[i] for i in sorted(pool)]
    former = rng.sample(former, min(len(former), round(len(current) * 0.15)))
    quals: list[tuple[_Draft, int, datetime.date | None]] = []
    for draft in current:
        years = range(max(first, draft.founded_on.year + 2), last + 1)
        start = rng.choices(years, weights=[1 + 0.3 * (y - first) for y in years])[0]
        quals.extend((draft, year, None) for year in range(start, last + 1, 3))
    for number, draft in enumerate(sorted(former, key=lambda d: d.index)):
        cycles = rng.choice((1, 1, 2, 3))
        latest = last - 3 * cycles
        if draft.exit_year:
            latest = min(latest, draft.exit_year - 1 - 3 * (cycles - 1))
        earliest = max(first, draft.founded_on.year + 2)
        if earliest > latest:
            continue
        start = rng.randint(earliest, latest)
        for cycle in range(cycles):
            year = start + 3 * cycle
            revoked = None
            if number < 2 and cycle == cycles - 1:
                revoked = _batch_date(vocab.HNTE_BATCHES, year) + datetime.timedelta(days=420)
            quals.append((draft, year, revoked))
    result = []
    by_year: dict[int, list] = {}
    for item in quals:
        by_year.setdefault(item[1], []).append(item)
    for year in sorted(by_year):
        sequence = rng.randint(80, 600)
        for draft, _, revoked in sorted(by_year[year], key=lambda item: item[0].index):
            sequence += rng.randint(3, 60)
            issued = _batch_date(vocab.HNTE_BATCHES, year)
            result.append(
                _Qual(
                    draft.index,
                    rc.QualificationKind.HNTE,
                    "",
                    "高新技术企业证书",
                    issued,
                    _three_years(issued),
                    f"GR{year}33{sequence:06d}",
                    revoked,
                )
            )
    return result


def _plan_tech_sme(seed: int, drafts: list[_Draft]) -> list[_Qual]:
    """科小: a yearly 入库编号 for each year the previous year's figures allow (≤500 staff, ≤2亿)."""
    rng = random.Random(f"{seed}/tech-sme")
    entries: dict[int, list[tuple[datetime.date, int]]] = {}
    for draft in drafts:
        profile = draft.profile
        if profile.rd_class == RD_NONE or draft.sector.kind == "service":
            continue
        if rng.random() >= (0.7 if profile.rd_class == RD_ACTIVE else 0.35):
            continue
        # Entries of LAST_YEAR + 1 rest on LAST_YEAR's figures, evaluated in its spring.
        for year in range(2017, LAST_YEAR + 2):
            before = _figures(draft, year - 1)
            if not before["active"] or before["rd_expense"] <= 0:
                continue
            if before["revenue"] > 200_000_000 or before["employees"] > 500 or rng.random() < 0.1:
                continue
            issued = datetime.date(year, rng.randint(4, 9), rng.randint(1, 28))
            entries.setdefault(year, []).append((issued, draft.index))
    result = []
    for year in sorted(entries):
        sequence = rng.randint(800, 3000)
        for issued, index in sorted(entries[year]):
            sequence += rng.randint(1, 9)
            result.append(
                _Qual(
                    index,
                    rc.QualificationKind.TECH_SME,
                    "",
                    f"{year}年科技型中小企业",
                    issued,
                    datetime.date(year, 12, 31),
                    f"{year}{HOME_COUNTY}A{sequence:07d}",
                )
            )
    return result


def _plan_srdi(seed: int, drafts: list[_Draft]) -> list[_Qual]:
    """省级专精特新, 国家级专精特新“小巨人” and 创新型中小企业, each valid three years."""
    rng = random.Random(f"{seed}/srdi")
    candidates = [
        d
        for d in drafts
        if d.exit_year is None
        and d.sector.kind in vocab.INDUSTRIAL_KINDS
        and d.profile.rd_class == RD_ACTIVE
        and 2e7 <= d.revenue_last <= 1e9
        and d.founded_on.year <= 2019
    ]
    scores = {d.index: rng.random() + 0.1 * math.log(d.revenue_last) for d in candidates}
    candidates.sort(key=lambda d: (-scores[d.index], d.index))
    result: list[_Qual] = []
    province_years: dict[int, int] = {}
    for draft in candidates[: _scaled(120, len(drafts))]:
        years = sorted(vocab.SRDI_PROVINCE_BATCHES)[:-1]
        year = rng.choices(years, weights=range(1, len(years) + 1))[0]
        province_years[draft.index] = year
        for renewal in (year, year + 3):
            if renewal > LAST_YEAR or (renewal > year and rng.random() < 0.15):
                break
            issued = _batch_date(vocab.SRDI_PROVINCE_BATCHES, renewal)
            result.append(
                _Qual(
                    draft.index,
                    rc.QualificationKind.SRDI_PROVINCE,
                    rc.Level.PROVINCE,
                    f"{renewal}年度浙江省专精特新中小企业",
                    issued,
                    _three_years(issued),
                )
            )
    giants = [
        i for i in sorted(province_years) if province_years[i] < max(vocab.SRDI_NATIONAL_BATCHES)
    ]
    for index in rng.sample(giants, min(len(giants), _scaled(16, len(drafts)))):
        years = [y for y in vocab.SRDI_NATIONAL_BATCHES if y > province_years[index]]
        year = rng.choice(years)
        for renewal in (year, year + 3):
            if renewal not in vocab.SRDI_NATIONAL_BATCHES:
                break
            issued = _batch_date(vocab.SRDI_NATIONAL_BATCHES, renewal)
            batch = renewal - 2018
            result.append(
                _Qual(
                    index,
                    rc.QualificationKind.SRDI_NATIONAL,
                    rc.Level.NATIONAL,
                    f"第{'一二三四五六七'[batch - 1]}批专精特新“小巨人”企业",
                    issued,
                    _three_years(issued),
                )
            )
    innovative = [
        d
        for d in drafts
        if d.exit_year is None
        and d.profile.rd_class != RD_NONE
        and d.sector.kind != "service"
        and d.founded_on.year <= 2021
    ]
    for draft in rng.sample(innovative, min(len(innovative), _scaled(200, len(drafts)))):
        year = rng.randint(2022, LAST_YEAR)
        issued = datetime.date(year, rng.randint(6, 11), rng.randint(1, 28))
        result.append(
            _Qual(
                draft.index,
                rc.QualificationKind.INNOVATIVE_SME,
                rc.Level.PROVINCE,
                f"{year}年度浙江省创新型中小企业",
                issued,
                _three_years(issued),
            )
        )
    return result


def _plan_rd_institutions(seed: int, drafts: list[_Draft]) -> list[_Qual]:
    """Enterprise R&D institutions, calibrated: in 2024, TARGET_RD_INSTITUTION_SHARE of the
    规上 enterprises hold one of city level or higher, with R&D spenders more likely to."""
    rng = random.Random(f"{seed}/rd-institutions")
    above_2024 = [d for d in drafts if _figures(d, 2024)["above_scale"]]
    scores = {
        d.index: math.log(_figures(d, 2024)["rd_expense"] + 1) / 3
        + (1.5 if d.profile.rd_class == RD_ACTIVE else 0.0)
        + rng.gauss(0, 1.2)
        for d in above_2024
    }
    ranked = sorted(above_2024, key=lambda d: (-scores[d.index], d.index))
    holders = round(TARGET_RD_INSTITUTION_SHARE_2024 * len(above_2024))
    result: list[_Qual] = []

    def add(draft: _Draft, level: str, year: int) -> None:
        issued = datetime.date(year, rng.randint(3, 12), rng.randint(1, 28))
        title = rng.choice(vocab.RD_INSTITUTION_TITLES[level])
        result.append(
            _Qual(draft.index, rc.QualificationKind.RD_INSTITUTION, level, title, issued, None)
        )

    def earliest(draft: _Draft) -> int:
        return max(2006, draft.founded_on.year + 2)

    for draft in ranked[:holders]:
        years = list(range(min(earliest(draft), 2024), 2025))
        if draft.revenue_last >= 3e9 and rng.random() < 0.7:
            levels = [rc.Level.CITY, rc.Level.PROVINCE, rc.Level.NATIONAL]
        elif rng.random() < (0.5 if draft.revenue_last >= 1e8 else 0.25):
            levels = (
                [rc.Level.CITY, rc.Level.PROVINCE] if rng.random() < 0.7 else [rc.Level.PROVINCE]
            )
        else:
            levels = [rc.Level.CITY]
        levels = levels[-len(years) :]
        for level, year in zip(levels, sorted(rng.sample(years, len(levels))), strict=True):
            add(draft, level, year)
    holder_ids = {d.index for d in ranked[:holders]}
    for draft in drafts:
        if draft.index in holder_ids or draft.exit_year or earliest(draft) > LAST_YEAR:
            continue
        if draft.index in scores:
            if rng.random() < 0.35:
                add(draft, rc.Level.COUNTY, rng.randint(earliest(draft), LAST_YEAR))
            if rng.random() < 0.06:
                add(draft, rc.Level.CITY, LAST_YEAR)
        elif draft.profile.rd_class == RD_ACTIVE and draft.sector.kind != "service":
            if rng.random() < 0.18:
                add(draft, rc.Level.COUNTY, rng.randint(earliest(draft), LAST_YEAR))
            elif rng.random() < 0.05:
                add(draft, rc.Level.CITY, rng.randint(earliest(draft), LAST_YEAR))
    return result


def _plan_chain_links(seed: int, drafts: list[_Draft]) -> list[tuple[int, str, str, bool]]:
    """Enterprises on the county's chains by industry, a few cross-links, and chain leaders."""
    rng = random.Random(f"{seed}/chains")
    links: list[list] = []
    for draft in drafts:
        code = draft.sector.code
        for chain, positions in vocab.CHAIN_POSITIONS.get(code, ()):
            names, weights = zip(*positions, strict=True)
            links.append([draft, chain, rng.choices(names, weights)[0]])
        for chain, position, share in vocab.CROSS_LINKS.get(code, ()):
            if rng.random() < share:
                links.append([draft, chain, position])
    result = []
    for chain in vocab.CHAIN_NAMES:
        members = [link for link in links if link[1] == chain]
        leaders = 1 if len(members) < 15 else 2 if len(members) < 60 else 3
        ranked = sorted(
            (m for m in members if m[0].exit_year is None and m[2] != rc.ChainPosition.DOWNSTREAM),
            key=lambda m: (-m[0].revenue_last, m[0].index),
        )
        leader_ids = {m[0].index for m in ranked[:leaders]}
        result.extend((m[0].index, chain, m[2], m[0].index in leader_ids) for m in members)
    return sorted(result, key=lambda link: (link[0], link[1]))


def demo_profiles(
    seed: int = DEFAULT_SEED, enterprises: int = REFERENCE_SIZE
) -> list[EnterpriseProfile]:
    """The latent profiles of `generate_demo(seed, enterprises)`, in index order, by USCC."""
    return [draft.profile for draft in plan_county(seed, enterprises).enterprises]


# --- writing the demo county -------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    """A demo account as printed for people trying the platform."""

    username: str
    password: str
    role: str
    scope: str
    display_name: str
    description: str  # what the role may do, from the standard roles


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
    above = {y: sum(1 for d in plan.enterprises if _figures(d, y)["above_scale"]) for y in YEARS}
    rd = revenue = 0
    for draft in plan.enterprises:
        figures = _figures(draft, 2024)
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
    above_2024 = [d.index for d in plan.enterprises if _figures(d, 2024)["above_scale"]]
    last_day = datetime.date(LAST_YEAR, 12, 31)
    hnte = {
        q.index
        for q in plan.qualifications
        if q.kind == rc.QualificationKind.HNTE
        and q.issued_on <= last_day <= q.valid_until
        and not q.revoked_on
    }
    rd_2023 = sum(_figures(d, 2023)["rd_expense"] for d in plan.enterprises)
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
            uscc=_new_uscc(rng, spec.registration, spec.region[:6], spec.established, seen),
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
    for draft in plan.enterprises:
        profile = draft.profile
        last = LAST_YEAR if draft.exit_year is None else draft.exit_year - 1
        figures = _figures(draft, max(last, profile.base_year))
        rows.append(
            Enterprise(
                uscc=draft.uscc,
                uscc_state=draft.uscc_state,
                legacy_reg_no=draft.legacy_reg_no,
                name=draft.name,
                name_initials=pinyin_initials(draft.name)[:200],
                name_pinyin=pinyin_full(draft.name)[:600],
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
        for row in _series(d.profile)
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
    for kind, target in ((k, _scaled(v["count"], size)) for k, v in spec.items()):
        for _ in range(target):
            name, gender = _person_name(
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
                    name_initials=pinyin_initials(name)[:50],
                    kind=kind,
                    gender=gender,
                    title=title,
                    education=education,
                    fields=fields,
                    enterprise=enterprise,
                    institution=institution,
                    region_id=region,
                    phone=_mobile(rng),
                    id_number=_id_number(rng, gender, spec[kind]["born"]),
                    email=email,
                )
            )
    Person.objects.bulk_create(rows, batch_size=1000)
    return dict(Counter(p.kind for p in rows))


def _scope_text(role: Role, org: Organisation | None) -> str:
    if role.data_scope == DataScope.ALL:
        return "全县全部数据"
    if org is None:
        return "仅本人数据"
    if role.data_scope == DataScope.ORG_AND_BELOW:
        return f"{org.name}及下级"
    return f"仅本组织：{org.name}"


def demo_logins() -> list[DemoLogin]:
    """The demo accounts present in the database, in persona order, with role and scope."""
    users = User.objects.in_bulk([p.username for p in vocab.PERSONAS], field_name="username")
    found = []
    for persona in vocab.PERSONAS:
        user = users.get(persona.username)
        if user is None:
            continue
        roles = user.roles
        found.append(
            DemoLogin(
                username=user.username,
                password=DEMO_PASSWORD,
                role="、".join(r.name for r in roles),
                scope=_scope_text(roles[0], user.organisation) if roles else "",
                display_name=user.display_name,
                description="；".join(r.description for r in roles),
            )
        )
    return found


def _create_users(
    orgs: dict[str, Organisation],
    saved: dict[int, Enterprise],
    institutions: dict[str, Institution],
) -> int:
    """The standard roles and one login per persona, all with DEMO_PASSWORD."""
    roles = ensure_standard_roles()
    persona_enterprise = saved[vocab.PERSONA_ENTERPRISE_INDEX]
    for persona in vocab.PERSONAS:
        if persona.org == "enterprise":
            org = organisation_for_enterprise(persona_enterprise, orgs[persona_enterprise.town_id])
        elif persona.org == "institution":
            org = organisation_for_institution(
                institutions[vocab.PERSONA_INSTITUTION], orgs["bureau"]
            )
        else:
            org = orgs[persona.org]
        superuser = persona.role == "系统管理员"
        create_user(
            persona.username,
            DEMO_PASSWORD,
            organisation=org,
            roles=[roles[persona.role]],
            display_name=persona.display_name,
            is_staff=superuser,
            is_superuser=superuser,
        )
    return len(vocab.PERSONAS)


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
        users = _create_users(orgs, saved, institutions)
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


# --- benchmark scale ---------------------------------------------------------------------


@dataclass
class ScaleSummary:
    """What `generate_scale` wrote."""

    seed: int
    seconds: float
    counties: int
    towns: int
    enterprises: int
    scale_records: int
    above_scale_last_year: int
    qualifications: int


@cache
def _pinyin_part(text: str) -> tuple[str, str]:
    return pinyin_initials(text), pinyin_full(text)


def _short_county(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "县市区" else name


def generate_scale(
    counties: int = 90,
    enterprises: int = 300_000,
    seed: int = DEFAULT_SEED,
    *,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> ScaleSummary:
    """Synthetic enterprises over the towns of the first `counties` Zhejiang counties.

    For benchmarks: valid, unique USCCs carrying each county's code, 规上 records, R&D (107-2)
    and financial records for the last five years from the same profiles as the demo, and
    高企/科小 for some. Rows go in with
    bulk_create in batches (no per-row save, no history); names repeat, USCCs never do.
    Name pinyin is built from cached name parts, whose characters are chosen so that the
    result equals what `Enterprise.save` would compute.
    """
    # Imported here: the records module builds on this one's figures.
    from kechuang.demo import records as period_records

    started = time.monotonic()
    towns_by_county: dict[str, list[str]] = {}
    for code, parent in (
        Region.objects.filter(level=rc.RegionLevel.TOWN)
        .order_by("code")
        .values_list("code", "parent_id")
    ):
        towns_by_county.setdefault(parent, []).append(code)
    county_rows = list(
        Region.objects.filter(code__in=list(towns_by_county))
        .order_by("code")
        .values_list("code", "name")
    )[:counties]
    if not county_rows:
        raise DemoError("行政区划参考数据缺失：请先执行 migrate")
    rng = random.Random(f"{seed}/scale")
    seen = set(Enterprise.objects.values_list("uscc", flat=True))
    years = range(LAST_YEAR - 4, LAST_YEAR + 1)
    hnte_sequence = dict.fromkeys(vocab.HNTE_BATCHES, 100)
    sme_sequence: Counter = Counter()
    written = records_written = above_last = quals_written = 0
    with transaction.atomic():
        for start in range(0, enterprises, batch_size):
            objs, profiles = [], []
            for index in range(start, min(start + batch_size, enterprises)):
                county, county_name = county_rows[rng.randrange(len(county_rows))]
                sector = rng.choices(vocab.SECTORS, cum_weights=vocab.SECTOR_CUM_WEIGHTS)[0]
                industrial = sector.kind in vocab.INDUSTRIAL_KINDS
                founded = min(2024, max(1985, round(rng.gauss(2010 if industrial else 2016, 7))))
                exit_year = (
                    rng.randint(max(2017, founded + 1), LAST_YEAR) if rng.random() < 0.02 else None
                )
                revenue = _revenue_last(rng, sector.kind, above=industrial and rng.random() < 0.2)
                uscc = _new_uscc(rng, "91", county, founded, seen)
                profile = _draw_profile(
                    rng,
                    seed=seed,
                    index=index,
                    uscc=uscc,
                    sector=sector,
                    founded_year=founded,
                    exit_year=exit_year,
                    revenue_last=revenue,
                )
                parts = (
                    _short_county(county_name),
                    rng.choice(vocab.BRANDS),
                    rng.choice(sector.words),
                    "有限公司",
                )
                spelled = [_pinyin_part(part) for part in parts]
                figures = _series.__wrapped__(profile)
                last = figures[min(LAST_YEAR, (exit_year or LAST_YEAR + 1) - 1) - FIRST_YEAR]
                objs.append(
                    Enterprise(
                        uscc=uscc,
                        name="".join(parts),
                        name_initials="".join(s[0] for s in spelled)[:200],
                        name_pinyin="".join(s[1] for s in spelled)[:600],
                        town_id=rng.choice(towns_by_county[county]),
                        industry_id=sector.code,
                        founded_on=datetime.date(founded, 1, 1)
                        + datetime.timedelta(rng.randrange(365)),
                        registered_capital=Decimal(
                            max(10, round(revenue * 0.15 / 10_000)) * 10_000
                        ),
                        employees=profile.staff,
                        size_class=size_class(sector.kind, profile.staff, last["revenue"]),
                        legal_representative=_person_name(rng)[0],
                        contact_phone=_mobile(rng),
                        status=rc.EnterpriseStatus.CLOSED
                        if exit_year
                        else rc.EnterpriseStatus.ACTIVE,
                    )
                )
                profiles.append((profile, figures, county))
            Enterprise.objects.bulk_create(objs, batch_size=batch_size)
            records, quals, rd_rows, financial_rows = [], [], [], []
            for obj, (profile, figures, county) in zip(objs, profiles, strict=True):
                valid_inventions = 0
                for year in years:
                    row = figures[year - FIRST_YEAR]
                    if row["active"]:
                        records.append(
                            ScaleRecord(
                                enterprise_id=obj.pk, year=year, is_above_scale=row["above_scale"]
                            )
                        )
                        valid_inventions += int(row["invention_patents"])
                        rd, financial = period_records.split_record(
                            obj.pk, {**row, "year": year}, rng, valid_inventions
                        )
                        financial_rows.append(financial)
                        if rd is not None:
                            rd_rows.append(rd)
                above_last += figures[-1]["above_scale"]
                if profile.exit_year or profile.rd_class == RD_NONE:
                    continue
                if profile.rd_class == RD_ACTIVE and rng.random() < 0.45:
                    year = rng.choice((LAST_YEAR - 2, LAST_YEAR - 1, LAST_YEAR))
                    issued = _batch_date(vocab.HNTE_BATCHES, year)
                    hnte_sequence[year] += rng.randint(1, 5)
                    quals.append(
                        Qualification(
                            enterprise_id=obj.pk,
                            kind=rc.QualificationKind.HNTE,
                            title="高新技术企业证书",
                            certificate_no=f"GR{year}33{hnte_sequence[year]:06d}",
                            issued_on=issued,
                            valid_until=_three_years(issued),
                        )
                    )
                before = figures[LAST_YEAR - 1 - FIRST_YEAR]
                if before["rd_expense"] and before["revenue"] <= 2e8 and rng.random() < 0.5:
                    sme_sequence[county] += rng.randint(1, 9)
                    quals.append(
                        Qualification(
                            enterprise_id=obj.pk,
                            kind=rc.QualificationKind.TECH_SME,
                            title=f"{LAST_YEAR}年科技型中小企业",
                            certificate_no=f"{LAST_YEAR}{county}A{sme_sequence[county]:07d}",
                            issued_on=datetime.date(
                                LAST_YEAR, rng.randint(4, 9), rng.randint(1, 28)
                            ),
                            valid_until=datetime.date(LAST_YEAR, 12, 31),
                        )
                    )
            ScaleRecord.objects.bulk_create(records, batch_size=batch_size)
            RDRecord.objects.bulk_create(rd_rows, batch_size=batch_size)
            FinancialRecord.objects.bulk_create(financial_rows, batch_size=batch_size)
            Qualification.objects.bulk_create(quals, batch_size=batch_size)
            written += len(objs)
            records_written += len(records)
            quals_written += len(quals)
            if progress:
                progress(written, enterprises)
    return ScaleSummary(
        seed=seed,
        seconds=time.monotonic() - started,
        counties=len(county_rows),
        towns=sum(len(towns_by_county[c]) for c, _ in county_rows),
        enterprises=written,
        scale_records=records_written,
        above_scale_last_year=above_last,
        qualifications=quals_written,
    )


# --- reset -------------------------------------------------------------------------------


def reset_domain_data() -> dict[str, int]:
    """Delete every registry and accounts row, and their history; regions and industries stay.

    Plain DELETE statements: the ORM's cascade would load every row and write a deletion
    history row for each, which takes minutes at benchmark scale. Rows elsewhere that point
    here are cleared first: nullable links are set to NULL, rows with required links (admin
    log entries, API tokens, rows of later apps about enterprises) are deleted with them.
    """
    domain = [
        Person,
        Qualification,
        ScaleRecord,
        ChainLink,
        EnterpriseFormerName,
        Enterprise,
        Institution,
        IndustryChain,
        User,
        Role,
        Group,
        Organisation,
    ]
    wiped = list(domain)
    for model in domain:
        if model is not Group:
            wiped.append(get_history_model_for_model(model))
    wiped_set = set(wiped)
    tables = set(connection.introspection.table_names())
    candidates = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m._meta.db_table in tables
    ]
    wiped = [m for m in wiped if m._meta.db_table in tables]

    def links(model):
        return [
            f
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model in wiped_set and f.db_constraint
        ]

    growing = True
    while growing:
        growing = False
        for model in candidates:
            if model not in wiped_set and any(not f.null for f in links(model)):
                wiped.insert(0, model)
                wiped_set.add(model)
                growing = True
    deleted = {}
    with transaction.atomic():
        for model in candidates:
            if model not in wiped_set:
                for f in links(model):
                    model._base_manager.filter(**{f"{f.name}__isnull": False}).update(
                        **{f.name: None}
                    )
        with connection.cursor() as cursor:
            for model in wiped:
                table = model._meta.db_table
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
                deleted[table] = cursor.rowcount
    return deleted
