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

import altair as alt

from kigyojin import (
    companies,
    data,
    eligibility,
    fields,
    figures,
    fmt,
    hosts,
    render,
    subsidy,
)
from kigyojin.charts import companies as company_charts
from kigyojin.charts import fields as field_charts
from kigyojin.charts import overview as overview_charts
from kigyojin.errors import KigyojinError
from kigyojin.i18n import catalog, label, translate

logger = logging.getLogger(__name__)

# URL parameters that are the presenter's own, not filters of a view.
OWN_PARAMETERS = ("lang", "present", "slide")
# The deck's fiscal years are written R5, R6 (令和); R6 is FY2024.
_REIWA = re.compile(r"R(\d+)")
# The refund slide's scenario, DOMAIN.md §4's worked example: a company dispatch
# from October to the March a year and a half later, ¥6,000,000 a year. What is
# refunded is computed by `subsidy.estimate` from the rules file.
WORKED_EXAMPLE = {
    "kind": "dispatch",
    "start": date(2025, 10, 1),
    "end": date(2027, 3, 31),
    "contribution": 6_000_000,
}
# The ranking slide says what share the top this many companies send.
TOP_COMPANIES = 10

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

    def best(measure: str) -> figures.Headline:
        # Both types together where the year has such a figure, else the dispatch.
        return heads.get(("total", measure)) or heads[("dispatch", measure)]

    people = best("people")
    by_kind = [
        t("kind_people", kind=label(kind, lang), people=fmt.people(head.value, lang))
        for kind in data.KINDS
        if (head := heads.get((kind, "people"))) is not None
    ]
    figures_shown = [
        Figure(
            fmt.people(people.value, lang),
            t("headline_people", year=fmt.fiscal_year(year, lang)),
        )
    ]
    for measure in ("host_municipalities", "companies"):
        head = best(measure)
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
        message=t("list_separator").join(by_kind),
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
    """A worked refund: what the state pays back per fiscal year, and what is left."""
    t = _t(lang)
    example = WORKED_EXAMPLE
    result = subsidy.estimate(
        example["kind"],
        example["start"],
        example["end"],
        contribution=example["contribution"],
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
    notes = (t("refund_note"),) if result.confidence != "official" else ()
    return Slide(
        key="refund",
        title=t("refund_title"),
        message=t(
            "refund_message",
            kind=label(example["kind"], lang),
            start=example["start"].isoformat(),
            end=example["end"].isoformat(),
            contribution=money(example["contribution"]),
            refund=money(result.total_refund),
        ),
        figures=tuple(shown),
        sources=("mic_r5",),
        notes=notes,
    )


def _values(filters: Filters, key: str) -> list[str]:
    """Every value of filter `key` (a multiple choice is a repeated parameter)."""
    value = filters.get(key)
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def host_filters(filters: Filters) -> dict:
    """The map page's filters of the host records (`?pref=&type=&field=&company=
    &fy=`), as `hosts.filter_records` takes them; unknown values are dropped."""
    prefectures = set(data.load("prefectures")["pref_code"])
    years = _values(filters, "fy")
    return {
        "pref_code": choice(filters, "pref", sorted(prefectures), None),
        "types": tuple(t for t in _values(filters, "type") if t in data.HOST_TYPES),
        "fields": tuple(_values(filters, "field")),
        "company": (_values(filters, "company") or [None])[0] or None,
        "fiscal_year": int(years[0]) if years and years[0].isdigit() else None,
    }


def _map(lang: str, filters: Filters) -> Slide:
    """Who may host, by municipality, with the public host records on top; the
    prefecture and record filters of the map page apply."""
    t = _t(lang)
    chosen = host_filters(filters)
    pref_code = chosen["pref_code"]
    verdicts = eligibility.host_verdicts()
    if pref_code:
        verdicts = verdicts[verdicts["code"].str[:2] == pref_code]
    eligible = int((verdicts["verdict"] == eligibility.ELIGIBLE).sum())
    records = hosts.filter_records(hosts.records(), **chosen)
    stated = _deck_figure("eligible_municipalities")
    if pref_code:
        names = data.load("prefectures").set_index("pref_code")
        column = "pref_name" if lang == "ja" else "pref_en"
        title = t("map_title_prefecture", pref=names.at[pref_code, column])
        notes = (t("map_note_prefecture"),)
    else:
        title = t("map_title")
        notes = (t("map_note", stated=fmt.number(stated), ours=fmt.number(eligible)),)
    return Slide(
        key="map",
        title=title,
        message=t(
            "map_message",
            records=fmt.number(len(records)),
            municipalities=fmt.number(records["code"].nunique()),
        ),
        figures=(
            Figure(
                t("unit_municipalities", value=fmt.number(eligible)),
                t("map_eligible"),
            ),
        ),
        chart=render.map_chart(lang, pref_code, records),
        chart_alt=t("map_alt"),
        sources=("regional_requirement", "teijuu_jiritsuken", "boundaries", "hosts"),
        notes=notes,
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


# The story in the order it is told: key -> builder.
SLIDES: dict[str, Callable[[str, Filters], Slide]] = {
    "headline": _headline,
    "trend": _trend,
    "fields": _fields,
    "companies": _companies,
    "map": _map,
    "refund": _refund,
    "origins": _origins,
}


# The slide a presenter starts on from each page (its URL path).
PAGE_SLIDES = {
    "overview": "headline",
    "map": "map",
    "fields": "fields",
    "companies": "companies",
    "check": "refund",
    "matching": "origins",
}


def start_slide(url_path: str) -> int:
    """The number (1-based) of the slide that tells page `url_path`'s story."""
    keys = story()
    key = PAGE_SLIDES.get(url_path)
    return keys.index(key) + 1 if key in keys else 1


def story() -> list[str]:
    """The keys of the slides, in order."""
    return list(SLIDES)


def slide(key: str, lang: str, filters: Filters | None = None) -> Slide:
    """Slide `key` in `lang`, built with the view's `filters` (URL parameters)."""
    return SLIDES[key](lang, filters or {})


def slides(lang: str, filters: Filters | None = None) -> list[Slide]:
    """Every slide of the story, in order."""
    return [slide(key, lang, filters) for key in story()]


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


def filter_lines(filters: Filters, lang: str) -> list[str]:
    """Each filter in force as "name: value" in `lang`; none gives a line saying so."""
    t = _t(lang)
    lines = []
    for key, value in view_filters(filters).items():
        name_key = f"present.filter_{key}"
        name = translate(name_key, lang) if name_key in catalog() else key
        shown = t("list_separator").join(label(v, lang) for v in value)
        lines.append(t("filter_line", name=name, value=shown))
    return lines or [t("no_filters")]


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
