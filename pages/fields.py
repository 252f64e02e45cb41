"""Fields: what the 起業人 work on, for officials and presenters.

The year's breakdown over the deck's categories, the same people in six groups (so
a presenter can say how much tourism, DX and local products make up), and the
fields of the public host records beside it, labelled as a sample. A click on any
bar chooses its group; the choice is kept in the URL (`?group=dx`).
"""

import streamlit as st

import ui
from kigyojin import companies, fields, figures, fmt
from kigyojin.charts import fields as charts
from kigyojin.i18n import label

tr = ui.t()
lang = ui.lang()
st.title(tr("fields.title"))
st.write(tr("fields.lead"))

CHART_KEYS = ("groups_chart", "categories_chart", "sample_chart")


def group_name(group: str | None) -> str:
    """A group's name; a host record without a field has none."""
    return companies.group_text(group, lang)


def table_count(shown: int, total: int) -> None:
    """Under a table narrowed by the chosen groups, how much of it is shown."""
    if chosen:
        st.caption(tr("fields.table_count", shown=shown, total=total))


# The latest year and no group, unless the data hold several years or a group is
# chosen; set here so that each section still runs when another one failed.
year = None
chosen: list[str] = []
with ui.guard():
    years = fields.years_of("categories")
    year = years[-1]
    if len(years) > 1:
        year = ui.url_choice(
            st.selectbox,
            tr("fields.year"),
            years,
            key="year",
            default=year,
            format_func=lambda y: fmt.fiscal_year(y, lang),
        )
    # A click on any chart becomes the group filter before anything is drawn.
    for chart_key in CHART_KEYS:
        picked = fields.groups_from_selection(
            ui.chart_selection(chart_key), charts.GROUP_PARAM
        )
        ui.pick_to_choice(chart_key, "group", picked, default=[])
    chosen = ui.url_choice(
        st.pills,
        tr("fields.group_filter"),
        fields.GROUPS,
        key="group",
        default=[],
        selection_mode="multi",
        format_func=group_name,
    )
    st.caption(tr("fields.click_hint"))

    st.header(tr("fields.groups_heading", year=fmt.fiscal_year(year, lang)))
    newest = figures.latest_fiscal_year()
    if newest > years[-1]:
        # The national totals know a newer year than any published breakdown.
        st.caption(
            tr(
                "fields.newer_year_missing",
                newest=fmt.fiscal_year(newest, lang),
                year=fmt.fiscal_year(years[-1], lang),
            )
        )
    groups = ui.computed(fields.grouped, year)
    leading = ui.computed(fields.leading_share, year)
    other = groups.set_index("group").loc[fields.OTHER_GROUP]
    names = tr("fields.name_separator").join(group_name(g) for g in leading.groups)
    first, second = st.columns(2)
    first.metric(
        tr("fields.leading_metric", groups=names),
        fmt.percent(leading.share),
        help=tr(
            "fields.leading_help",
            people=fmt.number(leading.people),
            total=fmt.number(leading.total),
        ),
        border=True,
    )
    second.metric(
        tr("fields.other_metric", count=int(other["categories"])),
        fmt.percent(other["share"]),
        help=tr(
            "fields.leading_help",
            people=fmt.number(int(other["people"])),
            total=fmt.number(leading.total),
        ),
        border=True,
    )
    left, right = st.columns([4, 7])
    with left:
        chart_tab, table_tab = st.tabs(
            [tr("common.view_chart"), tr("common.view_table")]
        )
        with chart_tab:
            ui.altair_chart(
                charts.groups_chart,
                groups,
                lang,
                chosen,
                png=f"field_groups_fy{year}.png",
                key="groups_chart",
                on_select="rerun",
                selection_mode=charts.GROUP_PARAM,
                alt=tr("fields.groups_alt"),
            )
        with table_tab:
            picked = fields.in_groups(groups, chosen)
            table_count(len(picked), len(groups))
            shown = picked.assign(
                group=lambda f: f["group"].map(group_name),
                share=lambda f: f["share"].round(1),
            )
            shown = ui.display_table(
                shown,
                {
                    "group": "fields.col_group",
                    "people": "fields.col_people",
                    "share": "fields.col_share",
                    "categories": "fields.col_categories",
                },
            )
            ui.csv_download(shown, f"field_groups_fy{year}.csv", key="groups_csv")
    with right:
        categories = ui.computed(fields.breakdown, year)
        picked = fields.in_groups(categories, chosen)
        st.subheader(tr("fields.drill_heading"))
        st.caption(
            tr("fields.drill_count", shown=len(picked), total=len(categories))
            if chosen
            else tr("fields.drill_all", total=len(categories))
        )
        shown = picked.assign(
            category=lambda f: f["category"].map(lambda c: label(c, lang)),
            group=lambda f: f["group"].map(group_name),
            share=lambda f: f["share"].round(1),
        )
        shown = ui.display_table(
            shown,
            {
                "category": "fields.col_category",
                "group": "fields.col_group",
                "people": "fields.col_people",
                "share": "fields.col_share",
            },
        )
        ui.csv_download(shown, f"fields_chosen_fy{year}.csv", key="drill_csv")
    st.caption(tr("fields.groups_note"))
    ui.sources("mic_r5", year_of=("categories", year))

    st.header(tr("fields.categories_heading", year=fmt.fiscal_year(year, lang)))
    chart_tab, table_tab = st.tabs([tr("common.view_chart"), tr("common.view_table")])
    with chart_tab:
        ui.altair_chart(
            charts.categories_chart,
            categories,
            lang,
            chosen,
            png=f"fields_fy{year}.png",
            key="categories_chart",
            on_select="rerun",
            selection_mode=charts.GROUP_PARAM,
            alt=tr("fields.categories_alt", count=len(categories)),
        )
    with table_tab:
        picked = fields.in_groups(categories, chosen)
        table_count(len(picked), len(categories))
        shown = picked.assign(
            category_full=lambda f: f["category"],
            category=lambda f: f["category"].map(lambda c: label(c, lang)),
            group=lambda f: f["group"].map(group_name),
            share=lambda f: f["share"].round(1),
        )
        columns = {
            "category": "fields.col_category",
            "group": "fields.col_group",
            "people": "fields.col_people",
            "share": "fields.col_share",
            "percent_stated": "fields.col_share_stated",
        }
        if lang != "ja":
            columns = {"category_full": "fields.col_category_full", **columns}
        shown = ui.display_table(shown, columns)
        ui.csv_download(shown, f"fields_fy{year}.csv", key="categories_csv")
    st.caption(tr("fields.categories_note"))
    ui.sources("mic_r5", year_of=("categories", year))

st.header(tr("fields.sample_heading"))
with ui.guard():
    records = ui.computed(companies.host_records)
    by_group = ui.computed(fields.sample_by_group, year)
    st.info(
        tr(
            "fields.sample_lead",
            records=len(records),
            municipalities=records["code"].nunique(),
            companies=records["key"].nunique(),
            unclassified=fields.sample_unclassified(),
        ),
        icon=":material/info:",
    )
    left, right = st.columns([5, 6])
    with left:
        chart_tab, table_tab = st.tabs(
            [tr("common.view_chart"), tr("common.view_table")]
        )
        with chart_tab:
            ui.altair_chart(
                charts.sample_chart,
                by_group,
                lang,
                chosen,
                png="host_records_fields.png",
                key="sample_chart",
                on_select="rerun",
                selection_mode=charts.GROUP_PARAM,
                alt=tr("fields.sample_alt"),
            )
        with table_tab:
            picked = fields.in_groups(by_group, chosen)
            table_count(len(picked), len(by_group))
            shown = picked.assign(
                group=lambda f: f["group"].map(group_name),
                national_share=lambda f: f["national_share"].round(1),
                sample_share=lambda f: f["sample_share"].round(1),
            )
            shown = ui.display_table(
                shown,
                {
                    "group": "fields.col_group",
                    "people": "fields.col_national_people",
                    "national_share": "fields.col_national_share",
                    "records": "fields.col_sample_records",
                    "sample_share": "fields.col_sample_share",
                },
            )
            st.caption(tr("fields.sample_table_note"))
            ui.csv_download(shown, "fields_sample.csv", key="sample_csv")
    with right:
        table, source_columns = ui.computed(
            companies.records_in_groups_table, tuple(chosen), lang
        )
        st.subheader(tr("fields.sample_table_heading"))
        st.caption(tr("fields.sample_count", shown=len(table), total=len(records)))
        shown = ui.display_table_with_links(
            table,
            {
                "pref": "fields.col_prefecture",
                "name": "fields.col_municipality",
                "company": "fields.col_company",
                "field": "fields.col_field",
                "group": "fields.col_group",
                "type": "fields.col_type",
            },
            {
                column: tr("fields.col_source", number=number)
                for number, column in enumerate(source_columns, start=1)
            },
        )
        ui.csv_download(shown, "host_records_fields.csv", key="sample_records_csv")
    st.caption(tr("fields.sample_note"))
    ui.sources("hosts", "mic_r5")
