"""The seminar story: one message per slide, each from the data, each with its 出典.

`story()` names the slides in the order a presenter tells them (the programme, its
growth, where it may happen, how partners find each other); `slide(key, lang,
filters)` builds one from the same domain functions and chart builders as the
pages, with the filters of the view the presenter started from. Nothing here is
typed in: every number comes from `data/` through `figures`, `eligibility` and
`hosts`. The presenter page shows one slide at a time; the PowerPoint export
builds them all.
"""

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import altair as alt
import pandas as pd

from kigyojin import (
    companies,
    data,
    eligibility,
    fields,
    figures,
    fmt,
    hosts,
    matching,
    render,
    rules,
    subsidy,
)
from kigyojin.charts import companies as company_charts
from kigyojin.charts import fields as field_charts
from kigyojin.charts import matching as matching_charts
from kigyojin.charts import overview as overview_charts
from kigyojin.errors import KigyojinError
from kigyojin.i18n import label, translate

logger = logging.getLogger(__name__)

# URL parameters that are the presenter's own, not filters of a view.
OWN_PARAMETERS = ("lang", "present", "slide")
# The deck's fiscal years are written R5, R6 (令和); R6 is FY2024.
_REIWA = re.compile(r"R(\d+)")


@dataclass(frozen=True)
class Scenario:
    """A planned dispatch whose refund the refund slide works out."""

    kind: str
    start: date
    end: date
    amounts: Mapping[str, int]  # yen a year by item (preparation: a fiscal year)
    from_calculator: bool = False


# The refund slide's scenario unless the view is the calculator's (制度チェック):
# DOMAIN.md §4's worked example, a company dispatch from October to the March a
# year and a half later, ¥6,000,000 a year. What is refunded is computed by
# `subsidy.estimate` from the rules file.
WORKED_EXAMPLE = Scenario(
    "dispatch", date(2025, 10, 1), date(2027, 3, 31), {"contribution": 6_000_000}
)
# The calculator's URL parameters (pages/check.py), which the refund slide takes.
CALCULATOR_PARAMETERS = ("kind", "start", "end", *subsidy.ITEMS)
# The ranking slide says what share the top this many companies send.
TOP_COMPANIES = 10
# The matching slide names this many suggestions beside its chart (the chart
# has them all): more would not fit a 720-px screen with long company names.
MATCHING_FIGURES = 1

Filters = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class Figure:
    """A number shown large, with what it counts."""

    value: str  # formatted, with its unit: "871人", "44.9%"
    caption: str


@dataclass(frozen=True)
class Slide:
    """One screen of the story, in one language.

    `figures[0]` is the headline when there is no chart; `sources` are keys of
    the `sources` catalog; `notes` say what is estimated (目安) and why.
    """

    key: str
    title: str
    message: str
    figures: tuple[Figure, ...] = ()
    chart: alt.TopLevelMixin | None = None
    chart_alt: str = ""
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())


def _t(lang: str) -> Callable[..., str]:
    return lambda key, **params: translate(f"present.{key}", lang, **params)


def choice(filters: Filters, key: str, options: Sequence[str], default: str) -> str:
    """The single value of filter `key` if it is one of `options`, else `default`."""
    value = filters.get(key)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return value if value in options else default


def _deck_fiscal_year(key: str) -> int:
    """The fiscal year of a figure of the 2024 deck (its R5, R6 column)."""
    headline = data.load("headline_figures").set_index("key")
    match = _REIWA.match(str(headline.at[key, "fiscal_year"]))
    if match is None:
        raise KigyojinError("present.error_fiscal_year", key=key)
    return fmt.REIWA_START + int(match.group(1)) - 1


def _deck_figure(key: str) -> int:
    return int(data.load("headline_figures").set_index("key").at[key, "value"])


# --- The slides ----------------------------------------------------------------------


def _headline(lang: str, filters: Filters) -> Slide:
    """The latest year's people, host municipalities and companies."""
    t = _t(lang)
    year = figures.latest_fiscal_year()
    heads = {(h.kind, h.measure): h for h in figures.headlines(year)}

    def best(measure: str) -> figures.Headline | None:
        # Both types together where the year has such a figure, else the dispatch,
        # else the side job: a broken or partial year may lack any of them.
        found = (heads.get((kind, measure)) for kind in ("total", *data.KINDS))
        return next((head for head in found if head is not None), None)

    people = best("people")
    if people is None:
        raise KigyojinError("present.error_no_people", year=year)
    by_kind = [
        t("kind_people", kind=label(kind, lang), people=fmt.people(head.value, lang))
        for kind in data.KINDS
        if (head := heads.get((kind, "people"))) is not None
    ]
    people_caption = t("headline_people", year=fmt.fiscal_year(year, lang))
    if people.kind != "total":
        people_caption = t(
            "measure_of_kind", measure=people_caption, kind=label(people.kind, lang)
        )
    figures_shown = [Figure(fmt.people(people.value, lang), people_caption)]
    for measure in ("host_municipalities", "companies"):
        head = best(measure)
        if head is None:
            logger.warning("no %s for FY%s on the headline slide", measure, year)
            continue
        figures_shown.append(
            Figure(
                t(f"unit_{measure}", value=fmt.number(head.value)),
                t(
                    "measure_of_kind",
                    measure=label(measure, lang),
                    kind=label(head.kind, lang),
                ),
            )
        )
    return Slide(
        key="headline",
        title=t("headline_title", year=fmt.fiscal_year(year, lang)),
        message=t("list_separator").join(by_kind) or t("headline_no_kinds"),
        figures=tuple(figures_shown),
        sources=("national_totals",),
    )


def _trend(lang: str, filters: Filters) -> Slide:
    """The chosen measure by fiscal year and type, first year against last."""
    t = _t(lang)
    measure = choice(filters, "measure", figures.MEASURES, "people")
    trend = figures.trend()
    series = trend[(trend["measure"] == measure) & (trend["kind"] == "dispatch")]
    series = series.sort_values("fiscal_year")
    first, last = series.iloc[0], series.iloc[-1]

    def amount(row) -> str:
        text = translate(
            f"overview.unit_{measure}", lang, value=fmt.number(row["value"])
        )
        return t("derived", value=text) if row["basis"] == "derived" else text

    notes = [translate("overview.trend_note", lang)]
    return Slide(
        key="trend",
        title=t("trend_title", measure=label(measure, lang)),
        message=t(
            "trend_message",
            kind=label("dispatch", lang),
            first_year=fmt.fiscal_year(first["fiscal_year"], lang),
            first=amount(first),
            last_year=fmt.fiscal_year(last["fiscal_year"], lang),
            last=amount(last),
            times=fmt.number(last["value"] / first["value"], 1),
        ),
        figures=(
            Figure(
                t("times", value=fmt.number(last["value"] / first["value"], 1)),
                t(
                    "trend_growth",
                    measure=label(measure, lang),
                    first_year=fmt.fiscal_year(first["fiscal_year"], lang),
                    last_year=fmt.fiscal_year(last["fiscal_year"], lang),
                ),
            ),
        ),
        chart=overview_charts.trend_chart(trend, measure, lang),
        chart_alt=translate("overview.trend_alt", lang, measure=label(measure, lang)),
        sources=("national_totals",),
        notes=tuple(notes),
    )


def _year(filters: Filters, table: str) -> int:
    """The fiscal year chosen on the page (`?year=`), if the table has it."""
    years = [str(y) for y in fields.years_of(table)]
    return int(choice(filters, "year", years, years[-1]))


def _fields(lang: str, filters: Filters) -> Slide:
    """What the 起業人 work on: people per field group."""
    t = _t(lang)
    year = _year(filters, "categories")
    leading = fields.leading_share(year)
    names = t("list_separator").join(
        field_charts.group_label(g, lang) for g in leading.groups
    )
    return Slide(
        key="fields",
        title=t("fields_title", year=fmt.fiscal_year(year, lang)),
        message=t(
            "fields_message",
            count=len(leading.groups),
            groups=names,
            share=fmt.percent(leading.share),
        ),
        figures=(
            Figure(
                fmt.percent(leading.share),
                t("fields_figure", count=len(leading.groups)),
            ),
        ),
        chart=field_charts.groups_chart(fields.grouped(year), lang),
        chart_alt=t("fields_alt"),
        sources=("mic_r5",),
        notes=(
            t(
                "fields_note",
                people=fmt.number(leading.total),
                categories=len(fields.breakdown(year)),
            ),
        ),
    )


def _companies(lang: str, filters: Filters) -> Slide:
    """Who sends them: the published ranking, and how concentrated it is."""
    t = _t(lang)
    year = _year(filters, "company_ranking")
    ranking = companies.ranking(year)
    top = next(
        s
        for s in companies.top_shares(year, (TOP_COMPANIES,))
        if s.top == TOP_COMPANIES
    )
    return Slide(
        key="companies",
        title=t("companies_title", year=fmt.fiscal_year(year, lang)),
        message=t(
            "companies_message",
            companies=fmt.number(top.all_companies),
            top=TOP_COMPANIES,
            share=fmt.percent(top.share),
        ),
        figures=(
            Figure(fmt.percent(top.share), t("companies_figure", top=TOP_COMPANIES)),
        ),
        chart=company_charts.ranking_chart(ranking, lang),
        chart_alt=t("companies_alt"),
        sources=("mic_r5",),
    )


def _refund(lang: str, filters: Filters) -> Slide:
    """What the state pays back per fiscal year, and what is left: for the
    calculator's dispatch when the view is the calculator's, else the worked one."""
    t = _t(lang)
    scenario, refused = refund_scenario(filters)
    result = subsidy.estimate(
        scenario.kind, scenario.start, scenario.end, **scenario.amounts
    )
    money = fmt.man_yen if lang == "ja" else lambda v: fmt.yen(v, lang)
    shown = [
        Figure(
            money(row.refund),
            t(
                "refund_year",
                year=fmt.fiscal_year(row.fiscal_year, lang),
                months=row.months,
                cost=money(row.cost),
            ),
        )
        for row in result.rows
    ]
    shown.append(Figure(money(result.total_burden), t("refund_burden")))
    costs = [
        t(
            "refund_cost_fiscal_year"
            if item in subsidy.PER_FISCAL_YEAR
            else "refund_cost",
            item=translate(f"check.item_{item}", lang),
            amount=money(amount),
        )
        for item, amount in scenario.amounts.items()
        if amount
    ]
    if scenario.from_calculator:
        notes = [t("refund_from_calculator")]
    elif refused is not None:
        notes = [t("refund_calculator_refused", reason=refused.message(lang))]
    else:
        notes = [t("refund_worked_example")]
    if result.confidence != rules.OFFICIAL:
        notes.append(t("refund_note"))
    kind = label(scenario.kind, lang)
    return Slide(
        key="refund",
        title=t(
            "refund_title_calculator" if scenario.from_calculator else "refund_title",
            kind=kind,
        ),
        message=t(
            "refund_message",
            kind=kind,
            start=scenario.start.isoformat(),
            end=scenario.end.isoformat(),
            costs=t("list_separator").join(costs) or t("refund_no_costs"),
            refund=money(result.total_refund),
        ),
        figures=tuple(shown),
        sources=("mic_r5",),
        notes=tuple(notes),
    )


def refund_scenario(filters: Filters) -> tuple[Scenario, KigyojinError | None]:
    """The dispatch the refund slide works out, and why the calculator's was not.

    A view with the calculator's parameters (`?kind=&start=&end=&contribution=`)
    gives its dispatch, an amount left out taking the calculator's default (the
    first item its cap, the others nothing). Without them, or when they cannot
    be used, the worked example, with the reason in the second place.
    """
    if not any(_values(filters, key) for key in CALCULATOR_PARAMETERS):
        return WORKED_EXAMPLE, None
    try:
        scenario = _calculator_scenario(filters)
        subsidy.estimate(
            scenario.kind, scenario.start, scenario.end, **scenario.amounts
        )
    except KigyojinError as error:
        logger.warning("refund slide shows the worked example: %s", error)
        return WORKED_EXAMPLE, error
    return scenario, None


def _calculator_scenario(filters: Filters) -> Scenario:
    """The calculator's dispatch from its URL parameters; raises `InputError`."""
    first = {key: (_values(filters, key) or [None])[0] for key in CALCULATOR_PARAMETERS}
    kind = first["kind"] or "dispatch"
    if kind not in subsidy.KINDS:
        raise rules.InputError("present.calculator_bad_kind", value=kind[:40])
    days = {}
    for name in ("start", "end"):
        if first[name] is None:
            raise rules.InputError("present.calculator_no_period")
        try:
            days[name] = date.fromisoformat(first[name])
        except ValueError:
            raise rules.InputError(
                "present.calculator_bad_date",
                field=rules.Term(f"check.field_{name}"),
                value=first[name][:40],
            ) from None
    loaded = rules.load()
    subsidy.check_dates(kind, days["start"], days["end"], loaded)
    fiscal_year = subsidy.fiscal_year_of(days["start"])
    amounts = {}
    for index, item in enumerate(loaded.items(kind, fiscal_year)):
        text = first[item]
        if text is None:
            # As the calculator: the first item starts at its cap, the rest at 0.
            cap = loaded.get(f"{item}_cap", kind, fiscal_year).value
            amounts[item] = int(cap) if index == 0 else 0
            continue
        try:
            amounts[item] = int(text)
        except ValueError:
            raise rules.InputError(
                "present.calculator_bad_amount",
                item=rules.item_term(item),
                value=text[:40],
            ) from None
    return Scenario(kind, days["start"], days["end"], amounts, from_calculator=True)


def _values(filters: Filters, key: str) -> list[str]:
    """Every value of filter `key` (a multiple choice is a repeated parameter)."""
    value = filters.get(key)
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


@dataclass(frozen=True)
class HostList:
    """An official's own host list (`importer.read_host_list`), for one session:
    the slides of host records show it instead of the public sample."""

    name: str  # the file's name as uploaded
    records: pd.DataFrame = field(compare=False, repr=False)


def host_filters(filters: Filters, records: pd.DataFrame | None = None) -> dict:
    """The map page's filters of the host records (`?pref=&type=&field=&company=
    &fy=`), as `hosts.filter_records` takes them; unknown values are dropped.

    `company` is the company's key (`companies.normalize`), as the companies page
    has it, or a name from `records` (default: the public sample), as the map
    page has it; either way the key comes out, to match every spelling.
    """
    records = hosts.records() if records is None else records
    prefectures = set(data.load("prefectures")["pref_code"])
    years = _values(filters, "fy")
    company = companies.normalize((_values(filters, "company") or [""])[0])
    known = set(records["company"].map(companies.normalize))
    return {
        "pref_code": choice(filters, "pref", sorted(prefectures), None),
        "types": tuple(t for t in _values(filters, "type") if t in data.HOST_TYPES),
        "fields": tuple(_values(filters, "field")),
        "company": company if company in known else None,
        "fiscal_year": int(years[0]) if years and years[0].isdigit() else None,
    }


def _host_records(
    filters: Filters, host_list: HostList | None
) -> tuple[pd.DataFrame, dict]:
    """The host records the view's filters keep (from `host_list` if given), and
    the filters as `host_filters` read them."""
    everything = hosts.records(None if host_list is None else host_list.records)
    chosen = host_filters(filters, everything)
    kept = hosts.filter_records(everything, **{**chosen, "company": None})
    if chosen["company"]:
        kept = kept[kept["company"].map(companies.normalize) == chosen["company"]]
    return kept, chosen


def _map(lang: str, filters: Filters, host_list: HostList | None = None) -> Slide:
    """Who may host, by municipality, with the host records on top (the public
    sample, or `host_list`); the prefecture and record filters of the map page
    apply."""
    t = _t(lang)
    records, chosen = _host_records(filters, host_list)
    pref_code = chosen["pref_code"]
    verdicts = eligibility.host_verdicts()
    if pref_code:
        verdicts = verdicts[verdicts["code"].str[:2] == pref_code]
    eligible = int((verdicts["verdict"] == eligibility.ELIGIBLE).sum())
    stated = _deck_figure("eligible_municipalities")
    if pref_code:
        names = data.load("prefectures").set_index("pref_code")
        column = "pref_name" if lang == "ja" else "pref_en"
        title = t("map_title_prefecture", pref=names.at[pref_code, column])
        notes = [t("map_note_prefecture")]
    else:
        title = t("map_title")
        notes = [t("map_note", stated=fmt.number(stated), ours=fmt.number(eligible))]
    counts = {
        "records": fmt.number(len(records)),
        "municipalities": fmt.number(records["code"].nunique()),
    }
    sources = ["regional_requirement", "teijuu_jiritsuken", "boundaries"]
    if host_list is None:
        message = t("map_message", **counts)
        sources.append("hosts")
    else:
        message = t("map_message_upload", name=host_list.name, **counts)
        notes.append(t("host_list_note"))
    return Slide(
        key="map",
        title=title,
        message=message,
        figures=(
            Figure(
                t("unit_municipalities", value=fmt.number(eligible)),
                t("map_eligible"),
            ),
        ),
        chart=render.map_chart(
            lang, pref_code, records, own_list=host_list is not None
        ),
        chart_alt=t("map_alt"),
        sources=tuple(sources),
        notes=tuple(notes),
    )


def _origins(lang: str, filters: Filters) -> Slide:
    """How agreements began, and where municipalities post what they need."""
    t = _t(lang)
    year = _deck_fiscal_year("people")
    origins = figures.agreement_origins()
    sides = figures.origin_sides().set_index("side")
    municipality = sides.loc[figures.MUNICIPALITY_SIDE]
    company = sides.loc[figures.COMPANY_SIDE]
    postings_year = _deck_fiscal_year("posted_openings_dispatch")
    return Slide(
        key="origins",
        title=t("origins_title", year=fmt.fiscal_year(year, lang)),
        message=t(
            "origins_message",
            year=fmt.fiscal_year(postings_year, lang),
            dispatch=fmt.number(_deck_figure("posted_openings_dispatch")),
            side_job=fmt.number(_deck_figure("posted_openings_side_job")),
        ),
        figures=(
            Figure(fmt.percent(municipality["share"]), t("origins_municipality")),
            Figure(fmt.percent(company["share"]), t("origins_company")),
        ),
        chart=overview_charts.origins_chart(origins, lang),
        chart_alt=translate("overview.origins_alt", lang),
        sources=("mic_r5",),
        notes=(
            t(
                "origins_note",
                people=fmt.number(int(origins["people"].sum())),
            ),
        ),
    )


def _matching(lang: str, filters: Filters) -> Slide:
    """The matching page's shortlist for its URL state (`?mode=&pref=&field=&block=
    &area=&size=&code=`): the best suggestions, each score split into its terms."""
    found = matching.shortlist(filters, lang)
    shown = tuple(
        Figure(
            fmt.number(row.score, 1),
            translate("matching.slide_points", lang, rank=row.rank, label=row.label),
        )
        for row in found.rows.head(MATCHING_FIGURES).itertuples(index=False)
    )
    chart = None
    if not found.rows.empty:
        chart = matching_charts.points_chart(found.rows, found.terms, lang)
    else:  # no company has a record in the fields: the message says so
        shown = (
            Figure(translate("matching.slide_none", lang), _t(lang)("about_matching")),
        )
    return Slide(
        key="matching",
        title=found.title,
        message=found.message,
        figures=shown,
        chart=chart,
        chart_alt=translate("matching.slide_alt", lang),
        sources=found.sources,
        notes=(translate("matching.caution", lang),),
    )


# The story in the order it is told: key -> builder.
SLIDES: dict[str, Callable[[str, Filters], Slide]] = {
    "headline": _headline,
    "trend": _trend,
    "fields": _fields,
    "companies": _companies,
    "map": _map,
    "refund": _refund,
    "origins": _origins,
    "matching": _matching,
}


# The slide a presenter starts on from each page (its URL path).
PAGE_SLIDES = {
    "overview": "headline",
    "map": "map",
    "fields": "fields",
    "companies": "companies",
    "check": "refund",
    "matching": "matching",
}


def start_slide(url_path: str) -> int:
    """The number (1-based) of the slide that tells page `url_path`'s story."""
    keys = story()
    key = PAGE_SLIDES.get(url_path)
    return keys.index(key) + 1 if key in keys else 1


def story() -> list[str]:
    """The keys of the slides, in order."""
    return list(SLIDES)


# The slides that show host records, and so take an official's own host list.
HOST_LIST_SLIDES = ("map",)


def slide(
    key: str,
    lang: str,
    filters: Filters | None = None,
    *,
    host_list: HostList | None = None,
) -> Slide:
    """Slide `key` in `lang`, built with the view's `filters` (URL parameters);
    `host_list` replaces the public sample on the slides of host records."""
    builder = SLIDES[key]
    if host_list is not None and key in HOST_LIST_SLIDES:
        builder = partial(builder, host_list=host_list)
    return builder(lang, filters or {})


def slides(
    lang: str, filters: Filters | None = None, *, host_list: HostList | None = None
) -> list[Slide]:
    """Every slide of the story, in order."""
    return [slide(key, lang, filters, host_list=host_list) for key in story()]


# --- What the title slide says -------------------------------------------------------


def view_filters(parameters: Mapping[str, str | Sequence[str]]) -> dict[str, list[str]]:
    """The filters of a view among its URL parameters (the presenter's own left out)."""
    result = {}
    for key, value in parameters.items():
        if key in OWN_PARAMETERS:
            continue
        values = [value] if isinstance(value, str) else list(value)
        if values:
            result[key] = [str(v) for v in values]
    return result


def filter_lines(
    filters: Filters, lang: str, *, host_list: HostList | None = None
) -> list[str]:
    """Each filter the story applies as "name: value" in `lang`, and the host list
    in use if it is an official's own; none gives a line saying so."""
    t = _t(lang)
    lines = [
        t("filter_line", name=name, value=value)
        for name, value in applied_filters(filters, lang, host_list=host_list)
    ]
    if host_list is not None:
        lines.append(
            t(
                "filter_host_list",
                name=host_list.name,
                count=fmt.number(len(host_list.records)),
            )
        )
    return lines or [t("no_filters")]


def applied_filters(
    filters: Filters, lang: str, *, host_list: HostList | None = None
) -> list[tuple[str, str]]:
    """(name, value) of each filter a slide applies, in `lang`, as people read them:
    a prefecture by its name, a company by its name, a date with its fiscal year.

    A parameter no slide reads (a page's search box) and a value no slide can use
    are left out; the municipality a page has open is named for the matching
    slide, which reads it (`matching.applied_filters`). A slide that reads a new
    filter names it here. A part whose data cannot be read is left out too (its
    slides say why).
    """
    t = _t(lang)
    separator = t("list_separator")

    def name(key: str) -> str:
        return translate(f"present.filter_{key}", lang)

    def trend() -> list[tuple[str, str]]:
        measure = choice(filters, "measure", figures.MEASURES, None)
        return [(name("measure"), label(measure, lang))] if measure else []

    def year() -> list[tuple[str, str]]:
        tables = ("categories", "company_ranking")
        years = sorted({str(y) for table in tables for y in fields.years_of(table)})
        chosen = choice(filters, "year", years, None)
        return [(name("year"), fmt.fiscal_year(int(chosen), lang))] if chosen else []

    def host_records() -> list[tuple[str, str]]:
        everything = hosts.records(None if host_list is None else host_list.records)
        chosen = host_filters(filters, everything)
        shown = []
        if chosen["pref_code"]:
            names = data.load("prefectures").set_index("pref_code")
            column = "pref_name" if lang == "ja" else "pref_en"
            shown.append((name("pref"), names.at[chosen["pref_code"], column]))
        for key, values in (("type", chosen["types"]), ("field", chosen["fields"])):
            if values:
                shown.append(
                    (name(key), separator.join(label(v, lang) for v in values))
                )
        if chosen["company"]:
            # The name the records spell it with most often.
            keys = everything["company"].map(companies.normalize)
            spelled = everything.loc[keys == chosen["company"], "company"]
            shown.append((name("company"), spelled.value_counts().index[0]))
        if chosen["fiscal_year"] is not None:
            shown.append((name("fy"), fmt.fiscal_year(chosen["fiscal_year"], lang)))
        return shown

    def refund() -> list[tuple[str, str]]:
        scenario, _ = refund_scenario(filters)
        if not scenario.from_calculator:
            return []
        money = fmt.man_yen if lang == "ja" else lambda v: fmt.yen(v, lang)
        shown = [(name("kind"), label(scenario.kind, lang))]
        for key in ("start", "end"):
            day = getattr(scenario, key)
            year = fmt.fiscal_year(subsidy.fiscal_year_of(day), lang)
            shown.append((name(key), t("filter_date", date=day.isoformat(), year=year)))
        shown += [
            (translate(f"check.item_{item}", lang), money(amount))
            for item, amount in scenario.amounts.items()
            if amount
        ]
        return shown

    def matching_view() -> list[tuple[str, str]]:
        return matching.applied_filters(filters, lang)

    result = []
    for part in (trend, year, host_records, refund, matching_view):
        try:
            result += part()
        except KigyojinError as error:
            logger.warning("filters left off the title slide: %s", error)
    return result


def vintage_lines(lang: str, today: date | None = None) -> list[str]:
    """The data's vintage in words: fiscal years of the figures, dates of the tables.

    A line whose table cannot be read is left out (its slides say why).
    """
    t = _t(lang)

    def totals() -> str:
        years = data.load("national_totals")["fiscal_year"]
        first, last = years.min(), years.max()
        return t(
            "vintage_totals",
            first=fmt.fiscal_year(first, lang),
            last=fmt.fiscal_year(last, lang),
        )

    def breakdowns() -> str:
        year = _deck_fiscal_year("people")
        return t("vintage_breakdowns", year=fmt.fiscal_year(year, lang))

    lines = []
    for line in (totals, breakdowns):
        try:
            lines.append(line())
        except KigyojinError as error:
            logger.warning("data vintage left off the title slide: %s", error)
    requirement = data.TABLES["regional_requirement"].vintage
    boundaries = data.TABLES["municipalities"].vintage
    lines.append(t("vintage_requirement", date=requirement, boundaries=boundaries))
    lines.append(t("vintage_made", date=(today or date.today()).isoformat()))
    return lines
