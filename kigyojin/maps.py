"""The map of host and eligible municipalities: plain data and pydeck decks.

Two views, both drawn from the bundled boundaries with no basemap (nothing is
fetched from outside):

- the national view: every municipality filled by its host verdict, prefecture
  outlines that name the prefecture and sum it up on hover (a click opens it),
  and the host municipalities of the public records as points sized by count;
- a prefecture view: its municipalities in finer detail, each with a tooltip of
  its facts, verdict and host records, the chosen one outlined, host points
  labelled by name;
- a company's hosts (the companies page): prefecture outlines and the company's
  host points, framed on them.

A host point's tooltip is its municipality's, so a point drawn over a polygon
hides nothing the polygon would say.

Tooltips are plain text built here (deck.gl shows them as text, never HTML), and
no URL goes into a deck: source links stay in the page's table.
"""

import json
import math
from urllib.parse import quote, urlsplit

import altair as alt
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from kigyojin import companies, data, eligibility, fmt, geo, hosts
from kigyojin.caching import shared_cache
from kigyojin.charts import configure
from kigyojin.i18n import label, translate
from kigyojin.style import FONT_FAMILY, HOST_MARKER_COLOR, VERDICT_COLORS

# Layer ids: tests and the page's click handling refer to them.
MUNICIPALITY_LAYER = "municipalities-{verdict}"
PREFECTURE_LAYER = "prefectures"
HOST_LAYER = "hosts"
SELECTED_LAYER = "selected"
LABEL_LAYER = "labels"
LAND_LAYER = "land"

# The deck's size on the page, used to frame a view before the browser measures it:
# the map column of a 1,280-pixel laptop screen with the sidebar open.
MAP_HEIGHT = 560
ASSUMED_MAP_WIDTH = 540
# deck.gl's Web Mercator: the whole world is 512 pixels wide at zoom 0.
TILE_SIZE = 512
# Room left around a framed area, in zoom levels.
FRAME_MARGIN = 0.15
# Fill opacity of a municipality (0-255): borders and points stay readable on top.
FILL_ALPHA = 200
# Prefecture polygons in the national view are drawn almost transparent but can
# still be hovered and clicked (a fully transparent fill would not be picked).
PREFECTURE_PICK_ALPHA = 1
OUTLINE_COLOR = [60, 60, 60, 255]
BORDER_COLOR = [255, 255, 255, 160]
SELECTED_COLOR = [0, 0, 0, 255]
LABEL_COLOR = [20, 20, 20, 255]
LABEL_BACKGROUND = [255, 255, 255, 210]
# Host markers: radius in pixels = base + step × √records, so area grows with count.
HOST_RADIUS_BASE = 2
HOST_RADIUS_STEP = 2.5
TOOLTIP_STYLE = {
    "backgroundColor": "#FFFFFF",
    "color": "#1A1A1A",
    "fontSize": "13px",
    "lineHeight": "1.45",
    "maxWidth": "300px",
    "whiteSpace": "pre-wrap",
    "border": "1px solid #999999",
}
# Hosts listed one by one in a tooltip; the rest are counted.
TOOLTIP_RECORDS = 5
# The companies page's small map: its size on a laptop's half-width column, and
# the least area it frames (in degrees), so one host is not shown street by street.
COMPANY_MAP_HEIGHT = 360
COMPANY_MAP_WIDTH = 340
COMPANY_MIN_SPAN = 3.0
# Room left around the points, as a share of the span they cover.
POINTS_MARGIN = 0.1
LAND_COLOR = [238, 238, 238, 255]
# Characters kept as they are when a source URL goes into a Markdown link; the
# rest (brackets, parentheses, spaces) are percent-encoded so the link stays whole.
URL_SAFE = ":/?#&=%~+@,;!$*'-._"


def rgb(hex_color: str, alpha: int = 255) -> list[int]:
    """'#009E73' as [0, 158, 115, alpha]."""
    value = hex_color.lstrip("#")
    return [int(value[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


class CompactDeck(pdk.Deck):
    """A pydeck Deck sent as compact JSON: no indentation, Japanese kept as UTF-8.

    pydeck's own `to_json` indents every coordinate and escapes every kanji to six
    bytes, which more than doubles what the page sends over the WebSocket.

    Decks are cached and shared between sessions, so the text is made once: do not
    change a deck after it has been sent.
    """

    def to_json(self) -> str:
        text = self.__dict__.get("_text")
        if text is None:
            text = json.dumps(
                self,
                default=default_serialize,
                separators=(",", ":"),
                ensure_ascii=False,
                sort_keys=True,
            )
            self._text = text
        return text


# --- Caching ------------------------------------------------------------------------

# The tables the map reads; a cached result is kept only while none has changed.
TABLES = (
    "municipalities",
    "prefectures",
    "population",
    "regional_requirement",
    "kaso",
    "teijuu_jiritsuken",
    "hosts",
)


def data_version() -> tuple:
    """What the cached views depend on: the data folder and its files' versions."""
    folder = data.data_dir()
    files = tuple(data.signature(folder / data.TABLES[n].path) for n in TABLES)
    return (str(folder), files, geo.version())


# --- What the map says about each municipality ---------------------------------------


def municipality_facts() -> pd.DataFrame:
    """One row per municipality: names, prefecture, facts and host verdict.

    Columns: code, pref_code, pref_name, pref_en, name, name_kana, lat, lon,
    pop_2020, pct_age65plus_2020, kaso_type, category_label, verdict, estimated,
    reasons. Cached until a file changes; treat it as read-only.
    """
    return _municipality_facts(data_version())


@shared_cache(maxsize=2)
def _municipality_facts(version: tuple) -> pd.DataFrame:
    master = data.load("municipalities")[
        ["code", "pref_code", "pref_name", "name", "name_kana", "lat", "lon"]
    ]
    prefectures = data.load("prefectures").set_index("pref_code")["pref_en"]
    population = data.load("population").set_index("code")[
        ["pop_2020", "pct_age65plus_2020"]
    ]
    requirement = data.load("regional_requirement").set_index("code")[
        ["kaso_type", "category_label"]
    ]
    verdicts = eligibility.host_verdicts().set_index("code")[
        ["verdict", "estimated", "reasons"]
    ]
    facts = master.join(population, on="code").join(requirement, on="code")
    facts = facts.join(verdicts, on="code")
    facts.insert(3, "pref_en", facts["pref_code"].map(prefectures))
    return facts.reset_index(drop=True)


def search_labels(lang: str, pref_code: str | None = None) -> dict[str, str]:
    """Every municipality's code (of `pref_code`, or all) with the text a search
    matches: name, reading, prefecture and code ("夕張市（ゆうばりし）北海道・01209"),
    in code order. Cached; treat it as read-only."""
    return _search_labels(lang, pref_code or None, data_version())


@shared_cache(maxsize=128)
def _search_labels(lang: str, pref_code: str | None, version: tuple) -> dict[str, str]:
    facts = municipality_facts().sort_values("code")
    if pref_code is not None:
        facts = facts[facts["pref_code"] == pref_code]
    return {
        row["code"]: translate(
            "map.search_option",
            lang,
            name=row["name"],
            kana=row["name_kana"],
            pref=pref_label(row, lang),
            code=row["code"],
        )
        for row in facts.to_dict("records")
    }


# The column of `municipality_facts` that names the prefecture in each language.
PREF_NAME_COLUMN = hosts.PREF_NAME_COLUMN


def prefecture_names(lang: str) -> dict[str, str]:
    """Each prefecture's code with its name in `lang`, in code order."""
    prefectures = data.load("prefectures").sort_values("pref_code")
    column = PREF_NAME_COLUMN.get(lang, PREF_NAME_COLUMN["ja"])
    return dict(zip(prefectures["pref_code"], prefectures[column], strict=True))


def pref_label(row: pd.Series | dict, lang: str) -> str:
    """The prefecture's name in `lang` (北海道 / Hokkaido)."""
    return row[PREF_NAME_COLUMN.get(lang, "pref_name")]


def verdict_text(verdict: str, lang: str, short: bool = False) -> str:
    """The verdict in words: 受入可能, 対象外, 対象外（目安）：都道府県にご確認ください.

    `short` leaves out the advice, for legends, counts and table cells.
    """
    if short:
        return translate(f"map.verdict_short_{verdict}", lang)
    return translate(f"check.verdict_{verdict}", lang)


def kaso_text(kaso_type: str | None, lang: str) -> str:
    """The 過疎 status in words, "not 過疎" where the municipality is not listed."""
    if not kaso_type or pd.isna(kaso_type):
        return translate("map.kaso_none", lang)
    return label(kaso_type, lang)


def record_line(record: pd.Series | dict, lang: str) -> str:
    """One host record as a line: company (type, field, start)."""
    details = [label(record["type"], lang)]
    if record.get("field"):
        details.append(label(record["field"], lang))
    if record.get("start_fiscal_year") is not None and not pd.isna(
        record["start_fiscal_year"]
    ):
        year = fmt.fiscal_year(int(record["start_fiscal_year"]), lang)
        details.append(translate("map.record_start", lang, year=year))
    return translate(
        "map.record_line",
        lang,
        company=record["company"],
        details=translate("map.separator", lang).join(details),
    )


def records_lines(records: pd.DataFrame, lang: str) -> list[str]:
    """The host records of one municipality as tooltip lines, a few at most."""
    if records.empty:
        return [translate("map.tooltip_no_records", lang)]
    lines = [translate("map.tooltip_records", lang, count=len(records))]
    shown = records.head(TOOLTIP_RECORDS)
    bullet = translate("map.bullet", lang)
    lines += [bullet + record_line(row, lang) for row in shown.to_dict("records")]
    if len(records) > TOOLTIP_RECORDS:
        lines.append(
            translate("map.tooltip_more", lang, count=len(records) - TOOLTIP_RECORDS)
        )
    return lines


def municipality_tooltip(row: pd.Series, records: pd.DataFrame, lang: str) -> str:
    """Everything the map says about one municipality, as plain text lines."""
    lines = [
        translate(
            "map.tooltip_name",
            lang,
            name=row["name"],
            kana=row["name_kana"],
            pref=pref_label(row, lang),
        ),
        translate(
            "map.tooltip_verdict", lang, verdict=verdict_text(row["verdict"], lang)
        ),
    ]
    bullet = translate("map.bullet", lang)
    lines += [bullet + eligibility.reason_text(r, lang) for r in row["reasons"]]
    lines.append(population_text(row, lang))
    lines.append(
        translate("map.tooltip_kaso", lang, kaso=kaso_text(row["kaso_type"], lang))
    )
    lines.append(
        translate("map.tooltip_class", lang, value=label(row["category_label"], lang))
    )
    return "\n".join(lines + records_lines(records, lang))


def population_text(row: pd.Series | dict, lang: str) -> str:
    """2020 population and the share aged 65 and over, as one line."""
    if pd.isna(row["pct_age65plus_2020"]):
        return translate(
            "map.population_only", lang, population=fmt.number(row["pop_2020"])
        )
    return translate(
        "map.population",
        lang,
        population=fmt.number(row["pop_2020"]),
        aged=fmt.percent(row["pct_age65plus_2020"]),
    )


# --- Framing ------------------------------------------------------------------------


def _mercator_y(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def view_state(
    area: geo.Bounds, width: int = ASSUMED_MAP_WIDTH, height: int = MAP_HEIGHT
) -> pdk.ViewState:
    """A view that frames `area` in a map of `width` × `height` pixels."""
    west, south, east, north = area
    top, bottom = _mercator_y(north), _mercator_y(south)
    zoom_x = math.log2(width * 360 / (TILE_SIZE * max(east - west, 1e-6)))
    zoom_y = math.log2(height * 2 * math.pi / (TILE_SIZE * max(top - bottom, 1e-6)))
    middle = math.degrees(2 * math.atan(math.exp((top + bottom) / 2)) - math.pi / 2)
    return pdk.ViewState(
        longitude=round((west + east) / 2, 4),
        latitude=round(middle, 4),
        zoom=round(min(zoom_x, zoom_y) - FRAME_MARGIN, 2),
        min_zoom=3,
        max_zoom=13,
    )


def japan_bounds() -> geo.Bounds:
    """The area the national view frames: every prefecture's frame together."""
    frames = geo.prefecture_bounds().values()
    return (
        min(f[0] for f in frames),
        min(f[1] for f in frames),
        max(f[2] for f in frames),
        max(f[3] for f in frames),
    )


# --- Layers -------------------------------------------------------------------------


def municipality_layers(
    shapes: dict[str, list[geo.Polygon]],
    facts: pd.DataFrame,
    tooltips: dict[str, str] | None,
) -> list[pdk.Layer]:
    """One polygon layer per verdict, filled in that verdict's colour.

    With `tooltips`, every polygon carries its municipality's code and tooltip and
    can be hovered and clicked; without, the fills are only drawn.
    """
    verdicts = facts.set_index("code")["verdict"]
    layers = []
    for verdict in eligibility.VERDICTS:
        rows = []
        for code, shape in shapes.items():
            if verdicts.get(code) != verdict:
                continue
            for polygon in shape:
                if tooltips is None:
                    rows.append({"polygon": polygon})
                else:
                    rows.append(
                        {"code": code, "tooltip": tooltips[code], "polygon": polygon}
                    )
        layers.append(
            pdk.Layer(
                "PolygonLayer",
                data=rows,
                id=MUNICIPALITY_LAYER.format(verdict=verdict),
                get_polygon="polygon",
                get_fill_color=rgb(VERDICT_COLORS[verdict], FILL_ALPHA),
                get_line_color=BORDER_COLOR,
                line_width_units=pdk.types.String("pixels"),
                get_line_width=0.5 if tooltips is not None else 0,
                stroked=tooltips is not None,
                pickable=tooltips is not None,
                auto_highlight=tooltips is not None,
            )
        )
    return layers


def host_points(records: pd.DataFrame, facts: pd.DataFrame, lang: str) -> list[dict]:
    """One point per host municipality at its town hall, sized by record count.

    Each point carries the municipality's code, name, count and tooltip: the
    municipality's own (`municipality_tooltip`) with the records given.
    """
    located = facts.set_index("code")
    points = []
    for code, mine in records.groupby("code", sort=True):
        place = located.loc[code]
        count = len(mine)
        points.append(
            {
                "code": code,
                "name": place["name"],
                "lon": round(float(place["lon"]), 3),
                "lat": round(float(place["lat"]), 3),
                "records": count,
                "radius": round(
                    HOST_RADIUS_BASE + HOST_RADIUS_STEP * math.sqrt(count), 1
                ),
                "tooltip": municipality_tooltip(place, mine, lang),
            }
        )
    # Larger dots first, so smaller ones are drawn on top and stay clickable.
    return sorted(points, key=lambda point: -point["records"])


def host_layer(points: list[dict]) -> pdk.Layer:
    """The host municipalities as dark dots with a white ring, sized by count."""
    return pdk.Layer(
        "ScatterplotLayer",
        data=points,
        id=HOST_LAYER,
        get_position=["lon", "lat"],
        get_radius="radius",
        radius_units=pdk.types.String("pixels"),
        get_fill_color=rgb(HOST_MARKER_COLOR, 220),
        get_line_color=[255, 255, 255, 255],
        line_width_units=pdk.types.String("pixels"),
        get_line_width=1.5,
        stroked=True,
        pickable=True,
        auto_highlight=True,
    )


def label_layer(points: list[dict]) -> pdk.Layer:
    """Names beside points. Japanese glyphs need the automatic character set."""
    return pdk.Layer(
        "TextLayer",
        data=points,
        id=LABEL_LAYER,
        get_position=["lon", "lat"],
        get_text="name",
        get_size=12,
        size_units=pdk.types.String("pixels"),
        get_color=LABEL_COLOR,
        get_text_anchor=pdk.types.String("start"),
        get_alignment_baseline=pdk.types.String("center"),
        get_pixel_offset=[9, 0],
        background=True,
        get_background_color=LABEL_BACKGROUND,
        # pydeck reads a plain string as an expression: wrap the literal ones.
        character_set=pdk.types.String("auto"),
        font_family=pdk.types.String(FONT_FAMILY),
    )


def land_layer(shapes: dict[str, list[geo.Polygon]]) -> pdk.Layer:
    """The prefectures as plain light land, neither hovered nor clicked."""
    return pdk.Layer(
        "PolygonLayer",
        data=[{"polygon": polygon} for shape in shapes.values() for polygon in shape],
        id=LAND_LAYER,
        get_polygon="polygon",
        get_fill_color=LAND_COLOR,
        stroked=False,
        pickable=False,
    )


def outline_layer(lines: list[geo.Ring]) -> pdk.Layer:
    """Prefecture borders and coasts as thin dark lines."""
    return pdk.Layer(
        "PathLayer",
        data=[{"path": line} for line in lines],
        id=PREFECTURE_LAYER,
        get_path="path",
        get_color=OUTLINE_COLOR,
        width_units=pdk.types.String("pixels"),
        get_width=1,
    )


def selected_layer(shape: list[geo.Polygon]) -> pdk.Layer:
    """The chosen municipality outlined in black."""
    return pdk.Layer(
        "PathLayer",
        data=[{"path": ring} for polygon in shape for ring in polygon[:1]],
        id=SELECTED_LAYER,
        get_path="path",
        get_color=SELECTED_COLOR,
        width_units=pdk.types.String("pixels"),
        get_width=3,
    )


def deck(
    layers: list[pdk.Layer],
    area: geo.Bounds,
    width: int = ASSUMED_MAP_WIDTH,
    height: int = MAP_HEIGHT,
) -> CompactDeck:
    """A deck with no basemap (nothing is fetched) and text tooltips."""
    return CompactDeck(
        layers=layers,
        initial_view_state=view_state(area, width, height),
        map_provider=None,
        tooltip={"text": "{tooltip}", "style": TOOLTIP_STYLE},
        height=height,
    )


# --- The two views -------------------------------------------------------------------


def prefecture_summaries(
    facts: pd.DataFrame, records: pd.DataFrame, lang: str
) -> dict[str, str]:
    """Per prefecture, the national view's tooltip: verdict counts and host cases."""
    counts = facts.groupby(["pref_code", "verdict"]).size().unstack(fill_value=0)
    cases = records.groupby("pref_code").size()
    places = records.groupby("pref_code")["code"].nunique()
    names = facts.drop_duplicates("pref_code").set_index("pref_code")
    summaries = {}
    for pref_code, row in counts.iterrows():
        lines = [pref_label(names.loc[pref_code], lang)]
        lines += [
            translate(
                "map.summary_verdict",
                lang,
                verdict=verdict_text(verdict, lang, short=True),
                count=fmt.number(row.get(verdict, 0)),
            )
            for verdict in eligibility.VERDICTS
            if row.get(verdict, 0)
        ]
        lines.append(
            translate(
                "map.summary_records",
                lang,
                count=int(cases.get(pref_code, 0)),
                places=int(places.get(pref_code, 0)),
            )
        )
        lines.append(translate("map.summary_click", lang))
        summaries[pref_code] = "\n".join(lines)
    return summaries


def national_deck(host_filter: hosts.HostFilter, lang: str) -> CompactDeck:
    """All of Japan: municipalities by verdict, prefectures to open, host points.

    Cached until a file changes; the deck is shared, do not change it.
    """
    return _national_deck(host_filter, lang, data_version())


@shared_cache(maxsize=16)
def _national_deck(
    host_filter: hosts.HostFilter, lang: str, version: tuple
) -> CompactDeck:
    facts = municipality_facts()
    records = host_filter.apply(hosts.records())
    summaries = prefecture_summaries(facts, records, lang)
    prefectures = pdk.Layer(
        "PolygonLayer",
        data=[
            {"pref_code": code, "tooltip": summaries[code], "polygon": polygon}
            for code, shape in geo.prefectures(geo.NATIONAL).items()
            for polygon in shape
        ],
        id=PREFECTURE_LAYER,
        get_polygon="polygon",
        get_fill_color=[255, 255, 255, PREFECTURE_PICK_ALPHA],
        get_line_color=OUTLINE_COLOR,
        line_width_units=pdk.types.String("pixels"),
        get_line_width=1,
        stroked=True,
        pickable=True,
        auto_highlight=True,
        highlight_color=[0, 0, 0, 40],
    )
    layers = [
        *municipality_layers(
            geo.municipalities("coarse", geo.NATIONAL), facts, tooltips=None
        ),
        prefectures,
        host_layer(host_points(records, facts, lang)),
    ]
    return deck(layers, japan_bounds())


def prefecture_deck(
    pref_code: str,
    host_filter: hosts.HostFilter,
    lang: str,
    selected: str | None = None,
) -> CompactDeck:
    """One prefecture: its municipalities with tooltips, host points with names.

    `selected` is the code of a municipality to outline. Cached until a file
    changes; the deck is shared, do not change it.
    """
    version = data_version()
    layers = _prefecture_layers(pref_code, host_filter, lang, version)
    return _prefecture_deck(pref_code, layers, selected, version)


@shared_cache(maxsize=64)
def _prefecture_deck(
    pref_code: str,
    layers: tuple[pdk.Layer, ...],
    selected: str | None,
    version: tuple,
) -> CompactDeck:
    area = geo.prefecture_bounds()[pref_code]
    shapes = geo.municipalities("fine", geo.detail_for(area), pref_code)
    chosen = [selected_layer(shapes[selected])] if selected in shapes else []
    # The outline goes under the host points, which stay on top.
    return deck([*layers[:-2], *chosen, *layers[-2:]], area)


@shared_cache(maxsize=32)
def _prefecture_layers(
    pref_code: str, host_filter: hosts.HostFilter, lang: str, version: tuple
) -> tuple[pdk.Layer, ...]:
    facts = municipality_facts()
    mine = facts[facts["pref_code"] == pref_code]
    area = geo.prefecture_bounds()[pref_code]
    detail = geo.detail_for(area)
    records = host_filter.apply(hosts.records())
    records = records[records["pref_code"] == pref_code]
    by_code = dict(tuple(records.groupby("code")))
    tooltips = {
        row["code"]: municipality_tooltip(
            row, by_code.get(row["code"], records.iloc[0:0]), lang
        )
        for row in mine.to_dict("records")
    }
    points = host_points(records, facts, lang)
    return (
        *municipality_layers(
            geo.municipalities("fine", detail, pref_code), mine, tooltips
        ),
        outline_layer(geo.prefecture_lines(geo.NATIONAL, area, detail)),
        host_layer(points),
        label_layer(points),
    )


def points_bounds(points: list[dict], min_span: float = COMPANY_MIN_SPAN) -> geo.Bounds:
    """The area around `points`, at least `min_span` degrees each way; Japan if none."""
    if not points:
        return japan_bounds()
    west, east = min(p["lon"] for p in points), max(p["lon"] for p in points)
    south, north = min(p["lat"] for p in points), max(p["lat"] for p in points)
    # Room around the outermost points, for their dots and the names beside them.
    grow_x = max(min_span - (east - west), 0) / 2 + (east - west) * POINTS_MARGIN
    grow_y = max(min_span - (north - south), 0) / 2 + (north - south) * POINTS_MARGIN
    return (west - grow_x, south - grow_y, east + grow_x, north + grow_y)


def company_records(
    company_key: str, upload: hosts.UploadedRecords | None = None
) -> pd.DataFrame:
    """The host records of one company, matched on its key (`companies.normalize`)."""
    records = hosts.HostFilter(upload=upload).apply(hosts.records())
    return records[records["company"].map(companies.normalize) == company_key]


def company_deck(
    company_key: str, lang: str, upload: hosts.UploadedRecords | None = None
) -> CompactDeck:
    """One company's hosts: light land, prefecture outlines, points with names.

    Framed on the points; `upload` is an official's own list in place of the
    sample. Cached until a file changes; the deck is shared, do not change it.
    """
    return _company_deck(company_key, lang, upload, data_version())


@shared_cache(maxsize=32)
def _company_deck(
    company_key: str,
    lang: str,
    upload: hosts.UploadedRecords | None,
    version: tuple,
) -> CompactDeck:
    points = host_points(
        company_records(company_key, upload), municipality_facts(), lang
    )
    area = points_bounds(points)
    # The national detail: a small map needs no finer coasts, and a finer one
    # around the hosts would more than double what the page sends.
    layers = [
        land_layer(geo.prefectures(geo.NATIONAL)),
        outline_layer(geo.prefecture_lines(geo.NATIONAL)),
        host_layer(points),
        label_layer(points),
    ]
    return deck(layers, area, COMPANY_MAP_WIDTH, COMPANY_MAP_HEIGHT)


def source_link(url: str) -> tuple[str, str] | None:
    """A source's site and its URL made safe for a Markdown link.

    None unless the URL is http(s) with a host: such text is shown as it is.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts.netloc, quote(url, safe=URL_SAFE)


def records_in_view(
    host_filter: hosts.HostFilter, pref_code: str | None
) -> pd.DataFrame:
    """The host records the view marks: those chosen, in the prefecture if one is.

    Cached until a file changes; treat it as read-only.
    """
    return _records_in_view(host_filter, pref_code or None, data_version())


@shared_cache(maxsize=32)
def _records_in_view(
    host_filter: hosts.HostFilter, pref_code: str | None, version: tuple
) -> pd.DataFrame:
    return hosts.filter_records(host_filter.apply(hosts.records()), pref_code=pref_code)


def facts_in_view(pref_code: str | None) -> pd.DataFrame:
    """The municipalities the view shows: a prefecture's, or all of them."""
    facts = municipality_facts()
    return facts[facts["pref_code"] == pref_code] if pref_code else facts


def verdict_counts_in_view(pref_code: str | None, lang: str) -> pd.DataFrame:
    """`verdict_counts` of the view: a prefecture's municipalities, or all."""
    return verdict_counts(facts_in_view(pref_code), lang)


def verdict_counts(facts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """How many municipalities of `facts` have each verdict, in the verdicts' order.

    Columns: verdict, label, count, color.
    """
    counts = facts["verdict"].value_counts()
    return pd.DataFrame(
        {
            "verdict": list(eligibility.VERDICTS),
            "label": [verdict_text(v, lang, short=True) for v in eligibility.VERDICTS],
            "count": [int(counts.get(v, 0)) for v in eligibility.VERDICTS],
            "color": [VERDICT_COLORS[v] for v in eligibility.VERDICTS],
        }
    )


def legend_spec(pref_code: str | None, lang: str) -> dict:
    """The legend of the view as a Vega-Lite spec (see `legend_chart`), cached.

    Building and validating the Altair chart on every rerun would cost more than
    the rest of the page together.
    """
    return _legend_spec(pref_code or None, lang, data_version())


@shared_cache(maxsize=96)
def _legend_spec(pref_code: str | None, lang: str, version: tuple) -> dict:
    return legend_chart(verdict_counts_in_view(pref_code, lang), lang).to_dict()


def legend_chart(counts: pd.DataFrame, lang: str) -> alt.Chart:
    """The legend as a chart: one bar per verdict in its map colour, named in words.

    `counts` comes from `verdict_counts`; the bar's length is the number of
    municipalities with that verdict in the view.
    """
    title = translate("map.col_count", lang)
    order = counts["label"].tolist()
    base = alt.Chart(counts).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("count:Q", title=title, axis=None),
        tooltip=[
            alt.Tooltip("label:N", title=translate("map.col_verdict", lang)),
            alt.Tooltip("count:Q", title=title, format=","),
        ],
    )
    bars = base.mark_bar(height=16).encode(
        color=alt.Color(
            "label:N",
            scale=alt.Scale(domain=order, range=counts["color"].tolist()),
            legend=None,
        )
    )
    text = base.mark_text(align="left", dx=4, fontSize=13).encode(
        text=alt.Text("count:Q", format=","), color=alt.value("#1A1A1A")
    )
    return configure(
        (bars + text).properties(height=28 * len(counts), width="container")
    )


def records_table(
    host_filter: hosts.HostFilter, pref_code: str | None, lang: str
) -> pd.DataFrame:
    """The host records of the view as the page's table shows and exports them.

    Columns: pref, name, code, company, type, field, start, end, fiscal_year,
    people, verdict, and source_1, source_2, … (as many as the longest list).
    Text not known is empty. Cached until a file changes; treat it as read-only.
    """
    return _records_table(host_filter, pref_code or None, lang, data_version())


@shared_cache(maxsize=32)
def _records_table(
    host_filter: hosts.HostFilter, pref_code: str | None, lang: str, version: tuple
) -> pd.DataFrame:
    records = records_in_view(host_filter, pref_code)
    facts = municipality_facts().set_index("code")
    table = pd.DataFrame(
        {
            "pref": records["code"].map(facts[PREF_NAME_COLUMN[lang]]),
            "name": records["name"],
            "code": records["code"],
            "company": records["company"],
            "type": records["type"].map(lambda v: label(v, lang)),
            "field": records["field"].map(
                lambda v: label(v, lang) if isinstance(v, str) else ""
            ),
            "start": records["start"].fillna(""),
            "end": records["end"].fillna(""),
            "fiscal_year": records["fiscal_year"].map(
                lambda y: "" if pd.isna(y) else fmt.fiscal_year(int(y), lang)
            ),
            "people": records["people"],
            "verdict": records["code"]
            .map(facts["verdict"])
            .map(lambda v: verdict_text(v, lang, short=True)),
        }
    )
    longest = int(records["sources"].map(len).max()) if len(records) else 1
    for number in range(1, longest + 1):
        table[f"source_{number}"] = records["sources"].map(
            lambda urls, i=number - 1: urls[i] if i < len(urls) else None
        )
    table = _as_categories(table, ("pref", "type", "field", "fiscal_year", "verdict"))
    return table.reset_index(drop=True)


def _as_categories(table: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """`table` with the text of `columns` as categories: a verdict or reason that
    repeats down a table goes to the browser once, as an Arrow dictionary (北海道's
    179 municipalities: 51 KB sent, 18 KB so). Done once, where the table is
    cached: converting on each rerun would cost more CPU than it saves."""
    return table.astype(dict.fromkeys(columns, "category"))


def municipalities_table(
    pref_code: str, host_filter: hosts.HostFilter, lang: str
) -> pd.DataFrame:
    """The municipalities of a prefecture as the page's table shows and exports them.

    Columns: code, name, kana, verdict, reasons, population, aged, kaso, class,
    records (the chosen public host cases). Cached; treat it as read-only.
    """
    return _municipalities_table(pref_code, host_filter, lang, data_version())


@shared_cache(maxsize=32)
def _municipalities_table(
    pref_code: str, host_filter: hosts.HostFilter, lang: str, version: tuple
) -> pd.DataFrame:
    records = records_in_view(host_filter, pref_code)
    facts = municipality_facts()
    mine = facts[facts["pref_code"] == pref_code]
    counts = records.groupby("code").size()
    separator = translate("map.separator", lang)
    table = pd.DataFrame(
        {
            "code": mine["code"],
            "name": mine["name"],
            "kana": mine["name_kana"],
            "verdict": mine["verdict"].map(lambda v: verdict_text(v, lang, short=True)),
            "reasons": mine["reasons"].map(
                lambda keys: separator.join(
                    eligibility.reason_text(k, lang) for k in keys
                )
            ),
            "population": mine["pop_2020"],
            "aged": mine["pct_age65plus_2020"].round(1),
            "kaso": mine["kaso_type"].map(lambda k: kaso_text(k, lang)),
            "class": mine["category_label"].map(lambda c: label(c, lang)),
            "records": mine["code"].map(counts).fillna(0).astype(int),
        }
    ).reset_index(drop=True)
    return _as_categories(table, ("verdict", "reasons", "kaso", "class"))


def prefectures_table(host_filter: hosts.HostFilter, lang: str) -> pd.DataFrame:
    """Per prefecture: municipalities by verdict and the chosen public host cases.

    Columns: pref_code, pref, one column per verdict (named by the verdict),
    records, places. Cached; treat it as read-only.
    """
    return _prefectures_table(host_filter, lang, data_version())


@shared_cache(maxsize=16)
def _prefectures_table(
    host_filter: hosts.HostFilter, lang: str, version: tuple
) -> pd.DataFrame:
    records = records_in_view(host_filter, None)
    facts = municipality_facts()
    counts = facts.groupby(["pref_code", "verdict"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(eligibility.VERDICTS), fill_value=0)
    names = facts.drop_duplicates("pref_code").set_index("pref_code")
    table = counts.reset_index()
    table.insert(1, "pref", table["pref_code"].map(names[PREF_NAME_COLUMN[lang]]))
    table["records"] = table["pref_code"].map(records.groupby("pref_code").size())
    table["places"] = table["pref_code"].map(
        records.groupby("pref_code")["code"].nunique()
    )
    table[["records", "places"]] = table[["records", "places"]].fillna(0).astype(int)
    table.columns.name = None
    return table
