"""Host verdicts from the shipped tables, and whether a planned dispatch qualifies."""

import time
from datetime import date
from pathlib import Path

import pytest

from kigyojin import data, eligibility
from kigyojin.eligibility import HostVerdict, check_host
from kigyojin.errors import DataFileError, KigyojinError
from kigyojin.rules import InputError


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
            "check.error_unknown_municipality",
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


# --- A planned dispatch -------------------------------------------------------------

PLAN = {
    "company_prefecture": "東京都",
    "head_office_in_metro": True,
    "workplace_prefecture": "13",
    "months_since_joining": 12,
    "works_in_host": False,
    "host": "01209",
    "start": date(2025, 10, 1),
    "end": date(2027, 3, 31),
}


def _words(conditions, lang: str = "en") -> list[tuple[str, str, str]]:
    return [(c.state, c.confidence, c.text(lang)) for c in conditions]


def test_dispatch_that_qualifies() -> None:
    """A Tokyo company sending a year-long employee to 夕張市: every condition met."""
    verdict = eligibility.check_dispatch("dispatch", **PLAN, half_in_host=True)
    assert verdict.ok
    assert verdict.failed == ()
    assert _words(verdict.conditions) == [
        (
            "met",
            "official",
            "Host: 夕張市, Hokkaido may host. It lies outside the three major "
            "metropolitan areas (11 prefectures).",
        ),
        (
            "met",
            "official",
            "Company: located in the metropolitan areas (in Tokyo, or with its "
            "head-office function there).",
        ),
        ("met", "official", "Employee's workplace: Tokyo, in the metropolitan areas."),
        (
            "met",
            "quoted",
            "Time with the company: 12 months at the start, at least the 3 required.",
        ),
        (
            "met",
            "quoted",
            "The employee does not already work in the host municipality.",
        ),
        (
            "met",
            "official",
            "Period: 2025-10-01 to 2027-03-31 (18 months) is within 6 to 36 months.",
        ),
        (
            "met",
            "quoted",
            "Working days: at least 50% of the working days of each month and of the "
            "whole period are spent in the host.",
        ),
    ]
    assert verdict.confidence == "quoted"


def test_dispatch_with_everything_wrong() -> None:
    """A 福岡 company, a new employee already in 千代田区, 4 months: all named."""
    verdict = eligibility.check_dispatch(
        "dispatch",
        **{
            **PLAN,
            "company_prefecture": "福岡県",
            "head_office_in_metro": False,
            "workplace_prefecture": "Fukuoka",
            "months_since_joining": 2,
            "works_in_host": True,
            "host": "131016",
            "end": date(2026, 1, 31),
        },
    )
    assert not verdict.ok
    assert [c.key for c in verdict.failed] == [
        "host",
        "company",
        "workplace",
        "tenure",
        "not_host_worker",
        "period",
    ]
    assert _words(verdict.to_confirm, "ja") == [
        (
            "confirm",
            "quoted",
            "勤務日数：各月および期間全体の勤務日数の 50% 以上を受入地域で勤務すること"
            "（ご確認ください）。",
        )
    ]
    assert verdict.failed[0].text("ja") == (
        "受入自治体：東京都 千代田区 は受け入れることができません。"
        "東京都の特別区（23区）で、三大都市圏内の都市地域です。"
    )


def test_head_office_exception_and_older_tenure_rule() -> None:
    """Working in 大阪 is fine with a 本社機能 in 東京; FY2023 needed 24 months."""
    verdict = eligibility.check_dispatch(
        "dispatch",
        **{
            **PLAN,
            "company_prefecture": "大阪府",
            "workplace_prefecture": "北海道",
            "start": date(2023, 10, 1),
            "end": date(2024, 9, 30),
        },
    )
    assert [(c.key, c.state) for c in verdict.conditions] == [
        ("host", "met"),
        ("company", "met"),
        ("workplace_head_office", "met"),
        ("tenure", "failed"),
        ("not_host_worker", "met"),
        ("period", "met"),
        ("half_in_host", "confirm"),
    ]
    assert verdict.failed[0].text("en") == (
        "Time with the company: 12 months at the start, fewer than the 24 required."
    )


def test_estimated_host_is_a_failed_condition_marked_as_estimate() -> None:
    """川口市 (no list has it) fails as 目安, never as a bare no."""
    verdict = eligibility.check_dispatch("dispatch", **{**PLAN, "host": "11203"})
    host = verdict.failed[0]
    assert (host.key, host.state, host.confidence) == (
        "host_estimated",
        "failed",
        "assumed",
    )
    assert "目安" in host.text("ja")
    assert "confirm with the prefecture" in host.text("en")


def test_side_job_conditions() -> None:
    """副業型: days, hours and on-site days per month; employees only."""
    verdict = eligibility.check_dispatch(
        "side_job",
        **{**PLAN, "host": "29449"},
        days_per_month=4,
        hours_per_month=18,
        onsite_days_per_month=1,
    )
    assert [(c.key, c.state, c.confidence) for c in verdict.conditions] == [
        ("host", "met", "official"),
        ("company", "met", "assumed"),
        ("workplace", "met", "assumed"),
        ("not_host_worker", "met", "assumed"),
        ("period", "met", "quoted"),
        ("employee", "confirm", "quoted"),
        ("min_days_per_month", "met", "quoted"),
        ("min_hours_per_month", "failed", "quoted"),
        ("min_onsite_days_per_month", "met", "quoted"),
    ]
    assert str(verdict.failed[0]) == (
        "Hours a month: 18, fewer than the 20 required (remote work counts)."
    )


@pytest.mark.parametrize(
    ("change", "en"),
    [
        (
            {"company_prefecture": "Tokio"},
            "“Tokio” is not a prefecture. Give its name (e.g. Tokyo or 東京都) or its "
            "2-digit code (e.g. 13).",
        ),
        (
            {"months_since_joining": -1},
            "Enter months since joining as a number from 0 to 720 (not “-1”).",
        ),
        (
            {"months_since_joining": 2.5},
            "Enter months since joining as a number from 0 to 720 (not “2.5”).",
        ),
        (
            {"works_in_host": "no"},
            "Answer whether the employee already works in the host with yes or no.",
        ),
        (
            {"host": "13100"},
            "No municipality has the code “13100” (we search the 1,741 "
            "municipalities as of 1 January 2021).",
        ),
        (
            {"end": date(2025, 9, 1)},
            "The end (2025-09-01) is before the start (2025-10-01). Choose an end on "
            "or after the start.",
        ),
    ],
)
def test_dispatch_input_that_cannot_be_judged(change: dict, en: str) -> None:
    """Input that cannot be judged raises a ValueError with a catalog message."""
    with pytest.raises(ValueError) as caught:
        eligibility.check_dispatch("dispatch", **{**PLAN, **change})
    assert caught.value.message("en") == en
    assert caught.value.message("ja") != en


@pytest.mark.parametrize(
    ("extra", "en"),
    [
        (
            {"hours_per_month": 20, "onsite_days_per_month": 1},
            "A side job needs days a month.",
        ),
        (
            {"days_per_month": 4, "hours_per_month": 20, "onsite_days_per_month": 5},
            "The on-site days exceed the days a month.",
        ),
        (
            {"days_per_month": 40, "hours_per_month": 20, "onsite_days_per_month": 1},
            "Enter days a month as a number from 0 to 31 (not “40”).",
        ),
    ],
)
def test_side_job_input_that_cannot_be_judged(extra: dict, en: str) -> None:
    """A side job needs its three monthly figures, within a month's bounds."""
    with pytest.raises(ValueError) as caught:
        eligibility.check_dispatch("side_job", **PLAN, **extra)
    assert caught.value.message("en") == en


def test_answers_not_known_yet_are_to_confirm() -> None:
    """None for "already works in the host" or "head office in the metro areas"
    leaves the conditions it decides to confirm, never met or failed."""
    verdict = eligibility.check_dispatch(
        "dispatch",
        **{
            **PLAN,
            "company_prefecture": "福岡県",
            "head_office_in_metro": None,
            "workplace_prefecture": "福岡県",
            "works_in_host": None,
        },
        half_in_host=True,
    )
    assert (verdict.ok, verdict.outcome) == (True, "ok_confirm")
    assert _words(verdict.to_confirm) == [
        (
            "confirm",
            "official",
            "Company: Fukuoka is outside the metropolitan areas; it qualifies if its "
            "head-office function is in them (please confirm).",
        ),
        (
            "confirm",
            "official",
            "Employee's workplace: Fukuoka is outside the metropolitan areas; this "
            "suffices only if the company's head-office function is in them (please "
            "confirm).",
        ),
        (
            "confirm",
            "quoted",
            "The employee must not already work in the host municipality (please "
            "confirm).",
        ),
    ]
    assert [c.key for c in verdict.to_confirm] == [
        "company",
        "workplace_head_office",
        "not_host_worker",
    ]
    assert verdict.headline("en") == (
        "Every condition we can check is met. Confirm the ones marked “please confirm”."
    )


def test_unknown_head_office_is_settled_by_the_company_prefecture() -> None:
    """A company in Tokyo with an employee in Tokyo needs no head-office answer."""
    verdict = eligibility.check_dispatch(
        "dispatch", **{**PLAN, "head_office_in_metro": None}, half_in_host=True
    )
    assert [(c.key, c.state) for c in verdict.conditions] == [
        ("host", "met"),
        ("company", "met"),
        ("workplace", "met"),
        ("tenure", "met"),
        ("not_host_worker", "met"),
        ("period", "met"),
        ("half_in_host", "met"),
    ]
    assert verdict.headline("en") == "Every condition is met."


def test_headline_counts_in_the_singular_and_plural() -> None:
    """1 condition is not met; 2 conditions are not met."""
    one = eligibility.check_dispatch("dispatch", **{**PLAN, "works_in_host": True})
    two = eligibility.check_dispatch(
        "dispatch", **{**PLAN, "works_in_host": True, "months_since_joining": 1}
    )
    assert [(v.outcome, v.headline("en"), v.headline("ja")) for v in (one, two)] == [
        ("not_ok", "1 condition is not met.", "満たしていない条件が 1 つあります。"),
        ("not_ok", "2 conditions are not met.", "満たしていない条件が 2 つあります。"),
    ]


@pytest.mark.parametrize(
    ("end", "en", "ja"),
    [
        (
            date(2028, 4, 1),
            "Period: 2025-04-01 to 2028-04-01 (36 months and 1 day) is outside 6 to "
            "36 months.",
            "期間：2025-04-01～2028-04-01（36か月と1日）は 6 か月～36 か月の"
            "範囲外です。",
        ),
        (
            date(2028, 3, 31),
            "Period: 2025-04-01 to 2028-03-31 (36 months) is within 6 to 36 months.",
            "期間：2025-04-01～2028-03-31（36か月）は 6 か月～36 か月の範囲内です。",
        ),
        (
            date(2025, 9, 30),
            "Period: 2025-04-01 to 2025-09-30 (6 months) is within 6 to 36 months.",
            "期間：2025-04-01～2025-09-30（6か月）は 6 か月～36 か月の範囲内です。",
        ),
        (
            date(2025, 9, 29),
            "Period: 2025-04-01 to 2025-09-29 (5 months and 29 days) is outside 6 to "
            "36 months.",
            "期間：2025-04-01～2025-09-29（5か月と29日）は 6 か月～36 か月の"
            "範囲外です。",
        ),
    ],
)
def test_period_condition_says_the_real_length(end: date, en: str, ja: str) -> None:
    """A period one day over 36 months says so, not "(36 months) is outside"."""
    verdict = eligibility.check_dispatch(
        "dispatch", **{**PLAN, "start": date(2025, 4, 1), "end": end}
    )
    period = next(c for c in verdict.conditions if c.key == "period")
    assert (period.text("en"), period.text("ja")) == (en, ja)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("京都", ("26", "京都府", "Kyoto", True)),
        ("京都府", ("26", "京都府", "Kyoto", True)),
        ("東京", ("13", "東京都", "Tokyo", True)),
        ("東京都", ("13", "東京都", "Tokyo", True)),
        ("北海道", ("01", "北海道", "Hokkaido", False)),
        ("大阪", ("27", "大阪府", "Osaka", True)),
        ("神奈川", ("14", "神奈川県", "Kanagawa", True)),
    ],
)
def test_prefecture_short_names(value: str, expected: tuple) -> None:
    """One suffix (都, 道, 府 or 県) may be left off: 京都 is 京都府."""
    code, name, metro = eligibility.prefecture(value)
    assert (code, name.text("ja"), name.text("en"), metro) == expected


@pytest.mark.parametrize("value", ["京", "東", "北海", "大", "京都府府"])
def test_prefecture_fragments_are_refused(value: str) -> None:
    """Only a whole name or a name less one suffix is a prefecture."""
    with pytest.raises(InputError) as caught:
        eligibility.prefecture(value)
    assert caught.value.message("en") == (
        f"“{value}” is not a prefecture. Give its name (e.g. Tokyo or 東京都) or its "
        "2-digit code (e.g. 13)."
    )


def test_unknown_code_counts_the_master_rows(data_copy: Path) -> None:
    """The number of municipalities searched comes from the master, not the text."""
    # 与那国町 (47382) taken out of the master and of every table that names it.
    for path in data_copy.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if "47382" not in line.split(",")]
        path.write_text("".join(kept), encoding="utf-8")
    eligibility.clear_cache()
    assert len(data.load("municipalities")) == 1_740
    with pytest.raises(KigyojinError) as caught:
        check_host("99999")
    assert caught.value.message("en") == (
        "No municipality has the code “99999” (we search the 1,740 municipalities "
        "as of 1 January 2021)."
    )


@pytest.mark.parametrize(
    "value", ["13", 13, "東京都", "東京", "Tokyo", "tokyo", "１３"]
)
def test_prefecture_forms(value) -> None:
    """A prefecture by code, name, short name or English name."""
    code, name, metro = eligibility.prefecture(value)
    assert (code, name.text("ja"), name.text("en"), metro) == (
        "13",
        "東京都",
        "Tokyo",
        True,
    )
