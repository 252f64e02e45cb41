"""Entry point: page setup, the language switch and the navigation, nothing else."""

import logging
from pathlib import Path

import streamlit as st

import ui

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

st.set_page_config(
    page_title="地域活性化起業人 ダッシュボード",
    # A bundled file: a Material icon name here would be fetched from a font CDN.
    page_icon=str(Path(__file__).parent / "assets" / "icon.png"),
    layout="wide",
)
ui.language_switch()
if ui.presenting():
    # Every page's path runs the presenter, so leaving it returns to that page.
    st.navigation(ui.presenter_pages(), position="hidden").run()
else:
    page = st.navigation(ui.pages(), position="top")
    page.run()
    ui.presenter_tools(page.url_path)
