"""Companies: who sends the 起業人, for officials, companies and presenters.

The year's ranking of dispatching companies with the share the top 3, 10 and 19
send; a search by name that ignores 株式会社 and full/half width; and for one
company, its hosts known from public records, with their sources, on a table and a
small map. The search (`?q=`) and the company (`?company=`) are kept in the URL.
"""

import pandas as pd
import streamlit as st

import ui
from kigyojin import companies, fields, fmt, hosts, maps
from kigyojin.charts import companies as charts
from kigyojin.i18n import label

tr = ui.t()
lang = ui.lang()
st.title(tr("companies.title"))
st.write(tr("companies.lead"))

# Set before the sections so that each one still runs when another one failed.
year = None
query = ""
uploaded = None

with ui.guard():
    # An official's own host list, while uploaded, replaces the public sample.
    uploaded = ui.host_upload()

with ui.guard():
    years = fields.years_of("company_ranking")
    year = years[-1]
    if len(years) > 1:
        year = ui.url_choice(
            st.selectbox,
            tr("companies.year"),
            years,
            key="year",
            default=year,
            format_func=lambda y: fmt.fiscal_year(y, lang),
        )
    st.header(tr("companies.ranking_heading", year=fmt.fiscal_year(year, lang)))
    tops = ui.computed(companies.top_shares, year)
    for column, top in zip(st.columns(len(tops)), tops, strict=True):
        column.metric(
            tr("companies.top_metric", top=top.top),
            fmt.percent(top.share),
            help=tr(
                "companies.top_help",
                people=fmt.number(top.people),
                total=fmt.number(top.total),
                companies=fmt.number(top.companies),
                all_companies=fmt.number(top.all_companies),
                company_share=fmt.percent(top.company_share),
            ),
            border=True,
        )
    query = st.text_input(
        tr("companies.search"),
        key="q",
        bind="query-params",
        placeholder=tr("companies.search_placeholder"),
    )
    directory = ui.computed(companies.directory, year, uploaded)
    ranking = ui.computed(
        companies.ranking_with_records,
        ui.computed(companies.ranking, year),
        directory,
    )
    matching = companies.search(query, ranking)
    # A click on a ranking bar chooses that company below.
    ui.pick_to_choice(
        "ranking_chart",
        "company",
        companies.company_from_selection(
            ui.chart_selection("ranking_chart"), charts.COMPANY_PARAM
        ),
        default=None,
    )
    # The choice from a click, the widget below or, on a first run, the URL.
    chosen = st.session_state.get("company", st.query_params.get("company"))
    listed = companies.only_chosen(matching, chosen)
    chart_tab, table_tab = st.tabs([tr("common.view_chart"), tr("common.view_table")])
    with chart_tab:
        ui.altair_chart(
            charts.ranking_chart,
            ranking,
            lang,
            tuple(matching["key"]) if query else None,
            chosen,
            png=f"company_ranking_fy{year}.png",
            key="ranking_chart",
            on_select="rerun",
            selection_mode=charts.COMPANY_PARAM,
            alt=tr("companies.ranking_alt", count=len(ranking)),
        )
        st.caption(tr("companies.click_hint"))
    with table_tab:
        if len(listed) < len(matching):
            st.caption(tr("companies.ranking_chosen", total=len(matching)))
        shown = ui.display_table(
            listed.assign(share=lambda f: f["share"].round(1)),
            {
                "rank": "companies.col_rank",
                "company": "companies.col_company",
                "people": "companies.col_people",
                "share": "companies.col_share",
                "records": "companies.col_records",
            },
        )
        ui.csv_download(shown, f"company_ranking_fy{year}.csv", key="ranking_csv")
    if query:
        st.caption(
            tr("companies.search_count", shown=len(matching), total=len(ranking))
        )
    st.caption(tr("companies.ranking_note", count=len(ranking)))
    ui.sources("mic_r5", "national_totals", year_of=("company_ranking", year))

st.header(tr("companies.company_heading"))
with ui.guard():
    directory = ui.computed(companies.directory, year, uploaded)
    found = companies.search(query, directory)
    names = dict(zip(directory["key"], directory["company"], strict=True))
    records = dict(zip(directory["key"], directory["records"], strict=True))
    options = list(found["key"])
    # The chosen company (from a click, the widget or the URL) stays choosable.
    current = st.session_state.get("company", st.query_params.get("company"))
    if current in names and current not in options:
        options.insert(0, current)
    if query:
        st.caption(tr("companies.search_count", shown=len(found), total=len(directory)))
    key = ui.url_choice(
        st.selectbox,
        tr("companies.choose"),
        options,
        key="company",
        default=None,
        index=None,
        placeholder=tr("companies.choose_placeholder"),
        format_func=lambda k: tr("companies.option", name=names[k], records=records[k]),
    )
    if key is None:
        st.caption(tr("companies.choose_hint"))
    else:
        row = directory.set_index("key").loc[key]
        # A company's name comes from the data: shown as text, never as Markdown.
        st.subheader(ui.plain(row["company"]))
        mine = companies.hosts_of(key, uploaded)
        ranked = not pd.isna(row["rank"])
        first, second, third = st.columns(3)
        first.metric(
            tr("companies.metric_people", year=fmt.fiscal_year(year, lang)),
            tr("companies.people_value", people=fmt.number(row["people"]))
            if ranked
            else tr("companies.not_ranked"),
            help=tr("companies.rank_value", rank=row["rank"])
            if ranked
            else tr("companies.not_ranked_help"),
            border=True,
        )
        second.metric(tr("companies.metric_records"), len(mine), border=True)
        third.metric(
            tr("companies.metric_municipalities"), mine["code"].nunique(), border=True
        )
        if mine.empty:
            st.info(tr("companies.no_records"), icon=":material/info:")
        else:
            text_column, map_column = st.columns([1, 1])
            with text_column:
                field_names = [label(f, lang) for f in row["fields"]]
                st.markdown(
                    ui.plain(
                        tr(
                            "companies.fields_line",
                            fields=tr("companies.separator").join(field_names)
                            or tr("companies.no_field"),
                        ),
                        tr(
                            "companies.years_line",
                            years=companies.years_text(
                                row["first_year"], row["last_year"], lang
                            ),
                        ),
                    )
                )
                st.caption(tr("companies.hosts_note"))
            with map_column:
                upload = (
                    None if uploaded is None else hosts.UploadedRecords.of(uploaded)
                )
                st.pydeck_chart(
                    maps.company_deck(key, lang, upload),
                    height=maps.COMPANY_MAP_HEIGHT,
                    alt=tr("companies.map_alt", count=mine["code"].nunique()),
                )
            table, source_columns = companies.records_table(mine, lang)
            shown = ui.display_table_with_links(
                table,
                {
                    "pref": "companies.col_prefecture",
                    "name": "companies.col_municipality",
                    "company": "companies.col_company_published",
                    "type": "companies.col_type",
                    "field": "companies.col_field",
                    "period": "companies.col_period",
                    "note": "companies.col_note",
                },
                {
                    column: tr("companies.col_source", number=number)
                    for number, column in enumerate(source_columns, start=1)
                },
            )
            ui.csv_download(shown, "company_hosts.csv", key="company_hosts_csv")
    ui.sources("hosts", "mic_r5", "boundaries")

st.header(tr("companies.directory_heading"))
with ui.guard():
    directory = ui.computed(companies.directory, year, uploaded)
    shown = ui.display_table(
        ui.computed(
            companies.directory_table, companies.search(query, directory), lang
        ),
        {
            "company": "companies.col_company",
            "rank": "companies.col_rank",
            "people": "companies.col_people",
            "records": "companies.col_records",
            "hosts": "companies.col_hosts",
            "fields": "companies.col_fields",
            "years": "companies.col_years",
        },
    )
    ui.csv_download(shown, "company_directory.csv", key="directory_csv")
    st.caption(tr("companies.directory_note"))
    ui.sources("hosts", "mic_r5")
