"""Who may host an 起業人 (受入自治体), and whether a planned dispatch qualifies.

Host verdicts come from the shipped tables, not from code:

- `regional_requirement_r4.csv`, MIC's per-municipality 地域要件確認表 for the similar
  地域おこし協力隊 programme, decides most cases: a municipality outside the 11
  prefectures of the 三大都市圏 is eligible (`outside_metro`); inside them, one whose
  area is wholly or partly 条件不利地域 is eligible (`disadvantaged_whole`,
  `disadvantaged_part`), and so is an 都市地域 the table treats as outside the metro
  areas because of its population decline (`population_decline`). These verdicts
  rest on a published table: `estimated` is False.
- `teijuu_jiritsuken.csv`, our own list of 定住自立圏 members gathered from public
  pages, adds metro-area 都市地域 members (`teijuu`). The list may be incomplete
  and is not MIC's, so these verdicts are `estimated`.
- Every other metro-area 都市地域 is ineligible. Where our lists may simply miss it
  (an unlisted 定住自立圏, a population-decline rule we cannot reproduce) the verdict
  is ineligible *and estimated* (`urban_metro`): "not eligible (目安), confirm with
  the prefecture", never a bare no. MIC counts 1,432 eligible municipalities where
  these tables give 1,426, so about six such municipalities are in fact eligible.
- A bare "ineligible" (not estimated) is given only to the cores of the metro areas:
  Tokyo's 23 特別区 (`special_ward`) and the 政令指定都市 whose whole area is 都市地域
  (`designated_city`). None of them lost population enough to be treated as outside
  the metro areas in the 確認表, and a 定住自立圏 forms around a small regional
  centre outside the big-city commuting areas, which these cores are not.

Reasons name every ground from the published table; `teijuu` is named only where
it is the ground that decides, since parts of that list are unverified.
"""

import logging
import os
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from kigyojin import data
from kigyojin.errors import KigyojinError
from kigyojin.i18n import translate

logger = logging.getLogger(__name__)

ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
INELIGIBLE_ESTIMATED = "ineligible_estimated"
STATUSES = (ELIGIBLE, INELIGIBLE)
VERDICTS = (ELIGIBLE, INELIGIBLE, INELIGIBLE_ESTIMATED)

# Grounds of a verdict, in the order they are listed.
ELIGIBLE_REASONS = (
    "outside_metro",
    "disadvantaged_whole",
    "disadvantaged_part",
    "population_decline",
    "teijuu",
)
INELIGIBLE_REASONS = ("special_ward", "designated_city", "urban_metro")
REASONS = ELIGIBLE_REASONS + INELIGIBLE_REASONS

# The tables a host verdict is computed from; the cache is keyed on their files.
HOST_TABLES = ("municipalities", "regional_requirement", "teijuu_jiritsuken")
# How often the files are looked at again: checking them on every call would cost
# more than the lookup itself (the map and matching pages ask for every code).
REVALIDATE_SECONDS = 0.5

URBAN = "都市地域"
WHOLE = "全部条件不利地域"
PART = "一部条件不利地域"


@dataclass(frozen=True)
class HostVerdict:
    """Whether a municipality may host, on what grounds, and how sure we are."""

    code: str  # 5-digit 全国地方公共団体コード
    status: str  # "eligible" or "ineligible"
    reasons: tuple[str, ...]  # keys of REASONS, see reason_text()
    estimated: bool  # rests on our own list or judgement, not a published table

    @property
    def verdict(self) -> str:
        """ "eligible", "ineligible" or "ineligible_estimated" (目安: confirm)."""
        if self.status == INELIGIBLE and self.estimated:
            return INELIGIBLE_ESTIMATED
        return self.status

    @property
    def eligible(self) -> bool:
        """True when the municipality may host."""
        return self.status == ELIGIBLE


def normalize_code(code: str) -> str:
    """The 5-digit code of a 5- or 6-digit code as typed (full-width digits too).

    Raises `KigyojinError` for anything that is not such a code, or a 6-digit code
    whose check digit is wrong. Whether the municipality exists is not checked here.
    """
    text = unicodedata.normalize("NFKC", str(code)).strip().replace("-", "")
    if len(text) == 6 and text.isascii() and text.isdigit():
        if data.check_digit(text[:5]) != text[5]:
            raise KigyojinError("check.error_check_digit", value=text)
        return text[:5]
    if len(text) == 5 and text.isascii() and text.isdigit():
        return text
    raise KigyojinError("check.error_bad_code", value=str(code).strip()[:20])


def check_host(code: str) -> HostVerdict:
    """The host verdict of the municipality `code` (5 or 6 digits).

    E.g. `check_host("012092")` (夕張市) is eligible with reasons `("outside_metro",)`.
    """
    code5 = normalize_code(code)
    verdict = _current()[1].get(code5)
    if verdict is None:
        raise KigyojinError("check.error_unknown_code", value=code5)
    return verdict


def host_verdicts() -> pd.DataFrame:
    """One row per municipality: code, status, verdict, estimated, reasons.

    Cached until one of the data files changes; treat it as read-only.
    """
    return _current()[0]


def eligible_codes() -> frozenset[str]:
    """The 5-digit codes of every municipality that may host."""
    return _current()[2]


def reason_text(reason: str, lang: str) -> str:
    """A reason key in words, in `lang`."""
    if reason not in REASONS:
        raise KigyojinError("check.error_unknown_reason", value=reason)
    return translate(f"check.reason_{reason}", lang)


# Per data folder: when its files were last looked at, and what they were then.
_checked: dict[str, tuple[float, tuple]] = {}


def _current() -> tuple[pd.DataFrame, dict[str, HostVerdict], frozenset[str]]:
    # Keyed on the override as set, which is cheaper to read than data_dir().
    override = os.environ.get("KIGYOJIN_DATA_DIR", "")
    now = time.monotonic()
    seen = _checked.get(override)
    if seen is None or now - seen[0] > REVALIDATE_SECONDS:
        folder = data.data_dir()
        signature = tuple(
            data._signature(folder / data.TABLES[name].path) for name in HOST_TABLES
        )
        seen = (now, (str(folder), *signature))
        _checked[override] = seen
    return _verdicts(seen[1])


def clear_cache() -> None:
    """Forget the verdicts, so the next call reads the files again."""
    _checked.clear()
    _verdicts.cache_clear()


@lru_cache(maxsize=4)
def _verdicts(
    signature: tuple,
) -> tuple[pd.DataFrame, dict[str, HostVerdict], frozenset[str]]:
    master = data.load("municipalities")
    requirement = data.load("regional_requirement").set_index("code")
    teijuu = set(data.load("teijuu_jiritsuken")["code"])

    frame = master[["code", "type", "designated_city"]].join(
        requirement[["metro_prefecture", "pop_decline_exception", "zone_class"]],
        on="code",
    )
    metro = frame["metro_prefecture"].eq(1).to_numpy()
    zone = frame["zone_class"].to_numpy()
    grounds = {
        "outside_metro": ~metro,
        "disadvantaged_whole": metro & (zone == WHOLE),
        "disadvantaged_part": metro & (zone == PART),
        "population_decline": metro & frame["pop_decline_exception"].eq(1).to_numpy(),
    }
    official = np.logical_or.reduce(list(grounds.values()))
    grounds["teijuu"] = ~official & frame["code"].isin(teijuu).to_numpy()
    eligible = official | grounds["teijuu"]
    urban = ~eligible
    grounds["special_ward"] = urban & (frame["type"] == "特別区").to_numpy()
    grounds["designated_city"] = urban & frame["designated_city"].eq(1).to_numpy()
    grounds["urban_metro"] = (
        urban & ~grounds["special_ward"] & ~grounds["designated_city"]
    )

    flags = np.column_stack([grounds[reason] for reason in REASONS])
    names = np.array(REASONS, dtype=object)
    reasons = [tuple(names[row]) for row in flags]
    estimated = grounds["teijuu"] | grounds["urban_metro"]
    status = np.where(eligible, ELIGIBLE, INELIGIBLE)
    verdict = np.where(
        eligible, ELIGIBLE, np.where(estimated, INELIGIBLE_ESTIMATED, INELIGIBLE)
    )
    result = pd.DataFrame(
        {
            "code": frame["code"].to_numpy(),
            "status": status,
            "verdict": verdict,
            "estimated": estimated,
            "reasons": pd.Series(reasons, dtype=object),
        }
    )
    by_code = {
        code: HostVerdict(code, str(s), r, bool(e))
        for code, s, r, e in zip(
            result["code"], status, reasons, estimated, strict=True
        )
    }
    codes = frozenset(result.loc[eligible, "code"])
    logger.info(
        "host verdicts: %d eligible of %d (%d estimated)",
        len(codes),
        len(result),
        int(estimated.sum()),
    )
    return result, by_code, codes
