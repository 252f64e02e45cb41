"""The Streamlit side of the app: language, cached data, sources, errors, downloads.

Pages import this module and `kigyojin`; nothing in `kigyojin` imports streamlit.
"""

import itertools
import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import altair as alt
import cachetools
import pandas as pd
import streamlit as st

from kigyojin import data, exports
from kigyojin.errors import KigyojinError
from kigyojin.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator, normalize_language

logger = logging.getLogger(__name__)

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}
LANGUAGE_KEY = "lang"
LANGUAGE_WIDGET = "lang_switch"


def language_switch() -> str:
    """The language chooser, kept in the URL as `?lang=en` (Japanese is the default).

    The choice lives in a plain session key, not in the widget's own state, so that it
    survives page switches; it is synced to the URL by hand rather than with
    `bind="query-params"`, which would write the displayed label ("English").
    """
    if LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = normalize_language(st.query_params.get("lang"))
    st.session_state[LANGUAGE_WIDGET] = st.session_state[LANGUAGE_KEY]
    with st.sidebar:
        st.segmented_control(
            "言語 / Language",
            LANGUAGES,
            required=True,
            format_func=LANGUAGE_NAMES.get,
            key=LANGUAGE_WIDGET,
            on_change=_language_changed,
        )
    current = lang()
    if current == DEFAULT_LANGUAGE:
        st.query_params.pop("lang", None)
    elif st.query_params.get("lang") != current:
        st.query_params["lang"] = current
    return current


def _language_changed() -> None:
    st.session_state[LANGUAGE_KEY] = st.session_state[LANGUAGE_WIDGET]


def lang() -> str:
    """The language of this session's current run."""
    return normalize_language(st.session_state.get(LANGUAGE_KEY))


def t() -> Translator:
    """The catalog bound to the current language.

    Every page asks for it first, so it is also where a page run without app.py
    hands over to it (see `_through_app`).
    """
    _through_app()
    return Translator(lang())


def _through_app() -> None:
    """Rerun through app.py when a page script was started without it.

    Because this project has a `pages/` folder, Streamlit starts each new server
    process in its older multipage mode, until some run declares a navigation:
    a page opened by its own URL (`/map?lang=en`) as the server's first request
    is run on its own, without the language switch and the top navigation. The
    language key is set by app.py in every session's first run, so its absence
    means app.py has not run. Declaring the navigation here ends the older mode
    for the whole process, and the rerun goes through app.py to the same page.
    """
    if LANGUAGE_KEY in st.session_state:
        return
    st.navigation(
        [st.Page(path, url_path=url) for path, _, url, _ in PAGES], position="hidden"
    )
    st.rerun()


def table(name: str) -> pd.DataFrame:
    """A validated table, shared by all sessions until its file changes.

    `kigyojin.data` caches it already; a Streamlit cache around it cost half a
    millisecond a call in hashing its arguments. Treat it as read-only.
    """
    return data.load(name)


# --- Frames shared through the caches -----------------------------------------------
#
# A chart's spec is cached on its builder's arguments, and hashing a frame's every
# value on each rerun cost the overview about a third of its run. A frame that
# `computed` shares is the same object on every rerun: it is known by a serial
# number given once, which no other frame can ever have. Any other frame is hashed
# by its contents.

_shared_frames: dict[int, tuple[weakref.ref, int]] = {}
_serials = itertools.count()
_shared_lock = threading.Lock()


def _shared(result: object) -> object:
    """`result`, its frames (itself, or those of a tuple) given their serials."""
    if isinstance(result, tuple):
        for item in result:
            _shared(item)
    elif isinstance(result, pd.DataFrame):
        key = id(result)

        def forget(ref: weakref.ref, key: int = key) -> None:
            with _shared_lock:
                if _shared_frames.get(key, (None,))[0] is ref:
                    del _shared_frames[key]

        with _shared_lock:
            _shared_frames[key] = (weakref.ref(result, forget), next(_serials))
    return result


def _frame_token(frame: pd.DataFrame) -> object:
    """What identifies `frame` in a cache key: its serial if shared, else its
    contents (values, index, column names and types)."""
    with _shared_lock:
        known = _shared_frames.get(id(frame))
    if known is not None and known[0]() is frame:
        return ("shared", known[1])
    try:
        hashed = pd.util.hash_pandas_object(frame, index=True)
    except TypeError:  # lists or other unhashable values in a cell
        hashed = pd.util.hash_pandas_object(frame.astype(str), index=True)
    values = hashed.to_numpy().tobytes()
    return (
        "contents",
        values,
        tuple(map(str, frame.columns)),
        tuple(map(str, frame.dtypes)),
    )


# What `computed` has computed, the least recently used dropped first; a result
# many sessions ask for at once is computed by one while the others wait. Shared,
# not copied: st.cache_data unpickled a copy of each result on every call (about
# 30 ms a rerun of the matching page), and st.cache_resource's hashing of the
# arguments cost half a millisecond a call, tens of times a run.
@cachetools.cached(
    cachetools.LRUCache(256),
    key=lambda key, function, args: key,
    condition=threading.Condition(),
)
def _computed(key: tuple, function, args: tuple) -> object:
    return _shared(function(*args))


def _argument_key(value: object) -> object:
    # Frames by their token, lists as tuples; the rest is hashable as it is.
    if isinstance(value, pd.DataFrame):
        return _frame_token(value)
    if isinstance(value, list | tuple):
        return tuple(map(_argument_key, value))
    return value


# app.py runs each page inside it: one look at every data file per script run.
one_data_view = data.one_view


def computed(function, *args):
    """`function(*args)` of `kigyojin` (figures from the tables), computed once for
    all sessions until a data file changes. The result is shared by every session:
    treat it as read-only (derive with `assign`, `copy`, never change in place).

    The tables themselves are cached by `kigyojin.data` too, but what is computed
    from them (groupings, shares, long forms) would be redone on every rerun.
    """
    name = f"{function.__module__}.{function.__qualname__}"
    key = (name, tuple(map(_argument_key, args)), data.versions())
    return _computed(key, function, args)


def sources(*keys: str, year_of: tuple[str, int] | None = None) -> None:
    """The 出典 line(s) under a figure, one per source key of the catalog.

    With `year_of=(table, fiscal_year)`, a year whose rows name sources other than
    the shipped vintage's (an imported year) is cited by those, in place of the
    first key's catalog line, which describes the shipped data only.
    """
    tr = t()
    lines = [tr("sources.prefix") + tr(f"sources.{key}") for key in keys]
    if year_of is not None:
        imported = _imported_sources(*year_of)
        if imported is not None:
            lines[:1] = [tr("sources.prefix") + line for line in imported] or [
                tr("sources.prefix") + tr("sources.imported_unnamed")
            ]
    st.caption(plain(*lines))


def _imported_sources(name: str, fiscal_year: int) -> list[str] | None:
    """The lines citing `fiscal_year` of table `name`, or None where the shipped
    vintage's catalog line covers it (its sources are the earliest year's)."""
    years = sorted(set(table(name)["fiscal_year"]))
    if not years or fiscal_year == years[0]:
        return None
    found = data.year_sources(name, fiscal_year)
    if found == data.year_sources(name, years[0]):
        return None
    return [
        source.title + "".join(f" {url}" for url in source.urls) for source in found
    ]


# ASCII punctuation that Markdown (and Streamlit's :emoji: and :colour[...]: syntax)
# may interpret; a backslash before each makes it literal.
_MARKDOWN_SPECIALS = frozenset("\\`*_{}[]<>()#+-.!|~$:=&\"'")


def plain(*lines: str) -> str:
    """Markdown that shows `lines` literally, one per line (for text from data)."""
    escaped = (
        "".join("\\" + c if c in _MARKDOWN_SPECIALS else c for c in line)
        for line in lines
    )
    return "  \n".join(escaped)


def show_error(error: Exception) -> None:
    """A message in the user's language instead of a traceback."""
    if isinstance(error, KigyojinError):
        st.error(plain(*error.message(lang()).splitlines()), icon="⚠️")
    else:
        logger.exception("unexpected error on a page", exc_info=error)
        st.error(t()("errors.page_failed"), icon="⚠️")


@contextmanager
def guard() -> Iterator[None]:
    """Run part of a page; a failure becomes a message and the rest keeps working."""
    try:
        yield
    except Exception as error:  # nothing may reach the screen raw
        show_error(error)


def csv_download(frame: pd.DataFrame, file_name: str, key: str) -> None:
    """A download of exactly `frame`, as CSV that Excel opens in Japanese.

    The CSV is made when the button is clicked, not on every rerun: for the map's
    tables of every municipality that took most of the page's run.
    """
    st.download_button(
        t()("common.download_csv"),
        partial(exports.to_csv_bytes, frame),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )


# (script, catalog key of its title, URL path, icon) in the order of the navigation.
PAGES = (
    ("pages/overview.py", "common.nav_overview", "overview", ":material/insights:"),
    ("pages/map.py", "common.nav_map", "map", ":material/map:"),
    ("pages/fields.py", "common.nav_fields", "fields", ":material/category:"),
    ("pages/companies.py", "common.nav_companies", "companies", ":material/business:"),
    ("pages/check.py", "common.nav_check", "check", ":material/fact_check:"),
    ("pages/matching.py", "common.nav_matching", "matching", ":material/handshake:"),
    ("pages/about.py", "common.nav_about", "about", ":material/info:"),
)


def pages() -> list:
    """The app's pages, titled in the current language; the first is the landing."""
    tr = t()
    return [
        st.Page(path, title=tr(key), url_path=url, icon=icon, default=index == 0)
        for index, (path, key, url, icon) in enumerate(PAGES)
    ]


def display_table(
    frame: pd.DataFrame, labels: dict[str, str], **kwargs
) -> pd.DataFrame:
    """`frame` with only the `labels` columns, renamed to their translated titles.

    What is shown is exactly what the CSV download next to it holds.
    """
    tr = t()
    shown = frame[list(labels)].rename(columns={c: tr(k) for c, k in labels.items()})
    st.dataframe(shown, hide_index=True, **kwargs)
    return shown


# The language each URL-kept choice was last drawn in, by key.
_CHOICE_LANGUAGES = "_url_choice_languages"


def url_choice(widget, label: str, options, *, key: str, default, **kwargs):
    """A choice widget (selectbox, radio, segmented_control, pills, multiselect) whose
    value lives in the URL under `key`, so a link restores it.

    The URL holds the option itself (`?measure=companies`), not its displayed label;
    a value left at `default` is left out, and an unknown value falls back to it.
    A list `default` makes it a multiple choice, kept as repeated parameters.
    """
    options = list(options)
    by_text = {str(option): option for option in options}
    multi = isinstance(default, list)
    drawn_in = st.session_state.setdefault(_CHOICE_LANGUAGES, {})
    if key not in st.session_state:
        if multi:
            chosen = [by_text[v] for v in st.query_params.get_all(key) if v in by_text]
            st.session_state[key] = chosen or list(default)
        else:
            st.session_state[key] = by_text.get(st.query_params.get(key), default)
    elif drawn_in.get(key, lang()) != lang():
        # A selectbox or multiselect shows the label of its value as the browser
        # last had it: after a language switch, only setting the value again
        # makes it show the label in the new language.
        st.session_state[key] = st.session_state[key]
    drawn_in[key] = lang()
    value = widget(label, options, key=key, **kwargs)
    if value == default or value is None or value == []:
        st.query_params.pop(key, None)
    elif multi:
        st.query_params[key] = [str(v) for v in value]
    else:
        st.query_params[key] = str(value)
    return value


# --- An official's own host list, in this session only ---------------------------

# Where the uploaded records live: this session's state, never the disk.
HOST_UPLOAD_STATE = "host_upload"


def _host_file_changed(widget_key: str) -> None:
    # Removing the file from the uploader ends the upload; leaving the page does not.
    if st.session_state.get(widget_key) is None:
        st.session_state.pop(HOST_UPLOAD_STATE, None)


def host_upload() -> pd.DataFrame | None:
    """An uploader for an official's own host list, and its records while active.

    The file is read from memory and checked like an import; the records stay in
    this session's state (shared by the pages that offer the upload), are never
    written to disk and are gone with the session. None means: show the sample.
    """
    from kigyojin import importer

    tr = t()
    limit = importer.MAX_BYTES // 2**20
    nonce = st.session_state.setdefault("_host_upload_nonce", 0)
    widget_key = f"host_upload_file_{nonce}"
    active = st.session_state.get(HOST_UPLOAD_STATE)
    with st.expander(
        tr("importer.upload_heading"),
        expanded=active is not None,
        icon=":material/upload_file:",
    ):
        st.caption(tr("importer.upload_help", limit=limit))
        uploaded = st.file_uploader(
            tr("importer.upload_label"),
            type=["csv", "tsv", "txt", "xlsx"],
            key=widget_key,
            max_upload_size=limit,
            on_change=_host_file_changed,
            args=(widget_key,),
        )
        if uploaded is not None and (
            active is None or active["file_id"] != uploaded.file_id
        ):
            st.session_state.pop(HOST_UPLOAD_STATE, None)
            active = None
            try:
                records = importer.read_host_list(uploaded.getvalue(), uploaded.name)
            except KigyojinError as error:
                show_error(error)
            else:
                active = {
                    "name": uploaded.name,
                    "file_id": uploaded.file_id,
                    "records": records,
                }
                st.session_state[HOST_UPLOAD_STATE] = active
        if active is not None and st.button(
            tr("importer.upload_clear"), key=f"host_upload_clear_{nonce}"
        ):
            # A new key gives an empty uploader: the widget cannot be cleared.
            st.session_state.pop(HOST_UPLOAD_STATE, None)
            st.session_state["_host_upload_nonce"] = nonce + 1
            st.rerun()
    if active is None:
        return None
    st.info(
        plain(
            tr(
                "importer.upload_active",
                name=active["name"],
                count=len(active["records"]),
            )
        ),
        icon=":material/upload_file:",
    )
    return active["records"]


def _clamped(value, low, high):
    if low is not None and value < low:
        return low
    if high is not None and value > high:
        return high
    return value


def url_date(label: str, *, key: str, default, **kwargs):
    """A `st.date_input` whose date lives in the URL under `key` (`?start=2026-04-01`).

    The date is always written, even when it equals `default`: a default that
    depends on today would otherwise make the same link mean another date later.
    A date outside `min_value`/`max_value` (from a link, or bounds that changed) is
    never changed silently: the widget, which cannot hold it, is left empty, and
    the date is returned and kept in the URL as given until another is chosen, so
    the caller can say why it cannot be used. A `default` is brought within them.
    """
    from datetime import date

    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    outside = f"_url_date_outside_{key}"
    if key not in st.session_state:
        try:
            value = date.fromisoformat(st.query_params.get(key, ""))
        except ValueError:
            value = _clamped(default, low, high)
    else:
        value = st.session_state[key]
        if value is None and outside in st.session_state:
            value = st.session_state.pop(outside)  # maybe within new bounds
    if value is not None and _clamped(value, low, high) != value:
        st.session_state[outside] = value
        value = None
    st.session_state[key] = value
    value = st.date_input(label, key=key, **kwargs)
    if value is None:
        value = st.session_state.get(outside)
    else:
        st.session_state.pop(outside, None)
    if value is None:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value.isoformat()
    return value


def url_number(label: str, *, key: str, default, **kwargs):
    """A `st.number_input` whose value lives in the URL under `key` (`?days=4`).

    An int `default` makes it a whole number. A value left at `default` is left out
    of the URL; an unreadable one falls back to it; one outside `min_value` /
    `max_value` is brought within them.
    """
    kind = int if isinstance(default, int) else float
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if key not in st.session_state:
        try:
            value = kind(st.query_params.get(key, ""))
        except ValueError:
            value = default
        if value != value:  # NaN from "?days=nan"
            value = default
        st.session_state[key] = _clamped(value, low, high)
    value = st.number_input(label, key=key, **kwargs)
    if value is None or value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)
    return value


# --- Presenter mode, exports and shareable links ------------------------------------

PRESENT_PARAM = "present"
SLIDE_PARAM = "slide"
PRESENT_SCRIPT = "pages/present.py"

# Presenter mode: no header, toolbar or sidebar, and type for the back of a room.
# A constant written here, never built from data.
PRESENTER_CSS = """
<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], footer { display: none !important; }
[data-testid="stMainBlockContainer"] {
  padding: 1rem 3rem 1rem 3rem; max-width: 100%;
}
[data-testid="stMainBlockContainer"] h1 {
  font-size: 48px; line-height: 1.2; padding: 0.25rem 0;
}
[data-testid="stMainBlockContainer"] p,
[data-testid="stMainBlockContainer"] li { font-size: 30px; line-height: 1.45; }
[data-testid="stMainBlockContainer"] [data-testid="stMetricValue"] p {
  font-size: 72px; font-weight: 700; line-height: 1.15;
  white-space: normal; overflow: visible; text-overflow: clip;
  word-break: normal; overflow-wrap: normal;
}
[data-testid="stMetricValue"] .stMarkdownEllipsis { overflow: visible; }
[data-testid="stMainBlockContainer"]
.st-key-present_lead [data-testid="stMetricValue"] p {
  font-size: 96px;
}
[data-testid="stMainBlockContainer"] [data-testid="stMetricLabel"] p {
  font-size: 28px; white-space: normal;
}
[data-testid="stMetricLabel"] { height: auto; min-height: 0; }
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"] p {
  font-size: 17px; line-height: 1.35;
}
[data-testid="stMainBlockContainer"] button p { font-size: 22px; }
.st-key-present_nav { justify-content: flex-end; align-items: center; }
.st-key-present_nav [data-testid="stMarkdownContainer"] p { font-size: 24px; }
/* The chart of a slide takes the height the title, message and buttons leave. */
[data-testid="stMainBlockContainer"] .st-key-present_chart {
  flex: 0 0 auto; height: calc(100vh - 340px); min-height: 240px;
}
/* ... less where the slide cites many sources, so that its footer fits too. */
[data-testid="stMainBlockContainer"] .st-key-present_chart_short {
  flex: 0 0 auto; height: calc(100vh - 450px); min-height: 220px;
}
.st-key-present_page_up, .st-key-present_page_down { display: none; }
/* On a phone (a presenter going through the story, not a room) the type and the
   margins are smaller, so that figures, buttons and titles fit 390 px. */
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: 1rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 32px; }
  [data-testid="stMainBlockContainer"] p,
  [data-testid="stMainBlockContainer"] li { font-size: 20px; }
  [data-testid="stMainBlockContainer"] [data-testid="stMetricValue"] p {
    font-size: 44px;
  }
  [data-testid="stMainBlockContainer"]
  .st-key-present_lead [data-testid="stMetricValue"] p {
    font-size: 56px;
  }
  [data-testid="stMainBlockContainer"] [data-testid="stMetricLabel"] p {
    font-size: 20px;
  }
  [data-testid="stMainBlockContainer"] button p { font-size: 16px; }
}
</style>
"""


def presenting() -> bool:
    """True when the URL asks for presenter mode (`?present=1`)."""
    return st.query_params.get(PRESENT_PARAM) == "1"


# Session key: the URL path of the page presenter mode runs on.
PRESENTED_PAGE = "presented_page"


def presenter_pages() -> list:
    """Every page's URL path, each running the presenter: a link keeps its path, and
    leaving presenter mode returns to the page it was started from."""
    tr = t()
    return [
        st.Page(PRESENT_SCRIPT, title=tr(key), url_path=url, default=index == 0)
        for index, (_, key, url, _) in enumerate(PAGES)
    ]


def note_presented_page(url_path: str) -> None:
    """Remember which page presenter mode runs on, for `current_slide`."""
    st.session_state[PRESENTED_PAGE] = url_path


def view_parameters() -> dict[str, list[str]]:
    """Every URL parameter of the current view, each as the list of its values."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def start_presenting(url_path: str) -> None:
    """Switch to presenter mode on the slide that tells the current page's story."""
    from kigyojin import presenter  # vl-convert is loaded only when presenting

    st.query_params[PRESENT_PARAM] = "1"
    st.query_params[SLIDE_PARAM] = str(presenter.start_slide(url_path))


def stop_presenting() -> None:
    """Leave presenter mode, keeping the page, filters and language."""
    st.query_params.pop(PRESENT_PARAM, None)
    st.query_params.pop(SLIDE_PARAM, None)


def current_slide(total: int) -> int:
    """The slide number in the URL (1-based), brought within 1..`total`; a link
    with none (`/matching?present=1`) opens the slide of the page it names."""
    from kigyojin import presenter

    start = presenter.start_slide(st.session_state.get(PRESENTED_PAGE, ""))
    try:
        number = int(st.query_params.get(SLIDE_PARAM, str(start)))
    except ValueError:
        number = start
    number = min(max(number, 1), total)
    st.query_params[SLIDE_PARAM] = str(number)
    return number


def go_to_slide(number: int) -> None:
    """Show slide `number` (a button callback; the page clamps it)."""
    st.query_params[SLIDE_PARAM] = str(number)


def share_url() -> str:
    """The address of exactly this view: page, filters and language."""
    from urllib.parse import urlencode, urlsplit

    base = st.context.url or ""
    if base and not urlsplit(base).path:
        base += "/"  # the landing page's address is the site's root
    query = urlencode(view_parameters(), doseq=True)
    return f"{base}?{query}" if query else base


def copy_link() -> None:
    """The current view's link, as a link to copy (right click) or open.

    Not a code block: its copy button would load Streamlit's syntax highlighter
    and code font with every page, about 600 KB of a first visit's 2.4 MB.
    """
    from urllib.parse import quote

    url = share_url()
    st.caption(t()("present.copy_link"))
    # Brackets, spaces and quotes in the target are escaped, or they would end it.
    target = quote(url, safe=":/?&=%+,;@!$*~-._#")
    st.markdown(f"[{plain(url)}]({target})")


def png_download(chart, file_name: str, key: str, *, where=None) -> None:
    """A PNG of `chart` (an Altair chart or its spec) at projector resolution
    (1,920 px wide, Japanese intact), made on click; `where` as in altair_chart."""
    from kigyojin import render  # vl-convert is loaded only for an export

    (where or st).download_button(
        t()("present.download_png"),
        partial(render.export_png, chart),
        file_name=file_name,
        mime="image/png",
        key=key,
        icon=":material/image:",
        on_click="ignore",
    )


def uploaded_host_list():
    """This session's uploaded host list (`host_upload`) as the presenter takes it,
    or None when the session shows the public sample."""
    from kigyojin import presenter

    active = st.session_state.get(HOST_UPLOAD_STATE)
    if active is None:
        return None
    return presenter.HostList(active["name"], active["records"])


def deck_download(key: str) -> None:
    """The story as a PowerPoint deck in this view's language and filters, on click."""
    from kigyojin import export_pptx, presenter

    language = lang()
    filters = presenter.view_filters(view_parameters())
    host_list = uploaded_host_list()
    st.download_button(
        t()("present.download_pptx"),
        lambda: export_pptx.build(language, filters, host_list=host_list),
        file_name=t()("present.deck_file"),
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key=key,
        help=t()("present.download_pptx_help"),
        icon=":material/slideshow:",
        on_click="ignore",
    )


def presenter_tools(url_path: str) -> None:
    """In the sidebar: presenter mode, the PowerPoint download and this view's link.

    Drawn after the page, so that the link holds the filters the page just set.
    """
    with st.sidebar:
        st.button(
            t()("present.start"),
            help=t()("present.start_help"),
            icon=":material/co_present:",
            on_click=start_presenting,
            args=(url_path,),
            key="present_start",
        )
        deck_download("present_deck_sidebar")
        copy_link()


def chart_selection(chart_key: str) -> dict:
    """The selection a keyed chart (`on_select="rerun"`) reported, `{param: [...]}`.

    Read before the chart is drawn again, so a click can set the filters that the
    chart and the tables beside it are drawn with.
    """
    state = st.session_state.get(chart_key)
    return dict(state.get("selection") or {}) if state else {}


def pick_to_choice(chart_key: str, choice_key: str, picked, *, default) -> None:
    """Carry a new click on chart `chart_key` into the URL-kept choice `choice_key`.

    Call before the choice's widget is drawn. A click that changed the chart's
    selection sets the choice to `picked` (the default when the selection was
    cleared); otherwise the choice keeps its value, so the widget and the URL can
    still change it on their own.
    """
    seen = f"_seen_{chart_key}"
    if seen not in st.session_state:
        st.session_state[seen] = picked
        return
    if picked == st.session_state[seen]:
        return
    st.session_state[seen] = picked
    st.session_state[choice_key] = picked if picked else default


# A link shows the site it leads to (www. left out), the full URL on hover.
LINK_TEXT = r"https?://(?:www\.)?([^/]+)"


def display_table_with_links(
    frame: pd.DataFrame, labels: dict[str, str], links: dict[str, str], **kwargs
) -> pd.DataFrame:
    """`display_table` with URL columns as clickable links after the others.

    `labels` maps columns to catalog keys as in `display_table`; `links` maps each
    URL column to its title, already in the user's language.
    """
    tr = t()
    titles = {c: tr(k) for c, k in labels.items()} | links
    shown = frame[list(titles)].rename(columns=titles)
    config = {
        title: st.column_config.LinkColumn(title, display_text=LINK_TEXT)
        for title in links.values()
    }
    st.dataframe(shown, hide_index=True, column_config=config, **kwargs)
    return shown


# Shared, not copied: Streamlit copies a spec before it changes anything in it.
@st.cache_resource(
    show_spinner=False, max_entries=512, hash_funcs={pd.DataFrame: _frame_token}
)
def _chart_specs(builder_name: str, _builder, *args) -> tuple[dict, dict]:
    """The chart's Vega-Lite spec, and the same spec as drawn: its tabular datasets
    already as Arrow, which Streamlit would otherwise convert on every rerun."""
    # Keyed on the builder's name and the arguments' contents (frames included).
    spec = _builder(*args).to_dict()
    return spec, _with_arrow_datasets(spec)


def _with_arrow_datasets(spec: dict) -> dict:
    from streamlit import dataframe_util

    datasets = spec.get("datasets")
    if not datasets:
        return spec
    # Rows (a list of records) become Arrow; GeoJSON and TopoJSON stay as they are.
    return {
        **spec,
        "datasets": {
            name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame(values))
            if isinstance(values, list)
            else values
            for name, values in datasets.items()
        },
    }


def altair_chart(builder, *args, where=None, png: str | None = None, **kwargs):
    """Draw the Altair chart `builder(*args)`, its Vega-Lite spec built only once.

    Building an Altair chart and validating its spec takes tens of milliseconds on
    every rerun; the spec depends only on the arguments, so it is cached for all
    sessions. `builder` may also be a chart already built (drawn as
    st.altair_chart draws it). `where` is the container (a column, a tab; the
    page by default); `png` names a PNG download of the chart put under it
    (`png_download`); `kwargs` go to st.vega_lite_chart (alt, key, on_select, ...).
    """
    where = where or st
    if isinstance(builder, alt.TopLevelMixin):
        drawn = where.altair_chart(builder, **kwargs)
        chart = builder
    else:
        name = f"{builder.__module__}.{builder.__qualname__}"
        chart, drawn_spec = _chart_specs(name, builder, *args)
        drawn = where.vega_lite_chart(drawn_spec, **kwargs)
    if png is not None:
        png_download(chart, png, key=f"png_{png}", where=where)
    return drawn
