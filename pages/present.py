"""Presenter mode: the programme's story one slide at a time, for a seminar projector.

Reached from any page with `?present=1` (the sidebar's button), keeping that page's
filters and language; the slide number is in the URL (`&slide=3`). The app's chrome
is hidden and the type is sized for the back of a room. Next and previous by button,
arrow keys or a clicker's PageDown / PageUp; each chart as a PNG and the whole story
as PowerPoint, below the slide where only the presenter looks.
"""

import streamlit as st

import ui
from kigyojin import presenter, render

# Charts are drawn with their text this much larger than on a page.
SCREEN_TEXT_SCALE = 1.6
LEGEND_COLUMNS = 3
# More sources than this and the footer takes three lines or more at 1280 px.
LONG_FOOTER_SOURCES = 4

tr = ui.t()
lang = ui.lang()
st.html(ui.PRESENTER_CSS)

keys = presenter.story()
total = len(keys)
number = ui.current_slide(total)
filters = presenter.view_filters(ui.view_parameters())
host_list = ui.uploaded_host_list()

title_column, nav_column = st.columns([3, 1.4], vertical_alignment="center")
with nav_column.container(key="present_nav", horizontal=True):
    st.button(
        tr("present.previous"),
        icon=":material/arrow_back:",
        on_click=ui.go_to_slide,
        args=(number - 1,),
        disabled=number == 1,
        shortcut="Left",
        key="present_previous",
    )
    st.markdown(tr("present.position", number=number, total=total))
    st.button(
        tr("present.next"),
        icon=":material/arrow_forward:",
        on_click=ui.go_to_slide,
        args=(number + 1,),
        disabled=number == total,
        shortcut="Right",
        key="present_next",
    )

slide = None
with ui.guard():
    slide = presenter.slide(keys[number - 1], lang, filters, host_list=host_list)
    title_column.title(slide.title)
    with st.container(key="present_message"):
        st.markdown(ui.plain(slide.message))

    if slide.chart is not None and slide.figures:
        figure_column, chart_column = st.columns([1, 3], gap="large")
    else:
        figure_column = chart_column = st.container()
    if slide.figures and slide.chart is not None:
        with figure_column:
            for figure in slide.figures:
                st.metric(figure.caption, figure.value)
    elif slide.figures:
        # Alone on a slide: the headline figure on its own row, the rest below it.
        lead, *rest = slide.figures
        with st.container(key="present_lead"):
            st.metric(lead.caption, lead.value)
        for cell, figure in zip(st.columns(max(len(rest), 1)), rest, strict=False):
            cell.metric(figure.caption, figure.value)
    if slide.chart is not None:
        spec = render.enlarge(slide.chart, SCREEN_TEXT_SCALE)
        # The chart fills a box sized to the screen (ui.PRESENTER_CSS); bars laid
        # out by band ("step") would overflow it, so they share its height instead.
        if isinstance(spec.get("height"), dict):
            del spec["height"]
        # Legends under a chart in rows of three entries, not one tall column.
        spec["config"]["legend"]["columns"] = LEGEND_COLUMNS
        # Room on the right for the value written past the longest bar, which the
        # chart's fitting to its box does not count (as in the exported images).
        spec["padding"] = {
            "left": 5,
            "top": 5,
            "bottom": 5,
            "right": render.EDGE_PADDING,
        }
        # Many sources make a long footer: the chart leaves it room on a laptop.
        many = len(slide.sources) > LONG_FOOTER_SOURCES
        box = "present_chart_short" if many else "present_chart"
        with chart_column, st.container(key=box):
            st.vega_lite_chart(
                spec, width="stretch", height="stretch", alt=slide.chart_alt
            )
    # Notes and sources in one paragraph, to fit under the chart on a small screen.
    footer = [tr("present.note_prefix") + note for note in slide.notes]
    footer += [tr("sources.prefix") + tr(f"sources.{key}") for key in slide.sources]
    st.caption(ui.plain(tr("present.footer_separator").join(footer)))

with st.container(horizontal=True, key="present_tools"):
    st.button(
        tr("present.exit"),
        icon=":material/close:",
        on_click=ui.stop_presenting,
        shortcut="Esc",
        key="present_exit",
    )
    ui.deck_download("present_deck")
    if slide is not None and slide.chart is not None:
        ui.png_download(slide.chart, f"{slide.key}.png", key="present_png")
    # A clicker sends PageDown and PageUp: the same moves, on buttons kept hidden.
    st.button(
        tr("present.next"),
        on_click=ui.go_to_slide,
        args=(number + 1,),
        shortcut="PageDown",
        key="present_page_down",
    )
    st.button(
        tr("present.previous"),
        on_click=ui.go_to_slide,
        args=(number - 1,),
        shortcut="PageUp",
        key="present_page_up",
    )
