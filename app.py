"""Entry point: page setup, the language switch and the navigation, nothing else."""

import logging
from pathlib import Path

import streamlit as st

import ui

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

st.set_page_config(
    # A bundled file: a Material icon name here would be fetched from a font CDN.
    page_icon=str(Path(__file__).parent / "assets" / "icon.png"),
    layout="wide",
)
ui.language_switch()
presenting = ui.presenting()
# Every page's path runs the presenter, so leaving it returns to that page.
page = st.navigation(
    ui.presenter_pages() if presenting else ui.pages(),
    position="hidden" if presenting else "top",
)
# The browser tab names the page in the chosen language (the calls add up).
tr = ui.t()
st.set_page_config(
    page_title=tr("common.tab_title", page=page.title, app=tr("common.app_short"))
)
if presenting:
    ui.note_presented_page(page.url_path)
# The page sees one version of the data files, each looked at once per run.
with ui.one_data_view():
    page.run()
    if not presenting:
        ui.presenter_tools(page.url_path)
