"""The floor: an empty Streamlit app, served and measured exactly like the dashboard.

It renders nothing, so what it costs to start, rerun and send is Streamlit's own cost.
"""

import streamlit as st  # noqa: F401  (importing it is all an empty app does)
