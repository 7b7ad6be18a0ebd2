"""The demo county's enterprises, planned from the seed alone: no database.

`plan_enterprises` draws about 2,000 enterprises like those of Xinchang (sector, town, founding,
规上 history through their profiles, names, USCCs and people), and `plan_chain_links` puts them
on the county's industrial chains; the same seed gives the same drafts.

Why a module of its own: planning is pure computation that both the writer (`county`) and the
period records (`records`, through `demo_profiles`) need, and neither may import the other.
Qualifications, planned from these drafts, are in `qualifications`.
"""

import datetime
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal

from kechuang.demo import vocabulary as vocab
from kechuang.demo.profiles import (
    DEFAULT_SEED,
    FIRST_YEAR,
    HOME_COUNTY,
    LAST_YEAR,
    RD_ACTIVE,
    REFERENCE_SIZE,
    DemoError,
    EnterpriseProfile,
    draw_profile,
    draw_revenue,
    figure_series,
    mobile_number,
    new_uscc,
    person_name,
    scaled_count,
)
from kechuang.registry import choices as rc

TARGET_ABOVE_SCALE = 600  # 规上工业 enterprises in LAST_YEAR (full-size demo)
TARGET_RD_REVENUE_2024 = 0.0349  # 规上工业 R&D / revenue, 2024 (seed)


@dataclass
class EnterpriseDraft:
    """One enterprise of the demo county as planned, before it is written."""

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


def _legacy_reg_no(rng: random.Random) -> str:
    """A 15-digit 工商注册号 with its ISO 7064 MOD 11,10 check digit."""
    body = HOME_COUNTY + "000" + "".join(rng.choices("0123456789", k=5))
    product = 10
    for digit in body:
        total = (product + int(digit)) % 10 or 10
        product = total * 2 % 11
    return body + str((11 - product) % 10)


def _enterprise_name(
    rng: random.Random, sector: vocab.Sector, *, listed: bool, province: bool
) -> tuple[str, str, str, str]:
    """Prefix, brand, industry word and company-form suffix of a fictional enterprise name."""
    prefix = "浙江" if province else rng.choices(("浙江", "新昌县", "绍兴"), (35, 50, 15))[0]
    suffix = "股份有限公司" if listed or rng.random() < 0.05 else "有限公司"
    return prefix, rng.choice(vocab.BRANDS), rng.choice(sector.words), suffix


def plan_enterprises(
    seed: int = DEFAULT_SEED, enterprises: int = REFERENCE_SIZE
) -> list[EnterpriseDraft]:
    """The demo county's enterprises with their profiles, names and people, without I/O.

    Each enterprise's own attributes come from a generator seeded by (seed, index); only the
    choice of which enterprises are above the 规上 line in LAST_YEAR and the R&D calibration
    look at all enterprises together.
    """
    if enterprises < 20:
        raise DemoError("演示县至少需要 20 家企业")
    drafts: list[EnterpriseDraft] = []
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
        draft = EnterpriseDraft(index, sector, town, founded_on, exit_year, score)
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
    chosen = eligible[: max(0, scaled_count(TARGET_ABOVE_SCALE, enterprises) - anchors)]
    draw = random.Random(f"{seed}/above-scale")
    sizes = sorted((draw_revenue(draw, "equipment", above=True) for _ in chosen), reverse=True)
    for draft, revenue in zip(chosen, sizes, strict=True):
        draft.revenue_last = revenue
    chosen_ids = {d.index for d in chosen}
    for draft in drafts[anchors:]:
        if draft.index not in chosen_ids:
            rng = random.Random(f"{seed}/revenue/{draft.index}")
            above = draft.exit_year is not None and rng.random() < 0.35
            draft.revenue_last = draw_revenue(rng, draft.sector.kind, above=above)

    seen: set[str] = set()
    for draft in drafts:
        rng = random.Random(f"{seed}/uscc/{draft.index}")
        region = "330000" if draft.province else HOME_COUNTY
        draft.uscc = new_uscc(rng, "91", region, draft.founded_on.year, seen)
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
            draw_profile(
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
    return drafts


def _calibrate_rd(profiles: list[EnterpriseProfile]) -> list[EnterpriseProfile]:
    """Scale R&D intensities so that 规上工业 R&D / revenue in 2024 meets the seed's 3.49%."""
    for _ in range(2):
        rd = revenue = 0
        for profile in profiles:
            figures = figure_series(profile)[2024 - FIRST_YEAR]
            if figures["above_scale"]:
                rd += figures["rd_expense"]
                revenue += figures["revenue"]
        if not rd:
            return profiles
        factor = TARGET_RD_REVENUE_2024 * revenue / rd
        profiles = [replace(p, rd_intensity=p.rd_intensity * factor) for p in profiles]
    return profiles


def _describe(seed: int, drafts: list[EnterpriseDraft]) -> None:
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
        draft.legal_representative = person_name(rng)[0]
        draft.contact_person = (
            person_name(rng)[0] if rng.random() < 0.7 else draft.legal_representative
        )
        draft.contact_phone = mobile_number(rng)
        capital_wan = max(10, round(draft.revenue_last * rng.uniform(0.05, 0.3) / 10_000, -1))
        draft.capital = Decimal(int(min(capital_wan, 500_000)) * 10_000)
        if draft.founded_on.year < 2015 and draft.index and rng.random() < 0.07:
            draft.former_names = _former_names(rng, draft, parts, names)


def _former_names(
    rng: random.Random, draft: EnterpriseDraft, parts: tuple[str, ...], taken: set[str]
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


def draft_figures(draft: EnterpriseDraft, year: int) -> dict:
    """A planned enterprise's figures for one year, from the shared cache: read them only."""
    return figure_series(draft.profile)[year - FIRST_YEAR]


def plan_chain_links(seed: int, drafts: list[EnterpriseDraft]) -> list[tuple[int, str, str, bool]]:
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
    return [draft.profile for draft in plan_enterprises(seed, enterprises)]
