"""The rules file: what it holds, and the message for each way it can be broken."""

from pathlib import Path

import pytest

from kigyojin import rules
from kigyojin.errors import DataFileError
from kigyojin.rules import FiscalYear, InputError, Named, Term


def test_shipped_rules_cover_the_known_years() -> None:
    """企業派遣型 FY2021–FY2030, 副業型 (from FY2024) FY2024–FY2030."""
    loaded = rules.load()
    assert loaded.fiscal_years("dispatch") == range(2021, 2031)
    assert loaded.fiscal_years("side_job") == range(2024, 2031)
    assert loaded.items("dispatch", 2025) == ("contribution", "proposal", "preparation")
    assert loaded.items("side_job", 2025) == ("fee", "travel")


@pytest.mark.parametrize(
    ("key", "kind", "year", "value", "confidence"),
    [
        ("contribution_cap", "dispatch", 2024, 5_600_000, "official"),
        ("contribution_cap", "dispatch", 2026, 5_600_000, "assumed"),
        ("contribution_prorate", "dispatch", 2024, True, "assumed"),
        ("proposal_rate", "dispatch", 2024, 0.5, "quoted"),
        ("preparation_cap", "dispatch", 2024, 1_000_000, "quoted"),
        ("fee_cap", "side_job", 2024, 1_000_000, "quoted"),
        ("travel_cap", "side_job", 2024, 1_000_000, "quoted"),
        ("period_min_months", "dispatch", 2024, 6, "official"),
        ("period_max_months", "dispatch", 2024, 36, "official"),
        ("min_tenure_months", "dispatch", 2023, 24, "quoted"),
        ("min_tenure_months", "dispatch", 2024, 3, "quoted"),
        ("min_host_share", "dispatch", 2024, 0.5, "quoted"),
        ("min_days_per_month", "side_job", 2024, 4, "quoted"),
        ("min_hours_per_month", "side_job", 2024, 20, "quoted"),
        ("min_onsite_days_per_month", "side_job", 2024, 1, "quoted"),
        ("company_in_metro", "side_job", 2024, True, "assumed"),
    ],
)
def test_values_and_confidence_of_domain_md(
    key: str, kind: str, year: int, value: object, confidence: str
) -> None:
    """The file holds the values of DOMAIN.md §3–4 with their confidence."""
    rule = rules.load().get(key, kind, year)
    assert (rule.value, rule.confidence) == (value, confidence)
    assert rule.source


def test_unknown_rules_are_absent_not_zero() -> None:
    """What is not known (副業型 proposal projects, a tenure rule) has no entry."""
    loaded = rules.load()
    assert loaded.get("proposal_cap", "side_job", 2025) is None
    assert loaded.get("min_tenure_months", "side_job", 2025) is None
    assert loaded.get("contribution_cap", "dispatch", 2031) is None


def test_rules_table_lists_every_entry() -> None:
    """The table shown on the page has one row per entry, with its source."""
    table = rules.load().table()
    assert len(table) == len(rules.load().rules) == 36
    assert list(table.columns) == [
        "key",
        "kind",
        "first",
        "last",
        "value",
        "confidence",
        "source",
        "note",
        "note_en",
    ]
    assert set(table["confidence"]) == {"official", "quoted", "assumed"}
    assert (table["source"].str.len() > 0).all()


def _break(folder: Path, old: str, new: str) -> None:
    path = folder / "rules.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _entry_line(folder: Path, text: str) -> int:
    """The line of the [[rule]] header of the entry where `text` first appears."""
    content = (folder / "rules.toml").read_text(encoding="utf-8")
    before = content[: content.index(text)].splitlines()
    headers = [n for n, line in enumerate(before, start=1) if line == "[[rule]]"]
    return headers[-1] if headers else 0


def _messages(folder: Path) -> tuple[list[str], list[str]]:
    with pytest.raises(DataFileError) as caught:
        rules.load()
    return (
        caught.value.message("en").splitlines(),
        caught.value.message("ja").splitlines(),
    )


FIRST_RULE = 'key = "period_min_months"\nkind = "dispatch"'


@pytest.mark.parametrize(
    ("old", "new", "en"),
    [
        (
            "value = 36",
            'value = "36"',
            "- rules.toml, row {row}, column “value”: “36” is not a value of type int.",
        ),
        (
            "value = 36",
            "value = 360",
            "- rules.toml, row {row}, column “value”: 360 must be between 1 and 120.",
        ),
        (
            FIRST_RULE,
            'key = "period_min_month"\nkind = "dispatch"',
            "- rules.toml, row {row}, column “key”: “period_min_month” is not a known "
            "rule key (see SPECS in kigyojin/rules.py).",
        ),
        (
            FIRST_RULE,
            'key = "period_min_months"\nkind = "senior"',
            "- rules.toml, row {row}, column “kind”: “senior” is not allowed (one of "
            "dispatch、side_job).",
        ),
        (
            'value = 6\nconfidence = "official"',
            'value = 6\nconfidence = "sure"',
            "- rules.toml, row {row}, column “confidence”: “sure” is not allowed (one "
            "of official、quoted、assumed).",
        ),
        (
            'value = 6\nconfidence = "official"',
            'value = 6\nconfident = "official"',
            "- rules.toml, row {row}, column “confident”: this field is not expected "
            "(only key, kind, fiscal_years, value, confidence, source, note, "
            "note_en).",
        ),
        (
            "fiscal_years = [2021, 2030]\nvalue = 6",
            "fiscal_years = [2030, 2021]\nvalue = 6",
            "- rules.toml, row {row}, column “fiscal_years”: give the first and last "
            "fiscal year (the calendar year each starts in), e.g. [2024, 2030].",
        ),
        (
            "fiscal_years = [2021, 2030]\nvalue = 36",
            "fiscal_years = [2021, 2029]\nvalue = 36",
            "- rules.toml, column “fiscal_years”: period_max_months (dispatch) does "
            "not cover fiscal year(s) 2030; every rule of a type must cover the same "
            "years.",
        ),
        (
            'source = "総務省「地域活性化起業人制度の活用について」（2024年）'
            '：期間 6か月～3年"',
            'source = " "',
            "- rules.toml, row {row}, column “source”: a non-empty text is required.",
        ),
        (
            "# --- Period of a dispatch",
            "[meta]\nversion = 1\n\n# --- Period of a dispatch",
            "- rules.toml: “[meta]” is not expected; write each rule as a [[rule]] "
            "entry.",
        ),
    ],
)
def test_broken_rules_name_line_and_field(
    data_copy: Path, old: str, new: str, en: str
) -> None:
    """Each broken entry is reported with its line and field, in both languages."""
    row = _entry_line(data_copy, old)
    _break(data_copy, old, new)
    english, japanese = _messages(data_copy)
    assert english[0] == "The data file rules.toml could not be loaded."
    assert en.format(row=row) in english[1:]
    assert japanese[0] == "データファイル rules.toml を読み込めませんでした。"
    assert len(japanese) == len(english)


def test_overlapping_years(data_copy: Path) -> None:
    """Two entries for the same key, type and year: the later one is named."""
    old = "fiscal_years = [2024, 2024]\nvalue = 5_600_000"
    first = _entry_line(data_copy, old)
    later = _entry_line(data_copy, "fiscal_years = [2025, 2030]\nvalue = 5_600_000")
    _break(data_copy, old, "fiscal_years = [2024, 2025]\nvalue = 5_600_000")
    english, _ = _messages(data_copy)
    assert english[1:] == [
        f"- rules.toml, row {later}, column “fiscal_years”: contribution_cap "
        f"(dispatch) for fiscal year 2025 overlaps the rule on line {first}."
    ]


def test_gap_in_side_job_years(data_copy: Path) -> None:
    """A refund item that stops a year early leaves a gap, named with its years."""
    _break(
        data_copy,
        'key = "travel_rate"\nkind = "side_job"\nfiscal_years = [2024, 2030]',
        'key = "travel_rate"\nkind = "side_job"\nfiscal_years = [2024, 2028]',
    )
    english, _ = _messages(data_copy)
    assert english[1:] == [
        "- rules.toml, column “fiscal_years”: travel_rate (side_job) does not cover "
        "fiscal year(s) 2029, 2030; every rule of a type must cover the same years."
    ]


def test_syntax_error_and_missing_file(data_copy: Path) -> None:
    """Unreadable TOML says where; a missing file says so."""
    line = _entry_line(data_copy, "value = 36") + 4
    _break(data_copy, "value = 36", "value = = 36")
    english, japanese = _messages(data_copy)
    assert english[1].startswith("- rules.toml: not readable as TOML (")
    assert f"line {line}," in english[1]
    assert japanese[1].startswith("- rules.toml：TOML として読めません（")
    (data_copy / "rules.toml").unlink()
    assert _messages(data_copy)[0][1:] == ["- rules.toml: the file is missing."]


def test_input_error_terms_follow_the_language() -> None:
    """Terms, fiscal years, names and dates in an error are shown in its language."""
    from datetime import date

    error = InputError(
        "check.error_outside_rules",
        kind=Term("values.side_job"),
        date=date(2023, 5, 1),
        first=FiscalYear(2024),
        last=FiscalYear(2030),
    )
    assert error.message("ja") == (
        "2023-05-01 は、副業型について当方が把握している規則の年度（令和6年度～"
        "令和12年度）の外です。この範囲の日付を選んでください。"
    )
    assert str(error) == (
        "2023-05-01 is outside the fiscal years of the rules we know for the type "
        "“Side job” (FY2024 to FY2030). Choose a date in that range."
    )
    assert Named("東京都", "Tokyo").text("en") == "Tokyo"
