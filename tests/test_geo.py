"""Boundaries: TopoJSON decoding, simplification, rounding and the shipped files."""

import json
from pathlib import Path

import numpy as np
import pytest

from kigyojin import data, geo
from kigyojin.errors import DataFileError

# A quantized topology of two unit squares side by side sharing one border:
# arc 0 is the shared border (1,0)-(1,1), arcs 1 and 2 the outer parts.
TWO_SQUARES = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [130.0, 30.0]},
    "arcs": [
        [[2, 0], [0, 4]],  # (131, 30) -> (131, 31)
        [[2, 4], [-2, 0], [0, -4], [2, 0]],  # (131, 31) (130, 31) (130, 30) (131, 30)
        [[2, 0], [2, 0], [0, 4], [-2, 0]],  # (131, 30) (132, 30) (132, 31) (131, 31)
    ],
}


def test_decode_arcs_undoes_quantization_and_deltas() -> None:
    """Each point is the running sum of deltas, scaled and translated."""
    arcs = geo.decode_arcs(TWO_SQUARES)
    assert arcs[0].tolist() == [[131.0, 30.0], [131.0, 31.0]]
    assert arcs[1].tolist() == [
        [131.0, 31.0],
        [130.0, 31.0],
        [130.0, 30.0],
        [131.0, 30.0],
    ]


def test_rings_are_stitched_from_arcs_and_reversed_arcs() -> None:
    """~0 walks the shared border backwards: both squares close on it."""
    arcs = geo.PreparedArcs(geo.decode_arcs(TWO_SQUARES), geo.Detail(0, 3))
    west = geo.stitch([0, 1], arcs)
    east = geo.stitch([2, ~0], arcs)
    assert west.tolist() == [
        [131.0, 30.0],
        [131.0, 31.0],
        [130.0, 31.0],
        [130.0, 30.0],
        [131.0, 30.0],
    ]
    assert east.tolist() == [
        [131.0, 30.0],
        [132.0, 30.0],
        [132.0, 31.0],
        [131.0, 31.0],
        [131.0, 30.0],
    ]


def test_polygons_keep_holes_and_drop_collapsed_parts() -> None:
    """A MultiPolygon part too small to be a ring disappears; the rest stays."""
    arcs = geo.PreparedArcs(geo.decode_arcs(TWO_SQUARES), geo.Detail(0, 3))
    geometry = {"type": "MultiPolygon", "arcs": [[[0, 1]], [[0]]]}
    shape = geo.polygons(geometry, arcs)
    assert len(shape) == 1
    assert shape[0][0][0] == [131.0, 30.0]
    assert geo.polygons({"type": None}, arcs) == []


def test_simplify_drops_points_within_tolerance_only() -> None:
    """Douglas–Peucker: a bump smaller than the tolerance goes, a larger one stays."""
    line = np.array([[0, 0], [1, 0.004], [2, 0], [3, 0.5], [4, 0]], dtype=float)
    assert geo.simplify(line, 0.01).tolist() == [[0, 0], [2, 0], [3, 0.5], [4, 0]]
    assert geo.simplify(line, 1.0).tolist() == [[0, 0], [4, 0]]
    assert geo.simplify(line, 0).tolist() == line.tolist()


def test_rounding_drops_points_that_become_equal() -> None:
    """Points rounded onto the same spot are kept once."""
    arcs = geo.PreparedArcs(
        [np.array([[130.001, 30.0], [130.004, 30.0], [130.02, 30.0]])],
        geo.Detail(0, 2),
    )
    assert arcs[0].tolist() == [[130.0, 30.0], [130.02, 30.0]]


def test_every_municipality_has_a_boundary_and_nothing_else() -> None:
    """1,741 municipalities in both files; the 10 other geometries are left out."""
    codes = set(data.load("municipalities")["code"])
    for kind, detail in (("coarse", geo.NATIONAL), ("fine", geo.Detail(0.005, 3))):
        shapes = geo.municipalities(kind, detail)
        assert set(shapes) == codes, kind
        assert sorted(c or "" for c in geo.dropped_codes(kind)) == [
            "",
            "",
            "",
            "",
            "01695",
            "01696",
            "01697",
            "01698",
            "01699",
            "01700",
        ]


def test_islands_missing_from_the_coarse_file_come_from_the_fine_one() -> None:
    """利島村 has no geometry in the coarse file but is still drawn nationally."""
    coarse = geo.topology("coarse")["geometries"]
    toshima = [g for g in coarse if g["properties"]["N03_007"] == "13362"]
    assert [g.get("type") for g in toshima] == [None]
    shape = geo.municipalities("coarse", geo.NATIONAL)["13362"]
    west, south, east, north = geo.bounds(shape)
    assert 139.2 < west < east < 139.35 and 34.5 < south < north < 34.55


def test_coordinates_are_rounded_for_the_view() -> None:
    """Two decimals nationally and in 北海道's wide view (a pixel there is about
    0.006°), three in a prefecture the size of 香川."""

    def points(shape: list) -> np.ndarray:
        return np.concatenate([np.asarray(ring) for poly in shape for ring in poly])

    national = points(geo.municipalities("coarse", geo.NATIONAL)["01209"])
    assert np.allclose(national, np.round(national, 2), atol=1e-9)
    frames = geo.prefecture_bounds()
    hokkaido = geo.detail_for(frames["01"])
    assert hokkaido.decimals == 2
    yubari = points(geo.municipalities("fine", hokkaido, "01")["01209"])
    assert np.allclose(yubari, np.round(yubari, 2), atol=1e-9)
    kagawa = geo.detail_for(frames["37"])
    takamatsu = points(geo.municipalities("fine", kagawa, "37")["37201"])
    assert np.allclose(takamatsu, np.round(takamatsu, 3), atol=1e-9)
    assert not np.allclose(takamatsu, np.round(takamatsu, 2), atol=1e-9)
    # Half a unit of the last decimal stays within a pixel of a 1,000-pixel map.
    for frame in frames.values():
        span = max(frame[2] - frame[0], frame[3] - frame[1])
        assert 0.5 * 10 ** -geo.detail_for(frame).decimals <= span / 1000


def test_neighbours_still_share_their_border() -> None:
    """Simplifying arc by arc keeps 夕張市 and 栗山町 on the same border points."""
    shapes = geo.municipalities("coarse", geo.NATIONAL)
    yubari = {tuple(p) for poly in shapes["01209"] for ring in poly for p in ring}
    kuriyama = {tuple(p) for poly in shapes["01429"] for ring in poly for p in ring}
    assert len(yubari & kuriyama) >= 2


def test_a_prefecture_view_holds_only_its_municipalities() -> None:
    """Tokyo's view: its 62 municipalities, none of another prefecture."""
    detail = geo.detail_for(geo.prefecture_bounds()["13"])
    shapes = geo.municipalities("fine", detail, "13")
    assert len(shapes) == 62
    assert all(code.startswith("13") for code in shapes)


def test_prefecture_frames_leave_out_far_small_islands() -> None:
    """Tokyo is framed on its mainland, not on 沖ノ鳥島; Hokkaido holds Sapporo."""
    frames = geo.prefecture_bounds()
    assert len(frames) == 47
    west, south, east, north = frames["13"]
    assert south > 34 and west > 138.5 and east < 140.5
    west, south, east, north = frames["01"]
    assert west < 141.35 < east and south < 43.06 < north


def test_wider_views_draw_coarser() -> None:
    """The tolerance grows with the framed area and stays below a pixel."""
    frames = geo.prefecture_bounds()
    hokkaido = geo.detail_for(frames["01"])
    kagawa = geo.detail_for(frames["37"])
    assert kagawa.tolerance < hokkaido.tolerance
    width = frames["01"][2] - frames["01"][0]
    assert hokkaido.tolerance <= width / 1000


def test_prefecture_lines_draw_each_border_once() -> None:
    """One line per arc: a border two prefectures share is not drawn twice."""
    geometries = geo.topology("prefectures")["geometries"]
    references = sum(
        len(ring)
        for g in geometries
        for shape in ([g["arcs"]] if g["type"] == "Polygon" else g["arcs"])
        for ring in shape
    )
    used = geo.used_arcs(geometries)
    lines = geo.prefecture_lines(geo.NATIONAL)
    assert len(lines) <= len(used) < references
    focused = geo.prefecture_lines(
        geo.NATIONAL, geo.prefecture_bounds()["37"], geo.Detail(0.0005, 3)
    )
    assert len(lines) <= len(focused) <= len(used)
    assert sum(len(line) for line in focused) > sum(len(line) for line in lines)


def test_a_broken_boundary_file_names_itself(data_copy: Path) -> None:
    """Not TopoJSON: the error says which file, in both languages."""
    path = data_copy / "boundaries" / "prefectures_s0010.topojson"
    path.write_text(json.dumps({"type": "Topology", "objects": {}}))
    with pytest.raises(DataFileError) as caught:
        geo.topology("prefectures")
    assert "boundaries/prefectures_s0010.topojson" in caught.value.message("en")
    assert "prefectures" in caught.value.message("ja")


def test_a_missing_boundary_file_names_itself(data_copy: Path) -> None:
    """A missing file is reported as missing, not as a crash."""
    (data_copy / "boundaries" / "municipalities_s0001.topojson").unlink()
    with pytest.raises(DataFileError, match="municipalities_s0001"):
        geo.municipalities("coarse", geo.NATIONAL)
