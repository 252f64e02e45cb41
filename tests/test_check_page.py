"""The 制度チェック page: links restore a check, results and messages are whole."""

import json
from datetime import date
from pathlib import Path

import pytest
from test_app import run_page

from kigyojin import eligibility, fmt, subsidy
from kigyojin.charts import check as charts
from kigyojin.i18n import translate
from kigyojin.rules import Length, localize

PAGE = "pages/check.py"


def _texts(at, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


def test_map_link_opens_the_municipality_and_its_verdict() -> None:
    """?code=01209 opens the municipality tab on 夕張市, eligible, with its reason."""
    at = run_page(PAGE, "ja", code="01209")
    assert not at.exception
    assert at.session_state["code"] == "01209"
    assert _texts(at, "success") == ["受入可能"]
    assert _texts(at, "error") == []
    reasons = [m.value for m in at.markdown]
    assert "- 三大都市圏（11都府県）の外にある市町村です。" in reasons
    metrics = [m.value for m in at.metric]
    assert metrics[:2] == ["1,426 市町村", "1,432 市町村"]


def test_six_digit_code_and_a_bare_no() -> None:
    """A 6-digit code is read as its 5-digit form; 千代田区 is a bare no."""
    at = run_page(PAGE, "en", code="131016")
    assert at.session_state["code"] == "13101"
    assert _texts(at, "error") == ["Not eligible"]
    assert "#### 千代田区, Tokyo \\(13101\\)" in [m.value for m in at.markdown]
    assert any("23 special wards" in m.value for m in at.markdown)


def test_estimated_no_is_a_warning_not_an_error() -> None:
    """川口市 (in no list) shows as not eligible (estimate), to confirm."""
    at = run_page(PAGE, "en", code="11203")
    assert _texts(at, "warning") == [
        "Not eligible (estimate): confirm with the prefecture"
    ]
    assert _texts(at, "error") == []


def test_unreadable_code_in_the_link_is_a_message() -> None:
    """?code=abc says so in the user's language and the page keeps working."""
    at = run_page(PAGE, "ja", code="abc")
    assert not at.exception
    assert _texts(at, "warning") == [
        translate("check.bad_url_code", "ja")
        + " "
        + translate("check.error_bad_code", "ja", value="abc")
    ]
    assert at.session_state["code"] is None


@pytest.mark.parametrize("key", ["code", "host"])
def test_unknown_code_in_the_link_is_a_message(key: str) -> None:
    """A well-formed code of no municipality (?code=99999) says so, not silence."""
    at = run_page(PAGE, "en", **{key: "99999"})
    assert not at.exception
    assert _texts(at, "warning") == [
        translate("check.bad_url_code", "en")
        + " "
        + translate(
            "check.error_unknown_municipality", "en", value="99999", count="1,741"
        )
    ]
    assert at.session_state[key] is None


def test_worked_example_from_a_link() -> None:
    """The DOMAIN.md §4 example as a link: ¥8,400,000 refunded, ¥600,000 borne."""
    at = run_page(
        PAGE,
        "ja",
        code="01209",
        start="2025-10-01",
        end="2027-03-31",
        contribution="6000000",
    )
    metrics = [(m.label, m.value) for m in at.metric]
    assert metrics[2:] == [
        ("国の措置額（合計）", "8,400,000円"),
        ("自治体の負担（合計）", "600,000円"),
        ("経費（合計）", "9,000,000円"),
    ]
    assert translate("check.metric_estimate_help", "ja") in [
        c.value for c in at.caption
    ]
    table = at.dataframe[0].value
    assert table.to_dict("list") == {
        "年度": ["令和7年度", "令和8年度", "合計"],
        "期間の月数（日割り）": [6.0, 12.0, 18.0],
        "経費": [3_000_000, 6_000_000, 9_000_000],
        "上限の月数": [6, 12, 18],
        "措置の上限": [2_800_000, 5_600_000, 8_400_000],
        "国の措置額": [2_800_000, 5_600_000, 8_400_000],
        "自治体の負担": [200_000, 400_000, 600_000],
        "確度": ["目安：当方の仮定"] * 3,
    }
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["layer"][0]["encoding"]["color"]["scale"] == {
        "domain": ["国の措置額", "自治体の負担"],
        "range": ["#56B4E9", "#D55E00"],
    }


def test_refund_chart_data() -> None:
    """The chart stacks refund under burden per fiscal year, labels in the middle."""
    result = subsidy.estimate(
        "dispatch", date(2025, 10, 1), date(2027, 3, 31), contribution=6_000_000
    )
    frame = charts.refund_frame(result, "en")
    assert frame[["year_label", "part", "amount", "middle", "amount_label"]].to_dict(
        "split"
    )["data"] == [
        ["FY2025", "refund", 2_800_000, 1_400_000.0, "¥2,800,000"],
        ["FY2025", "burden", 200_000, 2_900_000.0, "¥200,000"],
        ["FY2026", "refund", 5_600_000, 2_800_000.0, "¥5,600,000"],
        ["FY2026", "burden", 400_000, 5_800_000.0, "¥400,000"],
    ]
    spec = charts.refund_chart(result, "en").to_dict()
    assert spec["layer"][0]["encoding"]["y"]["title"] == "Amount (yen)"


def test_company_check_from_a_link() -> None:
    """A side job to 川口市 with too few hours: every condition in words."""
    at = run_page(
        PAGE,
        "en",
        host="11203",
        kind="side_job",
        start="2027-04-01",
        end="2027-09-30",
        hours="18",
        employee="yes",
    )
    assert not at.exception
    assert _texts(at, "error") == ["2 conditions are not met."]
    conditions = next(m.value for m in at.markdown if "Hours a month\\: 18" in m.value)
    lines = conditions.splitlines()
    assert len(lines) == 9
    assert lines[0].startswith(
        "- :red[:material/cancel:] **Not met**: Host\\: 川口市, Saitama"
    )
    assert lines[-2] == (
        "- :red[:material/cancel:] **Not met**: Hours a month\\: 18, fewer than the "
        "20 required \\(remote work counts\\)\\. *(estimate: quoted from municipal "
        "rules or press)*"
    )


@pytest.mark.parametrize(
    ("params", "key", "fields"),
    [
        (
            {"start": "2027-06-01", "end": "2027-05-01"},
            "check.error_end_before_start",
            {"start": "2027-06-01", "end": "2027-05-01"},
        ),
        (
            {"start": "2027-04-01", "end": "2027-08-31"},
            "check.error_period_short",
            {
                "start": "2027-04-01",
                "end": "2027-08-31",
                "minimum": 6,
                "length": Length(5, 0),
            },
        ),
    ],
)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_bad_period_is_a_message_in_the_language(
    params: dict, key: str, fields: dict, lang: str
) -> None:
    """A bad period from the URL gives the catalog message, never a traceback."""
    at = run_page(PAGE, lang, **params)
    assert not at.exception
    kind = translate("values.dispatch", lang)
    expected = translate(key, lang, kind=kind, **localize(fields, lang))
    assert [e.value.replace("\\", "") for e in at.error] == [expected]


def test_tab_and_inputs_survive_in_the_url() -> None:
    """Every input read from the URL is written back to it."""
    at = run_page(
        PAGE,
        "ja",
        host="29449",
        kind="side_job",
        company_pref="27",
        days="6",
        start="2027-04-01",
        end="2028-03-31",
    )
    assert (at.session_state["company_pref"], at.session_state["days"]) == ("27", 6)
    assert at.session_state["start"].isoformat() == "2027-04-01"


def test_broken_rules_file_is_a_message(data_copy: Path) -> None:
    """A broken rules file names itself; the host verdict still shows."""
    (data_copy / "rules.toml").write_text("[[rule]]\nkey = 1\n", encoding="utf-8")
    at = run_page(PAGE, "en", code="01209")
    assert not at.exception
    assert _texts(at, "success") == ["May host"]
    assert at.error and all("rules\\.toml" in e.value for e in at.error)


def test_printable_summary_is_the_whole_check() -> None:
    """The text summary holds the host, every condition and every fiscal year."""
    result = subsidy.estimate(
        "dispatch", date(2025, 10, 1), date(2027, 3, 31), contribution=6_000_000
    )
    verdict = eligibility.check_dispatch(
        "dispatch",
        company_prefecture="13",
        head_office_in_metro=True,
        workplace_prefecture="13",
        months_since_joining=12,
        works_in_host=True,
        host="01209",
        start=date(2025, 10, 1),
        end=date(2027, 3, 31),
        half_in_host=True,
    )
    text = eligibility.summary_text(
        result, "en", dispatch=verdict, today=date(2026, 12, 3)
    )
    quoted = "estimate: quoted from municipal rules or press"
    assert text.splitlines() == [
        "地域活性化起業人: self-check result",
        "Made on 2026-12-03 (地域活性化起業人 dashboard)",
        "",
        "Host: 夕張市, Hokkaido (01209) … May host",
        "  - It lies outside the three major metropolitan areas (11 prefectures).",
        "",
        "Conditions (Company dispatch):",
        "  [OK] Host: 夕張市, Hokkaido may host. It lies outside the three major "
        "metropolitan areas (11 prefectures). (official)",
        "  [OK] Company: located in the metropolitan areas (in Tokyo, or with its "
        "head-office function there). (official)",
        "  [OK] Employee's workplace: Tokyo, in the metropolitan areas. (official)",
        "  [OK] Time with the company: 12 months at the start, at least the 3 "
        f"required. ({quoted})",
        "  [NG] Someone who already works in the host municipality cannot be sent "
        f"there. ({quoted})",
        "  [OK] Period: 2025-10-01 to 2027-03-31 (18 months) is within 6 to 36 "
        "months. (official)",
        "  [OK] Working days: at least 50% of the working days of each month and of "
        f"the whole period are spent in the host. ({quoted})",
        "→ Some conditions fail ([NG]).",
        "",
        "Estimated refund (Company dispatch, 2025-10-01 to 2027-03-31, 18 months):",
        "  FY2025 (months of the period 6, for the cap 6): cost ¥3,000,000, cap "
        "¥2,800,000, state refund ¥2,800,000, municipality bears ¥200,000 [estimate: "
        "our assumption]",
        "  FY2026 (months of the period 12, for the cap 12): cost ¥6,000,000, cap "
        "¥5,600,000, state refund ¥5,600,000, municipality bears ¥400,000 [estimate: "
        "our assumption]",
        "  Total: state refund ¥8,400,000, municipality bears ¥600,000",
        "",
        "“Estimate” marks rules not confirmed in MIC's own documents. Confirm the "
        "final answer with the municipality, the prefecture or MIC. Sources of the "
        "rules: data/rules.toml",
    ]


def test_language_switch_relabels_a_chosen_prefecture() -> None:
    """After a switch to English the browser gets the prefecture's new label."""
    at = run_page(PAGE, "ja", company_pref="27")
    at.session_state["lang"] = "en"  # what the sidebar's language switch does
    at.run()
    chosen = at.selectbox(key="company_pref")
    assert (chosen.value, chosen.proto.set_value, chosen.proto.raw_value) == (
        "27",
        True,
        "Osaka",
    )


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("audience", ["company", "municipality"])
@pytest.mark.parametrize(
    ("params", "kind", "days"),
    [
        (
            {"kind": "side_job", "start": "2023-04-01", "end": "2024-03-31"},
            "side_job",
            ("2023-04-01", "2024-03-31"),
        ),
        ({"start": "2031-01-01", "end": "2031-09-30"}, "dispatch", ("2031-09-30",)),
    ],
)
def test_link_date_outside_the_rules_is_refused_not_changed(
    params: dict, kind: str, days: tuple, audience: str, lang: str
) -> None:
    """Dates of the link beyond the rules' years are named in one message; their
    pickers are left empty and the link keeps them as given."""
    at = run_page(PAGE, lang, **{"for": audience, "host": "01209"}, **params)
    assert not at.exception
    first, last = (2024, 2030) if kind == "side_job" else (2021, 2030)
    expected = translate(
        "check.error_outside_rules"
        if len(days) == 1
        else "check.error_outside_rules_both",
        lang,
        kind=translate(f"values.{kind}", lang),
        date=translate("check.list_separator", lang).join(days),
        first=fmt.fiscal_year(first, lang),
        last=fmt.fiscal_year(last, lang),
    )
    assert [e.value.replace("\\", "") for e in at.error] == [expected]
    assert [at.session_state[key] is None for key in ("start", "end")] == [
        params[key] in days for key in ("start", "end")
    ]
    assert (at.query_params["start"], at.query_params["end"]) == (
        params["start"],
        params["end"],
    )


def test_a_date_chosen_after_a_refused_one_is_used() -> None:
    """Picking a date in range replaces the refused one and the estimate returns."""
    at = run_page(PAGE, "en", start="2025-10-01", end="2031-09-30")
    assert at.session_state["end"] is None
    at.date_input(key="end").set_value(date(2026, 9, 30)).run()
    assert [e.value for e in at.error] == []
    assert at.query_params["end"] == "2026-09-30"
    assert [m.value for m in at.metric] == ["¥5,600,000", "¥0", "¥5,600,000"]


def test_end_before_start_is_said_once_on_the_company_tab() -> None:
    """With a host chosen the verdict and the estimate do not both repeat it."""
    at = run_page(PAGE, "en", host="01209", start="2027-06-01", end="2027-05-01")
    assert [e.value.replace("\\", "") for e in at.error] == [
        translate(
            "check.error_end_before_start", "en", start="2027-06-01", end="2027-05-01"
        )
    ]


def test_mid_month_period_from_a_link() -> None:
    """15 Oct to 14 Apr: the table shows the period by days beside the cap months."""
    at = run_page(
        PAGE,
        "en",
        host="01209",
        start="2025-10-15",
        end="2026-04-14",
        contribution="6000000",
        half="yes",
    )
    assert not at.exception
    assert _texts(at, "success") == ["Every condition is met."]
    assert any(
        "Period\\: 2025\\-10\\-15 to 2026\\-04\\-14 \\(6 months\\)" in m.value
        for m in at.markdown
    )
    table = at.dataframe[0].value
    assert table.to_dict("list") == {
        "Fiscal year": ["FY2025", "FY2026", "Total"],
        "Period months (by days)": [5.55, 0.47, 6.02],
        "Cost": [2_774_193, 233_333, 3_007_526],
        "Months for the cap": [6, 1, 7],
        "Cap": [2_800_000, 466_666, 3_266_666],
        "State refund": [2_774_193, 233_333, 3_007_526],
        "Municipality bears": [0, 0, 0],
        "Confidence": ["estimate: our assumption"] * 3,
    }


def test_unsure_answers_are_to_confirm_on_the_page() -> None:
    """ "Not sure yet" for the head office and the host workplace: to confirm."""
    at = run_page(
        PAGE,
        "en",
        host="01209",
        company_pref="40",
        workplace="40",
        head_office="unsure",
        in_host="unsure",
        half="yes",
    )
    assert _texts(at, "warning") == [translate("check.verdict_ok_confirm", "en")]
    conditions = next(m.value for m in at.markdown if "please confirm" in m.value)
    assert [line.split("**")[1] for line in conditions.splitlines()] == [
        "Met",
        "To confirm",
        "To confirm",
        "Met",
        "To confirm",
        "Met",
        "Met",
    ]


def test_first_amount_defaults_to_its_cap() -> None:
    """A side job's fee starts at its ¥1,000,000 cap, travel at 0."""
    at = run_page(PAGE, "en", kind="side_job", start="2027-04-01", end="2028-03-31")
    assert [
        (n.key, n.value) for n in at.number_input if n.key in ("fee", "travel")
    ] == [
        ("fee", 1_000_000),
        ("travel", 0),
    ]


def test_printable_summary_of_a_mid_month_period() -> None:
    """The summary names the real length and both month counts of each year."""
    result = subsidy.estimate(
        "dispatch", date(2025, 10, 15), date(2026, 4, 14), contribution=6_000_000
    )
    text = eligibility.summary_text(result, "ja", today=date(2026, 12, 3))
    assert text.splitlines()[3:7] == [
        "特別交付税措置の見込み（企業派遣型、2025-10-15～2026-04-14、6か月）：",
        "  令和7年度（期間の月数 5.55、上限の月数 6）：経費 2,774,193円、上限 "
        "2,800,000円、国の措置額 2,774,193円、自治体の負担 0円〔目安：当方の仮定〕",
        "  令和8年度（期間の月数 0.47、上限の月数 1）：経費 233,333円、上限 "
        "466,666円、国の措置額 233,333円、自治体の負担 0円〔目安：当方の仮定〕",
        "  合計：国の措置額 3,007,526円、自治体の負担 0円",
    ]
