"""About: where every figure comes from, how current it is, and what it cannot tell.

For officials who cite the dashboard in a report: the full attribution, each data
file with its date and size, and the limits of the data.
"""

from functools import partial

import pandas as pd
import streamlit as st

import ui
from kigyojin import data, figures, fmt, importer, templates
from kigyojin.errors import KigyojinError
from kigyojin.hosts import national_hosts_params

# The attribution the data's licences require, in the order of data/SOURCES.md.
ATTRIBUTION_KEYS = (
    "boundaries",
    "population",
    "kaso",
    "regional_requirement",
    "municipalities",
    "teijuu_jiritsuken",
    "resident_register",
    "mic_r5",
    "national_totals",
    "hosts",
)

tr = ui.t()
st.title(tr("about.title"))
st.write(tr("about.lead"))

st.header(tr("about.attribution_heading"))
ui.sources(*ATTRIBUTION_KEYS)
st.caption(tr("about.licence"))


def fiscal_years(name: str) -> str:
    """The fiscal years a yearly table holds (an import adds one), else ''."""
    column = {c.name: c for c in data.TABLES[name].columns}.get("fiscal_year")
    if column is None or not column.required or column.kind not in ("int", "reiwa"):
        return ""
    years = sorted(int(y) for y in ui.table(name)["fiscal_year"].dropna().unique())
    first, last = (fmt.fiscal_year_short(y, ui.lang()) for y in (years[0], years[-1]))
    return first if first == last else tr("about.years_range", first=first, last=last)


st.header(tr("about.files_heading"))
rows = []
for name, spec in data.TABLES.items():
    years = ""
    try:
        count, status = len(ui.table(name)), tr("about.status_ok")
        years = fiscal_years(name)
    except KigyojinError as error:
        count = None
        status = tr("about.status_failed", message=error.message(ui.lang()))
    rows.append(
        {
            "file": f"data/{spec.path}",
            "rows": count,
            "years": years,
            "vintage": spec.vintage,
            "status": status,
        }
    )
ui.display_table(
    pd.DataFrame(rows),
    {
        "file": "about.col_file",
        "rows": "about.col_rows",
        "years": "about.col_years",
        "vintage": "about.col_vintage",
        "status": "about.col_status",
    },
)

st.header(tr("about.limits_heading"))
with ui.guard():
    hosts = ui.table("hosts")
    st.markdown(
        "- "
        + tr(
            "about.limit_hosts",
            rows=len(hosts),
            municipalities=hosts["code"].nunique(),
            companies=hosts["company"].nunique(),
            **national_hosts_params(ui.lang()),
        )
    )
st.markdown("- " + tr("about.limit_totals"))
st.markdown("- " + tr("about.limit_deck"))
st.markdown("- " + tr("about.limit_rules"))

st.header(tr("about.templates_heading"))
st.write(tr("about.templates_lead"))
with ui.guard():
    # The example imports the year after the newest one in the data.
    year = ui.computed(figures.latest_fiscal_year) + 1
    st.code(
        f"python -m kigyojin template totals --xlsx totals.xlsx\n"
        f"python -m kigyojin import totals totals.xlsx --fiscal-year {year}\n"
        f"python -m kigyojin undo totals",
        language="bash",
        # Wrapped, not scrolled sideways on a phone: a scrolling box needs keyboard
        # access that Streamlit's code block lacks (axe: scrollable-region-focusable).
        wrap_lines=True,
    )
for kind in importer.KINDS.values():
    with ui.guard():
        ui.table(kind.table)  # the examples come from it: a broken file says so here
        name, csv_column, xlsx_column = st.columns(
            [4, 1, 1], vertical_alignment="center"
        )
        title = kind.title(ui.lang())
        name.markdown(f"**{title[:1].upper() + title[1:]}**")
        # Built only when clicked, so the page does not write four workbooks per run.
        csv_column.download_button(
            tr("about.template_csv"),
            partial(templates.template_csv, kind.name),
            file_name=templates.file_name(kind.name),
            mime="text/csv",
            key=f"template_csv_{kind.name}",
            icon=":material/download:",
            on_click="ignore",
        )
        xlsx_column.download_button(
            tr("about.template_xlsx"),
            partial(templates.template_xlsx, kind.name, ui.lang()),
            file_name=templates.file_name(kind.name, xlsx=True),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"template_xlsx_{kind.name}",
            icon=":material/download:",
            on_click="ignore",
        )
st.caption(tr("about.templates_upload"))

st.header(tr("about.offline_heading"))
st.write(tr("about.offline"))
