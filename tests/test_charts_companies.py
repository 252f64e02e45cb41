"""The companies page's ranking chart spec (its map is tested in test_maps.py)."""

from kigyojin import companies
from kigyojin.charts import companies as charts


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
