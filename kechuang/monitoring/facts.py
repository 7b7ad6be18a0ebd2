"""The facts the monitoring engine works on: one row per enterprise and year, read from
the R&D and financial records, scale records and qualifications in a few queries, and the
fingerprint that tells whether a snapshot was computed from exactly these figures."""

import hashlib

import numpy as np
import pandas as pd

from kechuang.core.frames import read_frames
from kechuang.monitoring.models import (
    MONITORED_RD_FIELDS,
    FinancialRecord,
    RDRecord,
    RuleSet,
)
from kechuang.registry.choices import Level, QualificationKind
from kechuang.registry.models import Enterprise, Qualification, ScaleRecord

LOOKBACK_YEARS = 6  # years read back for the zero-R&D streak
INSTITUTION_LEVELS = (Level.CITY, Level.PROVINCE, Level.NATIONAL)


def _as_float(frame: pd.DataFrame, names: list[str]) -> None:
    for name in names:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")


def build_facts(year: int) -> pd.DataFrame:
    """One row per enterprise and year (the year and those before it) for the engine."""
    return facts_from(read_frames(fact_reads(year)), year)


def fact_reads(year: int) -> dict:
    years = list(range(year - LOOKBACK_YEARS + 1, year + 1))
    recent = [year - 1, year]
    # Earlier years matter only for the zero-R&D streak of enterprises with none this year.
    zero_now = RDRecord.objects.filter(year=year, quarter=0, rd_expense=0).values("enterprise_id")
    return {
        "rd": (
            RDRecord.objects.filter(year__in=recent, quarter=0),
            ["enterprise_id", "year", *MONITORED_RD_FIELDS],
        ),
        "fin": (
            FinancialRecord.objects.filter(year__in=recent, quarter=0),
            ["enterprise_id", "year", "revenue", "employees", "tech_staff"],
        ),
        "history": (
            RDRecord.objects.filter(year__in=years[:-2], quarter=0, enterprise_id__in=zero_now),
            ["enterprise_id", "year", "rd_expense"],
        ),
        # Only the 规上 marks: a year without one is a year below the threshold.
        "scale": (
            ScaleRecord.objects.filter(year__in=recent, is_above_scale=True),
            ["enterprise_id", "year", "is_above_scale"],
        ),
        "enterprises": (Enterprise.objects.all(), ["id", "town_id", "industry_id"]),
        "qualifications": (
            Qualification.objects.filter(kind__in=QUALIFICATION_KINDS),
            ["enterprise_id", "kind", "level", "issued_on", "valid_until", "revoked_on"],
        ),
    }


# Enterprise and year as one sortable int64 key, so rows are matched by binary search.
YEAR_SPAN = 10_000


def _period_keys(frame: pd.DataFrame) -> np.ndarray:
    ids = frame["enterprise_id"].to_numpy(dtype=np.int64)
    return ids * YEAR_SPAN + frame["year"].to_numpy(dtype=np.int64)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting, which for a million int64 keys is far faster than its hashing."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _positions(keys: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of `wanted` sits in the sorted unique `keys`, and whether it is there."""
    if not len(keys):
        return np.zeros(len(wanted), dtype=np.intp), np.zeros(len(wanted), dtype=bool)
    at = np.searchsorted(keys, wanted).clip(max=len(keys) - 1)
    return at, keys[at] == wanted


def facts_from(read: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    rd = read["rd"]
    _as_float(rd, MONITORED_RD_FIELDS)
    universities, institutes = (
        rd.pop("commissioned_universities"),
        rd.pop("commissioned_institutes"),
    )
    rd["iuc_expense"] = (universities.fillna(0) + institutes.fillna(0)).where(
        universities.notna() | institutes.notna()
    )
    history = read["history"]
    _as_float(history, ["rd_expense"])
    rd = pd.concat([history, rd], ignore_index=True)
    fin = read["fin"]
    _as_float(fin, ["revenue", "employees", "tech_staff"])
    rd_keys, fin_keys, above_keys = (_period_keys(f) for f in (rd, fin, read["scale"]))
    keys = _sorted_unique(np.concatenate([rd_keys, fin_keys, above_keys]))

    enterprises = read["enterprises"]
    ids = enterprises["id"].to_numpy(dtype=np.int64)
    order = np.argsort(ids)
    place, known = _positions(ids[order], keys // YEAR_SPAN)
    keys, place = keys[known], order[place[known]]
    facts = {"enterprise_id": keys // YEAR_SPAN, "year": keys % YEAR_SPAN}
    for frame, frame_keys in ((rd, rd_keys), (fin, fin_keys)):
        at, found = _positions(keys, frame_keys)
        for name in frame.columns.drop(["enterprise_id", "year"]):
            values = np.full(len(keys), np.nan)
            values[at[found]] = frame[name].to_numpy(dtype=np.float64)[found]
            facts[name] = values
    facts["is_above_scale"] = np.isin(keys, above_keys)
    # Codes as categories: a few thousand distinct texts, hashed once for the fingerprint.
    for name, column in (("town_code", "town_id"), ("industry_code", "industry_id")):
        codes, texts = pd.factorize(enterprises[column])
        facts[name] = pd.Categorical.from_codes(codes[place], categories=texts)

    flags = _qualification_flags(read["qualifications"], [year - 1, year])
    at, found = _positions(keys, _period_keys(flags))
    for name in ("has_rd_institution", "is_hnte", "is_tech_sme"):
        values = np.zeros(len(keys), dtype=bool)
        values[at[found]] = flags[name].to_numpy(dtype=bool)[found]
        facts[name] = values
    until = np.full(len(keys), np.datetime64("NaT"), dtype="datetime64[us]")
    until[at[found]] = flags["hnte_valid_until"].to_numpy(dtype="datetime64[us]")[found]
    facts["hnte_valid_until"] = until
    return pd.DataFrame(facts)


QUALIFICATION_KINDS = [
    QualificationKind.HNTE,
    QualificationKind.TECH_SME,
    QualificationKind.RD_INSTITUTION,
]


def _qualification_flags(quals: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Per enterprise and year: valid HNTE / 科小 / city-or-higher R&D institution on 31 Dec."""
    frames = []
    far = pd.Timestamp("2262-01-01")
    if not quals.empty:
        quals = quals.assign(enterprise_id=quals["enterprise_id"].astype("int64"))
        issued = pd.to_datetime(quals["issued_on"])
        until = pd.to_datetime(quals["valid_until"]).fillna(far)
        revoked = pd.to_datetime(quals["revoked_on"]).fillna(far)
    for year in years:
        if quals.empty:
            break
        day = pd.Timestamp(year, 12, 31)
        valid = (issued <= day) & (until >= day) & (revoked > day)
        current = quals[valid]
        hnte = current[current["kind"] == QualificationKind.HNTE]
        flags = pd.DataFrame(
            {
                "enterprise_id": pd.unique(current["enterprise_id"]),
            }
        )
        flags["year"] = year
        flags["is_hnte"] = flags["enterprise_id"].isin(hnte["enterprise_id"])
        flags["is_tech_sme"] = flags["enterprise_id"].isin(
            current.loc[current["kind"] == QualificationKind.TECH_SME, "enterprise_id"]
        )
        flags["has_rd_institution"] = flags["enterprise_id"].isin(
            current.loc[
                (current["kind"] == QualificationKind.RD_INSTITUTION)
                & current["level"].isin(INSTITUTION_LEVELS),
                "enterprise_id",
            ]
        )
        latest_until = (
            quals.loc[(quals["kind"] == QualificationKind.HNTE) & (issued <= day)]
            .assign(until=until)
            .groupby("enterprise_id")["until"]
            .max()
        )
        flags = flags.merge(
            latest_until.rename("hnte_valid_until"),
            how="left",
            left_on="enterprise_id",
            right_index=True,
        )
        flags.loc[~flags["is_hnte"], "hnte_valid_until"] = pd.NaT
        frames.append(flags)
    if not frames:
        return pd.DataFrame(
            {
                "enterprise_id": pd.Series(dtype="int64"),
                "year": pd.Series(dtype="int64"),
                "is_hnte": pd.Series(dtype=bool),
                "is_tech_sme": pd.Series(dtype=bool),
                "has_rd_institution": pd.Series(dtype=bool),
                "hnte_valid_until": pd.Series(dtype="datetime64[ns]"),
            }
        )
    return pd.concat(frames, ignore_index=True)


def facts_fingerprint(facts: pd.DataFrame, year: int, rule_set: RuleSet) -> str:
    """A digest of exactly the figures and the rule version a snapshot was computed from:
    equal fingerprints mean the same inputs, whatever was edited elsewhere."""
    columns = facts[sorted(facts.columns)]
    rows = pd.util.hash_pandas_object(columns, index=False).to_numpy()
    # The sum of the rows' digests does not depend on their order, so nothing is sorted.
    total = int(rows.sum(dtype=np.uint64))
    digest = hashlib.sha256(f"{rule_set.version}|{year}|{len(rows)}|{total}".encode())
    return digest.hexdigest()
