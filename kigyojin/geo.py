"""Boundaries for the map: TopoJSON decoded, simplified and rounded for the screen.

The shipped files (`data/boundaries/`, MLIT 国土数値情報 N03 simplified by SmartNews'
japan-topography) are TopoJSON: each border is stored once, as a quantized,
delta-encoded arc. Decoding takes three steps and no GIS library:

1. each arc is decoded to longitude/latitude and simplified on its own
   (Douglas–Peucker), so two neighbours keep exactly the same border;
2. coordinates are rounded to what the screen shows at that view, and points
   that rounding makes identical are dropped;
3. rings are stitched from their arcs. A ring that collapses is dropped, but a
   municipality never loses its last one: it is then drawn from the fine file,
   rounded only.

Only the 1,741 municipalities of the master are kept (the files also hold the 6
北方領土 villages and 4 所属未定地). Everything is cached until a file changes, and
an arc is simplified only when a view first needs it.
"""

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kigyojin import data
from kigyojin.caching import shared_cache
from kigyojin.errors import DataFileError, Problem
from kigyojin.paths import data_dir

logger = logging.getLogger(__name__)

BOUNDARY_DIR = "boundaries"
# Each file and the TopoJSON object inside it that holds the geometries.
FILES = {
    "fine": ("municipalities_s0010.topojson", "N03-21_210101"),
    "coarse": ("municipalities_s0001.topojson", "N03-21_210101"),
    "prefectures": ("prefectures_s0010.topojson", "prefectures"),
}
# What the boundaries describe (data/SOURCES.md §6), for the log of what was loaded.
VINTAGE = "国土数値情報 N03, 2021-01-01"
CODE_PROPERTY = "N03_007"
PREF_NAME_PROPERTY = "N03_001"
# A closed ring needs three distinct corners and the closing point.
MIN_RING_POINTS = 4
# A prefecture view frames the islands at least this share of its largest one's
# area: 伊豆大島 (5 % of Tokyo's mainland) is framed, 沖ノ鳥島 and 南鳥島 are not.
FRAMED_ISLAND_SHARE = 0.05

Ring = list[list[float]]
Polygon = list[Ring]  # outer ring first, then holes
Bounds = tuple[float, float, float, float]  # west, south, east, north
Version = tuple[str, int, int]  # path, modification time, size: the cache key


@dataclass(frozen=True)
class Detail:
    """How finely a view draws: simplification tolerance and rounding, in degrees."""

    tolerance: float
    decimals: int


# The national view, 1,000 pixels wide, spans about 25° of longitude, so a pixel
# is about 0.025°: simplifying by 0.02° and rounding to 0.01° stays below a pixel.
NATIONAL = Detail(tolerance=0.02, decimals=2)
# Rounding in a prefecture view: at most 0.001° (about 100 m), below a pixel even
# for 香川; wide prefectures round coarser (see `detail_for`).
PREFECTURE_DECIMALS = 3
# A prefecture view simplifies by this share of its width: half a pixel of a
# map about 1,000 pixels wide.
PREFECTURE_TOLERANCE_SHARE = 1 / 1000


def detail_for(area: Bounds) -> Detail:
    """The detail of a view framing `area`: the wider, the coarser.

    Coordinates are rounded to the coarsest power of ten whose error (half a unit)
    stays within a pixel of the map, about 1,000 pixels across `area`: two
    decimals for 北海道 (a pixel there is about 0.006°), three for most prefectures.
    """
    west, south, east, north = area
    span = max(east - west, north - south)
    # Rounded to a power of two so nearby prefectures share one cached detail.
    tolerance = 2 ** math.floor(math.log2(span * PREFECTURE_TOLERANCE_SHARE))
    pixel = span * PREFECTURE_TOLERANCE_SHARE
    decimals = min(PREFECTURE_DECIMALS, math.ceil(-math.log10(2 * pixel)))
    return Detail(tolerance=tolerance, decimals=max(NATIONAL.decimals, decimals))


# --- TopoJSON (general) ------------------------------------------------------------


def decode_arcs(topology: dict) -> list[np.ndarray]:
    """Every arc of `topology` as an (n, 2) array of longitude, latitude."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=float)[:, :2]
        if transform is not None:
            # A quantized topology stores each point as a delta from the one before.
            points = np.cumsum(points, axis=0) * transform["scale"]
            points = points + transform["translate"]
        arcs.append(points)
    return arcs


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """`points` simplified by Douglas–Peucker; the two ends are always kept."""
    if tolerance <= 0 or len(points) <= 2:
        return points
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    pending = [(0, len(points) - 1)]
    while pending:
        first, last = pending.pop()
        if last - first < 2:
            continue
        distances = _distances(points[first + 1 : last], points[first], points[last])
        farthest = int(np.argmax(distances))
        if distances[farthest] > tolerance:
            split = first + 1 + farthest
            keep[split] = True
            pending += [(first, split), (split, last)]
    return points[keep]


def _distances(points: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Distance of each point from the line start–end (from start if they meet)."""
    direction = end - start
    offset = points - start
    length = float(np.hypot(*direction))
    if length == 0:
        return np.hypot(offset[:, 0], offset[:, 1])
    cross = direction[0] * offset[:, 1] - direction[1] * offset[:, 0]
    return np.abs(cross) / length


def drop_repeats(points: np.ndarray) -> np.ndarray:
    """`points` without consecutive duplicates."""
    if len(points) < 2:
        return points
    moved = np.any(points[1:] != points[:-1], axis=1)
    return points[np.concatenate(([True], moved))]


class PreparedArcs:
    """The arcs of a topology for one `Detail`, each simplified when first used."""

    def __init__(self, arcs: list[np.ndarray], detail: Detail) -> None:
        self.arcs = arcs
        self.detail = detail
        self._done: dict[int, np.ndarray] = {}

    def __getitem__(self, index: int) -> np.ndarray:
        arc = self._done.get(index)
        if arc is None:
            simplified = simplify(self.arcs[index], self.detail.tolerance)
            arc = drop_repeats(np.round(simplified, self.detail.decimals))
            self._done[index] = arc
        return arc

    def __len__(self) -> int:
        return len(self.arcs)


def stitch(arc_indexes: list[int], arcs: PreparedArcs) -> np.ndarray:
    """A ring from its arcs (a negative index ~i means arc i reversed)."""
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in arc_indexes]
    # Each arc starts on the point where the one before it ended.
    parts = parts[:1] + [part[1:] for part in parts[1:]]
    return drop_repeats(np.concatenate(parts)) if parts else np.empty((0, 2))


def _shapes(geometry: dict) -> list[list[list[int]]]:
    """The arc indexes of a Polygon or MultiPolygon, as a list of polygons."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return geometry["arcs"]
    return []  # a null geometry: the coarse file has lost a few small islands


def polygons(geometry: dict, arcs: PreparedArcs) -> list[Polygon]:
    """GeoJSON MultiPolygon coordinates of a TopoJSON geometry, collapsed rings out.

    A polygon whose outer ring collapsed is dropped with its holes.
    """
    result = []
    for shape in _shapes(geometry):
        rings = [stitch(indexes, arcs) for indexes in shape]
        if rings and len(rings[0]) >= MIN_RING_POINTS:
            result.append([r.tolist() for r in rings if len(r) >= MIN_RING_POINTS])
    return result


def used_arcs(geometries: list[dict]) -> set[int]:
    """The indexes of the arcs that `geometries` use."""
    used: set[int] = set()
    for geometry in geometries:
        for shape in _shapes(geometry):
            for indexes in shape:
                used.update(i if i >= 0 else ~i for i in indexes)
    return used


def bounds(shape: list[Polygon]) -> Bounds:
    """West, south, east and north of MultiPolygon coordinates."""
    points = np.concatenate([np.asarray(polygon[0]) for polygon in shape])
    west, south = points.min(axis=0)
    east, north = points.max(axis=0)
    return (float(west), float(south), float(east), float(north))


def ring_area(ring: Ring) -> float:
    """The area of a ring in square degrees (shoelace formula), always positive."""
    points = np.asarray(ring)
    x, y = points[:, 0], points[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def overlaps(a: Bounds, b: Bounds) -> bool:
    """True when two boxes share any point."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


# --- The shipped boundaries ----------------------------------------------------------


def _label(kind: str) -> str:
    return f"{BOUNDARY_DIR}/{FILES[kind][0]}"


def _version(kind: str) -> Version:
    path = data_dir() / BOUNDARY_DIR / FILES[kind][0]
    return (str(path), *data.signature(path))


def topology(kind: str) -> dict:
    """The TopoJSON file `kind` ("fine", "coarse" or "prefectures"), read once.

    Returns {"arcs": [...], "transform": {...} or None, "geometries": [...]}.
    Raises `DataFileError` naming the file if it is missing or not TopoJSON.
    """
    return _topology(kind, _version(kind))


@shared_cache(maxsize=6)
def _topology(kind: str, version: Version) -> dict:
    path, _, size = version
    object_name = FILES[kind][1]
    if size == 0:
        raise DataFileError([Problem(_label(kind), "errors.file_missing")])
    try:
        parsed = json.loads(Path(path).read_text(encoding="utf-8"))
        geometries = parsed["objects"][object_name]["geometries"]
        arcs = parsed["arcs"]
        transform = parsed.get("transform")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise DataFileError(
            [Problem(_label(kind), "map.bad_topology", params={"object": object_name})]
        ) from None
    logger.info(
        "loaded %s: %d geometries, %d arcs, vintage %s",
        _label(kind),
        len(geometries),
        len(arcs),
        VINTAGE,
    )
    return {"arcs": arcs, "transform": transform, "geometries": geometries}


@shared_cache(maxsize=3)
def _decoded(kind: str, version: Version) -> list[np.ndarray]:
    return decode_arcs(_topology(kind, version))


@shared_cache(maxsize=32)
def _prepared(kind: str, detail: Detail, version: Version) -> PreparedArcs:
    return PreparedArcs(_decoded(kind, version), detail)


@shared_cache(maxsize=3)
def _by_code(kind: str, version: Version) -> dict[str, list[dict]]:
    """The file's geometries by municipality code, non-municipalities left out."""
    master = set(data.load("municipalities")["code"])
    found: dict[str, list[dict]] = {}
    dropped = []
    for geometry in _topology(kind, version)["geometries"]:
        code = (geometry.get("properties") or {}).get(CODE_PROPERTY)
        if code in master:
            found.setdefault(code, []).append(geometry)
        else:
            dropped.append(str(code))
    if dropped:
        logger.warning(
            "%s: left out %d geometries that are not municipalities (%s)",
            _label(kind),
            len(dropped),
            ", ".join(dropped),
        )
    return found


def dropped_codes(kind: str) -> list[str | None]:
    """The codes of the geometries in file `kind` that are not municipalities."""
    master = set(data.load("municipalities")["code"])
    codes = [
        (geometry.get("properties") or {}).get(CODE_PROPERTY)
        for geometry in topology(kind)["geometries"]
    ]
    return [code for code in codes if code not in master]


def municipalities(
    kind: str, detail: Detail, pref_code: str | None = None
) -> dict[str, list[Polygon]]:
    """MultiPolygon coordinates by municipality code (of `pref_code`, or all).

    `kind` is "fine" or "coarse". A municipality that has no geometry in the
    coarse file (7 small islands) or that the simplification erased is drawn
    from the fine file, rounded only: it stays on the map however small.
    """
    return _municipalities(kind, detail, pref_code, _version(kind), _version("fine"))


@shared_cache(maxsize=64)
def _municipalities(
    kind: str,
    detail: Detail,
    pref_code: str | None,
    version: Version,
    fine_version: Version,
) -> dict[str, list[Polygon]]:
    master = data.load("municipalities")
    if pref_code is not None:
        master = master[master["pref_code"] == pref_code]
    found = _by_code(kind, version)
    arcs = _prepared(kind, detail, version)
    unsimplified = _prepared("fine", Detail(0, detail.decimals + 1), fine_version)
    result: dict[str, list[Polygon]] = {}
    for code in master["code"]:
        shape = [p for g in found.get(code, []) for p in polygons(g, arcs)]
        if not shape:
            fine = _by_code("fine", fine_version).get(code, [])
            shape = [p for g in fine for p in polygons(g, unsimplified)]
        if shape:
            result[code] = shape
        else:
            logger.warning("%s: no boundary for municipality %s", _label(kind), code)
    return result


def prefecture_lines(
    detail: Detail, focus: Bounds | None = None, focus_detail: Detail | None = None
) -> list[Ring]:
    """Prefecture borders and coasts as lines, each border drawn once.

    Lines that reach into `focus` are drawn at `focus_detail` instead, so they
    meet the municipalities drawn there.
    """
    return _prefecture_lines(detail, focus, focus_detail, _version("prefectures"))


@shared_cache(maxsize=64)
def _prefecture_lines(
    detail: Detail,
    focus: Bounds | None,
    focus_detail: Detail | None,
    version: Version,
) -> list[Ring]:
    geometries = _topology("prefectures", version)["geometries"]
    decoded = _decoded("prefectures", version)
    coarse = _prepared("prefectures", detail, version)
    fine = _prepared("prefectures", focus_detail or detail, version)
    lines = []
    for index in sorted(used_arcs(geometries)):
        near = focus is not None and overlaps(_arc_bounds(decoded[index]), focus)
        line = (fine if near else coarse)[index]
        if len(line) >= 2:
            lines.append(line.tolist())
    return lines


def _arc_bounds(points: np.ndarray) -> Bounds:
    west, south = points.min(axis=0)
    east, north = points.max(axis=0)
    return (float(west), float(south), float(east), float(north))


def prefecture_bounds() -> dict[str, Bounds]:
    """The area a view of each prefecture frames, by prefecture code.

    Small remote islands are left out of the frame (they are still drawn).
    """
    return _prefecture_bounds(_version("prefectures"))


@shared_cache(maxsize=2)
def _prefecture_bounds(version: Version) -> dict[str, Bounds]:
    codes = data.load("prefectures").set_index("pref_name")["pref_code"]
    arcs = _prepared("prefectures", NATIONAL, version)
    result = {}
    for geometry in _topology("prefectures", version)["geometries"]:
        name = (geometry.get("properties") or {}).get(PREF_NAME_PROPERTY)
        shape = polygons(geometry, arcs)
        if name not in codes or not shape:
            continue
        areas = [ring_area(polygon[0]) for polygon in shape]
        framed = [
            polygon
            for polygon, area in zip(shape, areas, strict=True)
            if area >= FRAMED_ISLAND_SHARE * max(areas)
        ]
        result[codes[name]] = bounds(framed)
    return result


def prefectures(detail: Detail) -> dict[str, list[Polygon]]:
    """MultiPolygon coordinates of each prefecture, by prefecture code."""
    return _prefectures(detail, _version("prefectures"))


@shared_cache(maxsize=4)
def _prefectures(detail: Detail, version: Version) -> dict[str, list[Polygon]]:
    codes = data.load("prefectures").set_index("pref_name")["pref_code"]
    arcs = _prepared("prefectures", detail, version)
    result = {}
    for geometry in _topology("prefectures", version)["geometries"]:
        name = (geometry.get("properties") or {}).get(PREF_NAME_PROPERTY)
        if name in codes:
            result[codes[name]] = polygons(geometry, arcs)
        else:
            logger.warning("%s: unknown prefecture %s", _label("prefectures"), name)
    return result


def version() -> tuple[Version, ...]:
    """The versions of every boundary file, for callers that cache what they draw."""
    return tuple(_version(kind) for kind in FILES)
