"""Overview: how big the programme is and how it grows, for officials and presenters.

Headline figures of the latest fiscal years with their change, the trend by type,
how agreements began, and who is sent. Every number comes from `data/`.
"""

import streamlit as st

import ui
from kigyojin import figures, fmt
from kigyojin.charts import overview as charts
from kigyojin.i18n import label

tr = ui.t()
lang = ui.lang()
st.title(tr("overview.title"))
st.write(tr("overview.lead"))

with ui.guard():
    latest = ui.computed(figures.latest_fiscal_year)
    for year in (latest, latest - 1):
        heads = ui.computed(figures.headlines, year)
        if not heads:
            continue
        st.subheader(tr("overview.headline_heading", year=fmt.fiscal_year(year, lang)))
        for kind in dict.fromkeys(head.kind for head in heads):
            row = [head for head in heads if head.kind == kind]
            columns = st.columns([1.2] + [2] * len(figures.MEASURES))
            columns[0].markdown(f"**{label(kind, lang)}**")
            for column, head in zip(columns[1:], row, strict=False):
                help_text = None
                if head.basis == "derived":
                    help_text = tr("overview.derived_help")
                elif head.kind == "total" and head.measure == "host_municipalities":
                    help_text = tr("overview.total_hosts_help")
                column.metric(
                    label(head.measure, lang),
                    tr(f"overview.unit_{head.measure}", value=fmt.number(head.value)),
                    delta=head.change,
                    delta_description=tr("overview.change")
                    if head.change is not None
                    else None,
                    help=help_text,
                    border=True,
                )
    ui.sources("national_totals")

st.header(tr("overview.trend_heading"))
with ui.guard():
    trend = ui.computed(figures.trend)
    measure = ui.url_choice(
        st.segmented_control,
        tr("overview.trend_measure"),
        figures.MEASURES,
        key="measure",
        default="people",
        required=True,
        format_func=lambda m: label(m, lang),
    )
    chart_tab, table_tab = st.tabs([tr("common.view_chart"), tr("common.view_table")])
    with chart_tab:
        ui.altair_chart(
            charts.trend_chart,
            trend,
            measure,
            lang,
            alt=tr("overview.trend_alt", measure=label(measure, lang)),
            png=f"trend_{measure}.png",
        )
    with table_tab:
        shown = trend[trend["measure"] == measure].assign(
            fiscal_year=lambda f: f["fiscal_year"].map(
                lambda y: fmt.fiscal_year(y, lang)
            ),
            kind=lambda f: f["kind"].map(lambda k: label(k, lang)),
            measure=lambda f: f["measure"].map(lambda m: label(m, lang)),
            basis=lambda f: f["basis"].map(lambda b: label(b, lang)),
        )
        shown = ui.display_table(
            shown,
            {
                "fiscal_year": "overview.col_fiscal_year",
                "kind": "overview.col_kind",
                "measure": "overview.col_measure",
                "value": "overview.col_value",
                "basis": "overview.col_basis",
            },
        )
        ui.csv_download(shown, f"trend_{measure}.csv", key="trend_csv")
    st.caption(tr("overview.trend_note"))
    ui.sources("national_totals")

st.header(tr("overview.origins_heading"))
with ui.guard():
    origins = ui.computed(figures.agreement_origins)
    sides = ui.computed(figures.origin_sides).set_index("side")
    total = int(origins["people"].sum())
    left, right = st.columns(2)
    for column, side, key in (
        (left, figures.MUNICIPALITY_SIDE, "overview.origins_municipality"),
        (right, figures.COMPANY_SIDE, "overview.origins_company"),
    ):
        column.metric(
            tr(key),
            fmt.percent(sides.at[side, "share"]),
            help=tr(
                "overview.origins_share",
                people=fmt.number(total),
                count=fmt.number(sides.at[side, "people"]),
            ),
            border=True,
        )
    chart_tab, table_tab = st.tabs([tr("common.view_chart"), tr("common.view_table")])
    with chart_tab:
        ui.altair_chart(
            charts.origins_chart,
            origins,
            lang,
            alt=tr("overview.origins_alt"),
            png="agreement_origins.png",
        )
    with table_tab:
        shown = origins.assign(
            origin=lambda f: f["origin"].map(lambda o: label(o, lang)),
            side=lambda f: f["side"].map(lambda s: label(s, lang)),
            share=lambda f: f["share"].round(1),
        )
        shown = ui.display_table(
            shown,
            {
                "no": "overview.col_no",
                "origin": "overview.col_origin",
                "side": "overview.col_side",
                "people": "overview.col_people",
                "share": "overview.col_share",
            },
        )
        ui.csv_download(shown, "agreement_origins_fy2023.csv", key="origins_csv")
    municipality = sides.loc[figures.MUNICIPALITY_SIDE]
    st.caption(
        tr(
            "overview.origins_note",
            stated=fmt.percent(municipality["share_stated"]),
            count=fmt.number(municipality["people"]),
            total=fmt.number(total),
            share=fmt.percent(municipality["share"]),
        )
    )
    ui.sources("mic_r5")

st.header(tr("overview.people_heading"))
with ui.guard():
    people = ui.computed(figures.age_gender)
    chart_tab, table_tab = st.tabs([tr("common.view_chart"), tr("common.view_table")])
    with chart_tab:
        age_column, gender_column = st.columns([3, 2])
        for column, dimension in ((age_column, "age"), (gender_column, "gender")):
            ui.altair_chart(
                charts.age_gender_chart,
                people,
                dimension,
                lang,
                where=column,
                alt=tr("overview.people_alt"),
                png=f"people_{dimension}.png",
            )
    with table_tab:
        shown = people.assign(
            fiscal_year=lambda f: f["fiscal_year"].map(
                lambda y: fmt.fiscal_year(y, lang)
            ),
            dimension=lambda f: f["dimension"].map(lambda d: label(d, lang)),
            group=lambda f: f["group"].map(lambda g: label(g, lang)),
        )
        shown = ui.display_table(
            shown,
            {
                "fiscal_year": "overview.col_fiscal_year",
                "dimension": "overview.col_dimension",
                "group": "overview.col_group",
                "percent": "overview.col_share",
            },
        )
        ui.csv_download(shown, "age_gender.csv", key="people_csv")
    ui.sources("mic_r5")
