"""The companies page's chart specs: the ranking and the small map of hosts."""

import json
from pathlib import Path

import pytest

from kigyojin import companies
from kigyojin.charts import companies as charts
from kigyojin.errors import DataFileError


def test_ranking_chart_spec() -> None:
    """Bars by published rank, count and share on each, a click on the key."""
    ranking = companies.ranking()
    chart = charts.ranking_chart(ranking, "ja", matching=["jtb"], chosen="jtb")
    spec = chart.to_dict()
    (rows,) = spec["datasets"].values()
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["sort"] == ranking["company"].tolist()
    assert bars["encoding"]["x"]["field"] == "people"
    assert [(r["company"], r["text"], r["state"], r["matching"]) for r in rows[:2]] == [
        ("株式会社JTB", "43人・5.5%", "chosen", True),
        ("合同会社DMM.com", "42人・5.4%", "ranked", False),
    ]
    assert bars["encoding"]["color"]["scale"] == {
        "domain": ["ranked", "chosen"],
        "range": [charts.RANKED_COLOR, charts.CHOSEN_COLOR],
    }
    assert spec["params"][0]["name"] == charts.COMPANY_PARAM
    assert spec["params"][0]["select"]["fields"] == ["key"]


def test_ranking_chart_without_a_search_draws_every_bar_full() -> None:
    """No search: every company matches; nobody chosen."""
    spec = charts.ranking_chart(companies.ranking(), "en").to_dict()
    (rows,) = spec["datasets"].values()
    assert {(r["matching"], r["state"]) for r in rows} == {(True, "ranked")}
    assert rows[0]["text"] == "43 · 5.5%"


def test_hosts_map_draws_outlines_inline_and_the_hosts() -> None:
    """The prefecture TopoJSON is inline data (no URL); one point per record."""
    hosts = companies.hosts_of("グルナビ")
    spec = charts.hosts_map(hosts, "ja").to_dict()
    land, dots = spec["layer"]
    assert land["data"]["format"] == {"type": "topojson", "feature": "prefectures"}
    # Altair moves inline values to the spec's datasets, still inside the spec.
    outlines = spec["datasets"][land["data"]["name"]]
    assert outlines["type"] == "Topology"
    assert len(outlines["objects"]["prefectures"]["geometries"]) == 47
    assert '"url"' not in json.dumps(spec)
    assert dots["encoding"]["longitude"]["field"] == "lon"
    assert dots["encoding"]["latitude"]["field"] == "lat"
    points = spec["datasets"][dots["data"]["name"]]
    assert len(points) == len(hosts) == 9
    assert {p["place"] for p in points} >= {"鹿部町（北海道）", "和歌山市（和歌山県）"}
    assert spec["projection"] == {"type": "mercator"}


def test_missing_outlines_name_the_file(data_copy: Path) -> None:
    """Without the boundaries file the map raises a message naming it."""
    (data_copy / charts.PREFECTURES_FILE).unlink()
    with pytest.raises(DataFileError) as caught:
        charts.hosts_map(companies.hosts_of("jtb"), "en")
    assert "prefectures_s0010.topojson" in caught.value.message("en")
