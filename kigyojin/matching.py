"""Who could work with whom: municipalities for a company, companies for a municipality.

No black box. Every score is a weighted sum of a few terms, each between 0 and 1
and each computed from one shipped table; the weights are the constants below, and
every result carries its reasons in words. `docs/matching.md` gives the method,
the reason for each weight and the limits of the data.

- A municipality's **profile** is its 2020 census figures (population, density,
  % aged 65+, industry mix), its 過疎 status, its population change 2015→2020 where
  the resident register has it (metro prefectures only), its host verdict and its
  public host records.
- Two municipalities are **similar** when their profiles are close: the
  root-mean-square of their differences in standard deviations over
  `SIMILARITY_FEATURES` (0 = identical). Similarity is 1 / (1 + distance).
- **For a company** (`rank_municipalities`): eligible municipalities only, scored on
  `WEIGHTS`: precedent (a similar municipality already hosts in the company's
  fields), needs (ageing, 過疎, decline), preference (the regions and sizes asked
  for), distance (straight line from the company's prefectural office) and
  experience (it hosts already). A term with nothing to go on is left out and the
  others are rescaled, so a score is always out of 100.
- **For a municipality** (`rank_companies`, `peers`): companies with a host record
  in the fields asked for, scored on `PARTNER_WEIGHTS`; and the hosting
  municipalities most similar to it, with whom and in which field they worked.
- **How to approach** (`approach_steps`): the deck's 10 routes to an agreement,
  grouped into practical steps, with shares computed from the counts.

Ties are broken by municipality code (companies: by their matching key), so the
same inputs always give the same order.
"""

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kigyojin import data, eligibility, fmt, hosts
from kigyojin.caching import shared_cache
from kigyojin.companies import normalize as company_key
from kigyojin.errors import KigyojinError
from kigyojin.fields import HOST_FIELD_CATEGORIES
from kigyojin.i18n import label, translate

logger = logging.getLogger(__name__)

# --- The scoring, in one place ---------------------------------------------------

# Company view: points out of 100 when every term applies. Precedent and needs
# carry most: they are what the data knows about a municipality. Preference is what
# the company asked for. Distance only breaks near-ties: many agreements span the
# country. Experience counts least: the sample records which hosts made the news,
# and a first-time host is no worse a partner.
TERMS = ("precedent", "needs", "preference", "distance", "experience")
WEIGHTS = {
    "precedent": 35,
    "needs": 30,
    "preference": 20,
    "distance": 10,
    "experience": 5,
}

# Municipality view: how close the company's past hosts are to this municipality,
# how much it has done in the fields asked for, and how many people it sends.
PARTNER_TERMS = ("peer", "field", "scale")
PARTNER_WEIGHTS = {"peer": 40, "field": 35, "scale": 25}

# What "similar" compares: size, age, settlement and economy. Tertiary industry is
# left out: the three shares add up to about 100, so it would count twice.
SIMILARITY_FEATURES = ("log_pop", "pct65", "log_density", "primary", "secondary")

# Needs: 過疎 status as a level (みなし過疎 counts the whole municipality as 過疎).
KASO_LEVELS = {"全部過疎": 1.0, "みなし過疎": 1.0, "一部過疎": 0.5}

# Distance: closeness is 1 / (1 + km / HALF_DISTANCE_KM), a half at 500 km (about
# Tokyo to Osaka by straight line), a fifth at 2,000 km.
HALF_DISTANCE_KM = 500
EARTH_RADIUS_KM = 6371.0

# Experience: hosting in another field than the one asked for counts half.
OTHER_FIELD_EXPERIENCE = 0.5

# Municipality view: this many records in the fields asked for count in full.
FULL_FIELD_RECORDS = 3

# The 8 regional blocks (地方区分) by prefecture code; 三重 is in 近畿 as in the
# usual eight-block division.
BLOCKS = {
    "hokkaido": ("01",),
    "tohoku": ("02", "03", "04", "05", "06", "07"),
    "kanto": ("08", "09", "10", "11", "12", "13", "14"),
    "chubu": ("15", "16", "17", "18", "19", "20", "21", "22", "23"),
    "kinki": ("24", "25", "26", "27", "28", "29", "30"),
    "chugoku": ("31", "32", "33", "34", "35"),
    "shikoku": ("36", "37", "38", "39"),
    "kyushu": ("40", "41", "42", "43", "44", "45", "46", "47"),
}
BLOCK_OF = {pref: block for block, prefs in BLOCKS.items() for pref in prefs}

# Municipality sizes by 2020 population: lower bounds. 5万 is the population a
# 市 must have when it is made one; 20万 that of a 中核市.
SIZES = (("xs", 0), ("s", 5_000), ("m", 20_000), ("l", 50_000), ("xl", 200_000))

# The columns of rank_municipalities().
RESULT_COLUMNS = (
    "rank",
    "code",
    "name",
    "pref_name",
    "pref",
    "score",
    *TERMS,
    "distance_km",
    "peer_code",
    "peer_name",
    "peer_similarity",
    "hosts",
    "eligibility",
    "reasons",
    "lat",
    "lon",
)

# The columns of rank_companies().
COMPANY_COLUMNS = (
    "rank",
    "company",
    "key",
    "score",
    *PARTNER_TERMS,
    "records",
    "peer_name",
    "peer_similarity",
    "ranked_people",
    "works_here",
    "reasons",
)

# How many results a page shows at most.
DEFAULT_LIMIT = 100

# The page's two views, and the company's prefecture when none is chosen (東京都:
# most dispatching companies are there).
MODES = ("company", "municipality")
DEFAULT_PREFECTURE = "13"
# The company view's map draws this many best results in the "top" colour.
TOP_ON_MAP = 10
# The direct step links the official websites of this many best results.
WEBSITES = 3

# How the deck's 10 routes (agreement_origins.csv `no`) become steps. Routes 9
# (その他) and 10 (回答なし) say nothing a reader could act on.
STEPS = (
    ("known", (1, 2)),
    ("mic_site", (3, 4)),
    ("direct", (5, 6)),
    ("cabinet_office", (7,)),
    ("intermediary", (8,)),
)
MUNICIPALITY_SIDE = "自治体側"
COMPANY_SIDE = "企業側"
# MIC's own case pages among the host records' sources.
MIC_CASE_PREFIX = "https://www.soumu.go.jp/kankeijinkou/"

# The tables a profile is built from; the cache is keyed on their files.
PROFILE_TABLES = (
    "municipalities",
    "prefectures",
    "population",
    "kaso",
    "resident_register",
    "hosts",
    "regional_requirement",
    "teijuu_jiritsuken",
    "company_ranking",
)


def pref_code_of(value: str | int) -> str:
    """A prefecture code as the tables write it: 13, "13" and " 1" give "13", "01".

    Anything that is not a number of one or two digits is returned as text, for
    the check of the request to refuse by name.
    """
    if isinstance(value, bool):  # a bool is an int, but never a prefecture
        return str(value)
    text = str(value).strip()
    return text.zfill(2) if text.isdecimal() and len(text) <= 2 else text


@dataclass(frozen=True)
class CompanyRequest:
    """What a company tells us: where it is, what it is good at, what it prefers.

    Prefecture codes may be given as numbers (`CompanyRequest(13)`) or one-digit
    text; they are kept as the tables' 2-digit codes. Lists become tuples.
    """

    pref_code: str  # the company's prefecture (2 digits)
    fields: tuple[str, ...] = ()  # host-record field names, e.g. ("DX", "観光振興")
    blocks: tuple[str, ...] = ()  # keys of BLOCKS
    prefectures: tuple[str, ...] = ()  # preferred prefectures (2 digits)
    sizes: tuple[str, ...] = ()  # keys of SIZES

    def __post_init__(self) -> None:
        # Frozen: the normalised values are set the way dataclasses set them.
        set_ = object.__setattr__
        set_(self, "pref_code", pref_code_of(self.pref_code))
        set_(self, "prefectures", tuple(pref_code_of(p) for p in self.prefectures))
        for name in ("fields", "blocks", "sizes"):
            value = getattr(self, name)
            set_(self, name, (value,) if isinstance(value, str) else tuple(value))


@dataclass(frozen=True)
class _Model:
    profiles: pd.DataFrame  # one row per municipality, in code order
    z: np.ndarray  # standardised SIMILARITY_FEATURES, rows as in profiles
    row_of: dict[str, int]  # code -> row
    records: pd.DataFrame  # host records with a company key
    ranking: pd.DataFrame  # the latest year of the company ranking, with keys
    rows: list[dict]  # profiles as plain dicts, for explaining results quickly
    work: dict[str, list[tuple[str, str | None]]]  # code -> (company, field)


# --- Options and labels ------------------------------------------------------------


def field_options() -> list[str]:
    """The programme's 15 fields as the host records name them, in the deck's order."""
    return list(HOST_FIELD_CATEGORIES)


def field_label(field: str, lang: str) -> str:
    """A field's short name, as the host records write it, in `lang`."""
    return label(field, lang)


def block_label(block: str, lang: str) -> str:
    """The name of a regional block."""
    return translate(f"matching.block_{block}", lang)


def size_of(population: float) -> str:
    """The size class (key of SIZES) of a 2020 population."""
    result = SIZES[0][0]
    for key, lower in SIZES:
        if population >= lower:
            result = key
    return result


def size_label(size: str, lang: str) -> str:
    """The population range of a size class, in words."""
    return translate(f"matching.size_{size}", lang)


def kaso_label(kaso_type: str | None, lang: str) -> str:
    """The 過疎 status in words ("not designated" when it is not listed)."""
    if kaso_type is None or pd.isna(kaso_type):
        return translate("matching.kaso_none", lang)
    return label(kaso_type, lang)


def pref_column(lang: str) -> str:
    """The column of a prefecture's name in `lang`: pref_name (ja) or pref_en."""
    return "pref_name" if lang == "ja" else "pref_en"


def place_label(name: str, pref: str, lang: str) -> str:
    """A municipality with its prefecture: "志摩市（三重県）", "志摩市 (Mie)"."""
    return translate("matching.place", lang, name=name, pref=pref)


# --- Profiles and similarity -------------------------------------------------------


def _model() -> _Model:
    folder = data.data_dir()
    signature = tuple(
        data.signature(folder / data.TABLES[name].path) for name in PROFILE_TABLES
    )
    return _build(str(folder), signature)


def clear_cache() -> None:
    """Forget the profiles, so the next call reads the files again."""
    _build.cache_clear()


@shared_cache(maxsize=4)
def _build(folder: str, signature: tuple) -> _Model:
    master = data.load("municipalities")
    population = data.load("population").set_index("code")
    kaso = data.load("kaso").set_index("code")["kaso_type"]
    verdicts = eligibility.host_verdicts().set_index("code")

    frame = master[
        ["code", "name", "name_kana", "pref_code", "pref_name", "type", "lat", "lon"]
    ].copy()
    pref_en = data.load("prefectures").set_index("pref_code")["pref_en"]
    frame.insert(5, "pref_en", frame["pref_code"].map(pref_en))
    codes = frame["code"]
    pop = codes.map(population["pop_2020"]).astype(float)
    frame["pop"] = pop
    frame["density"] = codes.map(population["pop_density_2020"]).astype(float)
    frame["pct65"] = codes.map(population["pct_age65plus_2020"]).astype(float)
    for name in ("primary", "secondary", "tertiary"):
        column = f"pct_{name}_industry_2020"
        frame[name] = codes.map(population[column]).astype(float)
    frame["kaso_type"] = codes.map(kaso)
    frame["change_pct"] = codes.map(_population_change())
    frame["block"] = frame["pref_code"].map(BLOCK_OF)
    frame["size"] = pop.map(size_of)
    frame["status"] = codes.map(verdicts["status"])
    frame["verdict"] = codes.map(verdicts["verdict"])
    frame["estimated"] = codes.map(verdicts["estimated"]).astype(bool)
    frame["eligibility_reason"] = codes.map(verdicts["reasons"]).map(lambda r: r[0])

    # Needs: each indicator from 0 (least) to 1 (most), averaged over those known.
    frame["ageing"] = frame["pct65"].rank(pct=True)
    frame["kaso_level"] = frame["kaso_type"].map(KASO_LEVELS).fillna(0.0)
    frame["decline"] = (-frame["change_pct"]).rank(pct=True)
    frame["needs"] = frame[["ageing", "kaso_level", "decline"]].mean(axis=1)

    records = hosts.records().copy()
    records["key"] = records["company"].map(company_key)
    frame["records"] = codes.map(records.groupby("code").size()).fillna(0).astype(int)

    # Zero people (双葉町, evacuated in 2020) has no logarithm: left unknown.
    log_pop = np.log10(pop.where(pop > 0))
    log_density = np.log10(frame["density"].where(frame["density"] > 0))
    features = pd.DataFrame(
        {
            "log_pop": log_pop,
            "pct65": frame["pct65"],
            "log_density": log_density,
            "primary": frame["primary"],
            "secondary": frame["secondary"],
        }
    )[list(SIMILARITY_FEATURES)]
    z = ((features - features.mean()) / features.std(ddof=0)).to_numpy()

    ranking = data.load("company_ranking")
    latest = ranking[ranking["fiscal_year"] == ranking["fiscal_year"].max()].copy()
    latest["key"] = latest["company"].map(company_key)

    frame = frame.reset_index(drop=True)
    logger.info(
        "matching profiles: %d municipalities, %d host records",
        len(frame),
        len(records),
    )
    records = records.reset_index(drop=True)
    return _Model(
        frame,
        z,
        {code: i for i, code in enumerate(frame["code"])},
        records,
        latest.reset_index(drop=True),
        frame.to_dict("records"),
        _work_by_code(records),
    )


def _work_by_code(records: pd.DataFrame) -> dict[str, list[tuple[str, str | None]]]:
    """Who worked where, in which field: code -> [(company, field), ...], unique."""
    work: dict[str, list[tuple[str, str | None]]] = {}
    for code, company, field in zip(
        records["code"], records["company"], records["field"], strict=True
    ):
        pair = (company, None if field is None or pd.isna(field) else field)
        if pair not in work.setdefault(code, []):
            work[code].append(pair)
    return work


def _population_change() -> pd.Series:
    """Population change 2015→2020 in percent, by code (metro prefectures only)."""
    register = data.load("resident_register")
    wide = register.pivot_table(
        index="code", columns="year", values="population", aggfunc="sum"
    )
    if not {2015, 2020} <= set(wide.columns):
        return pd.Series(dtype=float)
    before, after = wide[2015].astype(float), wide[2020].astype(float)
    return ((after / before - 1) * 100).where(before > 0).dropna()


def profiles() -> pd.DataFrame:
    """One row per municipality: what the matching knows about it.

    Columns: code, name, name_kana, pref_code, pref_name, pref_en, type, lat, lon,
    pop, density, pct65, primary, secondary, tertiary (census 2020), kaso_type,
    change_pct (2015→2020, metro prefectures only), block, size, status,
    verdict, estimated, eligibility_reason, ageing, kaso_level, decline, needs
    (the needs indicators, 0 to 1), records (host records). Read-only, cached.
    """
    return _model().profiles


def distances(
    z_from: np.ndarray, z_to: np.ndarray
) -> np.ndarray:  # shape (len(z_from), len(z_to))
    """Standardised distances between two sets of profiles.

    The root-mean-square difference over the features both profiles have, in
    standard deviations; NaN where they share none.
    """
    diff = z_from[:, None, :] - z_to[None, :, :]
    known = ~np.isnan(diff)
    squares = np.where(known, diff, 0.0) ** 2
    count = known.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(squares.sum(axis=2) / count)


def similarity(distance: np.ndarray | float) -> np.ndarray | float:
    """1 / (1 + distance): 1 for identical profiles, 0 where unknown."""
    value = 1.0 / (1.0 + np.asarray(distance, dtype=float))
    return np.nan_to_num(value, nan=0.0)


def find_code(code: str) -> str:
    """The 5-digit code of a municipality, checked against the master."""
    code5 = eligibility.normalize_code(code)
    if code5 not in _model().row_of:
        raise KigyojinError(
            "check.error_unknown_municipality",
            value=code5,
            count=fmt.number(len(_model().row_of)),
        )
    return code5


def great_circle_km(
    lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Straight-line (great-circle) distance in km on a sphere of Earth's radius."""
    p1, p2 = math.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - math.radians(lon1)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _records_in(records: pd.DataFrame, fields: Iterable[str]) -> pd.DataFrame:
    """Records in any of `fields`; every record when none is given."""
    chosen = list(fields)
    if not chosen:
        return records
    return records[records["field"].isin(chosen)]


# --- For a company: municipalities -------------------------------------------------


def rank_municipalities(
    request: CompanyRequest, lang: str = "ja", limit: int | None = DEFAULT_LIMIT
) -> pd.DataFrame:
    """Eligible municipalities ranked by fit for `request`, best first, with reasons.

    Columns: rank, code, name, pref_name, pref (the prefecture's name in `lang`),
    score (0-100), one column of points per term of TERMS (they add up to the
    score; NaN for a term that does not apply),
    distance_km, peer_code, peer_name, peer_similarity, hosts (records of its
    own), eligibility (in words), reasons (a tuple of sentences), lat, lon.
    Ties are broken by code. Ineligible municipalities are never included.
    """
    _check_request(request)
    model = _model()
    frame = model.profiles
    terms = pd.DataFrame(index=frame.index, columns=list(TERMS), dtype=float)

    # Precedent: the most similar *other* municipality that hosts in the fields.
    in_fields = _records_in(model.records, request.fields)
    host_codes = sorted(set(in_fields["code"]))
    peer_row = np.full(len(frame), -1)
    peer_distance = np.full(len(frame), np.nan)
    if host_codes:
        host_rows = np.array([model.row_of[c] for c in host_codes])
        matrix = distances(model.z, model.z[host_rows])
        matrix[host_rows, np.arange(len(host_rows))] = np.nan  # not itself
        filled = np.where(np.isnan(matrix), np.inf, matrix)
        nearest = filled.argmin(axis=1)
        best = filled[np.arange(len(frame)), nearest]
        found = np.isfinite(best)
        peer_row = np.where(found, host_rows[nearest], -1)
        peer_distance = np.where(found, best, np.nan)
        terms["precedent"] = similarity(peer_distance)

    terms["needs"] = frame["needs"]

    preferences = []
    if request.blocks or request.prefectures:
        preferences.append(
            frame["block"].isin(request.blocks)
            | frame["pref_code"].isin(request.prefectures)
        )
    if request.sizes:
        preferences.append(frame["size"].isin(request.sizes))
    if preferences:
        terms["preference"] = pd.concat(preferences, axis=1).astype(float).mean(axis=1)

    office = data.load("prefectures").set_index("pref_code").loc[request.pref_code]
    km = great_circle_km(
        float(office["lat"]),
        float(office["lon"]),
        frame["lat"].to_numpy(float),
        frame["lon"].to_numpy(float),
    )
    terms["distance"] = 1.0 / (1.0 + km / HALF_DISTANCE_KM)

    hosting = set(model.records["code"])
    in_field = set(in_fields["code"]) if request.fields else hosting
    terms["experience"] = np.where(
        frame["code"].isin(in_field),
        1.0,
        np.where(frame["code"].isin(hosting), OTHER_FIELD_EXPERIENCE, 0.0),
    )

    points, score = _points(terms, WEIGHTS)
    result = pd.DataFrame(
        {
            "code": frame["code"],
            "name": frame["name"],
            "pref_name": frame["pref_name"],
            "score": score,
            **{term: points[term] for term in TERMS},
            "distance_km": km,
            "peer_row": peer_row,
            "peer_distance": peer_distance,
            "eligible": frame["status"] == eligibility.ELIGIBLE,
        }
    )
    result = result[result["eligible"]]
    # Rounded so that floating-point noise cannot reorder equal scores.
    result = result.assign(_key=result["score"].round(9)).sort_values(
        ["_key", "code"], ascending=[False, True], kind="stable"
    )
    if limit is not None:
        result = result.head(limit)
    return _explain_municipalities(result, request, in_fields, lang)


def _check_request(request: CompanyRequest) -> None:
    prefectures = set(data.load("prefectures")["pref_code"])
    if request.pref_code not in prefectures:
        raise KigyojinError("matching.error_prefecture", value=request.pref_code)
    unknown = (
        [f for f in request.fields if f not in HOST_FIELD_CATEGORIES]
        + [b for b in request.blocks if b not in BLOCKS]
        + [p for p in request.prefectures if p not in prefectures]
        + [s for s in request.sizes if s not in dict(SIZES)]
    )
    if unknown:
        raise KigyojinError("matching.error_option", value="、".join(unknown))


def _points(
    terms: pd.DataFrame, weights: dict[str, int]
) -> tuple[pd.DataFrame, pd.Series]:
    """Points per term out of 100 over the terms that apply, and their sum.

    A term applies when it has a value for at least one row; a row's missing value
    of an applying term counts as 0.
    """
    active = [t for t in terms.columns if terms[t].notna().any()]
    total = sum(weights[t] for t in active)
    points = pd.DataFrame(index=terms.index, columns=terms.columns, dtype=float)
    for term in active:
        points[term] = terms[term].fillna(0.0) * weights[term] / total * 100
    return points, points[active].sum(axis=1)


def _explain_municipalities(
    result: pd.DataFrame, request: CompanyRequest, in_fields: pd.DataFrame, lang: str
) -> pd.DataFrame:
    model = _model()
    tr = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    pref = pref_column(lang)
    office = data.load("prefectures").set_index("pref_code").loc[request.pref_code]
    office_name = office[pref]
    field_work = _work_by_code(in_fields)
    rows = []
    for rank, item in enumerate(result.itertuples(index=False), start=1):
        profile = model.rows[model.row_of[item.code]]
        reasons = []
        peer_code = peer_name = None
        peer_similarity = np.nan
        if item.peer_row >= 0:
            peer = model.rows[int(item.peer_row)]
            peer_code, peer_name = peer["code"], peer["name"]
            peer_similarity = float(similarity(item.peer_distance))
            reasons.append(
                tr(
                    "matching.reason_precedent",
                    peer=peer["name"],
                    pref=peer[pref],
                    similarity=f"{peer_similarity:.2f}",
                    work=_work_text(field_work[peer_code], lang),
                )
            )
        elif not pd.isna(item.precedent):
            reasons.append(tr("matching.reason_no_peer"))
        if item.code in model.work:
            reasons.append(
                tr(
                    "matching.reason_hosts",
                    work=_work_text(model.work[item.code], lang),
                )
            )
        else:
            reasons.append(tr("matching.reason_no_hosts"))
        reasons.extend(needs_text(profile, lang))
        reasons.append(
            tr(
                "matching.reason_distance",
                office=office_name,
                km=fmt.number(item.distance_km),
            )
        )
        if not pd.isna(item.preference):
            reasons.extend(_preference_text(profile, request, lang))
        rows.append(
            {
                "rank": rank,
                "code": item.code,
                "name": item.name,
                "pref_name": item.pref_name,
                "pref": profile[pref],
                "score": item.score,
                **{term: getattr(item, term) for term in TERMS},
                "distance_km": item.distance_km,
                "peer_code": peer_code,
                "peer_name": peer_name,
                "peer_similarity": peer_similarity,
                "hosts": int(profile["records"]),
                "eligibility": eligibility_text(profile, lang),
                "reasons": tuple(reasons),
                "lat": profile["lat"],
                "lon": profile["lon"],
            }
        )
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def _work_text(work: list[tuple[str, str | None]], lang: str) -> str:
    """ "株式会社JTB（観光振興）、…": who worked there, in which field."""
    parts = [
        company
        if field is None
        else translate(
            "matching.company_field",
            lang,
            company=company,
            field=field_label(field, lang),
        )
        for company, field in work
    ]
    return translate("matching.list_separator", lang).join(parts)


def needs_text(profile: Mapping, lang: str) -> list[str]:
    """The needs of one municipality as the data shows them, in sentences."""
    tr = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    lines = []
    if pd.isna(profile["pct65"]):
        lines.append(tr("matching.need_no_census"))
    else:
        lines.append(
            tr(
                "matching.need_ageing",
                pct=fmt.percent(profile["pct65"]),
                top=fmt.number(max(1.0, (1 - profile["ageing"]) * 100)),
            )
        )
    lines.append(tr("matching.need_kaso", kaso=kaso_label(profile["kaso_type"], lang)))
    if not pd.isna(profile["change_pct"]):
        lines.append(
            tr("matching.need_change", change=fmt.signed(profile["change_pct"], 1))
        )
    if not pd.isna(profile["primary"]):
        lines.append(
            tr(
                "matching.need_industry",
                primary=fmt.percent(profile["primary"]),
                secondary=fmt.percent(profile["secondary"]),
                tertiary=fmt.percent(profile["tertiary"]),
            )
        )
    return lines


def _preference_text(profile: Mapping, request: CompanyRequest, lang: str) -> list[str]:
    tr = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    parts = []
    if request.blocks or request.prefectures:
        inside = (
            profile["block"] in request.blocks
            or profile["pref_code"] in request.prefectures
        )
        parts.append(
            tr(
                "matching.pref_region_yes" if inside else "matching.pref_region_no",
                region=tr(
                    "matching.region_place",
                    block=block_label(profile["block"], lang),
                    pref=profile[pref_column(lang)],
                ),
            )
        )
    if request.sizes:
        key = "yes" if profile["size"] in request.sizes else "no"
        parts.append(
            tr(f"matching.pref_size_{key}", size=size_label(profile["size"], lang))
        )
    return parts


def eligibility_text(profile: Mapping, lang: str) -> str:
    """The host verdict in a few words, 目安 where it is an estimate."""
    verdict = profile["verdict"]
    if verdict == eligibility.ELIGIBLE and profile["estimated"]:
        return translate("matching.eligible_estimated", lang)
    return translate(f"matching.verdict_{verdict}", lang)


# --- For a municipality: profile, peers, companies ---------------------------------


def profile(code: str) -> pd.Series:
    """The profile of one municipality (a row of `profiles()`)."""
    model = _model()
    return model.profiles.iloc[model.row_of[find_code(code)]]


def peers(
    code: str, fields: Iterable[str] = (), lang: str = "ja", limit: int = 10
) -> pd.DataFrame:
    """The hosting municipalities most similar to `code`, with their host records.

    Only municipalities with a record in `fields` count (any field when none is
    given); the municipality itself is left out. One row per record, the most
    similar peer first, ties by code. Columns: peer_rank, code, name, pref_name,
    pref (its name in `lang`), similarity, company, field, type, start, sources,
    lat, lon.
    """
    model = _model()
    code5 = find_code(code)
    records = _records_in(model.records, fields)
    codes = sorted(set(records["code"]) - {code5})
    columns = [
        "peer_rank",
        "code",
        "name",
        "pref_name",
        "pref",
        "similarity",
        "company",
        "field",
        "type",
        "start",
        "sources",
        "lat",
        "lon",
    ]
    if not codes:
        return pd.DataFrame(columns=columns)
    rows = np.array([model.row_of[c] for c in codes])
    distance = distances(model.z[[model.row_of[code5]]], model.z[rows])[0]
    order = pd.DataFrame(
        {"code": codes, "similarity": similarity(distance)}
    ).sort_values(["similarity", "code"], ascending=[False, True], kind="stable")
    order = order.head(limit).reset_index(drop=True)
    order["peer_rank"] = order.index + 1
    places = model.profiles.set_index("code")[["lat", "lon", pref_column(lang)]]
    places = places.rename(columns={pref_column(lang): "pref"})
    joined = order.merge(
        records[
            ["code", "name", "pref_name", "company", "field", "type", "start"]
        ].assign(sources=records["sources"]),
        on="code",
    ).sort_values(["peer_rank", "company"], kind="stable")
    joined = joined.join(places, on="code")
    return joined[columns].reset_index(drop=True)


def rank_companies(
    code: str,
    fields: Iterable[str] = (),
    lang: str = "ja",
    limit: int | None = DEFAULT_LIMIT,
) -> pd.DataFrame:
    """Companies with a host record in `fields` ranked for the municipality `code`.

    Any field counts when none is given. Columns: rank, company, key, score, one
    column of points per term of PARTNER_TERMS, records (in the fields), peer_name,
    peer_similarity, ranked_people (FY of the ranking; NaN if not ranked),
    works_here (it already sends someone to `code`), reasons (a tuple of
    sentences). Ties are broken by the company's matching key.
    """
    model = _model()
    code5 = find_code(code)
    chosen = list(fields)
    unknown = [f for f in chosen if f not in HOST_FIELD_CATEGORIES]
    if unknown:
        raise KigyojinError("matching.error_option", value="、".join(unknown))
    records = _records_in(model.records, chosen)
    if records.empty:
        return pd.DataFrame(columns=list(COMPANY_COLUMNS))
    here = model.z[[model.row_of[code5]]]
    place_codes = sorted(set(records["code"]))
    rows = np.array([model.row_of[c] for c in place_codes])
    place_similarity = pd.Series(
        similarity(distances(here, model.z[rows])[0]), index=place_codes
    )
    ranking = model.ranking.drop_duplicates("key").set_index("key")
    top_people = float(ranking["people"].max()) if not ranking.empty else 0.0

    by_key = records.groupby("key", sort=True)
    table = pd.DataFrame(
        {
            "company": by_key["company"].first(),
            "records": by_key.size(),
            "works_here": by_key["code"].agg(lambda codes: code5 in set(codes)),
            "places": by_key["name"].agg(lambda names: tuple(dict.fromkeys(names))),
            "fields_done": by_key["field"].agg(lambda f: set(f.dropna())),
        }
    )
    # The most similar place each company worked in, other than here; equal
    # similarity by code.
    elsewhere = records[records["code"] != code5].assign(
        _s=lambda f: f["code"].map(place_similarity)
    )
    best = (
        elsewhere.sort_values(["_s", "code"], ascending=[False, True], kind="stable")
        .drop_duplicates("key")
        .set_index("key")
    )
    table["peer_name"] = best["name"].reindex(table.index)
    pref_of = model.profiles.set_index("code")[pref_column(lang)]
    table["peer_pref"] = best["code"].map(pref_of).reindex(table.index)
    table["peer_similarity"] = best["_s"].reindex(table.index)
    table["ranked_people"] = ranking["people"].reindex(table.index).astype(float)
    table["ranked_rank"] = ranking["rank"].reindex(table.index)
    terms = pd.DataFrame(
        {
            "peer": table["peer_similarity"].fillna(0.0),
            "field": (table["records"] / FULL_FIELD_RECORDS).clip(upper=1.0),
            "scale": (table["ranked_people"] / top_people).fillna(0.0)
            if top_people
            else 0.0,
        }
    )
    points, score = _points(terms[list(PARTNER_TERMS)], PARTNER_WEIGHTS)
    table["score"] = score
    for term in PARTNER_TERMS:
        table[term] = points[term]
    table = table.reset_index()
    table = table.assign(_key=table["score"].round(9)).sort_values(
        ["_key", "key"], ascending=[False, True], kind="stable"
    )
    if limit is not None:
        table = table.head(limit)
    year = int(model.ranking["fiscal_year"].max()) if not model.ranking.empty else None
    table["rank"] = range(1, len(table) + 1)
    table["reasons"] = [
        tuple(_company_reasons(item, chosen, year, lang))
        for item in table.to_dict("records")
    ]
    return table[list(COMPANY_COLUMNS)].reset_index(drop=True)


def _company_reasons(
    item: dict, fields: list[str], year: int | None, lang: str
) -> list[str]:
    tr = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    separator = translate("matching.list_separator", lang)
    places = separator.join(item["places"])
    if fields:
        named = [field_label(f, lang) for f in fields if f in item["fields_done"]]
        reasons = [
            tr(
                "matching.reason_field_records",
                count=item["records"],
                fields=separator.join(named),
                places=places,
            )
        ]
    else:
        reasons = [tr("matching.reason_records", count=item["records"], places=places)]
    if not pd.isna(item["peer_name"]):
        reasons.append(
            tr(
                "matching.reason_company_peer",
                peer=item["peer_name"],
                pref=item["peer_pref"],
                similarity=f"{item['peer_similarity']:.2f}",
            )
        )
    if item["works_here"]:
        reasons.append(tr("matching.reason_works_here"))
    if pd.isna(item["ranked_people"]) or year is None:
        reasons.append(tr("matching.reason_not_ranked"))
    else:
        reasons.append(
            tr(
                "matching.reason_ranked",
                year=fmt.fiscal_year(year, lang),
                people=fmt.number(item["ranked_people"]),
                rank=int(item["ranked_rank"]),
            )
        )
    return reasons


# --- How to approach ---------------------------------------------------------------


def approach_steps() -> pd.DataFrame:
    """The deck's routes to an agreement grouped into steps, with shares.

    Columns: step (a key of STEPS), routes (their numbers), people, share (percent
    of all agreements, from the counts), municipality_share and company_share
    (the part of it where that side approached). Routes 9 and 10 are left out.
    """
    origins = data.load("agreement_origins").set_index("no")
    total = int(origins["people"].sum())
    rows = []
    for step, routes in STEPS:
        part = origins.loc[[r for r in routes if r in origins.index]]
        by_side = part.groupby("side")["people"].sum()
        rows.append(
            {
                "step": step,
                "routes": routes,
                "people": int(part["people"].sum()),
                "share": part["people"].sum() / total * 100,
                "municipality_share": by_side.get(MUNICIPALITY_SIDE, 0) / total * 100,
                "company_share": by_side.get(COMPANY_SIDE, 0) / total * 100,
            }
        )
    return pd.DataFrame(rows)


def mic_case_pages(lang: str = "ja") -> pd.DataFrame:
    """The host records whose source is one of MIC's own case pages.

    Columns: code, name, pref_name, pref (its name in `lang`), company, field, url.
    These are the only MIC page addresses the shipped data holds.
    """
    model = _model()
    records = model.records
    pref = pref_column(lang)
    rows = [
        {
            "code": row.code,
            "name": row.name,
            "pref_name": row.pref_name,
            "pref": model.rows[model.row_of[row.code]][pref],
            "company": row.company,
            "field": row.field,
            "url": url,
        }
        for row in records.itertuples(index=False)
        for url in row.sources
        if url.startswith(MIC_CASE_PREFIX)
    ]
    columns = ["code", "name", "pref_name", "pref", "company", "field", "url"]
    return pd.DataFrame(rows, columns=columns)


def approach_rest() -> tuple[int, float]:
    """The agreements no step covers (the deck's その他 and no answer).

    Returns their people and their percent of all agreements, from the counts.
    """
    origins = data.load("agreement_origins")
    total = int(origins["people"].sum())
    in_steps = {route for _, routes in STEPS for route in routes}
    rest = int(origins.loc[~origins["no"].isin(in_steps), "people"].sum())
    return rest, rest / total * 100


# Steps whose own page (MIC's posted openings and list of cases, the Cabinet
# Office's desk of 地方創生人材支援制度) is in none of the shipped files: the page
# says so beside them instead of linking anything else in their place.
NO_OWN_PAGE = ("mic_site", "cabinet_office")

LINK_COLUMNS = ("step", "kind", "label", "url")


def approach_links(
    lang: str = "ja",
    mode: str = "company",
    codes: Iterable[str] = (),
    company_keys: Iterable[str] = (),
) -> pd.DataFrame:
    """The pages each step can link to, from the shipped data only.

    - any step: the cases of `approach_links.csv` that began that way (kind
      "case", or "mic_case" for one of MIC's own pages);
    - mic_site: MIC's case pages among the host records' sources ("mic_case");
    - direct, company view: the official websites of the municipalities `codes`
      ("website"); municipality view: a public record of each company of
      `company_keys` ("case"), to read before getting in touch.

    Columns: step, kind, label, url; steps in the order of STEPS, no address
    twice within a step. A step with no row has nothing in the data to link to.
    """
    model = _model()
    pref = pref_column(lang)

    def place(code: str) -> str:
        row = model.rows[model.row_of[code]]
        return place_label(row["name"], row[pref], lang)

    def case(step: str, code: str, company: str, url: str) -> dict:
        kind = "mic_case" if url.startswith(MIC_CASE_PREFIX) else "case"
        text = translate(
            f"matching.link_{kind}", lang, place=place(code), company=company
        )
        return {"step": step, "kind": kind, "label": text, "url": url}

    rows = [
        case(item.step, item.code, item.company, item.url)
        for item in data.load("approach_links").itertuples(index=False)
    ]
    rows += [
        case("mic_site", item.code, item.company, item.url)
        for item in mic_case_pages(lang).itertuples(index=False)
    ]
    if mode == "company":
        websites = data.load("municipalities").set_index("code")["url"]
        rows += [
            {
                "step": "direct",
                "kind": "website",
                "label": translate("matching.link_website", lang, place=place(code)),
                "url": websites[code],
            }
            for code in codes
            if isinstance(websites.get(code), str)
        ]
    else:
        records = model.records.sort_values(["key", "code"], kind="stable")
        first = records.drop_duplicates("key").set_index("key")
        rows += [
            case("direct", first.at[key, "code"], first.at[key, "company"], url)
            for key in company_keys
            if key in first.index
            for url in first.at[key, "sources"][:1]
        ]
    frame = pd.DataFrame(rows, columns=list(LINK_COLUMNS))
    order = {step: i for i, (step, _) in enumerate(STEPS)}
    frame = frame.drop_duplicates(["step", "url"])
    frame = frame.sort_values("step", key=lambda s: s.map(order), kind="stable")
    return frame.reset_index(drop=True)


# --- The page's URL, its maps and its slide ---------------------------------------


@dataclass(frozen=True)
class View:
    """What the matching page shows for a URL: its view and the choices in force."""

    mode: str  # a key of MODES
    request: CompanyRequest  # the company view's choices
    code: str | None  # the municipality view's municipality; None: none chosen
    fields: tuple[str, ...]  # the fields chosen, in either view


def _values(params: Mapping, key: str) -> list[str]:
    value = params.get(key)
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def view_of(params: Mapping[str, str | Iterable[str]]) -> View:
    """The view the matching page shows for its URL parameters.

    The page's own parameters and defaults: `mode` (municipality when a `code` is
    given, else company), `pref` (東京都), `field`, `block`, `area`, `size` and
    `code` (5 or 6 digits); a value that is not one of the choices is dropped, as
    the page drops it.
    """
    prefectures = set(data.load("prefectures")["pref_code"])
    code = None
    for value in _values(params, "code")[:1]:
        try:
            code = find_code(value)
        except KigyojinError:
            code = None
    modes = [m for m in _values(params, "mode") if m in MODES]
    mode = modes[0] if modes else ("municipality" if code else "company")
    chosen = [p for p in _values(params, "pref") if p in prefectures]
    fields = tuple(f for f in _values(params, "field") if f in HOST_FIELD_CATEGORIES)
    request = CompanyRequest(
        chosen[0] if chosen else DEFAULT_PREFECTURE,
        fields,
        tuple(b for b in _values(params, "block") if b in BLOCKS),
        tuple(p for p in _values(params, "area") if p in prefectures),
        tuple(s for s in _values(params, "size") if s in dict(SIZES)),
    )
    return View(mode, request, code, fields)


MAP_COLUMNS = ("lon", "lat", "role", "place", "detail")


def company_map_points(
    results: pd.DataFrame, pref_code: str | int, lang: str, top: int = TOP_ON_MAP
) -> pd.DataFrame:
    """The company view's map: the company's prefectural office, then each result.

    `results` as `rank_municipalities` returns them; the first `top` are "top",
    the rest "candidate". Columns as `charts.matching.points_map` takes them.
    """
    tr = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    office = (
        data.load("prefectures").set_index("pref_code").loc[pref_code_of(pref_code)]
    )
    rows = [
        {
            "lon": office["lon"],
            "lat": office["lat"],
            "role": "office",
            "place": office[pref_column(lang)],
            "detail": tr("matching.role_office"),
        }
    ]
    rows += [
        {
            "lon": item.lon,
            "lat": item.lat,
            "role": "top" if item.rank <= top else "candidate",
            "place": tr(
                "matching.map_ranked_place",
                rank=item.rank,
                place=place_label(item.name, item.pref, lang),
            ),
            "detail": tr("matching.map_score", score=fmt.number(item.score, 1)),
        }
        for item in results.itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=list(MAP_COLUMNS))


def peer_map_points(code: str, peers_found: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The municipality view's map: the municipality `code`, then each peer once.

    `peers_found` as `peers` returns them (one row per record; a peer is drawn at
    its first). Columns as `charts.matching.points_map` takes them.
    """
    tr = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    here = profile(code)
    rows = [
        {
            "lon": here["lon"],
            "lat": here["lat"],
            "role": "target",
            "place": place_label(here["name"], here[pref_column(lang)], lang),
            "detail": tr("matching.role_target"),
        }
    ]
    rows += [
        {
            "lon": item.lon,
            "lat": item.lat,
            "role": "peer",
            "place": place_label(item.name, item.pref, lang),
            "detail": tr(
                "matching.map_similarity", similarity=f"{item.similarity:.2f}"
            ),
        }
        for item in peers_found.drop_duplicates("code").itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=list(MAP_COLUMNS))


# The slide's suggestions: as many bars as a 720-px projector screen shows with
# every label.
SLIDE_LIMIT = 5
# The 出典 keys of what each direction's shortlist rests on (page and slide alike).
COMPANY_SOURCES = (
    "population",
    "kaso",
    "resident_register",
    "regional_requirement",
    "hosts",
    "municipalities",
)
MUNICIPALITY_SOURCES = ("hosts", "mic_r5", "population")


@dataclass(frozen=True)
class Shortlist:
    """The best suggestions of a view, as a slide tells them."""

    view: View
    title: str
    message: str
    rows: pd.DataFrame  # rank, label, score, then the points of each term
    terms: tuple[str, ...]  # the terms that apply, in the order of the weights
    sources: tuple[str, ...]  # keys of the sources catalog


def shortlist(
    params: Mapping[str, str | Iterable[str]], lang: str, limit: int = SLIDE_LIMIT
) -> Shortlist:
    """The matching page's best suggestions for its URL parameters (`view_of`).

    The company view: the best municipalities for the request. The municipality
    view: the best companies for the municipality, or, with none chosen, the
    company view as the page would show it on switching.
    """
    tr = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    view = view_of(params)
    separator = tr("matching.list_separator")
    fields = (
        separator.join(field_label(f, lang) for f in view.fields)
        if view.fields
        else tr("matching.slide_any_field")
    )
    if view.mode == "municipality" and view.code is not None:
        found = rank_companies(view.code, view.fields, lang, limit=None)
        here = profile(view.code)
        place = place_label(here["name"], here[pref_column(lang)], lang)
        rows = found.head(limit).rename(columns={"company": "label"})
        key = "slide_message_municipality" if len(found) else "slide_message_none"
        return Shortlist(
            view,
            tr("matching.slide_title_municipality", place=place),
            tr(f"matching.{key}", fields=fields, count=fmt.number(len(found))),
            rows[["rank", "label", "score", *PARTNER_TERMS]].reset_index(drop=True),
            PARTNER_TERMS,
            MUNICIPALITY_SOURCES,
        )
    request = view.request
    found = rank_municipalities(request, lang, limit=limit)
    names = data.load("prefectures").set_index("pref_code")[pref_column(lang)]
    preferences = [block_label(b, lang) for b in request.blocks]
    preferences += [names[p] for p in request.prefectures]
    preferences += [size_label(s, lang) for s in request.sizes]
    rows = found.assign(
        label=[
            place_label(n, p, lang)
            for n, p in zip(found["name"], found["pref"], strict=True)
        ]
    )
    return Shortlist(
        view,
        tr("matching.slide_title_company", pref=names[request.pref_code]),
        tr(
            "matching.slide_message_company",
            fields=fields,
            preferences=separator.join(preferences)
            if preferences
            else tr("matching.slide_no_preference"),
            count=fmt.number(len(eligibility.eligible_codes())),
        ),
        rows[["rank", "label", "score", *TERMS]].reset_index(drop=True),
        tuple(t for t in TERMS if found[t].notna().any()),
        COMPANY_SOURCES,
    )


def applied_filters(
    params: Mapping[str, str | Iterable[str]], lang: str
) -> list[tuple[str, str]]:
    """(name, value) of each choice of the matching view the slide applies, in
    `lang`, for a deck's title slide: the view when the URL names it, then the
    municipality, or the company's preferred regions, prefectures and sizes.

    The company's prefecture and the fields are the parameters the map slide reads
    too (`pref`, `field`); the presenter names those already.
    """
    tr = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    view = view_of(params)
    shown = []
    if _values(params, "mode"):
        shown.append((tr("matching.filter_mode"), tr(f"matching.mode_{view.mode}")))
    if view.mode == "municipality" and view.code is not None:
        here = profile(view.code)
        place = place_label(here["name"], here[pref_column(lang)], lang)
        return [*shown, (tr("matching.filter_municipality"), place)]
    request = view.request
    names = data.load("prefectures").set_index("pref_code")[pref_column(lang)]
    separator = tr("matching.list_separator")
    chosen = (
        ("blocks", [block_label(b, lang) for b in request.blocks]),
        ("areas", [names[p] for p in request.prefectures]),
        ("sizes", [size_label(s, lang) for s in request.sizes]),
    )
    shown += [
        (tr(f"matching.filter_{key}"), separator.join(values))
        for key, values in chosen
        if values
    ]
    return shown
