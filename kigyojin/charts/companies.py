"""Charts of the companies page: the ranking, and one company's hosts on a map.

A click on a ranking bar reports the company's key through the point selection
`COMPANY_PARAM`; the page makes it the chosen company. The small map draws the
prefecture outlines from the shipped TopoJSON, passed inline (never as a URL,
so nothing is fetched), with the hosts as points at their town halls.
"""

import json
from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas as pd

from kigyojin import companies, fmt
from kigyojin.charts import configure
from kigyojin.charts.fields import (
    BAR_TEXT_GAP,
    BAR_TEXT_SIZE,
    TEXT_COLOR,
    count_share,
    faded_unless,
    value_axis,
)
from kigyojin.data import _signature
from kigyojin.errors import DataFileError, Problem
from kigyojin.i18n import label, translate
from kigyojin.paths import data_dir
from kigyojin.style import HOST_MARKER_COLOR, KIND_COLORS, OKABE_ITO

# The name of the click selection on the ranking chart.
COMPANY_PARAM = "company_pick"
# The prefecture outlines and the TopoJSON object that holds them.
PREFECTURES_FILE = "boundaries/prefectures_s0010.topojson"
PREFECTURES_OBJECT = "prefectures"
RANKED_COLOR = KIND_COLORS["dispatch"]  # the ranking counts 企業派遣型 only
CHOSEN_COLOR = OKABE_ITO["vermillion"]
LAND_COLOR = "#EEEEEE"
BORDER_COLOR = "#AAAAAA"
MAP_HEIGHT = 360


def ranking_chart(
    ranking: pd.DataFrame,
    lang: str,
    *,
    matching: list[str] | None = None,
    chosen: str | None = None,
) -> alt.LayerChart:
    """Sorted bars of people per ranked company, with count and share on each.

    `ranking` is `companies.ranking()` (with `records`, the host records known,
    if available). Companies outside `matching` (a search) are drawn faint; the
    `chosen` one in another colour, and its label says so too.
    """
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    frame = ranking.copy()
    frame["text"] = [
        count_share(p, s, lang)
        for p, s in zip(frame["people"], frame["share"], strict=True)
    ]
    frame["share_label"] = frame["share"].map(fmt.percent)
    frame["rank_label"] = frame["rank"].map(lambda r: t("companies.rank_value", rank=r))
    frame["state"] = ["chosen" if key == chosen else "ranked" for key in frame["key"]]
    frame["matching"] = frame["key"].isin(matching) if matching is not None else True
    order = frame["company"].tolist()  # by rank, as published
    tooltip = [
        alt.Tooltip("rank_label:N", title=t("companies.col_rank")),
        alt.Tooltip("company:N", title=t("companies.col_company")),
        alt.Tooltip("people:Q", title=t("charts.people"), format=","),
        alt.Tooltip("share_label:N", title=t("companies.col_share")),
    ]
    if "records" in frame.columns:
        tooltip.append(alt.Tooltip("records:Q", title=t("companies.col_records")))
    base = alt.Chart(frame).encode(
        # Company names are short enough to show whole.
        y=alt.Y("company:N", sort=order, title=None, axis=alt.Axis(labelLimit=0)),
        x=value_axis(
            "people:Q", t("charts.people"), frame["people"].max(), frame["text"]
        ),
    )
    bars = base.mark_bar(cursor="pointer").encode(
        color=alt.Color(
            "state:N",
            scale=alt.Scale(
                domain=["ranked", "chosen"], range=[RANKED_COLOR, CHOSEN_COLOR]
            ),
            legend=None,
        ),
        opacity=faded_unless("matching"),
        tooltip=tooltip,
    )
    text = base.mark_text(align="left", dx=BAR_TEXT_GAP, fontSize=BAR_TEXT_SIZE).encode(
        text="text:N", color=alt.value(TEXT_COLOR)
    )
    pick = alt.selection_point(name=COMPANY_PARAM, fields=["key"], on="click")
    chart = (bars.add_params(pick) + text).properties(height=alt.Step(26))
    return configure(chart)


def prefecture_outlines() -> dict:
    """The shipped prefecture TopoJSON, read once until the file changes."""
    path = data_dir() / PREFECTURES_FILE
    return _outlines(str(path), _signature(path))


@lru_cache(maxsize=2)
def _outlines(path: str, signature: tuple[int, int]) -> dict:
    try:
        topology = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(
            [Problem(PREFECTURES_FILE, "errors.file_missing")]
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(
            [
                Problem(
                    PREFECTURES_FILE, "errors.unreadable", params={"detail": str(exc)}
                )
            ]
        ) from None
    if PREFECTURES_OBJECT not in topology.get("objects", {}):
        raise DataFileError(
            [
                Problem(
                    PREFECTURES_FILE,
                    "errors.unreadable",
                    params={"detail": f"no object {PREFECTURES_OBJECT!r}"},
                )
            ]
        )
    return topology


def hosts_map(hosts: pd.DataFrame, lang: str) -> alt.LayerChart:
    """A small map of Japan with one company's hosts as points.

    `hosts` is `companies.hosts_of(key)`; records without a location are left
    out. The tooltip names the municipality, field and period of each.
    """
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    outlines = alt.InlineData(
        values=prefecture_outlines(),
        format=alt.TopoDataFormat(type="topojson", feature=PREFECTURES_OBJECT),
    )
    land = (
        alt.Chart(outlines)
        .mark_geoshape(fill=LAND_COLOR, stroke=BORDER_COLOR, strokeWidth=0.5)
        .encode(tooltip=alt.value(None))
    )
    points = hosts.dropna(subset=["lat", "lon"]).copy()
    points["place"] = points["name"] + "（" + points["pref_name"] + "）"
    points["field_label"] = points["field"].map(
        lambda f: label(f, lang) if isinstance(f, str) else t("companies.no_field")
    )
    points["period"] = [
        companies.period_text(start, end, lang)
        for start, end in zip(points["start"], points["end"], strict=True)
    ]
    dots = (
        alt.Chart(points[["place", "company", "field_label", "period", "lat", "lon"]])
        .mark_circle(size=120, color=HOST_MARKER_COLOR, opacity=0.9, stroke="white")
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            tooltip=[
                alt.Tooltip("place:N", title=t("companies.col_municipality")),
                alt.Tooltip("company:N", title=t("companies.col_company_published")),
                alt.Tooltip("field_label:N", title=t("companies.col_field")),
                alt.Tooltip("period:N", title=t("companies.col_period")),
            ],
        )
    )
    chart = (land + dots).properties(height=MAP_HEIGHT).project(type="mercator")
    return configure(chart).configure_view(stroke=None)
