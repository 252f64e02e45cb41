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
import math
import numbers
import os
import time
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kigyojin import data, fmt, subsidy
from kigyojin import rules as rules_module
from kigyojin.caching import shared_cache
from kigyojin.errors import KigyojinError
from kigyojin.i18n import translate
from kigyojin.rules import InputError, Named, Term

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
        raise KigyojinError(
            "check.error_unknown_municipality",
            value=code5,
            count=fmt.number(len(data.load("municipalities"))),
        )
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
            data.signature(folder / data.TABLES[name].path) for name in HOST_TABLES
        )
        seen = (now, (str(folder), *signature))
        _checked[override] = seen
    return _verdicts(seen[1])


def clear_cache() -> None:
    """Forget the verdicts, so the next call reads the files again."""
    _checked.clear()
    _verdicts.cache_clear()


@shared_cache(maxsize=4)
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


# --- A planned dispatch -------------------------------------------------------------

MET = "met"
FAILED = "failed"
CONFIRM = "confirm"  # a condition only the user can check


@dataclass(frozen=True)
class Condition:
    """One condition of a planned dispatch: met, failed, or for the user to confirm."""

    key: str  # the condition, e.g. "tenure"; its words are check.cond_<key>_<state>
    state: str  # met, failed or confirm
    confidence: str  # of the rule it applies: official, quoted or assumed (目安)
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str = "ja") -> str:
        """The condition in words, in `lang`."""
        params = rules_module.localize(dict(self.params), lang)
        return translate(f"check.cond_{self.key}_{self.state}", lang, **params)

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class DispatchVerdict:
    """Whether a planned dispatch qualifies, condition by condition."""

    kind: str
    host: HostVerdict
    conditions: tuple[Condition, ...]

    @property
    def ok(self) -> bool:
        """True when no condition fails; those left to confirm are in `to_confirm`."""
        return not self.failed

    @property
    def met(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if c.state == MET)

    @property
    def failed(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if c.state == FAILED)

    @property
    def to_confirm(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if c.state == CONFIRM)

    @property
    def confidence(self) -> str:
        """The least sure confidence of the conditions: "official" or 目安."""
        return rules_module.weakest(c.confidence for c in self.conditions)

    @property
    def outcome(self) -> str:
        """ "not_ok" (a condition fails), "ok_confirm" (some to confirm) or "ok"."""
        if self.failed:
            return "not_ok"
        return "ok_confirm" if self.to_confirm else "ok"

    def headline(self, lang: str = "ja") -> str:
        """The verdict in one sentence, in `lang` ("2 conditions are not met.")."""
        if self.failed:
            return rules_module.counted(
                len(self.failed),
                lang,
                "check.verdict_not_ok_one",
                "check.verdict_not_ok_other",
            )
        return translate(f"check.verdict_{self.outcome}", lang)


def prefecture(value: str | int) -> tuple[str, Named, bool]:
    """(2-digit code, name, in the 三大都市圏) of a prefecture given by code or name."""
    table = data.load("prefectures")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text.isdigit() and len(text) <= 2:
        text = text.zfill(2)
    for row in table.itertuples():
        names = (row.pref_code, row.pref_name, row.pref_en.lower())
        # 京都府 -> 京都, 東京都 -> 東京: one suffix only. 北海道 has no short form.
        short = row.pref_name[:-1] if row.pref_name != "北海道" else ""
        if text in names or text.lower() in names or (short and text == short):
            return (
                row.pref_code,
                Named(row.pref_name, row.pref_en),
                bool(row.metro_prefecture == 1),
            )
    raise InputError("check.error_prefecture", value=str(value)[:40])


def check_dispatch(
    kind: str,
    *,
    company_prefecture: str | int,
    head_office_in_metro: bool | None,
    workplace_prefecture: str | int,
    months_since_joining: int,
    works_in_host: bool | None,
    host: str,
    start: date,
    end: date,
    days_per_month: float | None = None,
    hours_per_month: float | None = None,
    onsite_days_per_month: float | None = None,
    half_in_host: bool | None = None,
    employee: bool | None = None,
) -> DispatchVerdict:
    """Every condition of a planned dispatch of `kind` ("dispatch" or "side_job").

    `company_prefecture`: where the company is (code, 東京都 or Tokyo);
    `head_office_in_metro`: whether its head-office function (本社機能) is in the
    三大都市圏; `workplace_prefecture`: where the employee works now;
    `months_since_joining`: full months with the company at `start`;
    `works_in_host`: the employee already works in the host municipality; `host`:
    its code; `start`, `end`: the period, both days included. For "side_job": the
    days, hours and on-site days per month, and `employee` (not a freelancer).
    For "dispatch": `half_in_host`, whether at least half of the working days are
    spent in the host. An answer given as None (not known yet) makes the
    conditions it decides `to_confirm`, unless another answer settles them (a
    company in Tokyo is in the metro areas whatever its head office).

    Raises `InputError` (a ValueError) for input that cannot be judged.
    """
    rules = rules_module.load()
    subsidy.check_dates(kind, start, end, rules)
    year = subsidy.fiscal_year_of(start)
    host_verdict = check_host(host)
    _, company_name, company_metro = prefecture(company_prefecture)
    _, workplace_name, workplace_metro = prefecture(workplace_prefecture)
    for name, flag in (
        ("head_office_in_metro", head_office_in_metro),
        ("works_in_host", works_in_host),
        ("half_in_host", half_in_host),
        ("employee", employee),
    ):
        if flag is not None and not isinstance(flag, bool):
            raise InputError(
                "check.error_not_yes_no", field=Term(f"check.field_{name}")
            )
    months = _number(
        months_since_joining, "months_since_joining", MAX_TENURE_MONTHS, whole=True
    )

    def rule(key: str) -> rules_module.Rule | None:
        return rules.get(key, kind, year)

    conditions = [_host_condition(host_verdict)]

    location = rule("company_in_metro")
    if location.value:
        conditions.append(
            Condition(
                "company",
                MET if company_metro else _state(head_office_in_metro),
                location.confidence,
                (("prefecture", company_name),),
            )
        )
        # Where the head-office function is in the metro areas, the employee may
        # work anywhere; otherwise they must work there.
        exception = rule("head_office_exception")
        if workplace_metro:
            state, key, confidence = MET, "workplace", location.confidence
        elif head_office_in_metro is not False and exception.value:
            state = _state(head_office_in_metro)
            key, confidence = "workplace_head_office", exception.confidence
        else:
            state, key, confidence = FAILED, "workplace", exception.confidence
        conditions.append(
            Condition(key, state, confidence, (("prefecture", workplace_name),))
        )

    tenure = rule("min_tenure_months")
    if tenure is not None and tenure.value > 0:
        conditions.append(
            Condition(
                "tenure",
                MET if months >= tenure.value else FAILED,
                tenure.confidence,
                (("months", months), ("minimum", tenure.value)),
            )
        )
    if rule("excludes_host_workers").value:
        conditions.append(
            Condition(
                "not_host_worker",
                _state(None if works_in_host is None else not works_in_host),
                rule("excludes_host_workers").confidence,
            )
        )

    low, high = rule("period_min_months"), rule("period_max_months")
    period = subsidy.full_months(start, end)  # whole months: 6 to 36 of them
    too_long = subsidy.add_months(start, high.value) <= end
    conditions.append(
        Condition(
            "period",
            MET if period >= low.value and not too_long else FAILED,
            rules_module.weakest((low.confidence, high.confidence)),
            (
                ("start", start),
                ("end", end),
                ("length", subsidy.period_length(start, end)),
                ("minimum", low.value),
                ("maximum", high.value),
            ),
        )
    )

    share = rule("min_host_share")
    if share is not None:
        conditions.append(
            Condition(
                "half_in_host",
                _state(half_in_host),
                share.confidence,
                (("share", f"{share.value:.0%}"),),
            )
        )
    employees_only = rule("employees_only")
    if employees_only is not None and employees_only.value:
        conditions.append(
            Condition("employee", _state(employee), employees_only.confidence)
        )
    for key, given, maximum in (
        ("min_days_per_month", days_per_month, DAYS_PER_MONTH),
        ("min_hours_per_month", hours_per_month, HOURS_PER_MONTH),
        ("min_onsite_days_per_month", onsite_days_per_month, DAYS_PER_MONTH),
    ):
        minimum = rule(key)
        if minimum is None:
            continue
        if given is None:
            raise InputError(
                "check.error_side_job_missing", field=Term(f"check.field_{key}")
            )
        value = _number(given, key, maximum)
        conditions.append(
            Condition(
                key,
                MET if value >= minimum.value else FAILED,
                minimum.confidence,
                (("value", f"{value:g}"), ("minimum", f"{minimum.value:g}")),
            )
        )
    if (
        days_per_month is not None
        and onsite_days_per_month is not None
        and onsite_days_per_month > days_per_month
    ):
        raise InputError("check.error_onsite_over_days")
    return DispatchVerdict(kind, host_verdict, tuple(conditions))


# Bounds of what can be entered (not rules: a month has at most 31 days).
DAYS_PER_MONTH = 31
HOURS_PER_MONTH = 31 * 24
MAX_TENURE_MONTHS = 12 * 60


def _state(flag: bool | None) -> str:
    if flag is None:
        return CONFIRM
    return MET if flag else FAILED


def _host_condition(verdict: HostVerdict) -> Condition:
    state = MET if verdict.eligible else FAILED
    key = "host_estimated" if verdict.verdict == INELIGIBLE_ESTIMATED else "host"
    return Condition(
        key,
        state,
        "assumed" if verdict.estimated else rules_module.OFFICIAL,
        (
            (
                "name",
                Named(
                    municipality_name(verdict.code),
                    municipality_name(verdict.code, "en"),
                ),
            ),
            ("reason", Term(f"check.reason_{verdict.reasons[0]}")),
        ),
    )


def municipality_name(code: str, lang: str = "ja") -> str:
    """A municipality as 北海道 夕張市, or in English 夕張市, Hokkaido."""
    master = data.load("municipalities").set_index("code")
    name = master.at[code, "name"]
    if lang == "en":
        prefectures = data.load("prefectures").set_index("pref_code")
        return f"{name}, {prefectures.at[master.at[code, 'pref_code'], 'pref_en']}"
    return f"{master.at[code, 'pref_name']} {name}"


def _number(value: Any, field: str, maximum: float, *, whole: bool = False) -> float:
    ok = (
        not isinstance(value, bool)
        and isinstance(value, numbers.Real)
        and math.isfinite(value)
        and 0 <= value <= maximum
        and (not whole or float(value).is_integer())
    )
    if not ok:
        raise InputError(
            "check.error_bad_number",
            field=Term(f"check.field_{field}"),
            value=str(value)[:40],
            maximum=f"{maximum:g}",
        )
    return int(value) if whole else float(value)


# --- For finding a municipality and reporting a result --------------------------------


def municipality_choices(lang: str = "ja") -> pd.DataFrame:
    """Every municipality with a label to search by name, reading or code.

    Columns: code, label (e.g. 夕張市（北海道）ゆうばりし 01209, or in English
    夕張市 (Hokkaido) ゆうばりし 01209), verdict.
    """
    master = data.load("municipalities")
    prefectures = data.load("prefectures").set_index("pref_code")
    pref = master["pref_code"].map(
        prefectures["pref_en" if lang == "en" else "pref_name"]
    )
    labels = [
        translate(
            "check.choice_label", lang, name=name, prefecture=p, kana=kana, code=code
        )
        for name, p, kana, code in zip(
            master["name"], pref, master["name_kana"], master["code"], strict=True
        )
    ]
    verdicts = host_verdicts().set_index("code")["verdict"]
    return pd.DataFrame(
        {
            "code": master["code"],
            "label": labels,
            "verdict": master["code"].map(verdicts),
        }
    )


def published_count() -> tuple[int, int]:
    """MIC's published number of municipalities that may host, and its fiscal year."""
    figures = data.load("headline_figures").set_index("key")
    era_year = str(figures.at["eligible_municipalities", "fiscal_year"])
    # The deck names fiscal years by era (R6 = 令和6年度 = FY2024).
    fiscal_year = fmt.REIWA_START - 1 + int(era_year.removeprefix("R"))
    return int(figures.at["eligible_municipalities", "value"]), fiscal_year


def reason_counts() -> dict[str, int]:
    """How many municipalities have each reason as their first (deciding) one."""
    first = host_verdicts()["reasons"].map(lambda reasons: reasons[0])
    return {reason: int((first == reason).sum()) for reason in REASONS}


CONDITION_MARKS = {MET: "[OK]", FAILED: "[NG]", CONFIRM: "[?]"}


def summary_text(
    estimate: subsidy.Estimate | None,
    lang: str,
    *,
    host: HostVerdict | None = None,
    dispatch: DispatchVerdict | None = None,
    today: date | None = None,
) -> str:
    """A plain-text summary of a self-check, to print or keep (one language)."""

    def tr(key: str, **params: Any) -> str:
        return translate(f"check.{key}", lang, **params)

    today = today or date.today()
    lines = [tr("summary_title"), tr("summary_made", date=today.isoformat()), ""]
    host = dispatch.host if dispatch is not None else host
    if host is not None:
        lines.append(
            tr(
                "summary_host",
                name=municipality_name(host.code, lang),
                code=host.code,
                verdict=tr(f"verdict_{host.verdict}"),
            )
        )
        lines += [f"  - {reason_text(reason, lang)}" for reason in host.reasons]
        lines.append("")
    if dispatch is not None:
        lines.append(
            tr("summary_conditions", kind=translate(f"values.{dispatch.kind}", lang))
        )
        for condition in dispatch.conditions:
            lines.append(
                f"  {CONDITION_MARKS[condition.state]} {condition.text(lang)}"
                f" ({tr(f'confidence_{condition.confidence}')})"
            )
        lines += [tr("summary_ok" if dispatch.ok else "summary_not_ok"), ""]
    if estimate is not None:
        lines.append(
            tr(
                "summary_estimate",
                kind=translate(f"values.{estimate.kind}", lang),
                start=estimate.start.isoformat(),
                end=estimate.end.isoformat(),
                length=estimate.length.text(lang),
            )
        )
        for row in estimate.rows:
            lines.append(
                "  "
                + tr(
                    "summary_row",
                    year=fmt.fiscal_year(row.fiscal_year, lang),
                    period=subsidy.months_text(row.period_months),
                    months=row.months,
                    cost=fmt.yen(row.cost, lang),
                    cap=fmt.yen(row.cap, lang),
                    refund=fmt.yen(row.refund, lang),
                    burden=fmt.yen(row.burden, lang),
                    confidence=tr(f"confidence_{row.confidence}"),
                )
            )
        lines.append(
            "  "
            + tr(
                "summary_total",
                refund=fmt.yen(estimate.total_refund, lang),
                burden=fmt.yen(estimate.total_burden, lang),
            )
        )
        lines.append("")
    lines.append(tr("summary_note"))
    return "\n".join(lines) + "\n"
