"""What every demo generator shares: the enterprise profile, its yearly figures, seeded draws.

Every enterprise, in the demo county and in the benchmark data alike, carries a latent
`EnterpriseProfile`, and `yearly_figures(profile, year)` turns it into revenue, R&D and output
for 2016-2025, so that modules holding yearly figures load numbers consistent with the registry.

Why a module of its own: the county plan (`plan`, `qualifications`, `county`), the period
records (`records`) and the benchmark data (`scale`) all build on these profiles, constants and
draws; kept here, each of them imports this module and none needs another generator.
No database access.
"""

import datetime
import hashlib
import math
import random
from dataclasses import dataclass
from functools import lru_cache

from kechuang.demo import vocabulary as vocab
from kechuang.engines import uscc as uscc_engine
from kechuang.registry import choices as rc
from kechuang.registry.models import add_years

DEFAULT_SEED = 2026
HOME_COUNTY = "330624"
FIRST_YEAR, LAST_YEAR = 2016, 2025
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)

# 规模以上工业: annual main-business revenue of 20 million yuan or more (RULES §4.4).
ABOVE_SCALE_REVENUE = 20_000_000
# The full-size demo county (2,000 enterprises); calibrated counts scale with the size.
REFERENCE_SIZE = 2000

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


class DemoError(Exception):
    """A demo data request that cannot be carried out; the message says why, in Chinese."""


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
def figure_series(profile: EnterpriseProfile) -> tuple[dict, ...]:
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
    return dict(figure_series(profile)[year - FIRST_YEAR])


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


def scaled_count(target: int, enterprises: int) -> int:
    """A calibration target for REFERENCE_SIZE enterprises, scaled to `enterprises`."""
    return max(1, round(target * enterprises / REFERENCE_SIZE))


# --- seeded draws shared by the demo county and the benchmark data -----------------------


def _pareto(rng: random.Random, low: float, alpha: float, cap: float) -> float:
    return min(cap, low * (1.0 - rng.random()) ** (-1.0 / alpha))


def _lognormal_below(rng: random.Random, median: float, sigma: float, ceiling: float) -> float:
    while True:
        value = median * math.exp(rng.gauss(0, sigma))
        if 100_000 <= value < ceiling:
            return value


def draw_revenue(rng: random.Random, kind: str, *, above: bool) -> float:
    """Revenue in the last year: above or below the 规上 line for industry, by kind otherwise."""
    if kind in vocab.INDUSTRIAL_KINDS:
        if above:
            return _pareto(rng, 20_100_000, 1.3, 4_000_000_000)
        return _lognormal_below(rng, 3_500_000, 1.0, 19_800_000)
    median, sigma = {"software": (5e6, 1.1), "tech": (2e6, 1.0)}.get(kind, (3e6, 1.1))
    return _lognormal_below(rng, median, sigma, 500_000_000)


def draw_profile(
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


def new_uscc(
    rng: random.Random, registration: str, region: str, founded_year: int, seen: set[str]
) -> str:
    while True:
        code = uscc_engine.make(registration, region, _uscc_body(rng, founded_year))
        if code not in seen:
            seen.add(code)
            return code


def person_name(rng: random.Random, gender: str | None = None) -> tuple[str, str]:
    gender = gender or (rc.Gender.MALE if rng.random() < 0.6 else rc.Gender.FEMALE)
    pool = vocab.GIVEN_MALE if gender == rc.Gender.MALE else vocab.GIVEN_FEMALE
    given = rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool)
    surname = rng.choices(vocab.SURNAMES, weights=vocab.SURNAME_WEIGHTS)[0]
    return surname + given, gender


def mobile_number(rng: random.Random) -> str:
    return rng.choice(vocab.MOBILE_PREFIXES) + "".join(rng.choices("0123456789", k=8))


def batch_date(batches: dict[int, tuple[int, int]], year: int) -> datetime.date:
    month, day = batches[year]
    return datetime.date(year, month, day)


def three_year_expiry(issued: datetime.date) -> datetime.date:
    return add_years(issued, 3) - datetime.timedelta(days=1)
