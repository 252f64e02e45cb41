"""The matching scores: who is suggested, in which order, and why."""

import json
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from kigyojin import data, eligibility, maps, matching
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
    assert reasons[-1] == "In a preferred region (Iwate, Tohoku)."
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


def test_a_prefecture_may_be_given_as_a_number() -> None:
    """CompanyRequest(13) is 東京都 ("13"), 1 is "01"; lists become tuples."""
    request = CompanyRequest(13, fields=["DX"], prefectures=[46, "7"], sizes="xs")
    assert request == CompanyRequest("13", ("DX",), (), ("46", "07"), ("xs",))
    assert CompanyRequest(1).pref_code == CompanyRequest(" 1").pref_code == "01"
    pd.testing.assert_frame_equal(
        matching.rank_municipalities(CompanyRequest(13), limit=20),
        matching.rank_municipalities(CompanyRequest(TOKYO), limit=20),
    )
    for wrong, shown in ((99, "99"), (130, "130"), (True, "True")):
        with pytest.raises(KigyojinError) as caught:
            matching.rank_municipalities(CompanyRequest(wrong))
        assert caught.value.message("en") == f"No prefecture has the code “{shown}”."


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
        + translate(
            "check.error_unknown_municipality", "en", value="99999", count="1,741"
        )
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
    assert land["data"]["format"] == {"property": "features"}
    features = land["data"]["values"]["features"]
    assert len(features) == 47
    # Outer rings clockwise, as Vega's spherical geometry reads them.
    for feature in features:
        for polygon in feature["geometry"]["coordinates"]:
            assert charts._signed_area(polygon[0]) < 0
    assert len(json.dumps(land["data"]["values"])) < 100_000
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


# --- Prefecture names by language ----------------------------------------------------


def _prefecture_names() -> pd.DataFrame:
    return data.load("prefectures").set_index("pref_code")


def test_english_results_name_prefectures_in_english() -> None:
    """In English every result, reason and peer names its prefecture as pref_en."""
    names = _prefecture_names()
    request = CompanyRequest(TOKYO, fields=("DX",), blocks=("kinki",))
    for lang, column in (("ja", "pref_name"), ("en", "pref_en")):
        results = matching.rank_municipalities(request, lang, limit=None)
        codes = results["code"].str[:2]
        assert list(results["pref"]) == list(codes.map(names[column]))
        assert list(results["pref_name"]) == list(codes.map(names["pref_name"]))
    english = results.set_index("code")
    japanese = set(names["pref_name"])
    assert english["peer_code"].notna().sum() == len(english) - 1  # 双葉町
    for code, row in english.dropna(subset=["peer_code"]).iterrows():
        peer_pref = names.at[row["peer_code"][:2], "pref_en"]
        assert f"{row['peer_name']} ({peer_pref}, similarity " in row["reasons"][0]
        region = f"({english.at[code, 'pref']}, "
        assert any(region in reason for reason in row["reasons"]), code
        assert not any(f"({p}" in r for p in japanese for r in row["reasons"]), code


def test_english_companies_peers_and_cases_name_prefectures_in_english() -> None:
    """rank_companies' peer reasons, peers() and the MIC case pages follow lang."""
    names = _prefecture_names()
    companies = matching.rank_companies("01209", [], "en", limit=None)
    peers = matching.peers("01209", lang="en", limit=None)
    for item in companies.itertuples():
        peer = next(r for r in item.reasons if r.startswith("It sent staff to "))
        code = peers.loc[peers["name"] == item.peer_name, "code"].iloc[0]
        assert peer.startswith(
            f"It sent staff to {item.peer_name} ({names.at[code[:2], 'pref_en']}),"
        )
    assert list(peers["pref"]) == list(peers["code"].str[:2].map(names["pref_en"]))
    japanese = matching.peers("01209", lang="ja", limit=None)
    assert list(japanese["pref"]) == list(japanese["pref_name"])
    cases = matching.mic_case_pages("en")
    assert sorted(cases["pref"]) == ["Hokkaido", "Ibaraki", "Shizuoka"]


def test_place_label_joins_name_and_prefecture_as_the_catalog_says() -> None:
    """ "志摩市（三重県）" in Japanese, "志摩市 (Mie)" in English."""
    assert matching.place_label("志摩市", "三重県", "ja") == "志摩市（三重県）"
    assert matching.place_label("志摩市", "Mie", "en") == "志摩市 (Mie)"


# --- Maps, routes left over, links ---------------------------------------------------


def test_company_map_points_are_the_office_then_each_result() -> None:
    """The company's office first, then every result: the best 10 as "top"."""
    results = matching.rank_municipalities(CompanyRequest(27), "en", limit=12)
    points = matching.company_map_points(results, 27, "en")
    office = _prefecture_names().loc["27"]
    assert points.iloc[0].to_dict() == {
        "lon": office["lon"],
        "lat": office["lat"],
        "role": "office",
        "place": "Osaka",
        "detail": "Company's prefectural office",
    }
    rest = points.iloc[1:].reset_index(drop=True)
    assert list(rest["role"]) == ["top"] * 10 + ["candidate"] * 2
    assert list(rest["lon"]) == list(results["lon"])
    first = results.iloc[0]
    assert rest.at[0, "place"] == f"#1 {first['name']} ({first['pref']})"
    assert rest.at[0, "detail"] == f"{first['score']:.1f} points"
    results = matching.rank_municipalities(CompanyRequest(27), "ja", limit=1)
    japanese = matching.company_map_points(results, "27", "ja")
    assert list(japanese["place"]) == [
        "大阪府",
        f"1位　{first['name']}（{first['pref_name']}）",
    ]


def test_peer_map_points_are_the_municipality_then_each_peer_once() -> None:
    """夕張市 first, then each peer at its first record, with its similarity."""
    peers = matching.peers("01581", lang="en", limit=4)  # 厚真町
    points = matching.peer_map_points("01581", peers, "en")
    firsts = peers.drop_duplicates("code")
    assert list(points["role"]) == ["target"] + ["peer"] * len(firsts)
    assert points.at[0, "place"] == "厚真町 (Hokkaido)"
    assert list(points["place"].iloc[1:]) == [
        f"{n} ({p})" for n, p in zip(firsts["name"], firsts["pref"], strict=True)
    ]
    assert list(points["detail"].iloc[1:]) == [
        f"Similarity {s:.2f}" for s in firsts["similarity"]
    ]


def test_the_routes_left_over_are_other_and_no_answer() -> None:
    """Routes 9 and 10 (39 + 44 people of 779) are what no step covers."""
    people, share = matching.approach_rest()
    origins = data.load("agreement_origins").set_index("no")["people"]
    assert people == origins[[9, 10]].sum() == 83
    assert people + matching.approach_steps()["people"].sum() == origins.sum()
    np.testing.assert_allclose(share, 83 / 779 * 100)


def test_every_step_link_comes_from_the_data() -> None:
    """Cases link their host record's own source; websites are the master's."""
    records = matching._model().records
    cited = {
        (code, company, url)
        for code, company, sources in zip(
            records["code"], records["company"], records["sources"], strict=True
        )
        for url in sources
    }
    chosen = data.load("approach_links")
    assert set(chosen["step"]) <= {step for step, _ in matching.STEPS}
    for item in chosen.itertuples():
        assert (item.code, item.company, item.url) in cited, item

    codes = ["24215", "19442", "01209"]
    links = matching.approach_links("en", "company", codes)
    websites = data.load("municipalities").set_index("code")["url"]
    direct = links[links["step"] == "direct"]
    assert list(direct["url"]) == [websites[c] for c in codes]
    assert list(direct["label"]) == [
        "志摩市 (Mie): official website",
        "小菅村 (Yamanashi): official website",
        "夕張市 (Hokkaido): official website",
    ]
    mic = links[links["step"] == "mic_site"]
    assert set(mic["url"]) == set(matching.mic_case_pages()["url"])
    assert set(mic["kind"]) == {"mic_case"}
    assert links[links["step"] == "cabinet_office"]["label"].tolist() == [
        "MIC case: 富士市 (Shizuoka) with 株式会社エイチ・アイ・エス"
    ]
    steps = [step for step, _ in matching.STEPS]
    assert list(links["step"]) == sorted(links["step"], key=steps.index)
    assert not links.duplicated(["step", "url"]).any()


def test_a_municipality_links_the_records_of_its_top_companies() -> None:
    """In the municipality view the direct step links each company's first record."""
    links = matching.approach_links("ja", "municipality", company_keys=["jtb"])
    direct = links[links["step"] == "direct"]
    records = matching._model().records
    jtb = records[records["key"] == "jtb"].sort_values("code").iloc[0]
    assert direct.to_dict("records") == [
        {
            "step": "direct",
            "kind": "case",
            "label": f"{jtb['name']}（{jtb['pref_name']}）と{jtb['company']}の事例",
            "url": jtb["sources"][0],
        }
    ]
    assert matching.approach_links("ja", "municipality").query("step == 'direct'").empty


def test_links_file_steps_are_the_matching_steps() -> None:
    """The links file accepts exactly the steps the page shows."""
    column = {c.name: c for c in data.TABLES["approach_links"].columns}["step"]
    assert column.choices == tuple(step for step, _ in matching.STEPS)
    assert set(matching.NO_OWN_PAGE) <= set(column.choices)


# --- The page's URL and the slide ----------------------------------------------------


def test_view_of_reads_the_pages_parameters_with_its_defaults() -> None:
    """Same defaults as the page; a value not among the choices is dropped."""
    assert matching.view_of({}) == matching.View(
        "company", CompanyRequest(matching.DEFAULT_PREFECTURE), None, ()
    )
    view = matching.view_of(
        {
            "pref": "27",
            "field": ["DX", "宇宙"],
            "block": ["kyushu", "moon"],
            "area": ["47", "99"],
            "size": "xs",
        }
    )
    assert view == matching.View(
        "company",
        CompanyRequest("27", ("DX",), ("kyushu",), ("47",), ("xs",)),
        None,
        ("DX",),
    )
    opened = matching.view_of({"code": "012092", "field": "観光振興"})
    assert (opened.mode, opened.code, opened.fields) == (
        "municipality",
        "01209",
        ("観光振興",),
    )
    assert matching.view_of({"code": "99999"}).mode == "company"
    assert matching.view_of({"code": "01209", "mode": "company"}).mode == "company"
    assert matching.view_of({"pref": "99", "mode": "x"}).request.pref_code == "13"


def test_shortlist_of_a_company_view_is_the_pages_ranking() -> None:
    """The slide's rows are the page's best results, with the request in words."""
    found = matching.shortlist({"pref": "27", "field": "DX", "size": "xs"}, "en")
    expected = matching.rank_municipalities(
        CompanyRequest("27", ("DX",), sizes=("xs",)), "en", limit=matching.SLIDE_LIMIT
    )
    assert list(found.rows["rank"]) == list(expected["rank"])
    np.testing.assert_allclose(found.rows["score"], expected["score"])
    assert list(found.rows["label"]) == [
        f"{n} ({p})" for n, p in zip(expected["name"], expected["pref"], strict=True)
    ]
    assert found.title == "Where a company in Osaka could send 起業人"
    assert found.message == (
        "Fields: Digital transformation (DX). Preferences: under 5,000. "
        "The best of the 1,426 municipalities that may host."
    )
    assert found.terms == matching.TERMS
    assert "hosts" in found.sources and "population" in found.sources
    plain = matching.shortlist({}, "ja")
    assert "preference" not in plain.terms
    assert plain.message.startswith(
        "得意な分野：指定なし（すべての分野）。希望：指定なし。"
    )


def test_shortlist_of_a_municipality_view_is_its_companies() -> None:
    """?code= gives the municipality's best companies; no record says so."""
    found = matching.shortlist({"code": "01209", "field": "観光振興"}, "ja")
    expected = matching.rank_companies("01209", ["観光振興"], "ja", limit=None)
    assert list(found.rows["label"]) == list(
        expected["company"].head(matching.SLIDE_LIMIT)
    )
    assert found.title == "夕張市（北海道）と組める企業の候補"
    assert found.message == (
        f"必要な分野：観光振興。公開事例のある{len(expected)}社を採点した上位です。"
    )
    assert found.terms == matching.PARTNER_TERMS
    chosen = matching.shortlist({"mode": "municipality"}, "en")
    assert chosen.view.mode == "municipality" and chosen.title.startswith("Where")


def test_shortlist_with_no_company_says_so(data_copy: Path) -> None:
    """A field nobody works in: no rows, and the message says why."""
    _write_hosts(data_copy, [("29449", "株式会社テスト", "DX")])
    found = matching.shortlist({"code": "01209", "field": "教育"}, "en")
    assert found.rows.empty
    assert found.message == (
        "Fields needed: Education. No company has a public host record in them."
    )
    matching.clear_cache()


def test_points_chart_stacks_each_score_by_term() -> None:
    """One bar per suggestion in rank order, one segment per term that applies."""
    from kigyojin.charts import matching as charts

    found = matching.shortlist({"field": "DX"}, "en")
    spec = charts.points_chart(found.rows, found.terms, "en").to_dict()
    bars, scores = spec["layer"]
    order = [
        f"#{r} {n}"
        for r, n in zip(found.rows["rank"], found.rows["label"], strict=True)
    ]
    assert bars["encoding"]["y"]["sort"] == order
    color = bars["encoding"]["color"]["scale"]
    assert color["domain"] == [
        "Similar hosts",
        "Needs",
        "Closeness",
        "Experience",
    ]
    assert bars["encoding"]["x"]["scale"]["domain"] == [0, 100]
    segments = pd.DataFrame(spec["datasets"][bars["data"]["name"]])
    totals = segments.groupby("bar", sort=False)["points"].sum()
    np.testing.assert_allclose(totals[order], found.rows["score"])
    texts = pd.DataFrame(spec["datasets"][scores["data"]["name"]])["score_text"]
    assert list(texts) == [f"{s:.1f} points" for s in found.rows["score"]]


# --- The page in both languages -------------------------------------------------------


def _markdown_lines(at: AppTest) -> list[str]:
    return [line for m in at.markdown for line in m.value.split("  \n")]


def test_english_page_shows_prefectures_and_bullets_in_english() -> None:
    """Cards, the Prefecture column and the reason bullets are in English."""
    at = _run(lang="en")
    assert not at.exception
    best = matching.rank_municipalities(CompanyRequest(TOKYO), "en", limit=3)
    cards = [m.value for m in at.markdown if m.value.startswith("**\\#")]
    assert len(cards) == 3
    assert all(f"\\({p}\\)" in c for p, c in zip(best["pref"], cards, strict=True))
    table = at.dataframe[0].value
    names = _prefecture_names()
    assert set(table["Prefecture"]) <= set(names["pref_en"])
    reasons = [line for line in _markdown_lines(at) if line.startswith("• ")]
    assert len(reasons) >= 3 * 5
    assert not [line for line in _markdown_lines(at) if line.startswith("・")]
    japanese = _run(lang="ja")
    assert [line for line in _markdown_lines(japanese) if line.startswith("・")]
    assert set(japanese.dataframe[0].value["都道府県"]) <= set(names["pref_name"])


def test_page_links_each_step_or_says_there_is_none() -> None:
    """Links from the data as Markdown links; the steps without their own page say
    so."""
    at = _run(lang="en")
    captions = [c.value for c in at.caption]
    for step in matching.NO_OWN_PAGE:
        assert translate(f"matching.step_missing_{step}", "en") in captions
    best = matching.rank_municipalities(CompanyRequest(TOKYO), "en", limit=3)
    expected = matching.approach_links("en", "company", list(best["code"]))
    shown = [
        url
        for m in at.markdown
        for url in re.findall(r"\]\(([^)]*)\)", m.value)
        if "](" in m.value
    ]
    assert shown == [maps.source_link(url)[1] for url in expected["url"]]
