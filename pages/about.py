"""About: where every figure comes from, how current it is, and what it cannot tell.

For officials who cite the dashboard in a report: the full attribution, each data
file with its date and size, and the limits of the data.
"""

import pandas as pd
import streamlit as st

import ui
from kigyojin import data
from kigyojin.errors import KigyojinError

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

st.header(tr("about.files_heading"))
rows = []
for name, spec in data.TABLES.items():
    try:
        count, status = len(ui.table(name)), tr("about.status_ok")
    except KigyojinError as error:
        count, status = (
            None,
            tr("about.status_failed") + ": " + error.message(ui.lang()),
        )
    rows.append(
        {
            "file": f"data/{spec.path}",
            "rows": count,
            "vintage": spec.vintage,
            "status": status,
        }
    )
ui.display_table(
    pd.DataFrame(rows),
    {
        "file": "about.col_file",
        "rows": "about.col_rows",
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
        )
    )
st.markdown("- " + tr("about.limit_totals"))
st.markdown("- " + tr("about.limit_deck"))
st.markdown("- " + tr("about.limit_rules"))

st.header(tr("about.offline_heading"))
st.write(tr("about.offline"))
