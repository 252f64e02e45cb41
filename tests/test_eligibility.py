"""Host verdicts from the shipped tables, and whether a planned dispatch qualifies."""

import time
from pathlib import Path

import pytest

from kigyojin import data, eligibility
from kigyojin.eligibility import HostVerdict, check_host
from kigyojin.errors import DataFileError, KigyojinError


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("01209", HostVerdict("01209", "eligible", ("outside_metro",), False)),
        ("29449", HostVerdict("29449", "eligible", ("disadvantaged_whole",), False)),
        ("13307", HostVerdict("13307", "eligible", ("disadvantaged_whole",), False)),
        ("24214", HostVerdict("24214", "eligible", ("disadvantaged_part",), False)),
        ("24543", HostVerdict("24543", "eligible", ("disadvantaged_whole",), False)),
        ("11327", HostVerdict("11327", "eligible", ("population_decline",), False)),
        ("21211", HostVerdict("21211", "eligible", ("teijuu",), True)),
        ("13101", HostVerdict("13101", "ineligible", ("special_ward",), False)),
        ("14100", HostVerdict("14100", "ineligible", ("designated_city",), False)),
        ("11203", HostVerdict("11203", "ineligible", ("urban_metro",), True)),
    ],
)
def test_spot_checks(code: str, expected: HostVerdict) -> None:
    """夕張市, 十津川村, 檜原村, いなべ市, 紀北町 and every other kind of verdict."""
    assert check_host(code) == expected


def test_names_of_the_spot_checks() -> None:
    """The spot-check codes are the municipalities DOMAIN.md names."""
    names = data.load("municipalities").set_index("code")["name"]
    assert [names[c] for c in ("01209", "29449", "13307", "24214", "24543")] == [
        "夕張市",
        "十津川村",
        "檜原村",
        "いなべ市",
        "紀北町",
    ]
    assert [names[c] for c in ("13101", "11327", "21211", "14100", "11203")] == [
        "千代田区",
        "越生町",
        "美濃加茂市",
        "横浜市",
        "川口市",
    ]


def test_verdict_property() -> None:
    """A bare no, an estimated no and a yes read as three verdicts."""
    assert [check_host(c).verdict for c in ("13101", "11203", "21211", "01209")] == [
        "ineligible",
        "ineligible_estimated",
        "eligible",
        "eligible",
    ]


def test_counts_add_up_to_1426() -> None:
    """1,255 outside + 145 条件不利 + 16 exceptions = 1,416, + 10 定住自立圏 = 1,426."""
    verdicts = eligibility.host_verdicts()
    first = verdicts["reasons"].map(lambda reasons: reasons[0])
    assert first.value_counts().to_dict() == {
        "outside_metro": 1255,
        "urban_metro": 284,
        "disadvantaged_whole": 102,
        "disadvantaged_part": 43,
        "special_ward": 23,
        "population_decline": 16,
        "teijuu": 10,
        "designated_city": 8,
    }
    assert len(eligibility.eligible_codes()) == 1255 + 145 + 16 + 10 == 1426
    assert verdicts["verdict"].value_counts().to_dict() == {
        "eligible": 1426,
        "ineligible_estimated": 284,
        "ineligible": 31,
    }


def test_host_verdicts_table_shape() -> None:
    """One row per municipality with the agreed columns, matching check_host."""
    verdicts = eligibility.host_verdicts()
    assert list(verdicts.columns) == [
        "code",
        "status",
        "verdict",
        "estimated",
        "reasons",
    ]
    assert len(verdicts) == 1741
    assert verdicts["code"].is_unique
    assert set(verdicts.loc[verdicts["status"] == "eligible", "code"]) == set(
        eligibility.eligible_codes()
    )
    row = verdicts.set_index("code").loc["01209"]
    assert (row["status"], row["verdict"], row["estimated"], row["reasons"]) == (
        "eligible",
        "eligible",
        False,
        ("outside_metro",),
    )


def test_teijuu_members_are_the_ten_of_domain_md() -> None:
    """The 10 metro 都市地域 members of a 定住自立圏 are eligible, as estimates."""
    verdicts = eligibility.host_verdicts()
    members = verdicts[verdicts["reasons"].map(lambda r: r == ("teijuu",))]
    names = data.load("municipalities").set_index("code")["name"]
    assert sorted(names[members["code"]]) == sorted(
        [
            "美里町",
            "上里町",
            "美濃加茂市",
            "坂祝町",
            "富加町",
            "川辺町",
            "赤穂市",
            "西脇市",
            "加西市",
            "加東市",
        ]
    )
    assert members["estimated"].all()


def test_every_special_ward_is_a_bare_no() -> None:
    """All 23 特別区 are ineligible without an estimate."""
    verdicts = eligibility.host_verdicts().set_index("code")
    master = data.load("municipalities")
    wards = master.loc[master["type"] == "特別区", "code"]
    assert len(wards) == 23
    assert set(verdicts.loc[wards, "verdict"]) == {"ineligible"}


@pytest.mark.parametrize(
    "code", ["012092", "01209", " 01209 ", "０１２０９", "01209-2"]
)
def test_code_forms(code: str) -> None:
    """5 or 6 digits, full-width or with a hyphen before the check digit."""
    assert check_host(code).code == "01209"


@pytest.mark.parametrize(
    ("code", "key", "en"),
    [
        (
            "012093",
            "check.error_check_digit",
            "The check digit (6th digit) of “012093” is wrong. Check the code.",
        ),
        (
            "1209",
            "check.error_bad_code",
            "“1209” is not a municipality code. Enter 5 digits (e.g. 01209) or "
            "6 digits (e.g. 012092).",
        ),
        (
            "夕張市",
            "check.error_bad_code",
            "“夕張市” is not a municipality code. Enter 5 digits (e.g. 01209) or "
            "6 digits (e.g. 012092).",
        ),
        (
            "99999",
            "check.error_unknown_code",
            "No municipality has the code “99999” (we search the 1,741 "
            "municipalities as of 1 January 2021).",
        ),
    ],
)
def test_bad_codes(code: str, key: str, en: str) -> None:
    """A malformed or unknown code raises a ValueError with a catalog message."""
    with pytest.raises(ValueError) as caught:
        check_host(code)
    assert isinstance(caught.value, KigyojinError)
    assert caught.value.key == key
    assert caught.value.message("en") == en
    assert caught.value.message("ja").startswith(("「", "6桁", "コード"))


def test_reason_text_in_both_languages() -> None:
    """Every reason has words in both languages; the estimated ones say 目安."""
    for reason in eligibility.REASONS:
        assert eligibility.reason_text(reason, "ja") != eligibility.reason_text(
            reason, "en"
        )
    assert "目安" in eligibility.reason_text("urban_metro", "ja")
    assert "都道府県にご確認ください" in eligibility.reason_text("urban_metro", "ja")
    assert "目安" in eligibility.reason_text("teijuu", "ja")
    assert "estimate" in eligibility.reason_text("teijuu", "en").lower()
    with pytest.raises(KigyojinError):
        eligibility.reason_text("nearby", "en")


def _best_of_three(run) -> float:
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def test_all_verdicts_are_fast_when_warm() -> None:
    """The whole table and a lookup of every code each take under 20 ms warm."""
    codes = list(eligibility.host_verdicts()["code"])
    assert _best_of_three(eligibility.host_verdicts) < 0.02
    assert _best_of_three(lambda: [check_host(code) for code in codes]) < 0.02


def test_verdicts_follow_the_data_files(data_copy: Path) -> None:
    """Adding a 定住自立圏 member in the file turns an estimated no into a yes."""
    assert check_host("11203").verdict == "ineligible_estimated"
    path = data_copy / "teijuu_jiritsuken.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            "試験定住自立圏,近隣市町村,11203,埼玉県,川口市,https://example.org\n"
        )
    eligibility.clear_cache()
    assert check_host("11203") == HostVerdict("11203", "eligible", ("teijuu",), True)


def test_broken_requirement_file_names_itself(data_copy: Path) -> None:
    """A broken source table raises the data error, not a wrong verdict."""
    (data_copy / "regional_requirement_r4.csv").write_text("code\n01209\n")
    eligibility.clear_cache()
    with pytest.raises(DataFileError) as caught:
        check_host("01209")
    assert "regional_requirement_r4.csv" in caught.value.message("en")
