"""The matching page's map and the presenter's shortlist chart.

The map: suggested partners as points over prefecture outlines. The outlines are
the shipped boundaries, simplified and passed inline in the spec as GeoJSON (never
as a URL, so nothing is fetched), drawn by Vega-Lite; each point is a town hall or
prefectural office, coloured and shaped by what it is, with its name and why in
the tooltip.

The shortlist chart: each suggestion's score as a bar split into the points of its
terms, so a slide shows why each rank is where it is.
"""

from collections.abc import Sequence

import altair as alt
import pandas as pd

from kigyojin import geo
from kigyojin.caching import shared_cache
from kigyojin.charts import configure
from kigyojin.i18n import translate
from kigyojin.style import OKABE_ITO

# What a point is, in the order of the legend: colour and shape say it twice, so
# colour is never the only cue.
ROLES = {
    "office": (OKABE_ITO["black"], "square"),
    "target": (OKABE_ITO["vermillion"], "diamond"),
    "top": (OKABE_ITO["vermillion"], "circle"),
    "candidate": (OKABE_ITO["blue"], "circle"),
    "peer": (OKABE_ITO["green"], "triangle-up"),
}
ROLE_SIZES = {"office": 140, "target": 220, "top": 120, "candidate": 45, "peer": 110}
MAP_HEIGHT = 520
# The view is fitted to the points with this margin (degrees), so the remote
# islands in the outlines do not shrink the part of the country that matters.
MARGIN_DEGREES = 1.0


# One colour per score term, in the order of the weights; the legend names them.
TERM_COLORS = {
    "precedent": OKABE_ITO["blue"],
    "needs": OKABE_ITO["vermillion"],
    "preference": OKABE_ITO["orange"],
    "distance": OKABE_ITO["sky_blue"],
    "experience": OKABE_ITO["green"],
    "peer": OKABE_ITO["blue"],
    "field": OKABE_ITO["orange"],
    "scale": OKABE_ITO["green"],
}
SCORE_TEXT_SIZE = 13


def outlines() -> dict:
    """The prefectures as a GeoJSON FeatureCollection, as the national map draws
    them (simplified by 0.02°, rounded to 0.01°): about 60 KB in the spec, against
    the 456 KB of the TopoJSON file, which Streamlit also parsed again on every
    rerun. Cached until a boundary file changes; treat it as read-only."""
    return _outlines(geo.version())


@shared_cache(maxsize=2)
def _outlines(version: tuple) -> dict:
    features = [
        {
            "type": "Feature",
            "properties": {"pref_code": code},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [_wound(polygon) for polygon in shape],
            },
        }
        for code, shape in geo.prefectures(geo.NATIONAL).items()
    ]
    return {"type": "FeatureCollection", "features": features}


def _wound(polygon: list) -> list:
    """The polygon with its outer ring clockwise and its holes anticlockwise, as
    Vega's spherical geometry needs (else a ring fills the rest of the globe)."""
    return [
        ring if (_signed_area(ring) < 0) == (index == 0) else ring[::-1]
        for index, ring in enumerate(polygon)
    ]


def _signed_area(ring: list) -> float:
    # Shoelace on longitude and latitude: negative when the ring runs clockwise.
    return sum(
        x0 * y1 - x1 * y0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def points_map(points: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Points (columns lon, lat, role, place, detail) over prefecture outlines.

    `role` is a key of ROLES; `place` and `detail` go in the tooltip as text.
    """
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    frame = points[["lon", "lat", "role", "place", "detail"]].copy()
    frame["role_label"] = frame["role"].map(lambda r: t(f"matching.role_{r}"))
    frame["size"] = frame["role"].map(ROLE_SIZES)
    roles = [r for r in ROLES if r in set(frame["role"])]
    labels = [t(f"matching.role_{r}") for r in roles]
    # Smaller points first, so the important ones are drawn on top.
    frame = frame.sort_values("size", kind="stable")

    view = {"type": "mercator", "fit": _bounds(frame)}
    land = (
        alt.Chart(
            alt.Data(values=outlines(), format=alt.DataFormat(property="features"))
        )
        .mark_geoshape(fill="#EFEFEF", stroke="#9A9A9A", strokeWidth=0.5, clip=True)
        .project(**view)
    )
    dots = (
        alt.Chart(frame)
        .mark_point(filled=True, opacity=0.9, stroke="#FFFFFF", strokeWidth=0.6)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            color=alt.Color(
                "role_label:N",
                title=t("matching.map_role"),
                sort=labels,
                scale=alt.Scale(domain=labels, range=[ROLES[r][0] for r in roles]),
                legend=alt.Legend(labelLimit=0, symbolSize=140),
            ),
            shape=alt.Shape(
                "role_label:N",
                title=t("matching.map_role"),
                sort=labels,
                scale=alt.Scale(domain=labels, range=[ROLES[r][1] for r in roles]),
                legend=alt.Legend(labelLimit=0, symbolSize=140),
            ),
            size=alt.Size("size:Q", scale=None, legend=None),
            tooltip=[
                alt.Tooltip("place:N", title=t("matching.map_place")),
                alt.Tooltip("role_label:N", title=t("matching.map_role")),
                alt.Tooltip("detail:N", title=t("matching.map_detail")),
            ],
        )
        .project(**view)
    )
    return configure((land + dots).properties(height=MAP_HEIGHT))


def _bounds(frame: pd.DataFrame) -> dict:
    """A GeoJSON feature spanning the points plus a margin: what the view fits."""
    west, east = frame["lon"].min(), frame["lon"].max()
    south, north = frame["lat"].min(), frame["lat"].max()
    west, south = west - MARGIN_DEGREES, south - MARGIN_DEGREES
    east, north = east + MARGIN_DEGREES, north + MARGIN_DEGREES
    corners = [[west, south], [east, south], [east, north], [west, north]]
    return {
        "type": "Feature",
        "geometry": {"type": "MultiPoint", "coordinates": corners},
        "properties": {},
    }


def points_chart(rows: pd.DataFrame, terms: Sequence[str], lang: str) -> alt.LayerChart:
    """Horizontal bars of each suggestion's score, stacked by the points of `terms`.

    `rows` as `kigyojin.matching.shortlist` gives them (rank, label, score and a
    column of points per term), best first; each bar ends in its score.
    """
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    frame = rows.assign(
        bar=[
            t("matching.slide_rank", rank=r, label=n)
            for r, n in zip(rows["rank"], rows["label"], strict=True)
        ],
        score_text=rows["score"].map(
            lambda s: t("matching.map_score", score=f"{s:.1f}")
        ),
    )
    order = frame["bar"].tolist()
    labels = [t(f"matching.term_{term}") for term in terms]
    long = frame.melt(
        id_vars=["bar", "score_text"],
        value_vars=list(terms),
        var_name="term",
        value_name="points",
    ).fillna({"points": 0.0})
    long["term_label"] = long["term"].map(lambda term: t(f"matching.term_{term}"))
    long["term_order"] = long["term"].map(list(terms).index)
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("bar:N", sort=order, title=None),
            x=alt.X(
                "sum(points):Q",
                title=t("matching.col_score"),
                scale=alt.Scale(domain=[0, 100]),
            ),
            color=alt.Color(
                "term_label:N",
                title=t("matching.slide_terms"),
                sort=labels,
                scale=alt.Scale(
                    domain=labels, range=[TERM_COLORS[term] for term in terms]
                ),
                legend=alt.Legend(labelLimit=0),
            ),
            order=alt.Order("term_order:Q"),
            tooltip=[
                alt.Tooltip("bar:N", title=t("matching.map_place")),
                alt.Tooltip("term_label:N", title=t("matching.slide_terms")),
                alt.Tooltip("points:Q", title=t("matching.col_score"), format=".1f"),
            ],
        )
    )
    scores = (
        alt.Chart(frame)
        .mark_text(align="left", dx=4, fontSize=SCORE_TEXT_SIZE)
        .encode(
            y=alt.Y("bar:N", sort=order, title=None),
            x=alt.X("score:Q"),
            text="score_text:N",
        )
    )
    return configure((bars + scores).properties(height=alt.Step(34)))
