"""Map: where the programme's hosts are and which municipalities may host.

For officials on a closed network and presenters: every municipality coloured by
whether it may host, the public host cases as dots, a prefecture view with each
municipality's facts, the profile of the one chosen, and a table of what is on the
map. Nothing is fetched from outside: the boundaries are bundled, the deck has no
basemap. The view (prefecture, municipality, filters) is kept in the URL.
"""

from functools import partial

import pandas as pd
import streamlit as st

import ui
from kigyojin import eligibility, fmt, hosts, maps
from kigyojin.i18n import label

NATIONAL = ""  # the `pref` choice for the whole country
ALL_YEARS = 0  # the `fy` choice for every fiscal year
ALL_COMPANIES = ""

tr = ui.t()
lang = ui.lang()


def _picked(chart_key: str) -> None:
    """A click on the map: a municipality or dot chooses it, a prefecture opens it."""
    state = st.session_state.get(chart_key) or {}
    objects = (state.get("selection") or {}).get("objects") or {}
    for picked in objects.values():
        for item in picked:
            if item.get("code"):
                st.session_state["pref"] = item["code"][:2]
                st.session_state["code"] = item["code"]
                return
            if item.get("pref_code"):
                st.session_state["pref"] = item["pref_code"]
                st.session_state["code"] = None
                return


def _pref_changed() -> None:
    code = st.session_state.get("code")
    if code and code[:2] != st.session_state.get("pref"):
        st.session_state["code"] = None


def _code_changed() -> None:
    code = st.session_state.get("code")
    if code:
        st.session_state["pref"] = code[:2]


def _source_link(url: str) -> str:
    """A Markdown link to a source: its site as the text, the URL made safe."""
    link = maps.source_link(url)
    if link is None:
        return ui.plain(url)
    site, address = link
    return f"[{ui.plain(site)}]({address})"


def _page_registered(url_path: str) -> str | None:
    """The script of the page at `url_path`, if the app has it."""
    return next((page[0] for page in ui.PAGES if page[2] == url_path), None)


def _profile(code: str, records) -> None:
    """Everything about one municipality, beside the map."""
    row = maps.municipality_facts().set_index("code").loc[code]
    st.subheader(
        ui.plain(tr("map.profile_heading", name=row["name"], kana=row["name_kana"]))
    )
    st.caption(
        ui.plain(tr("map.profile_place", pref=maps.pref_label(row, lang), code=code))
    )
    verdict = maps.verdict_text(row["verdict"], lang)
    st.markdown(
        tr(
            "map.profile_line",
            label=f"**{tr('map.profile_verdict')}**",
            value=ui.plain(verdict),
        )
    )
    bullet = tr("map.bullet")
    st.markdown(
        ui.plain(*(bullet + eligibility.reason_text(r, lang) for r in row["reasons"]))
    )
    if row["estimated"]:
        st.warning(tr("map.profile_estimated"), icon=":material/help:")
    left, right = st.columns(2)
    left.metric(
        tr("map.profile_population"),
        tr("map.profile_population_value", value=fmt.number(row["pop_2020"])),
    )
    aged = row["pct_age65plus_2020"]
    right.metric(
        tr("map.profile_aged"),
        tr("map.profile_unknown") if pd.isna(aged) else fmt.percent(aged),
    )
    st.markdown(
        ui.plain(
            tr(
                "map.profile_line",
                label=tr("map.profile_kaso"),
                value=maps.kaso_text(row["kaso_type"], lang),
            ),
            tr(
                "map.profile_line",
                label=tr("map.profile_class"),
                value=label(row["category_label"], lang),
            ),
        )
    )

    mine = records[records["code"] == code]
    st.markdown(f"**{tr('map.profile_records', count=len(mine))}**")
    if mine.empty:
        st.caption(tr("map.profile_no_records"))
    for record in mine.to_dict("records"):
        period = tr(
            "map.profile_period",
            start=record["start"] or tr("map.profile_unknown"),
            end=record["end"] or tr("map.profile_unknown"),
        )
        details = [label(record["type"], lang)]
        if record["field"]:
            details.append(label(record["field"], lang))
        details.append(period)
        line = tr(
            "map.profile_record",
            company=record["company"],
            details=tr("map.separator").join(details),
        )
        links = " ".join(_source_link(url) for url in record["sources"])
        st.markdown(
            f"{ui.plain(bullet + line)}  \n{ui.plain(tr('map.profile_sources'))}{links}"
        )

    query = {"code": code} | ({"lang": lang} if lang != "ja" else {})
    for url_path, key, icon in (
        ("check", "map.profile_check", ":material/fact_check:"),
        ("matching", "map.profile_matching", ":material/handshake:"),
    ):
        script = _page_registered(url_path)
        if script:
            st.page_link(script, label=tr(key), icon=icon, query_params=query)


st.title(tr("map.title"))
st.write(tr("map.lead"))

# Set before the sections so that the table below still runs (and names a broken
# file) when the map above failed.
uploaded = None
chosen = hosts.HostFilter()
pref = NATIONAL

with ui.guard():
    # An official's own host list, while uploaded, replaces the public sample.
    uploaded = ui.host_upload()
    everything = hosts.records(uploaded)
    search = maps.search_labels(lang)
    pref_names = ui.computed(maps.prefecture_names, lang)

    if uploaded is None:
        # The national count comes from another file: the map works without it.
        with ui.guard():
            st.info(
                tr(
                    "map.sample_warning",
                    records=len(everything),
                    places=everything["code"].nunique(),
                    **ui.computed(hosts.national_hosts_params, lang),
                ),
                icon=":material/info:",
            )

    # A link with only ?code=… opens that municipality's prefecture.
    linked = st.query_params.get("code")
    if "pref" not in st.session_state and linked in search:
        st.session_state["pref"] = linked[:2]

    where, find = st.columns(2)
    with where:
        pref = ui.url_choice(
            st.selectbox,
            tr("map.pref_label"),
            [NATIONAL, *pref_names],
            key="pref",
            default=NATIONAL,
            format_func=lambda p: pref_names.get(p) or tr("map.pref_national"),
            on_change=_pref_changed,
        )
    with find:
        # A prefecture view searches its own municipalities: all 1,741 labels
        # would be sent with every view, more than the prefecture's map itself.
        in_view = maps.search_labels(lang, pref) if pref else search
        code = ui.url_choice(
            st.selectbox,
            tr("map.search_label_in", pref=pref_names[pref])
            if pref
            else tr("map.search_label"),
            list(in_view),
            key="code",
            default=None,
            format_func=in_view.get,
            placeholder=tr("map.search_placeholder"),
            on_change=_code_changed,
        )

    options = hosts.options(everything)
    with st.expander(tr("map.filters"), icon=":material/filter_list:"):
        type_column, field_column, company_column, year_column = st.columns(4)
        with type_column:
            types = ui.url_choice(
                st.multiselect,
                tr("map.filter_type"),
                options["types"],
                key="type",
                default=[],
                format_func=lambda v: label(v, lang),
                placeholder=tr("map.filter_all"),
            )
        with field_column:
            fields = ui.url_choice(
                st.multiselect,
                tr("map.filter_field"),
                options["fields"],
                key="field",
                default=[],
                format_func=lambda v: label(v, lang),
                placeholder=tr("map.filter_all"),
            )
        with company_column:
            company = ui.url_choice(
                st.selectbox,
                tr("map.filter_company"),
                [ALL_COMPANIES, *options["companies"]],
                key="company",
                default=ALL_COMPANIES,
                format_func=lambda c: c or tr("map.filter_all"),
            )
        with year_column:
            year = ui.url_choice(
                st.selectbox,
                tr("map.filter_year"),
                [ALL_YEARS, *options["fiscal_years"]],
                key="fy",
                default=ALL_YEARS,
                format_func=lambda y: (
                    fmt.fiscal_year(y, lang) if y else tr("map.filter_all")
                ),
                help=tr(
                    "map.filter_year_help",
                    unknown=int(everything["fiscal_year"].isna().sum()),
                ),
            )

    chosen = hosts.HostFilter(
        types=tuple(types),
        fields=tuple(fields),
        company=company or None,
        fiscal_year=year or None,
        upload=None if uploaded is None else hosts.UploadedRecords.of(uploaded),
    )
    shown = maps.records_in_view(chosen, pref)
    places_marked = shown["code"].nunique()
    st.caption(tr("map.filtered_count", records=len(shown), places=places_marked))

    legend = ui.computed(maps.verdict_counts_in_view, pref, lang)
    counts = legend.set_index("verdict")["count"]
    if pref:
        deck = maps.prefecture_deck(pref, chosen, lang, code)
        alt_text = tr(
            "map.map_alt_prefecture",
            pref=pref_names[pref],
            eligible=counts["eligible"],
            ineligible=counts["ineligible"],
            estimated=counts["ineligible_estimated"],
            places=places_marked,
        )
    else:
        deck = maps.national_deck(chosen, lang)
        alt_text = tr(
            "map.map_alt_national",
            eligible=counts["eligible"],
            ineligible=counts["ineligible"],
            estimated=counts["ineligible_estimated"],
            places=places_marked,
        )

    map_column, profile_column = st.columns([2, 1], gap="medium")
    with map_column:
        # A new key for each view and choice: the chart's own selection (which
        # dims everything not clicked) is dropped once the click has been read.
        chart_key = f"map_{pref or 'jp'}_{code or 'none'}"
        st.pydeck_chart(
            deck,
            height=maps.MAP_HEIGHT,
            on_select=partial(_picked, chart_key),
            selection_mode="single-object",
            key=chart_key,
            alt=alt_text,
        )
        st.vega_lite_chart(
            spec=maps.legend_spec(pref, lang),
            alt=tr(
                "map.legend_chart_alt",
                counts=tr("map.separator").join(
                    tr("map.verdict_count", verdict=v, count=fmt.number(c))
                    for v, c in zip(legend["label"], legend["count"], strict=True)
                ),
            ),
        )
        st.caption(tr("map.legend_hosts"))
        st.caption(
            tr("map.legend_hint_prefecture" if pref else "map.legend_hint_national")
        )
        with ui.guard():
            st.caption(
                tr(
                    "map.legend_estimated_note",
                    eligible=fmt.number(len(eligibility.eligible_codes())),
                    stated=fmt.number(eligibility.published_count()[0]),
                )
            )
    with profile_column:
        if code:
            _profile(code, maps.records_in_view(chosen, None))
        else:
            st.caption(tr("map.profile_none"))
    ui.sources("boundaries", "regional_requirement", "kaso", "teijuu_jiritsuken")

st.header(tr("map.table_heading"))
with ui.guard():
    records_tab, places_tab = st.tabs(
        [tr("map.tab_records"), tr("map.tab_municipalities")]
    )
    with records_tab:
        table = maps.records_table(chosen, pref, lang)
        if table.empty:
            st.caption(tr("map.no_records"))
        titles = {
            "pref": tr("map.col_pref"),
            "name": tr("map.col_name"),
            "code": tr("map.col_code"),
            "company": tr("map.col_company"),
            "type": tr("map.col_type"),
            "field": tr("map.col_field"),
            "start": tr("map.col_start"),
            "end": tr("map.col_end"),
            "fiscal_year": tr("map.col_fiscal_year"),
            "people": tr("map.col_people"),
            "verdict": tr("map.col_verdict"),
        }
        sources = [c for c in table.columns if c.startswith("source_")]
        titles |= {
            column: tr("map.col_source", number=column.removeprefix("source_"))
            for column in sources
        }
        table = table.rename(columns=titles)
        st.dataframe(
            table,
            hide_index=True,
            column_config={
                titles[column]: st.column_config.LinkColumn(
                    titles[column], display_text=r"https?://(?:www\.)?([^/]+)"
                )
                for column in sources
            },
        )
        ui.csv_download(
            table, f"host_cases_{pref or 'japan'}.csv", key="map_records_csv"
        )
        ui.sources("hosts")
    with places_tab:
        if pref:
            places = maps.municipalities_table(pref, chosen, lang)
            titles = {
                "code": tr("map.col_code"),
                "name": tr("map.col_name"),
                "kana": tr("map.col_kana"),
                "verdict": tr("map.col_verdict"),
                "reasons": tr("map.col_reasons"),
                "population": tr("map.col_population"),
                "aged": tr("map.col_aged"),
                "kaso": tr("map.col_kaso"),
                "class": tr("map.col_class"),
                "records": tr("map.col_records"),
            }
        else:
            places = maps.prefectures_table(chosen, lang)
            titles = {
                "pref_code": tr("map.col_code"),
                "pref": tr("map.col_pref"),
                **{
                    verdict: maps.verdict_text(verdict, lang, short=True)
                    for verdict in eligibility.VERDICTS
                },
                "records": tr("map.col_records"),
                "places": tr("map.col_places"),
            }
        places = places.rename(columns=titles)
        st.dataframe(places, hide_index=True)
        ui.csv_download(
            places, f"municipalities_{pref or 'japan'}.csv", key="map_places_csv"
        )
        ui.sources("population", "kaso", "regional_requirement", "teijuu_jiritsuken")
