"""Matching: which municipalities and companies could work together, and why.

For a company's planner: eligible municipalities ranked by fit, each with its
reasons. For a municipality's official: companies with a record in the fields it
needs, and similar municipalities that host, with whom. For both: how agreements
began, as next steps. The scoring is `kigyojin.matching`; this page only reads the
choices (all kept in the URL), calls it and shows the result.
"""

import pandas as pd
import streamlit as st

import ui
from kigyojin import eligibility, figures, fmt, maps, matching
from kigyojin.charts import matching as charts
from kigyojin.errors import KigyojinError
from kigyojin.i18n import label

# How many results get a card with their reasons above the full table.
CARDS = 3
PEERS = 10

tr = ui.t()
lang = ui.lang()
st.title(tr("matching.title"))

with ui.guard():
    headline = ui.table("headline_figures").set_index("key")["value"]
    st.write(
        tr(
            "matching.lead",
            replied=fmt.number(headline["survey_companies_replied"]),
            interested=fmt.number(headline["survey_companies_interested"]),
        )
    )
st.caption(tr("matching.caution"))

# A link from the map (?code=01209) opens the municipality view.
if "code" in st.query_params:
    try:
        st.query_params["code"] = matching.find_code(st.query_params["code"])
    except KigyojinError as error:
        st.warning(tr("check.bad_url_code") + " " + error.message(lang))
        st.query_params.pop("code", None)
default_mode = "municipality" if "code" in st.query_params else "company"
mode = ui.url_choice(
    st.segmented_control,
    tr("matching.mode"),
    matching.MODES,
    key="mode",
    default=default_mode,
    required=True,
    format_func=lambda m: tr(f"matching.mode_{m}"),
)


def points_text(row, terms) -> str:
    """The points of each term of a result, in one line."""
    parts = [
        tr(
            "matching.points_part",
            term=tr(f"matching.term_{term}"),
            points=tr("matching.not_applied")
            if pd.isna(getattr(row, term))
            else fmt.number(getattr(row, term), 1),
        )
        for term in terms
    ]
    return tr("matching.points_line", parts=" / ".join(parts))


def reason_card(title: str, reasons, points: str) -> None:
    """One result with its reasons, each on its own line (text from data escaped)."""
    with st.container(border=True):
        st.markdown("**" + ui.plain(title) + "**")
        bullet = tr("matching.bullet")
        st.markdown(ui.plain(*(bullet + reason for reason in reasons)))
        st.caption(points)


def method(terms, weights, extra=()) -> None:
    """How the score is computed: each term with its weight, and the limits."""
    with st.expander(tr("matching.method_heading")):
        lines = [tr("matching.method_intro")]
        lines += [
            tr("matching.bullet")
            + tr(
                "matching.method_term",
                term=tr(f"matching.term_{term}"),
                weight=weights[term],
                text=tr(f"matching.explain_{term}", full=matching.FULL_FIELD_RECORDS),
            )
            for term in terms
        ]
        lines += [
            *extra,
            tr("matching.method_similarity"),
            tr("matching.method_limits"),
        ]
        st.markdown("\n\n".join(lines))


def field_choice(label_key: str) -> list[str]:
    return ui.url_choice(
        st.multiselect,
        tr(label_key),
        matching.field_options(),
        key="field",
        default=[],
        format_func=lambda f: matching.field_label(f, lang),
        placeholder=tr("matching.input_placeholder"),
        help=tr("matching.input_fields_help"),
    )


# What the "contact directly" step links to: the best results of the view shown.
shortlisted: list[str] = []
company_keys: list[str] = []

# --- For a company -------------------------------------------------------------------

if mode == "company":
    st.header(tr("matching.company_heading"))
    with ui.guard():
        prefectures = ui.table("prefectures").set_index("pref_code")
        pref_names = ui.computed(maps.prefecture_names, lang)
        left, right = st.columns(2)
        with left:
            pref = ui.url_choice(
                st.selectbox,
                tr("matching.input_pref"),
                list(prefectures.index),
                key="pref",
                default=matching.DEFAULT_PREFECTURE,
                format_func=pref_names.get,
            )
            fields = field_choice("matching.input_fields")
            sizes = ui.url_choice(
                st.multiselect,
                tr("matching.input_sizes"),
                [key for key, _ in matching.SIZES],
                key="size",
                default=[],
                format_func=lambda s: matching.size_label(s, lang),
                placeholder=tr("matching.input_placeholder"),
            )
        with right:
            blocks = ui.url_choice(
                st.multiselect,
                tr("matching.input_blocks"),
                list(matching.BLOCKS),
                key="block",
                default=[],
                format_func=lambda b: matching.block_label(b, lang),
                placeholder=tr("matching.input_placeholder"),
            )
            areas = ui.url_choice(
                st.multiselect,
                tr("matching.input_areas"),
                list(prefectures.index),
                key="area",
                default=[],
                format_func=pref_names.get,
                placeholder=tr("matching.input_placeholder"),
            )
        if not prefectures.at[pref, "metro_prefecture"]:
            st.warning(tr("matching.not_metro", pref=pref_names[pref]))

        request = matching.CompanyRequest(
            pref, tuple(fields), tuple(blocks), tuple(areas), tuple(sizes)
        )
        results = ui.computed(matching.rank_municipalities, request, lang)
        shortlisted = list(results["code"].head(matching.WEBSITES))
        st.subheader(
            tr(
                "matching.results_heading",
                eligible=fmt.number(len(eligibility.eligible_codes())),
                count=len(results),
            )
        )
        st.caption(tr("matching.results_note"))
        for row in results.head(CARDS).itertuples():
            reason_card(
                tr(
                    "matching.top_card",
                    rank=row.rank,
                    name=row.name,
                    pref=row.pref,
                    score=fmt.number(row.score, 1),
                ),
                (row.eligibility, *row.reasons),
                points_text(row, matching.TERMS),
            )

        table_tab, map_tab = st.tabs([tr("common.view_table"), tr("matching.map_tab")])
        with table_tab:
            shown = results.assign(
                score=results["score"].round(1),
                **{term: results[term].round(1) for term in matching.TERMS},
                distance_km=results["distance_km"].round(0).astype(int),
                peer_similarity=results["peer_similarity"].round(2),
                reasons=results["reasons"].map(" ".join),
            )
            shown = ui.display_table(
                shown,
                {
                    "rank": "matching.col_rank",
                    "code": "matching.col_code",
                    "name": "matching.col_name",
                    "pref": "matching.col_pref",
                    "score": "matching.col_score",
                    **{
                        term: f"matching.term_{term}"
                        for term in matching.TERMS
                        if results[term].notna().any()
                    },
                    "distance_km": "matching.col_distance",
                    "peer_name": "matching.col_peer",
                    "peer_similarity": "matching.col_similarity",
                    "hosts": "matching.col_hosts",
                    "eligibility": "matching.col_eligibility",
                    "reasons": "matching.col_reasons",
                },
            )
            ui.csv_download(shown, f"matching_company_{pref}.csv", key="company_csv")
        with map_tab:
            points = ui.computed(matching.company_map_points, results, pref, lang)
            ui.altair_chart(
                charts.points_map,
                points,
                lang,
                png=f"matching_company_{pref}.png",
                width="stretch",
                alt=tr("matching.map_alt_company"),
            )
            st.caption(tr("matching.map_note"))
        method(matching.TERMS, matching.WEIGHTS)
        ui.sources(*matching.COMPANY_SOURCES, "boundaries")

# --- For a municipality ------------------------------------------------------------

if mode == "municipality":
    st.header(tr("matching.municipality_heading"))
    with ui.guard():
        master = ui.table("municipalities")
        pref_names = ui.computed(maps.prefecture_names, lang)
        options = {
            row.code: tr(
                "matching.municipality_option",
                name=row.name,
                pref=pref_names[row.pref_code],
                kana=row.name_kana,
                code=row.code,
            )
            for row in master.itertuples()
        }
        left, right = st.columns(2)
        with left:
            code = ui.url_choice(
                st.selectbox,
                tr("matching.input_municipality"),
                list(options),
                key="code",
                default=None,
                format_func=options.get,
                placeholder=tr("matching.input_municipality_placeholder"),
            )
        with right:
            fields = field_choice("matching.input_needs")
        if code is None:
            st.info(tr("matching.choose_municipality"))
        else:
            profile = matching.profile(code)
            verdict = eligibility.check_host(code)
            message = tr(
                "matching.verdict_heading",
                verdict=matching.eligibility_text(profile, lang),
            )
            reasons = [eligibility.reason_text(r, lang) for r in verdict.reasons]
            if verdict.eligible:
                st.success(ui.plain(message, *reasons), icon=":material/check:")
            else:
                st.warning(
                    ui.plain(message, *reasons, tr("matching.ineligible_note")),
                    icon=":material/info:",
                )

            st.subheader(tr("matching.profile_heading"))
            unknown = tr("matching.metric_unknown")
            figures_shown = (
                ("matching.metric_population", profile["pop"], fmt.number),
                ("matching.metric_ageing", profile["pct65"], fmt.percent),
                ("matching.metric_density", profile["density"], fmt.number),
            )
            for column, (key, value, formatter) in zip(
                st.columns(len(figures_shown)), figures_shown, strict=True
            ):
                column.metric(
                    tr(key),
                    unknown if pd.isna(value) else formatter(value),
                    border=True,
                )
            st.markdown(ui.plain(*matching.needs_text(profile, lang)))
            ui.sources(
                "population", "kaso", "resident_register", "regional_requirement"
            )

            st.subheader(tr("matching.companies_heading"))
            st.caption(tr("matching.companies_note"))
            companies = ui.computed(matching.rank_companies, code, tuple(fields), lang)
            company_keys = list(companies["key"].head(matching.WEBSITES))
            if companies.empty:
                st.info(tr("matching.companies_none"))
            else:
                for row in companies.head(CARDS).itertuples():
                    reason_card(
                        tr(
                            "matching.company_card",
                            rank=row.rank,
                            company=row.company,
                            score=fmt.number(row.score, 1),
                        ),
                        row.reasons,
                        points_text(row, matching.PARTNER_TERMS),
                    )
                shown = companies.assign(
                    score=companies["score"].round(1),
                    **{
                        term: companies[term].round(1)
                        for term in matching.PARTNER_TERMS
                    },
                    peer_similarity=companies["peer_similarity"].round(2),
                    reasons=companies["reasons"].map(" ".join),
                )
                shown = ui.display_table(
                    shown,
                    {
                        "rank": "matching.col_rank",
                        "company": "matching.col_company",
                        "score": "matching.col_score",
                        **{
                            term: f"matching.term_{term}"
                            for term in matching.PARTNER_TERMS
                        },
                        "records": "matching.col_records",
                        "peer_name": "matching.col_peer",
                        "peer_similarity": "matching.col_similarity",
                        "ranked_people": "matching.col_ranked_people",
                        "reasons": "matching.col_reasons",
                    },
                )
                ui.csv_download(
                    shown, f"matching_companies_{code}.csv", key="companies_csv"
                )
            method(matching.PARTNER_TERMS, matching.PARTNER_WEIGHTS)
            ui.sources(*matching.MUNICIPALITY_SOURCES)

            st.subheader(tr("matching.peers_heading"))
            peers = ui.computed(matching.peers, code, tuple(fields), lang, PEERS)
            if peers.empty:
                st.info(tr("matching.peers_none"))
            else:
                st.caption(tr("matching.peers_note", count=peers["code"].nunique()))
                table_tab, map_tab = st.tabs(
                    [tr("common.view_table"), tr("matching.map_tab")]
                )
                with table_tab:
                    shown = peers.assign(
                        similarity=peers["similarity"].round(2),
                        field=peers["field"].map(
                            lambda f: (
                                None if f is None else matching.field_label(f, lang)
                            )
                        ),
                        type=peers["type"].map(lambda k: label(k, lang)),
                        source=peers["sources"].map(lambda s: s[0] if s else None),
                    )
                    shown = ui.display_table_with_links(
                        shown,
                        {
                            "peer_rank": "matching.col_peer_rank",
                            "name": "matching.col_name",
                            "pref": "matching.col_pref",
                            "similarity": "matching.col_similarity",
                            "company": "matching.col_company",
                            "field": "matching.col_field",
                            "type": "matching.col_type",
                            "start": "matching.col_start",
                        },
                        {"source": tr("matching.col_source")},
                    )
                    ui.csv_download(
                        shown, f"matching_peers_{code}.csv", key="peers_csv"
                    )
                with map_tab:
                    points = ui.computed(matching.peer_map_points, code, peers, lang)
                    ui.altair_chart(
                        charts.points_map,
                        points,
                        lang,
                        png=f"matching_peers_{code}.png",
                        width="stretch",
                        alt=tr("matching.map_alt_municipality"),
                    )
                    st.caption(tr("matching.map_note"))
                ui.sources("hosts", "population", "boundaries")

# --- How to approach -----------------------------------------------------------------


def step_links(links, step: str) -> None:
    """A step's links (labels from data shown literally), or why none."""
    if step in matching.NO_OWN_PAGE:
        st.caption(tr(f"matching.step_missing_{step}"))
    if links.empty:
        st.caption(tr("matching.step_no_link"))
        return
    if step == "direct":
        st.caption(tr(f"matching.step_links_direct_{mode}"))
    elif step not in matching.NO_OWN_PAGE:
        st.caption(tr("matching.step_links_cases"))
    # Links in lines of text, not buttons: a long label wraps on a phone.
    lines = []
    for item in links.itertuples(index=False):
        text = ui.plain(item.label)
        link = maps.source_link(item.url)
        lines.append(tr("matching.bullet") + (f"[{text}]({link[1]})" if link else text))
    st.markdown("  \n".join(lines))


st.header(tr("matching.approach_heading"))
with ui.guard():
    steps = ui.computed(matching.approach_steps)
    sides = ui.computed(figures.origin_sides).set_index("side")
    origins = ui.computed(figures.agreement_origins)
    total = int(origins["people"].sum())
    st.write(
        tr(
            "matching.approach_intro",
            total=fmt.number(total),
            municipality=fmt.percent(sides.at[figures.MUNICIPALITY_SIDE, "share"]),
            company=fmt.percent(sides.at[figures.COMPANY_SIDE, "share"]),
        )
    )
    headline = ui.table("headline_figures").set_index("key")["value"]
    links = ui.computed(
        matching.approach_links, lang, mode, tuple(shortlisted), tuple(company_keys)
    )
    by_step = dict(tuple(links.groupby("step")))
    for step in steps.itertuples():
        with st.container(border=True):
            st.markdown(
                "**"
                + tr(
                    "matching.step_title",
                    title=tr(f"matching.step_{step.step}"),
                    share=fmt.percent(step.share),
                    people=fmt.number(step.people),
                )
                + "**"
            )
            st.write(
                tr(
                    f"matching.step_{step.step}_{mode}",
                    dispatch=fmt.number(headline["posted_openings_dispatch"]),
                    side_job=fmt.number(headline["posted_openings_side_job"]),
                    cases=fmt.number(headline["published_case_studies"]),
                )
            )
            if step.municipality_share or step.company_share:
                st.caption(
                    tr(
                        "matching.step_sides",
                        municipality=fmt.percent(step.municipality_share),
                        company=fmt.percent(step.company_share),
                        routes=tr("matching.routes_separator").join(
                            str(r) for r in step.routes
                        ),
                    )
                )
            step_links(by_step.get(step.step, links.iloc[0:0]), step.step)
    rest, rest_share = ui.computed(matching.approach_rest)
    st.caption(
        tr(
            "matching.steps_rest",
            share=fmt.percent(rest_share),
            people=fmt.number(rest),
        )
    )
    ui.sources("mic_r5", "hosts", "municipalities")
