"""The fields page's chart specs: encodings, sort order, data, and the click."""

import altair as alt
import pytest

from kigyojin import fields
from kigyojin.charts import fields as charts
from kigyojin.style import FIELD_GROUP_COLORS


def spec_of(chart: alt.TopLevelMixin) -> tuple[dict, list[dict]]:
    """The Vega-Lite dict of `chart` and the rows of its (single) dataset."""
    spec = chart.to_dict()
    (rows,) = spec["datasets"].values()
    return spec, rows


@pytest.mark.parametrize(
    ("text", "lang", "wrapped"),
    [
        (
            "観光振興・観光誘客対策・DMO設立等",
            "ja",
            "観光振興・観光誘客対策・|DMO設立等",
        ),
        (
            "地域経済活性化・雇用対策・人材育成・企業誘致等",
            "ja",
            "地域経済活性化・雇用対策・|人材育成・企業誘致等",
        ),
        ("DX（自治体DX・地域社会DX）", "ja", "DX"),
        (
            "中間支援機能に関する業務（地域商社支援及び立ち上げなど）",
            "ja",
            "中間支援機能に関する業務",
        ),
        ("教育", "ja", "教育"),
        (
            "Local economy, jobs, skills and investment",
            "en",
            "Local economy, jobs,|skills and investment",
        ),
        ("Tourism (promotion, visitors, DMOs)", "en", "Tourism"),
    ],
)
def test_wrap_label(text: str, lang: str, wrapped: str) -> None:
    """Brackets are left to the tooltip; the rest breaks into at most two lines."""
    assert charts.wrap_label(text, lang) == wrapped


def test_groups_chart_spec() -> None:
    """Sorted bars of the six groups, counts and shares on them, one click param."""
    spec, rows = spec_of(charts.groups_chart(fields.grouped(), "ja", ["dx"]))
    bars, text = spec["layer"]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["y"]["sort"] == [
        "観光振興",
        "DX",
        "地域産品・販路",
        "地域経済・雇用",
        "移住・交流",
        "その他の分野",
    ]
    assert bars["encoding"]["x"]["field"] == "people"
    assert bars["encoding"]["color"]["scale"]["range"] == [
        FIELD_GROUP_COLORS[g] for g in fields.GROUPS
    ]
    assert [(r["group"], r["text"], r["chosen"]) for r in rows] == [
        ("tourism", "216人・27.7%", False),
        ("dx", "200人・25.7%", True),
        ("local_products", "75人・9.6%", False),
        ("economy", "72人・9.2%", False),
        ("migration", "50人・6.4%", False),
        ("other", "166人・21.3%", False),
    ]
    assert text["encoding"]["text"]["field"] == "text"
    assert spec["params"] == [
        {
            "name": charts.GROUP_PARAM,
            "select": {"type": "point", "fields": ["group"], "on": "click"},
            "views": [bars["name"]],
        }
    ]
    # Faint unless chosen: the chosen flag drives the opacity.
    assert bars["encoding"]["opacity"]["condition"]["test"] == "datum['chosen']"


def test_groups_chart_with_nothing_chosen_draws_every_bar_full() -> None:
    """With no group chosen, every bar counts as chosen."""
    _, rows = spec_of(charts.groups_chart(fields.grouped(), "en"))
    assert all(row["chosen"] for row in rows)
    assert rows[0]["text"] == "216 · 27.7%"


def test_categories_chart_spec() -> None:
    """15 bars in the breakdown's order, short wrapped labels, full names on hover."""
    breakdown = fields.breakdown()
    spec, rows = spec_of(charts.categories_chart(breakdown, "ja"))
    bars = spec["layer"][0]
    order = bars["encoding"]["y"]["sort"]
    assert len(order) == 15
    assert order[:3] == [
        "観光振興・観光誘客対策・|DMO設立等",
        "DX",
        "地域産品の開発・販路開拓・|拡大等",
    ]
    assert order[-1] == "その他"
    assert bars["encoding"]["y"]["axis"]["labelExpr"] == "split(datum.label, '|')"
    assert [r["category"] for r in rows] == breakdown["category"].tolist()
    assert [r["people"] for r in rows] == breakdown["people"].tolist()
    tooltip = [t["field"] for t in bars["encoding"]["tooltip"]]
    assert tooltip == ["category", "group_label", "people", "share_label"]


def test_categories_chart_in_english_names_both() -> None:
    """In English the tooltip gives the name as published and in English."""
    spec, rows = spec_of(charts.categories_chart(fields.breakdown(), "en"))
    tooltip = [t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]]
    assert tooltip[:2] == ["category", "category_label"]
    assert rows[0]["category_label"] == "Tourism (promotion, visitors, DMOs)"
    assert rows[0]["axis_label"] == "Tourism"


def test_sample_chart_spec() -> None:
    """Two bars per group, national and sample, each with its count and share."""
    spec, rows = spec_of(charts.sample_chart(fields.sample_by_group(), "ja", ["dx"]))
    bars = spec["layer"][0]
    assert bars["encoding"]["yOffset"]["sort"] == ["全国（人数）", "公開事例（件数）"]
    assert bars["encoding"]["x"]["field"] == "share"
    assert [(r["group"], r["series"], r["text"]) for r in rows[:4]] == [
        ("tourism", "全国（人数）", "216人・27.7%"),
        ("tourism", "公開事例（件数）", "27件・27.8%"),
        ("dx", "全国（人数）", "200人・25.7%"),
        ("dx", "公開事例（件数）", "16件・16.5%"),
    ]
    assert [r["chosen"] for r in rows[:4]] == [False, False, True, True]
    assert spec["params"][0]["select"]["fields"] == ["group"]


@pytest.mark.parametrize(
    ("lang", "unit", "text"),
    [
        ("ja", "people", "1,216人・27.7%"),
        ("ja", "records", "1,216件・27.7%"),
        ("en", "people", "1,216 · 27.7%"),
        ("en", "records", "1,216 · 27.7%"),
    ],
)
def test_count_share_text(lang: str, unit: str, text: str) -> None:
    """A bar's text from the catalog: count with its unit, then the share."""
    assert charts.count_share(1216, 27.66, lang, unit) == text


def test_text_width_estimate() -> None:
    """Full-width characters count a font size each, others 0.6 of it."""
    assert charts.text_width("人人", 10) == 20
    assert charts.text_width("ab", 10) == 12


def test_value_axis_leaves_room_for_the_bar_text() -> None:
    """The scale ends past the longest bar by the widest text, in pixels."""
    axis = charts.value_axis("people:Q", "人数", 216, ["216人・27.7%", "6人"]).to_dict()
    room = charts.text_width("216人・27.7%") + charts.BAR_TEXT_GAP + charts.EDGE_MARGIN
    assert axis["scale"] == {
        "domainMax": {"expr": f"216.0 * width / max(width - {room:.0f}, width * 0.3)"},
        "nice": False,
    }
