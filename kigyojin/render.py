"""Charts drawn on the server, without a browser: PNG at projector resolution.

Altair specs go through vl-convert (Vega in a Rust runtime). Its text is shaped
with the fonts it knows: the system's, plus the directories registered here. So
that Japanese never turns into boxes (tofu) on a machine that only ran
`make run`, the IPAexGothic file shipped in the `matplotlib-fontja` package (IPA
Font License) is registered before the first image; where it is missing, the
system's Noto Sans CJK (`fonts-noto-cjk`) is what remains.

The map is drawn here too, as a static Altair geoshape of the shipped boundaries
(TopoJSON passed inline, never by URL) coloured by host eligibility, with the
public host records as points: the same data as the interactive map.
"""

import importlib.metadata
import json
import logging
import math
from collections.abc import Iterable
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert

from kigyojin import data, eligibility, hosts
from kigyojin.caching import shared_cache
from kigyojin.charts import configure
from kigyojin.errors import DataFileError, Problem
from kigyojin.i18n import translate
from kigyojin.paths import data_dir
from kigyojin.style import OKABE_ITO, VERDICT_COLORS

logger = logging.getLogger(__name__)

# A chart is laid out this many CSS pixels wide and drawn at twice the density:
# 1,920 pixels across, the width of a full-HD projector.
PROJECTOR_WIDTH = 960
PROJECTOR_SCALE = 2
# Exported charts have their text this much larger than on a page: axis labels
# come out at about 16 pt on a slide and 40 px in a 1,920-pixel image.
EXPORT_TEXT_SCALE = 1.5
EDGE_PADDING = 48
# The distribution that ships a Japanese font file, and where the file lies in it.
FONT_DISTRIBUTION = "matplotlib-fontja"
FONT_FOLDER = "matplotlib_fontja/fonts"

# The municipality boundaries of the static map and the TopoJSON object in them.
MAP_FILES = {
    "national": "boundaries/municipalities_s0001.topojson",
    "prefecture": "boundaries/municipalities_s0010.topojson",
}
MAP_OBJECT = "N03-21_210101"
MAP_CODE = "properties.N03_007"
MAP_HEIGHT = 640
# A prefecture's view: the box of the middle 80 % of its town halls, widened by
# a fifth of its size and at least 0.15° (about 15 km) on each side.
CORE_QUANTILES = (0.1, 0.9)
CORE_MARGIN = 0.2
CORE_MIN_MARGIN = 0.15
# Host records per municipality are drawn as dots of this area range (px²).
HOST_DOT_RANGE = (40, 360)

_fonts: list[Path] | None = None


def bundled_font_directory() -> Path | None:
    """The folder of the Japanese font shipped as a Python package, if installed."""
    try:
        folder = importlib.metadata.distribution(FONT_DISTRIBUTION).locate_file(
            FONT_FOLDER
        )
    except importlib.metadata.PackageNotFoundError:
        return None
    folder = Path(str(folder))
    return folder if any(folder.glob("*.ttf")) else None


def use_fonts(directories: Iterable[Path]) -> list[Path]:
    """Register font folders with the renderer, once per process; returns them all.

    The renderer keeps what it was given for the life of the process, so a test
    that wants to see what happens without the bundled font runs in its own.
    """
    global _fonts
    _fonts = list(_fonts or [])
    for directory in directories:
        directory = Path(directory).resolve()
        if directory not in _fonts:
            vl_convert.register_font_directory(str(directory))
            _fonts.append(directory)
            logger.info("registered fonts in %s for exported images", directory)
    return list(_fonts)


def _ensure_fonts() -> None:
    if _fonts is not None:
        return
    bundled = bundled_font_directory()
    if bundled is None:
        logger.warning(
            "%s is not installed: exported images rely on the system's CJK fonts",
            FONT_DISTRIBUTION,
        )
    use_fonts([bundled] if bundled else [])


def png(
    chart: alt.TopLevelMixin | dict,
    *,
    width: int | None = PROJECTOR_WIDTH,
    scale: float = PROJECTOR_SCALE,
) -> bytes:
    """`chart` as PNG bytes, `width` CSS pixels wide (None: as built) at `scale`.

    No request leaves the machine: the spec must carry its data inline.
    """
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    if width is not None:
        spec = _with_width(spec, width)
    text = json.dumps(_without_nan(spec), sort_keys=True, ensure_ascii=False)
    return _png(text, scale)


def export_png(chart: alt.TopLevelMixin | dict) -> bytes:
    """`chart` as the PNG a reader downloads: 1,920 px wide, its text enlarged
    for a projector (`EXPORT_TEXT_SCALE`)."""
    return png(enlarge(chart, EXPORT_TEXT_SCALE))


def _without_nan(value):
    """`value` with float NaN as None: JSON has no NaN, and a pandas text column
    with a gap reaches the spec as one."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _without_nan(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nan(item) for item in value]
    return value


# The map takes seconds to draw: the same spec is drawn once per process.
@shared_cache(maxsize=32)
def _png(spec: str, scale: float) -> bytes:
    _ensure_fonts()
    return vl_convert.vegalite_to_png(spec, scale=scale, allowed_base_urls=[])


def _with_width(spec: dict, width: int) -> dict:
    """The spec laid out `width` pixels wide in all, axes and legends included.

    A concatenation keeps the widths its builder gave each part.
    """
    if any(key in spec for key in ("hconcat", "vconcat", "concat", "facet")):
        return spec
    autosize = {"type": "fit-x", "contains": "padding"}
    # Room on the right for value labels past the longest bar, which fitting
    # does not count.
    padding = {"left": 5, "top": 5, "bottom": 5, "right": EDGE_PADDING}
    return {**spec, "width": width, "autosize": autosize, "padding": padding}


# --- The static map ------------------------------------------------------------------


def map_chart(
    lang: str,
    pref_code: str | None = None,
    records: pd.DataFrame | None = None,
    *,
    own_list: bool = False,
) -> alt.LayerChart:
    """Municipalities coloured by host eligibility, public host records as dots.

    The whole country from the coarser boundaries, or one prefecture
    (`pref_code`, 2 digits) from the finer ones. `records` are the host records
    to mark (`hosts.records()` filtered; default: all of them); `own_list` says
    they are an official's own list, not the public cases.
    """
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    topology = _topology("prefecture" if pref_code else "national", _map_version())
    if pref_code:
        topology = _only_prefecture(topology, pref_code)

    verdicts = eligibility.host_verdicts()[["code", "verdict"]].copy()
    verdicts["verdict_label"] = verdicts["verdict"].map(
        lambda v: t(f"present.verdict_{v}")
    )
    master = data.load("municipalities").set_index("code")
    verdicts["name"] = verdicts["code"].map(master["pref_name"] + master["name"])
    verdict_order = list(VERDICT_COLORS)
    shapes = (
        alt.Chart(
            alt.Data(
                values=topology,
                format=alt.DataFormat(type="topojson", feature=MAP_OBJECT),
            )
        )
        .mark_geoshape(stroke="white", strokeWidth=0.2, clip=True)
        .transform_lookup(
            lookup=MAP_CODE,
            from_=alt.LookupData(verdicts, "code", ["verdict_label", "name"]),
        )
        # The boundary files also hold the 北方領土 and 所属未定地, not municipalities.
        .transform_filter("isValid(datum.verdict_label)")
        .encode(
            color=alt.Color(
                "verdict_label:N",
                title=t("present.map_verdict"),
                scale=alt.Scale(
                    domain=[t(f"present.verdict_{v}") for v in verdict_order],
                    range=[VERDICT_COLORS[v] for v in verdict_order],
                ),
                # Beside the map, which is taller than wide, not under it.
                legend=alt.Legend(
                    orient="right", direction="vertical", columns=1, labelLimit=0
                ),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("present.map_municipality")),
                alt.Tooltip("verdict_label:N", title=t("present.map_verdict")),
            ],
        )
    )

    records = hosts.records() if records is None else records
    hosts_title = t("present.map_hosts_own" if own_list else "present.map_hosts")
    if pref_code:
        records = hosts.filter_records(records, pref_code=pref_code)
    counts = hosts.counts_by_municipality(records)
    counts = counts.join(master[["lat", "lon"]], on="code")
    dots = (
        alt.Chart(counts)
        .mark_circle(
            color=OKABE_ITO["black"], stroke="white", strokeWidth=1.2, clip=True
        )
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size(
                "records:Q",
                title=hosts_title,
                scale=alt.Scale(range=list(HOST_DOT_RANGE)),
                legend=alt.Legend(
                    orient="right",
                    columns=1,
                    format="d",
                    values=_legend_counts(counts["records"]),
                ),
            ),
            opacity=alt.value(0.85),
            tooltip=[
                alt.Tooltip("name:N", title=t("present.map_municipality")),
                alt.Tooltip("records:Q", title=hosts_title),
            ],
        )
    )
    layered = alt.layer(shapes, dots)
    if pref_code:
        # Fit the prefecture's mainland: far islands (東京都's 小笠原村, 鹿児島県's
        # 奄美) would shrink it to a dot. They are drawn where they fall, clipped.
        layered = layered.project("mercator", fit=_core_box(master, pref_code))
    else:
        layered = layered.project("mercator")
    return configure(layered.properties(height=MAP_HEIGHT))


def _legend_counts(records: pd.Series) -> list[int]:
    """The record counts the dot legend shows: one, the most, and one between.

    A legend of every count (with a dot for none) is taller than the map on a
    720-pixel screen.
    """
    most = int(records.max()) if len(records) else 1
    return sorted({1, (most + 1) // 2, most})


def _core_box(master: pd.DataFrame, pref_code: str) -> dict:
    """A GeoJSON box around most of a prefecture's town halls, with a margin.

    The outermost tenth on each side is left out of the box, so that a few far
    islands do not decide the view; the margin brings the mainland's edges back.
    """
    offices = master[master["pref_code"] == pref_code]
    low, high = CORE_QUANTILES
    west, east = offices["lon"].quantile([low, high])
    south, north = offices["lat"].quantile([low, high])
    pad_x = (east - west) * CORE_MARGIN + CORE_MIN_MARGIN
    pad_y = (north - south) * CORE_MARGIN + CORE_MIN_MARGIN
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring[::-1]]},
        "properties": {},
    }


def _map_version() -> tuple[str, ...]:
    """The boundary files and their modification times: the cache key of the map."""
    stamps = []
    for name in MAP_FILES.values():
        path = data_dir() / name
        stamps.append(f"{path}:{path.stat().st_mtime_ns if path.exists() else 0}")
    return tuple(stamps)


@shared_cache(maxsize=4)
def _topology(kind: str, version: tuple[str, ...]) -> dict:
    name = MAP_FILES[kind]
    try:
        with open(data_dir() / name, encoding="utf-8") as handle:
            topology = json.load(handle)
        topology["objects"][MAP_OBJECT]["geometries"]
    except FileNotFoundError:
        raise DataFileError([Problem(name, "errors.file_missing")]) from None
    except (ValueError, KeyError, TypeError):
        raise DataFileError(
            [Problem(name, "present.map_bad_file", params={"object": MAP_OBJECT})]
        ) from None
    logger.info("loaded %s for the static map", name)
    return topology


def _only_prefecture(topology: dict, pref_code: str) -> dict:
    """The topology with the geometries of one prefecture only (arcs are shared)."""
    geometries = topology["objects"][MAP_OBJECT]["geometries"]
    kept = [
        g
        for g in geometries
        if str((g.get("properties") or {}).get("N03_007") or "").startswith(pref_code)
    ]
    objects = {MAP_OBJECT: {"type": "GeometryCollection", "geometries": kept}}
    return {**topology, "objects": objects}


# --- Text large enough for a room ---------------------------------------------------

# Vega-Lite's own sizes where a chart sets none: axis and legend labels and titles.
_DEFAULT_SIZES = {
    "axis": {"labelFontSize": 10, "titleFontSize": 11},
    "legend": {"labelFontSize": 10, "titleFontSize": 11},
    "title": {"fontSize": 13},
    "text": {"fontSize": 11},
}
# Spec properties that grow with the text: sizes and limits in pixels, and offsets.
_LINEAR = frozenset(
    {"fontSize", "labelFontSize", "titleFontSize", "labelLimit", "dx", "dy", "step"}
)
_AREA = frozenset({"symbolSize"})


def enlarge(chart: alt.TopLevelMixin | dict, factor: float) -> dict:
    """The spec of `chart` with every text, offset and band `factor` times larger.

    The chart builders size text for a desk; a projected slide needs it larger
    without changing what the chart says.
    """
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    spec = _scaled(spec, factor)
    config = dict(spec.get("config") or {})
    for part, sizes in _DEFAULT_SIZES.items():
        section = dict(config.get(part) or {})
        for key, size in sizes.items():
            section.setdefault(key, size * factor)
        config[part] = section
    return {**spec, "config": config}


def _scaled(value, factor: float):
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key == "data" or key == "datasets":
                result[key] = item  # data is never resized
            elif key in _LINEAR and isinstance(item, int | float):
                result[key] = item * factor
            elif key in _AREA and isinstance(item, int | float):
                result[key] = item * factor * factor
            else:
                result[key] = _scaled(item, factor)
        return result
    if isinstance(value, list):
        return [_scaled(item, factor) for item in value]
    return value
