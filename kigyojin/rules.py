"""The programme's rules as data: `data/rules.toml`, checked when it is loaded.

Every cap, rate, period bound, tenure limit and work-day condition lives in the rules
file by type and fiscal year, with its source and confidence, so an official can
correct a value without a release. `load()` reads the file, checks every entry
against `SPECS` (known key, type, range, years without gap or overlap) and raises
`DataFileError` naming the line of each broken entry.

`InputError` is the error for bad input to the calculator and the self-check: its
parameters may be catalog terms and fiscal years, shown in the user's language.
"""

import logging
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from kigyojin import data, fmt
from kigyojin.caching import shared_cache
from kigyojin.errors import DataFileError, KigyojinError, Problem
from kigyojin.i18n import translate
from kigyojin.paths import data_dir

logger = logging.getLogger(__name__)

RULES_FILE = "rules.toml"
KINDS = data.KINDS
# From the surest to the least sure; anything but "official" is shown as 目安.
CONFIDENCES = ("official", "quoted", "assumed")
OFFICIAL = "official"

# Items the state may refund, in the order of `subsidy.estimate`'s arguments.
ITEMS = ("contribution", "proposal", "preparation", "fee", "travel")
ITEM_PARTS = ("cap", "rate", "prorate")


@dataclass(frozen=True)
class Spec:
    """What a rule key holds: its type, its range, and which types must have it."""

    type: str  # int, float or bool
    minimum: float | None = None
    maximum: float | None = None
    required: tuple[str, ...] = ()  # types (kinds) that cannot do without it


# Yen amounts beyond this are a typing error in the file, not a rule.
MAX_YEN = 10_000_000_000

SPECS: dict[str, Spec] = {
    "period_min_months": Spec("int", 1, 120, KINDS),
    "period_max_months": Spec("int", 1, 120, KINDS),
    "company_in_metro": Spec("bool", required=KINDS),
    "head_office_exception": Spec("bool", required=KINDS),
    "excludes_host_workers": Spec("bool", required=KINDS),
    "min_tenure_months": Spec("int", 0, 600),
    "employees_only": Spec("bool"),
    "min_host_share": Spec("float", 0, 1),
    "min_days_per_month": Spec("float", 0, 31),
    "min_hours_per_month": Spec("float", 0, 744),
    "min_onsite_days_per_month": Spec("float", 0, 31),
    "max_amount_per_year": Spec("int", 1, MAX_YEN, KINDS),
    **{f"{item}_cap": Spec("int", 0, MAX_YEN) for item in ITEMS},
    **{f"{item}_rate": Spec("float", 0, 1) for item in ITEMS},
    **{f"{item}_prorate": Spec("bool") for item in ITEMS},
}
FIELDS = (
    "key",
    "kind",
    "fiscal_years",
    "value",
    "confidence",
    "source",
    "note",
    "note_en",
)
REQUIRED_FIELDS = ("key", "kind", "fiscal_years", "value", "confidence", "source")
# The key whose years define the fiscal years a type's rules cover.
COVERAGE_KEY = "period_min_months"


@dataclass(frozen=True)
class Rule:
    """One entry of the rules file."""

    key: str
    kind: str
    first: int  # first fiscal year it applies to
    last: int  # last fiscal year, included
    value: Any
    confidence: str
    source: str
    note: str | None
    note_en: str | None
    line: int  # where its [[rule]] header is in the file

    @property
    def official(self) -> bool:
        """True when MIC states it; otherwise it is shown as 目安."""
        return self.confidence == OFFICIAL


class Rules:
    """The checked rules, looked up by key, type and fiscal year."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self._index = {
            (rule.key, rule.kind, year): rule
            for rule in rules
            for year in range(rule.first, rule.last + 1)
        }
        self._years = {
            kind: sorted(
                year
                for (key, k, year) in self._index
                if key == COVERAGE_KEY and k == kind
            )
            for kind in KINDS
        }

    def get(self, key: str, kind: str, fiscal_year: int) -> Rule | None:
        """The rule `key` for `kind` in `fiscal_year`, or None if there is none."""
        return self._index.get((key, kind, fiscal_year))

    def fiscal_years(self, kind: str) -> range:
        """The fiscal years the rules of `kind` cover (empty if none)."""
        years = self._years.get(kind) or []
        return range(years[0], years[-1] + 1) if years else range(0)

    def items(self, kind: str, fiscal_year: int) -> tuple[str, ...]:
        """The refund items `kind` has in `fiscal_year`, in argument order."""
        return tuple(
            item for item in ITEMS if self.get(f"{item}_cap", kind, fiscal_year)
        )

    def table(self) -> pd.DataFrame:
        """Every rule as a row: key, kind, first, last, value, confidence, source…"""
        return pd.DataFrame(
            [
                {
                    "key": r.key,
                    "kind": r.kind,
                    "first": r.first,
                    "last": r.last,
                    "value": r.value,
                    "confidence": r.confidence,
                    "source": r.source,
                    "note": r.note or "",
                    "note_en": r.note_en or "",
                }
                for r in self.rules
            ],
            columns=[
                "key",
                "kind",
                "first",
                "last",
                "value",
                "confidence",
                "source",
                "note",
                "note_en",
            ],
        )


def weakest(confidences) -> str:
    """The least sure of some confidences ("official" if there are none)."""
    return max(confidences, key=CONFIDENCES.index, default=OFFICIAL)


def load() -> Rules:
    """The rules of `data/rules.toml`, checked; cached until the file changes."""
    path = data_dir() / RULES_FILE
    return _load(str(path), data.signature(path))


@shared_cache(maxsize=8)
def _load(path: str, signature: tuple[int, int]) -> Rules:
    text = _read(Path(path))
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(
            [Problem(RULES_FILE, "check.rules_syntax", params={"detail": str(error)})]
        ) from None
    lines = [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if re.fullmatch(r"\s*\[\[\s*rule\s*\]\]\s*(#.*)?", line)
    ]
    rules = parse(document, lines)
    logger.info("loaded %s: %d rules", RULES_FILE, len(rules.rules))
    return rules


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError([Problem(RULES_FILE, "errors.file_missing")]) from None
    except UnicodeDecodeError:
        raise DataFileError([Problem(RULES_FILE, "errors.not_utf8")]) from None


def parse(document: dict, lines: list[int] | None = None) -> Rules:
    """Check a parsed rules document and return its rules; `lines` locate entries."""
    problems: list[Problem] = []
    for name in document:
        if name != "rule":
            problems.append(
                Problem(RULES_FILE, "check.rules_unknown_table", params={"name": name})
            )
    entries = document.get("rule", [])
    if not isinstance(entries, list) or not entries:
        problems.append(Problem(RULES_FILE, "check.rules_none"))
        raise DataFileError(problems)
    lines = lines or []
    rules = []
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else None
        rule = _parse_entry(entry, line, problems)
        if rule is not None:
            rules.append(rule)
    if not problems:
        problems += _check_years(rules)
    if problems:
        raise DataFileError(problems)
    return Rules(tuple(rules))


def _problem(line: int | None, field: str | None, entry: str, **params) -> Problem:
    return Problem(RULES_FILE, f"check.{entry}", row=line, column=field, params=params)


def _parse_entry(entry: dict, line: int | None, problems: list[Problem]) -> Rule | None:
    before = len(problems)
    for field in entry:
        if field not in FIELDS:
            problems.append(_problem(line, field, "rules_unknown_field"))
    for field in REQUIRED_FIELDS:
        if field not in entry:
            problems.append(_problem(line, field, "rules_missing_field"))
    if len(problems) > before:
        return None

    key, kind, value = entry["key"], entry["kind"], entry["value"]
    spec = SPECS.get(key)
    if spec is None:
        problems.append(_problem(line, "key", "rules_unknown_key", value=key))
    if kind not in KINDS:
        problems.append(
            _problem(
                line, "kind", "rules_bad_kind", value=kind, choices="、".join(KINDS)
            )
        )
    years = entry["fiscal_years"]
    if not (
        isinstance(years, list)
        and len(years) == 2
        and all(isinstance(y, int) and not isinstance(y, bool) for y in years)
        and 2000 <= years[0] <= years[1] <= 2100
    ):
        problems.append(_problem(line, "fiscal_years", "rules_bad_years"))
    if entry["confidence"] not in CONFIDENCES:
        problems.append(
            _problem(
                line,
                "confidence",
                "rules_bad_confidence",
                value=entry["confidence"],
                choices="、".join(CONFIDENCES),
            )
        )
    for field in ("source", "note", "note_en"):
        text = entry.get(field, "x")
        if not isinstance(text, str) or not text.strip():
            problems.append(_problem(line, field, "rules_empty_text"))
    if ("note" in entry) != ("note_en" in entry):
        missing = "note_en" if "note" in entry else "note"
        problems.append(_problem(line, missing, "rules_missing_field"))
    if spec is not None:
        problem = _check_value(value, spec, line)
        if problem is not None:
            problems.append(problem)
    if len(problems) > before:
        return None
    return Rule(
        key,
        kind,
        years[0],
        years[1],
        float(value) if spec.type == "float" else value,
        entry["confidence"],
        entry["source"].strip(),
        (entry.get("note") or "").strip() or None,
        (entry.get("note_en") or "").strip() or None,
        line or 0,
    )


def _check_value(value: Any, spec: Spec, line: int | None) -> Problem | None:
    if spec.type == "bool":
        ok = isinstance(value, bool)
    elif spec.type == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok:
        return _problem(line, "value", "rules_bad_value", value=value, type=spec.type)
    if spec.minimum is not None and value < spec.minimum:
        return _problem(
            line,
            "value",
            "rules_out_of_range",
            value=value,
            minimum=spec.minimum,
            maximum=spec.maximum,
        )
    if spec.maximum is not None and value > spec.maximum:
        return _problem(
            line,
            "value",
            "rules_out_of_range",
            value=value,
            minimum=spec.minimum,
            maximum=spec.maximum,
        )
    return None


def _check_years(rules: list[Rule]) -> list[Problem]:
    """No overlap; every key of a type covers that type's years, without a gap."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str, int], Rule] = {}
    for rule in rules:
        for year in range(rule.first, rule.last + 1):
            other = seen.get((rule.key, rule.kind, year))
            if other is not None:
                problems.append(
                    _problem(
                        rule.line,
                        "fiscal_years",
                        "rules_overlap",
                        rule=rule.key,
                        kind=rule.kind,
                        year=year,
                        other=other.line,
                    )
                )
                break
            seen[(rule.key, rule.kind, year)] = rule
    if problems:
        return problems

    for kind in KINDS:
        covered = sorted(y for (k, kd, y) in seen if k == COVERAGE_KEY and kd == kind)
        if not covered:
            problems.append(
                _problem(None, "key", "rules_missing_key", rule=COVERAGE_KEY, kind=kind)
            )
            continue
        expected = set(range(covered[0], covered[-1] + 1))
        keys = {k for (k, kd, _) in seen if kd == kind}
        keys |= {k for k, spec in SPECS.items() if kind in spec.required}
        for item in ITEMS:
            parts = {f"{item}_{part}" for part in ITEM_PARTS}
            if keys & parts:
                keys |= parts  # a refund item needs its cap, rate and proration
        for key in sorted(keys):
            years = {y for (k, kd, y) in seen if k == key and kd == kind}
            missing = sorted(expected - years)
            extra = sorted(years - expected)
            if missing:
                problems.append(
                    _problem(
                        None,
                        "fiscal_years",
                        "rules_gap",
                        rule=key,
                        kind=kind,
                        years=_year_list(missing),
                    )
                )
            if extra:
                problems.append(
                    _problem(
                        None,
                        "fiscal_years",
                        "rules_beyond",
                        rule=key,
                        kind=kind,
                        years=_year_list(extra),
                    )
                )
        for year in sorted(expected):
            low = seen.get(("period_min_months", kind, year))
            high = seen.get(("period_max_months", kind, year))
            if low and high and low.value > high.value:
                problems.append(
                    _problem(
                        high.line, "value", "rules_period_order", kind=kind, year=year
                    )
                )
                break
    return problems


def _year_list(years: list[int]) -> str:
    return ", ".join(str(y) for y in years)


# --- Errors for bad input, in the user's language ------------------------------------


@dataclass(frozen=True)
class Term:
    """A catalog key given as an error parameter, translated when shown."""

    key: str

    def text(self, lang: str) -> str:
        return translate(self.key, lang)


@dataclass(frozen=True)
class FiscalYear:
    """A fiscal year given as an error parameter: 令和7年度 or FY2025."""

    year: int

    def text(self, lang: str) -> str:
        return fmt.fiscal_year(self.year, lang)


@dataclass(frozen=True)
class Named:
    """A name from the data with its English form (e.g. 東京都 / Tokyo)."""

    ja: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


@dataclass(frozen=True)
class Length:
    """A period's length as a parameter: 6か月 / 36 months and 1 day."""

    months: int
    days: int

    def text(self, lang: str) -> str:
        months = counted(
            self.months, lang, "check.length_months_one", "check.length_months_other"
        )
        if not self.days:
            return months
        days = counted(
            self.days, lang, "check.length_days_one", "check.length_days_other"
        )
        if not self.months:
            return days
        return translate("check.length_months_days", lang, months=months, days=days)


def counted(count: int, lang: str, one: str, other: str) -> str:
    """The catalog text `one` for a `count` of exactly 1, else `other`, with
    {count} filled in: English needs the singular ("1 condition is")."""
    return translate(one if count == 1 else other, lang, count=fmt.number(count))


class InputError(KigyojinError):
    """Bad input to the calculator or the self-check, said in the user's language."""

    def message(self, lang: str = "ja") -> str:
        return translate(self.key, lang, **localize(self.params, lang))


def localize(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """Parameters with terms, fiscal years, dates and tuples written in `lang`."""
    return {name: _shown(value, lang) for name, value in params.items()}


def _shown(value: Any, lang: str) -> Any:
    if isinstance(value, Term | FiscalYear | Named | Length):
        return value.text(lang)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return translate("check.list_separator", lang).join(
            str(_shown(v, lang)) for v in value
        )
    return value


def kind_term(kind: str) -> Term:
    """A programme type as an error parameter."""
    return Term(f"values.{kind}")


def item_term(item: str) -> Term:
    """A refund item as an error parameter."""
    return Term(f"check.item_{item}")


# --- Rules in words ----------------------------------------------------------------


def describe(key: str, lang: str) -> str:
    """What a rule key means, in `lang` (e.g. "負担金（給与等）：上限額（円／年）")."""
    for part in ITEM_PARTS:
        item = key.removesuffix(f"_{part}")
        if item != key and item in ITEMS:
            return translate(
                f"check.rule_{part}", lang, item=item_term(item).text(lang)
            )
    return translate(f"check.rule_{key}", lang)


def shown_value(rule: Rule, lang: str) -> str:
    """A rule's value as a reader expects it: はい/いいえ, 5,600,000, 50%, 0.5."""
    if isinstance(rule.value, bool):
        return translate("check.yes" if rule.value else "check.no", lang)
    if rule.key == "min_host_share":
        return f"{rule.value:.0%}"
    if isinstance(rule.value, float):
        return f"{rule.value:g}"
    return f"{rule.value:,}"


def display_frame(rules: Rules, lang: str) -> pd.DataFrame:
    """Every rule in words, as the page shows it and its CSV holds it.

    Columns: rule, kind, years, value, confidence, source, note.
    """
    return pd.DataFrame(
        [
            {
                "rule": describe(r.key, lang),
                "kind": kind_term(r.kind).text(lang),
                "years": translate(
                    "check.years_range",
                    lang,
                    first=fmt.fiscal_year(r.first, lang),
                    last=fmt.fiscal_year(r.last, lang),
                ),
                "value": shown_value(r, lang),
                "confidence": translate(f"check.confidence_{r.confidence}", lang),
                "source": r.source,
                "note": (r.note_en if lang == "en" else r.note) or "",
            }
            for r in rules.rules
        ],
        columns=["rule", "kind", "years", "value", "confidence", "source", "note"],
    )
