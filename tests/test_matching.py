"""The matching scores: who is suggested, in which order, and why."""

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from kigyojin import data, eligibility, matching
from kigyojin.errors import KigyojinError
from kigyojin.i18n import translate
from kigyojin.matching import CompanyRequest

HOST_COLUMNS = (
    "code,pref_name,name,company,type,field,start,end,people,source_url,"
    "source_date,note,fiscal_year"
)
TOKYO = "13"


def _write_hosts(folder: Path, rows: list[tuple[str, str, str]]) -> None:
    """A hosts file with one record per (code, company, field)."""
    names = data.load("municipalities").set_index("code")
    lines = [HOST_COLUMNS]
    for code, company, field in rows:
        pref, name = names.at[code, "pref_name"], names.at[code, "name"]
        lines.append(
            f"{code},{pref},{name},{company},企業派遣型,{field},,,1,"
            "https://example.org/case,,,"
        )
    (folder / "kigyoujin_hosts.csv").write_text("\n".join(lines) + "\n")
    data._load.cache_clear()
    matching.clear_cache()


def _similarity_order(code: str) -> pd.Series:
    """Every other eligible municipality's similarity to `code`, most similar first."""
    model_profiles = matching.profiles()
    z_rows = model_profiles.index
    eligible = model_profiles["status"] == eligibility.ELIGIBLE
    others = model_profiles[eligible & (model_profiles["code"] != code)]
    model = matching._model()
    here = model.z[[model.row_of[code]]]
    values = matching.similarity(matching.distances(here, model.z[others.index])[0])
    assert len(z_rows) == len(model.z)
    return pd.Series(values, index=others["code"]).sort_values(ascending=False)


@pytest.fixture
def one_host(data_copy: Path) -> str:
    """The data with a single host record: 十津川村 hosting in DX."""
    _write_hosts(data_copy, [("29449", "株式会社テスト", "DX")])
    yield "29449"
    matching.clear_cache()


def test_weights_add_up_to_100() -> None:
    """With every term applying, the weights are the points out of 100."""
    assert sum(matching.WEIGHTS.values()) == 100
    assert sum(matching.PARTNER_WEIGHTS.values()) == 100
    assert tuple(matching.WEIGHTS) == matching.TERMS
    assert tuple(matching.PARTNER_WEIGHTS) == matching.PARTNER_TERMS


def test_peers_of_a_host_rank_above_unrelated_municipalities(one_host: str) -> None:
    """The 20 places most like the only DX host rank above the 20 least like it.

    Precedent is one term of five, so the rule holds other things being equal:
    every peer beats every unrelated place that is no better on the other terms,
    and as groups the peers rank near the top, the unrelated near the bottom.
    """
    order = _similarity_order(one_host)
    peers, unrelated = list(order.index[:20]), list(order.index[-20:])
    results = matching.rank_municipalities(
        CompanyRequest(TOKYO, fields=("DX",)), limit=None
    ).set_index("code")
    rank = results["rank"]
    other_terms = ["needs", "distance", "experience"]
    pairs = [
        (peer, other)
        for peer in peers
        for other in unrelated
        if (results.loc[other, other_terms] <= results.loc[peer, other_terms]).all()
    ]
    assert len(pairs) >= 100
    assert all(rank[peer] < rank[other] for peer, other in pairs)
    assert rank[peers].median() < 0.05 * len(results)
    assert rank[unrelated].median() > 0.9 * len(results)
    assert rank[peers].max() < rank[unrelated].median()
    # The precedent points are the similarity to the host, weighted: no preference
    # is chosen, so the points are out of the other terms' 80.
    others = results.drop(index=one_host)
    weight = matching.WEIGHTS["precedent"]
    applying = 100 - matching.WEIGHTS["preference"]
    np.testing.assert_allclose(
        others["precedent"], order.reindex(others.index) * weight / applying * 100
    )
    # Every place's similar host is the one host, except 双葉町 (no statistics).
    assert others["peer_code"].fillna("07546").value_counts().to_dict() == {
        one_host: len(others) - 1,
        "07546": 1,
    }
    assert pd.isna(others.at["07546", "peer_code"])


def test_a_field_nobody_hosts_in_leaves_precedent_out(one_host: str) -> None:
    """Without any host in the chosen field the precedent term does not apply."""
    results = matching.rank_municipalities(
        CompanyRequest(TOKYO, fields=("教育",)), limit=5
    )
    assert results["precedent"].isna().all()
    assert results["peer_code"].isna().all()
    assert np.allclose(
        results[["needs", "distance", "experience"]].sum(axis=1), results["score"]
    )


@pytest.mark.parametrize(
    "preference",
    [
        {"blocks": ("shikoku",)},
        {"prefectures": ("46", "47")},
        {"sizes": ("xs",)},
    ],
)
def test_a_preference_adds_its_points_and_keeps_the_rest_in_order(
    preference: dict,
) -> None:
    """As documented: a match adds 20 points, every score is rescaled by 80/100.

    So municipalities inside the preference move up past those outside, and the
    order within each group does not change.
    """
    before = matching.rank_municipalities(
        CompanyRequest(TOKYO, fields=("DX",)), limit=None
    ).set_index("code")
    after = matching.rank_municipalities(
        CompanyRequest(TOKYO, fields=("DX",), **preference), limit=None
    ).set_index("code")
    profiles = matching.profiles().set_index("code")
    inside = (
        profiles["block"].isin(preference.get("blocks", ()))
        | profiles["pref_code"].isin(preference.get("prefectures", ()))
        | profiles["size"].isin(preference.get("sizes", ()))
    ).reindex(before.index)
    weight = matching.WEIGHTS["preference"]
    np.testing.assert_allclose(
        after["score"],
        before["score"].reindex(after.index) * (100 - weight) / 100
        + weight * inside.reindex(after.index),
    )
    for group in (inside, ~inside):
        codes = group[group].index
        assert list(before["rank"][codes].sort_values().index) == list(
            after["rank"][codes].sort_values().index
        )
    top = 50
    assert inside[after.index[:top]].sum() > inside[before.index[:top]].sum()


def test_region_and_size_together_count_half_each() -> None:
    """With a region and a size chosen, matching one of them gives half the points."""
    after = matching.rank_municipalities(
        CompanyRequest(TOKYO, blocks=("hokkaido",), sizes=("xl",)), limit=None
    ).set_index("code")
    profiles = matching.profiles().set_index("code").reindex(after.index)
    matched = (profiles["block"] == "hokkaido").astype(int) + (
        profiles["size"] == "xl"
    ).astype(int)
    weight = matching.WEIGHTS["preference"]
    np.testing.assert_allclose(after["preference"], weight * matched / 2)


def test_scores_are_deterministic_and_ordered() -> None:
    """The same request gives the same frame; scores fall, equal ones by code."""
    request = CompanyRequest("23", fields=("観光振興", "DX"), sizes=("s", "m"))
    first = matching.rank_municipalities(request, "en", limit=None)
    second = matching.rank_municipalities(request, "en", limit=None)
    pd.testing.assert_frame_equal(first, second)
    keys = list(zip(-first["score"].round(9), first["code"], strict=True))
    assert keys == sorted(keys)
    assert list(first["rank"]) == list(range(1, len(first) + 1))


def test_ties_are_broken_by_code(data_copy: Path) -> None:
    """Two municipalities made identical in every input get equal scores, code order."""
    profiles = matching.profiles()
    pair = profiles[
        (profiles["pref_code"] == "01")
        & (profiles["kaso_type"] == "全部過疎")
        & (profiles["records"] == 0)
    ]["code"].iloc[:2]
    first, second = list(pair)
    population = pd.read_csv(data_copy / "population_2020.csv", dtype=str)
    source = population.loc[population["code"] == first].iloc[0]
    keep = ["code", "pref_name", "name"]
    for column in population.columns.difference(keep):
        population.loc[population["code"] == second, column] = source[column]
    population.to_csv(data_copy / "population_2020.csv", index=False)
    master = pd.read_csv(data_copy / "municipalities.csv", dtype=str)
    for column in ("lat", "lon"):
        master.loc[master["code"] == second, column] = master.loc[
            master["code"] == first, column
        ].iloc[0]
    master.to_csv(data_copy / "municipalities.csv", index=False)
    data._load.cache_clear()
    eligibility.clear_cache()
    matching.clear_cache()

    results = matching.rank_municipalities(CompanyRequest(TOKYO), limit=None)
    rows = results.set_index("code").loc[[first, second]]
    assert rows["score"].iloc[0] == rows["score"].iloc[1]
    assert rows["rank"].iloc[1] == rows["rank"].iloc[0] + 1
    eligibility.clear_cache()
    matching.clear_cache()


def test_only_eligible_municipalities_are_suggested() -> None:
    """Every eligible municipality is ranked, and not one that may not host."""
    results = matching.rank_municipalities(CompanyRequest(TOKYO), limit=None)
    assert set(results["code"]) == set(eligibility.eligible_codes())
    assert len(results) == len(eligibility.eligible_codes())
    assert "13101" not in set(results["code"])  # 千代田区
    assert "11203" not in set(results["code"])  # 川口市, ineligible (目安)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    pref=st.sampled_from(["11", "13", "23", "27", "01", "47"]),
    fields=st.lists(st.sampled_from(matching.field_options()), max_size=3),
    blocks=st.lists(st.sampled_from(list(matching.BLOCKS)), max_size=2),
    sizes=st.lists(st.sampled_from([k for k, _ in matching.SIZES]), max_size=2),
    lang=st.sampled_from(["ja", "en"]),
)
def test_any_request_suggests_eligible_places_with_reasons(
    pref: str, fields: list, blocks: list, sizes: list, lang: str
) -> None:
    """Whatever is asked: eligible only, points add up, every result has reasons."""
    request = CompanyRequest(pref, tuple(fields), tuple(blocks), (), tuple(sizes))
    results = matching.rank_municipalities(request, lang, limit=30)
    assert len(results) == 30
    assert set(results["code"]) <= eligibility.eligible_codes()
    points = results[list(matching.TERMS)].fillna(0).sum(axis=1)
    np.testing.assert_allclose(points, results["score"])
    assert results["score"].between(0, 100).all()
    for reasons in results["reasons"]:
        assert len(reasons) >= 4
        assert all(isinstance(r, str) and r.strip() for r in reasons)
    assert set(results["eligibility"]) <= {
        translate("matching.verdict_eligible", lang),
        translate("matching.eligible_estimated", lang),
    }


def test_reasons_say_each_term_in_words() -> None:
    """A result's reasons name its similar host, its needs, distance and preference."""
    request = CompanyRequest(TOKYO, fields=("DX",), blocks=("tohoku",))
    row = matching.rank_municipalities(request, "en", limit=None).set_index("code")
    reasons = row.at["03211", "reasons"]  # 釜石市, itself a DX host
    peer = row.at["03211", "peer_name"]
    assert reasons[0].startswith(f"A similar municipality, {peer} (")
    assert reasons[1].startswith("It hosts 起業人 itself, from ")
    assert "Digital transformation (DX)" in reasons[1]
    assert any(r.startswith("Jobs by industry: primary ") for r in reasons)
    assert any(
        "in a straight line from the Tokyo prefectural office" in r for r in reasons
    )
    assert reasons[-1] == "In a preferred region (岩手県, Tohoku)."
    assert row.at["03211", "eligibility"] == "May host"


def test_a_place_without_statistics_says_so() -> None:
    """双葉町 (no 2020 population) has no similar host and says why."""
    row = (
        matching.rank_municipalities(CompanyRequest(TOKYO), "ja", limit=None)
        .set_index("code")
        .loc["07546"]
    )
    assert translate("matching.reason_no_peer", "ja") in row["reasons"]
    assert translate("matching.need_no_census", "ja") in row["reasons"]
    assert row["precedent"] == 0


def test_estimated_eligibility_is_marked() -> None:
    """A 定住自立圏 member (美濃加茂市) is suggested as eligible (目安)."""
    row = (
        matching.rank_municipalities(CompanyRequest(TOKYO), "ja", limit=None)
        .set_index("code")
        .loc["21211"]
    )
    assert row["eligibility"] == "受入可能（目安）"


def test_bad_requests_are_refused() -> None:
    """An unknown prefecture, field, region or size raises a message, not a guess."""
    with pytest.raises(KigyojinError) as caught:
        matching.rank_municipalities(CompanyRequest("99"))
    assert caught.value.message("en") == "No prefecture has the code “99”."
    with pytest.raises(KigyojinError) as caught:
        matching.rank_municipalities(CompanyRequest(TOKYO, fields=("宇宙",)))
    assert caught.value.message("en") == "Not one of the choices: 宇宙"
    with pytest.raises(KigyojinError):
        matching.rank_companies("01209", ["宇宙"])
    with pytest.raises(KigyojinError):
        matching.profile("99999")


def test_great_circle_distance() -> None:
    """Tokyo's to Osaka's prefectural office is about 395 km in a straight line."""
    offices = data.load("prefectures").set_index("pref_code")
    km = matching.great_circle_km(
        offices.at["13", "lat"],
        offices.at["13", "lon"],
        np.array([offices.at["27", "lat"], offices.at["13", "lat"]]),
        np.array([offices.at["27", "lon"], offices.at["13", "lon"]]),
    )
    assert 390 < km[0] < 400
    assert km[1] == 0


def test_distances_use_the_features_both_have() -> None:
    """RMS over shared features; none shared gives NaN, and similarity 0."""
    a = np.array([[0.0, 1.0, np.nan]])
    b = np.array([[3.0, 5.0, 1.0], [np.nan, np.nan, 2.0]])
    result = matching.distances(a, b)
    np.testing.assert_allclose(result[0, 0], np.sqrt((9 + 16) / 2))
    assert np.isnan(result[0, 1])
    np.testing.assert_allclose(matching.similarity(result)[0], [1 / 4.5355339, 0.0])


@pytest.mark.parametrize(
    ("population", "size"),
    [
        (0, "xs"),
        (4_999, "xs"),
        (5_000, "s"),
        (49_999, "m"),
        (50_000, "l"),
        (199_999, "l"),
        (200_000, "xl"),
        (3_777_491, "xl"),
    ],
)
def test_size_classes(population: int, size: str) -> None:
    """Sizes are half-open population bands with the documented lower bounds."""
    assert matching.size_of(population) == size


def test_blocks_cover_every_prefecture_once() -> None:
    """The 8 regional blocks hold the 47 prefectures, each exactly once."""
    codes = [code for prefs in matching.BLOCKS.values() for code in prefs]
    assert sorted(codes) == sorted(data.load("prefectures")["pref_code"])
    assert len(codes) == len(set(codes)) == 47


# --- For a municipality ------------------------------------------------------------


def test_peers_are_the_most_similar_hosts(one_host: str) -> None:
    """With one host in the data, it is every municipality's only peer."""
    peers = matching.peers("01209")
    assert list(peers["code"]) == [one_host]
    assert list(peers["company"]) == ["株式会社テスト"]
    assert matching.peers(one_host).empty  # not its own peer
    assert matching.peers("01209", ["観光振興"]).empty


def test_peers_on_the_shipped_data() -> None:
    """Peers host in the chosen field, exclude the place itself, most similar first."""
    peers = matching.peers("01581", ["DX"], limit=5)  # 厚真町
    assert "01581" not in set(peers["code"])
    assert set(peers["field"]) == {"DX"}
    firsts = peers.drop_duplicates("code")
    assert list(firsts["peer_rank"]) == list(range(1, len(firsts) + 1))
    assert firsts["similarity"].is_monotonic_decreasing
    assert len(firsts) == 5


def test_companies_near_a_peer_rank_above_those_elsewhere(data_copy: Path) -> None:
    """Two unranked companies, one record each: the one at my peer comes first."""
    order = _similarity_order("01209")
    near, far = order.index[0], order.index[-1]
    _write_hosts(
        data_copy, [(far, "株式会社とおく", "DX"), (near, "株式会社ちかく", "DX")]
    )
    ranked = matching.rank_companies("01209", ["DX"], "ja")
    assert list(ranked["company"]) == ["株式会社ちかく", "株式会社とおく"]
    assert list(ranked["scale"]) == [0.0, 0.0]
    weight = matching.PARTNER_WEIGHTS["peer"]
    np.testing.assert_allclose(ranked["peer"], weight * order[[near, far]].to_numpy())
    assert ranked["reasons"].iloc[0] == (
        "DXの公開事例が1件（" + matching.profile(near)["name"] + "）。",
        "派遣先の"
        + matching.profile(near)["name"]
        + "（"
        + matching.profile(near)["pref_name"]
        + "）があなたの自治体に似ています（類似度"
        + f"{order[near]:.2f}）。",
        "総務省資料の派遣人数上位には入っていません。",
    )
    matching.clear_cache()


def test_companies_listed_are_exactly_those_with_a_record_in_the_fields() -> None:
    """Every company with a DX record, no other; the ranked ones get their scale."""
    ranked = matching.rank_companies("01209", ["DX"], "en", limit=None)
    records = matching._model().records
    assert set(ranked["key"]) == set(records.loc[records["field"] == "DX", "key"])
    top = data.load("company_ranking")
    top = top[top["fiscal_year"] == top["fiscal_year"].max()]
    softbank = ranked.set_index("key").loc["ソフトバンク"]
    assert softbank["ranked_people"] == 27
    np.testing.assert_allclose(
        softbank["scale"],
        matching.PARTNER_WEIGHTS["scale"] * 27 / top["people"].max(),
    )
    keys = list(zip(-ranked["score"].round(9), ranked["key"], strict=True))
    assert keys == sorted(keys)
    assert all(len(reasons) >= 2 for reasons in ranked["reasons"])


def test_a_company_already_there_says_so() -> None:
    """厚真町's own partners are flagged, and their peer is another place."""
    ranked = matching.rank_companies("01581", [], "en", limit=None).set_index("key")
    here = ranked[ranked["works_here"]]
    assert "キッツ" in here.index
    sentence = translate("matching.reason_works_here", "en")
    assert all(sentence in reasons for reasons in here["reasons"])
    assert "厚真町" not in set(here["peer_name"].dropna())


# --- How to approach ---------------------------------------------------------------


def test_approach_steps_from_the_counts() -> None:
    """Steps add up the deck's routes; shares are computed from the people counts."""
    steps = matching.approach_steps()
    origins = data.load("agreement_origins").set_index("no")["people"]
    total = origins.sum()
    assert list(steps["step"]) == [step for step, _ in matching.STEPS]
    expected = [int(origins[list(routes)].sum()) for _, routes in matching.STEPS]
    assert list(steps["people"]) == expected == [422, 70, 126, 31, 47]
    np.testing.assert_allclose(steps["share"], np.array(expected) / total * 100)
    known = steps.set_index("step").loc["known"]
    np.testing.assert_allclose(known["municipality_share"], 267 / 779 * 100)
    np.testing.assert_allclose(known["company_share"], 155 / 779 * 100)


def test_mic_case_pages_come_from_the_host_records() -> None:
    """Only MIC's own pages cited by the host records, each once per record."""
    pages = matching.mic_case_pages()
    cited = {url for urls in matching._model().records["sources"] for url in urls}
    assert set(pages["url"]) <= cited
    assert all(url.startswith(matching.MIC_CASE_PREFIX) for url in pages["url"])
    assert len(pages) == 3


def test_scoring_is_fast_when_warm() -> None:
    """Both rankings, with reasons for 100 results, take under half a second warm."""
    request = CompanyRequest(TOKYO, fields=("DX",), blocks=("kyushu",))

    def both() -> None:
        matching.rank_municipalities(request)
        matching.rank_companies("01209", ["DX"])

    both()
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        both()
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.5


# --- The page ----------------------------------------------------------------------


def _run(**params: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/matching.py").run()
    return at


def test_page_opens_a_municipality_from_the_map_link() -> None:
    """?code=012092 (a 6-digit code) opens 夕張市 in the municipality view."""
    at = _run(code="012092", lang="en")
    assert not at.exception
    assert at.session_state["mode"] == "municipality"
    assert at.session_state["code"] == "01209"
    assert [e.value for e in at.error] == []
    assert any("Companies with a record" in h.value for h in at.subheader)


def test_municipality_choice_names_its_prefecture_in_english() -> None:
    """In English 夕張市 is listed as 夕張市 (Hokkaido), as on the self-check page."""
    at = _run(code="01209", lang="en")
    chosen = at.selectbox(key="code")
    assert chosen.format_func(chosen.value) == "夕張市 (Hokkaido) ゆうばりし 01209"


def test_page_says_when_the_link_names_no_municipality() -> None:
    """?code=99999 (no such municipality) says so instead of silently dropping it."""
    at = _run(code="99999", lang="en")
    assert not at.exception
    assert [w.value for w in at.warning] == [
        translate("check.bad_url_code", "en")
        + " "
        + translate("check.error_unknown_code", "en", value="99999")
    ]
    assert "code" not in at.query_params


def test_page_reads_the_company_choices_from_the_url() -> None:
    """Prefecture, fields, regions and sizes come back from the URL."""
    at = _run(pref="27", field="DX", block="kyushu", size="xs")
    assert not at.exception
    assert at.session_state["pref"] == "27"
    assert at.session_state["field"] == ["DX"]
    assert at.session_state["block"] == ["kyushu"]
    assert at.session_state["size"] == ["xs"]
    assert [e.value for e in at.error] == []


def test_map_draws_inline_outlines_fitted_to_the_points() -> None:
    """Outlines are in the spec (no URL), the view spans the points plus a margin."""
    from kigyojin.charts import matching as charts

    points = pd.DataFrame(
        {
            "lon": [139.69, 131.42],
            "lat": [35.69, 31.91],
            "role": ["office", "top"],
            "place": ["東京都", "1. 椎葉村"],
            "detail": ["", "80 points"],
        }
    )
    spec = charts.points_map(points, "en").to_dict()
    land, dots = spec["layer"]
    assert "url" not in land["data"]
    assert land["data"]["format"] == {"type": "topojson", "feature": "prefectures"}
    assert land["data"]["values"]["type"] == "Topology"
    margin = charts.MARGIN_DEGREES
    corners = land["projection"]["fit"]["geometry"]["coordinates"]
    assert corners == [
        [131.42 - margin, 31.91 - margin],
        [139.69 + margin, 31.91 - margin],
        [139.69 + margin, 35.69 + margin],
        [131.42 - margin, 35.69 + margin],
    ]
    assert dots["projection"] == land["projection"]
    color = dots["encoding"]["color"]["scale"]
    assert color["domain"] == ["Company's prefectural office", "Suggestion (top 10)"]
    assert dots["encoding"]["shape"]["scale"]["range"] == ["square", "circle"]
