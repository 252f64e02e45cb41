"""The command line: what it prints, in which language, and its exit status."""

import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kigyojin import data
from kigyojin.__main__ import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main
from kigyojin.paths import PROJECT_DIR

YEAR_EN = ("--fiscal-year", "2025", "--lang", "en")
TOTALS_2025 = (
    "年度,種別,人数,受入自治体数,派遣元企業数,区分,出典\n"
    "2025,企業派遣型,1020,480,400,公表値,総務省 2026年4月\n"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of `python -m kigyojin argv`, in-process."""
    try:
        status = main(list(argv))
    except SystemExit as stop:  # argparse leaves this way
        status = stop.code
    out, err = capsys.readouterr()
    return status, out, err


def test_import_then_undo_in_japanese(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Success says how to undo it; undo and redo say what they restored and kept."""
    path = tmp_path / "r7.csv"
    path.write_text(TOTALS_2025, encoding="utf-8")
    status, out, err = run(
        capsys, "import", "totals", str(path), "--fiscal-year", "2025"
    )
    snapshot = next((data_copy / ".history").iterdir()).name

    assert (status, err) == (EXIT_OK, "")
    assert out.splitlines() == [
        "r7.csv を取り込みました：令和7年度の全国値（年度・種別ごとの人数・受入自治体数"
        "・企業数）を 1 行、national_totals.csv に書き込みました。",
        f"以前の版は .history/{snapshot} に保存しました。元に戻すには："
        "python -m kigyojin undo totals",
        "アプリは次に開いたときから新しいデータを表示します。",
    ]
    assert data.load("national_totals")["fiscal_year"].max() == 2025

    status, out, err = run(capsys, "undo", "totals")
    undone = next((data_copy / ".history").iterdir()).name
    assert (status, err) == (EXIT_OK, "")
    assert out == (
        f"national_totals.csv を取り込み前の版（.history/{snapshot}）に戻しました。"
        f"置き換えた版は .history/{undone} に保存しました。この undo を取り消すには："
        "python -m kigyojin redo totals\n"
    )
    assert undone.endswith(".undone")
    assert data.load("national_totals")["fiscal_year"].max() == 2024

    status, out, err = run(capsys, "redo", "totals")
    again = next((data_copy / ".history").iterdir()).name
    assert (status, err) == (EXIT_OK, "")
    assert out == (
        f"national_totals.csv を undo の前の版（.history/{undone}）に戻しました。"
        f"置き換えた版は .history/{again} に保存しました。もう一度戻すには："
        "python -m kigyojin undo totals\n"
    )
    assert data.load("national_totals")["fiscal_year"].max() == 2025


def test_a_refused_file_lists_every_problem_in_english(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--lang en, after the command too; status 1; every problem, no traceback."""
    path = tmp_path / "bad.csv"
    path.write_text(
        "年度,種別,人数,区分,出典\n2025,企業派遣,many,公表値,x\n2025,副業型,-1,推計,x\n",
        encoding="utf-8",
    )
    status, out, err = run(
        capsys, "import", "totals", str(path), "--fiscal-year", "R7", "--lang", "en"
    )
    assert (status, out) == (EXIT_REFUSED, "")
    assert err.splitlines() == [
        "bad.csv was not imported; the data were not changed. 3 problem(s):",
        "- bad.csv, row 2, column “種別”: “企業派遣” is not allowed (one of "
        "企業派遣型、副業型、合計).",
        "- bad.csv, row 2, column “人数”: “many” is not a whole number.",
        "- bad.csv, row 3, column “人数”: -1 must be at least 0.",
    ]


def test_replace_is_needed_for_a_year_already_there(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Importing FY2024 again is refused until --replace is given."""
    path = tmp_path / "r6.csv"
    path.write_text(TOTALS_2025.replace("2025,", "2024,"), encoding="utf-8")
    argv = ("import", "totals", str(path), "--fiscal-year", "2024")
    status, _, err = run(capsys, *argv)
    assert status == EXIT_REFUSED
    assert err.splitlines()[1] == (
        "- r6.csv：national_totals.csv には 2024年度のデータがすでにあります。"
        "置き換えるときは --replace を付けてください。"
    )
    status, out, _ = run(capsys, *argv, "--replace")
    assert status == EXIT_OK
    assert out.splitlines()[1] == "それまでの令和6年度の 3 行を置き換えました。"


def test_an_undo_that_would_break_another_table_is_refused(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], unchanged
) -> None:
    """FY2025's totals cannot be undone while FY2025's fields rest on them."""
    totals = tmp_path / "r7.csv"
    totals.write_text(TOTALS_2025, encoding="utf-8")
    fields = tmp_path / "f7.csv"
    fields.write_text("年度,分野,人数,資料記載の割合\n2025,DX,1020,100\n", "utf-8")
    assert run(capsys, "import", "totals", str(totals), *YEAR_EN)[0] == EXIT_OK
    assert run(capsys, "import", "fields", str(fields), *YEAR_EN)[0] == EXIT_OK

    with unchanged():
        status, out, err = run(capsys, "undo", "totals", "--lang", "en")
    assert (status, out) == (EXIT_REFUSED, "")
    assert err.splitlines() == [
        "national_totals.csv was not restored: the other tables would no longer "
        "agree with it (first undo what was imported later and depends on it). The "
        "data were not changed. 1 problem(s):",
        "- mic_r5/categories.csv, column “fiscal_year”: national_totals.csv has no "
        "FY2025. Import the year's totals first (python -m kigyojin import totals).",
    ]
    assert run(capsys, "undo", "fields")[0] == EXIT_OK
    assert run(capsys, "undo", "totals")[0] == EXIT_OK


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("import", "people", "x.csv", "--fiscal-year", "2025"), "invalid choice"),
        (("import", "totals", "x.csv"), "--fiscal-year"),
        (("import", "totals", "x.csv", "--fiscal-year", "平成30"), "平成30"),
        ((), "command"),
    ],
)
def test_a_wrong_command_is_status_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], expected: str
) -> None:
    """Usage errors: status 2, the usage line and a Japanese lead-in."""
    status, out, err = run(capsys, *argv)
    assert (status, out) == (EXIT_USAGE, "")
    assert err.startswith("usage: python -m kigyojin")
    assert "コマンドの指定が正しくありません：" in err and expected in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("import", "totals", "{tmp}/missing.csv", "--fiscal-year", "2025"),
            "ファイル {tmp}/missing.csv が見つかりません。",
        ),
        (
            ("undo", "fields"),
            "mic_r5/categories.csv には元に戻せる取り込みがありません。",
        ),
        (
            ("redo", "hosts"),
            "kigyoujin_hosts.csv には取り消せる undo がありません。",
        ),
        (
            ("template", "hosts", "{tmp}/no/such/folder/t.csv"),
            "{tmp}/no/such/folder/t.csv に書き込めません"
            "（No such file or directory）。",
        ),
    ],
)
def test_user_errors_are_one_line_and_status_1(
    data_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    message: str,
) -> None:
    """A missing file, nothing to undo, an unwritable target: one message, status 1."""
    argv = tuple(a.format(tmp=tmp_path) for a in argv)
    status, out, err = run(capsys, *argv)
    assert (status, out, err) == (EXIT_REFUSED, "", message.format(tmp=tmp_path) + "\n")


def test_templates_in_both_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CSV with BOM by default; .xlsx with --xlsx or from the file name."""
    status, out, _ = run(capsys, "template", "companies", str(tmp_path / "c.csv"))
    assert status == EXIT_OK
    assert out == (
        f"派遣元企業のランキングのテンプレートを {tmp_path / 'c.csv'} "
        "に書き出しました。\n"
    )
    text = (tmp_path / "c.csv").read_bytes().decode("utf-8")
    assert text.splitlines()[:2] == [
        "\ufeff年度,順位,企業名,人数,出典,出典URL",
        "2023,1,株式会社JTB,43,総務省「地域活性化起業人制度の活用について」（2024年）,",
    ]

    for argv in (("--xlsx", str(tmp_path / "a")), (str(tmp_path / "b.xlsx"),)):
        assert run(capsys, "template", "totals", *argv)[0] == EXIT_OK
    for name in ("a", "b.xlsx"):
        content = io.BytesIO((tmp_path / name).read_bytes())
        sheet = openpyxl.load_workbook(content).worksheets[0]
        assert [cell.value for cell in sheet[1]][:3] == ["年度", "種別", "人数"]


def test_the_module_runs_as_a_program(data_copy: Path, tmp_path: Path) -> None:
    """`python -m kigyojin` itself: a refused import exits 1 with no traceback."""
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "-m", "kigyojin", "import", "hosts", str(path), *YEAR_EN],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env={**os.environ, "KIGYOJIN_DATA_DIR": str(data_copy)},
        check=False,
    )
    assert (done.returncode, done.stdout) == (EXIT_REFUSED, "")
    assert done.stderr.splitlines() == [
        "empty.csv was not imported; the data were not changed. 1 problem(s):",
        "- empty.csv: the file is empty. Put the column names in row 1 and the values "
        "from row 2.",
    ]
