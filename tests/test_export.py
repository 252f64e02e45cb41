"""Exports: the PowerPoint deck read back, PNG at projector size, no tofu."""

import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from streamlit.testing.v1 import AppTest

from kigyojin import data, export_pptx, presenter, render
from kigyojin import figures as national
from kigyojin.charts import overview as overview_charts
from kigyojin.paths import PROJECT_DIR
from kigyojin.style import FONT_FAMILY

JAPANESE_SAMPLE = "地域活性化起業人"


def pixels(png: bytes) -> np.ndarray:
    """A PNG decoded to grey levels."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def title_chart(text: str) -> alt.Chart:
    """A chart whose only text is `text`, as its title, in the app's fonts."""
    frame = pd.DataFrame({"x": [1]})
    chart = alt.Chart(frame, title=alt.Title(text, fontSize=40)).mark_point(opacity=0)
    return chart.encode(x=alt.X("x:Q", axis=None)).configure(font=FONT_FAMILY)


def glyphs_differ(text: str) -> bool:
    """Whether `text` and its reverse draw differently: tofu draws every missing
    character as the same box (or nothing), so both would come out the same."""
    first = pixels(render.png(title_chart(text), width=None))
    second = pixels(render.png(title_chart(text[::-1]), width=None))
    return first.shape != second.shape or bool((first != second).any())


# --- PNG ------------------------------------------------------------------------------


def test_chart_png_is_projector_wide_and_not_blank() -> None:
    """A chart comes out 1,920 pixels wide, with something drawn on it."""
    chart = overview_charts.trend_chart(national.trend(), "people", "ja")
    image = pixels(render.png(render.enlarge(chart, render.EXPORT_TEXT_SCALE)))
    assert image.shape[1] == render.PROJECTOR_WIDTH * render.PROJECTOR_SCALE == 1920
    assert image.std() > 10


# Runs of Japanese characters in a spec.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]{2,}")


def test_page_chart_png_is_drawn_with_japanese_glyphs() -> None:
    """The overview's age chart as its PNG download: 1,920 px, not blank, and its
    Japanese drawn as glyphs (reversing every Japanese word changes the image;
    with tofu, every character is the same box and nothing would change)."""
    chart = overview_charts.age_gender_chart(national.age_gender(), "age", "ja")
    image = render.export_png(chart)
    drawn = pixels(image)
    assert drawn.shape[1] == 1920 and drawn.std() > 10
    text = json.dumps(chart.to_dict(), ensure_ascii=False)
    words = set(_JAPANESE.findall(text))
    assert {"年齢", "割合", "年度"} <= words, words  # its axis and legend titles
    mirrored = json.loads(_JAPANESE.sub(lambda m: m.group(0)[::-1], text))
    assert (pixels(render.export_png(mirrored)) != drawn).any()


PNG_LABEL = "画像（PNG）をダウンロード"


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("overview", {}),
        ("fields", {}),
        ("companies", {}),
        ("check", {"for": "municipality", "code": "01209"}),
        ("matching", {}),
        ("matching", {"code": "01209"}),
    ],
)
def test_every_page_chart_has_a_png_download(page: str, params: dict) -> None:
    """Beside each Altair chart of a page, a PNG download (made on click)."""
    at = AppTest.from_file("../app.py", default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run().switch_page(f"pages/{page}.py").run()
    assert not at.exception
    charts = at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart")
    buttons = [b for b in at.get("download_button") if b.proto.label == PNG_LABEL]
    assert charts and len(buttons) == len(charts)
    assert all(b.proto.HasField("deferred_file_id") for b in buttons)


def test_japanese_title_renders_as_glyphs() -> None:
    """Japanese text in an exported image is drawn as distinct glyphs, not tofu."""
    assert glyphs_differ(JAPANESE_SAMPLE)


def test_enlarge_scales_text_not_data() -> None:
    """Font sizes and offsets grow; data values stay as they were."""
    chart = overview_charts.trend_chart(national.trend(), "people", "en")
    spec = chart.to_dict()
    large = render.enlarge(chart, 2)
    assert large["config"]["axis"]["labelFontSize"] == 2 * 13
    assert large["layer"][1]["mark"]["fontSize"] == 2 * 12
    assert large["layer"][1]["mark"]["dy"] == -16
    assert large["datasets"] == spec["datasets"]


# Run in a fresh process whose fontconfig sees only an empty folder: no system font
# at all, as on a machine without fonts-noto-cjk. It registers the folders given.
_ISOLATED = """
import json, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from kigyojin import render
import test_export
render.use_fonts([Path(p) for p in json.loads(sys.argv[1])])
print(json.dumps(test_export.glyphs_differ(test_export.JAPANESE_SAMPLE)))
"""


def glyphs_differ_with_only(folders: list[Path], tmp_path: Path) -> bool:
    """`glyphs_differ` in a process that knows only the font `folders`."""
    empty = tmp_path / "no-fonts"
    empty.mkdir(exist_ok=True)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<fontconfig><dir>' + str(empty) + "</dir></fontconfig>"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _ISOLATED.format(tests=str(Path(__file__).parent)),
            json.dumps([str(f) for f in folders]),
        ],
        env={"FONTCONFIG_FILE": str(config), "PATH": "/usr/bin:/bin"},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_bundled_font_draws_japanese_without_system_fonts(tmp_path: Path) -> None:
    """With no system font at all, the font shipped as a package draws Japanese."""
    folder = render.bundled_font_directory()
    assert folder is not None, "matplotlib-fontja is a dependency: pip install -e ."
    assert glyphs_differ_with_only([folder], tmp_path)


def test_tofu_check_fails_without_a_japanese_font(tmp_path: Path) -> None:
    """The glyph check catches tofu: with no Japanese font it reports no glyphs."""
    latin = Path("/usr/share/fonts/truetype/dejavu")
    assert not glyphs_differ_with_only([latin] if latin.is_dir() else [], tmp_path)


# --- PowerPoint -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def deck_ja() -> Presentation:
    """The Japanese deck with the trend on companies, read back."""
    filters = {"measure": ["companies"], "lang": ["ja"]}
    slides = presenter.slides("ja", filters)
    data = export_pptx.deck(slides, "ja", filters, today=date(2026, 4, 1))
    return Presentation(io.BytesIO(data))


def slide_texts(slide) -> list[str]:
    """The text of each text box of a slide, in order."""
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def test_deck_has_a_title_slide_and_one_per_story_slide(deck_ja) -> None:
    """1 title slide + the story, each titled as the presenter shows it."""
    story = presenter.slides("ja", {"measure": "companies"})
    assert len(deck_ja.slides) == 1 + len(story)
    titles = [slide_texts(s)[0] for s in list(deck_ja.slides)[1:]]
    assert titles == [s.title for s in story]
    assert "年度別の推移：派遣元企業数" in titles


def test_title_slide_states_vintage_and_filters(deck_ja) -> None:
    """The title slide holds the data's vintage and the filters in force."""
    text = "\n".join(slide_texts(deck_ja.slides[0]))
    assert "地域活性化起業人制度" in text
    assert "全国の実績：令和3年度〜令和6年度" in text
    assert "推移の指標：派遣元企業数" in text
    assert "作成日：2026-04-01" in text


def test_every_story_slide_has_its_source(deck_ja) -> None:
    """Each slide after the title carries its 出典 line(s)."""
    for slide in list(deck_ja.slides)[1:]:
        assert any(
            line.startswith("出典：")
            for t in slide_texts(slide)
            for line in t.splitlines()
        ), slide_texts(slide)[0]


def test_japanese_text_is_intact(deck_ja) -> None:
    """The message of the map slide reads back character for character."""
    expected = presenter.slide("map", "ja").message
    texts = [t for s in deck_ja.slides for t in slide_texts(s)]
    assert expected in texts
    runs = [
        run
        for shape in deck_ja.slides[1].shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    ]
    assert all(r._r.rPr.get("lang") == "ja-JP" for r in runs)


def test_chart_images_are_not_blank(deck_ja) -> None:
    """Every picture is a PNG of real content: varied pixels, projector-wide."""
    pictures = [
        shape
        for slide in deck_ja.slides
        for shape in slide.shapes
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    with_chart = [s for s in presenter.slides("ja") if s.chart is not None]
    assert len(pictures) == len(with_chart)
    for picture in pictures:
        image = pixels(picture.image.blob)
        assert image.shape[1] >= 1800
        assert image.std() > 10


def test_english_deck_is_in_english() -> None:
    """The deck follows the language: English titles and sources."""
    data = export_pptx.build("en", {})
    deck = Presentation(io.BytesIO(data))
    first = slide_texts(deck.slides[0])
    assert first[0].startswith("Regional Revitalization Entrepreneurs")
    assert "No filters (whole country, default view)" in first[1]
    assert any("Source: " in t for t in slide_texts(deck.slides[1]))


def test_a_broken_data_file_gives_slides_that_say_so(data_copy, caplog) -> None:
    """A corrupt national totals file: every slide is still there, those that
    need the file saying in English why they could not be made."""
    (data_copy / "national_totals.csv").write_text("fiscal_year,kind\n2024,oops\n")
    with caplog.at_level("WARNING", logger="kigyojin.export_pptx"):
        deck = Presentation(io.BytesIO(export_pptx.build("en", {})))
    slides = list(deck.slides)[1:]
    assert len(slides) == len(presenter.story())
    texts = {slide_texts(s)[0]: "\n".join(slide_texts(s)) for s in slides}
    assert "Who may host, and who has" in texts
    assert texts["Headline figures"].startswith(
        "Headline figures\nThe slide “Headline figures” could not be made.\n"
        "Note: The data file national_totals.csv could not be loaded."
    )
    assert "The slide “Trend” could not be made." in texts["Trend"]
    first = "\n".join(slide_texts(deck.slides[0]))
    assert "Slides that could not be made (each says why): " in first
    assert "Headline figures" in first and "Trend" in first
    failed = [r for r in caplog.records if r.levelname == "WARNING"]
    assert any("slide headline could not be made" in r.getMessage() for r in failed)


def test_an_unexpected_failure_costs_one_slide(monkeypatch, caplog) -> None:
    """A slide whose builder or chart fails for any reason becomes a slide saying
    so in the user's language, logged at WARNING; the rest of the deck is made."""

    def broken(lang, filters):
        raise RuntimeError("a bug")

    monkeypatch.setitem(presenter.SLIDES, "origins", broken)
    drawn = render.png

    def fails_on_maps(spec, **kwargs):
        if "layer" in spec and "topojson" in json.dumps(spec["layer"][0]["data"]):
            raise OSError("renderer gone")
        return drawn(spec, **kwargs)

    monkeypatch.setattr(render, "png", fails_on_maps)
    with caplog.at_level("WARNING", logger="kigyojin.export_pptx"):
        deck = Presentation(io.BytesIO(export_pptx.build("ja", {})))
    texts = ["\n".join(slide_texts(s)) for s in list(deck.slides)[1:]]
    assert len(texts) == len(presenter.story())
    unexpected = (
        "注：予期しない問題が起きました。データを確認してから、"
        "もう一度ダウンロードしてください。"
    )
    assert texts[presenter.story().index("origins")].startswith(
        "パートナーの見つけ方\n「パートナーの見つけ方」のスライドは作成できませんでした。\n"
        + unexpected
    )
    map_text = texts[presenter.story().index("map")]
    assert map_text.startswith("受入可能な市町村の地図\n「受入可能な市町村の地図」")
    assert unexpected in map_text
    assert texts[0].startswith(presenter.slide("headline", "ja").title)
    logged = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "slide origins could not be made: a bug" in logged
    assert "slide map could not be made: renderer gone" in logged


def test_a_deck_builds_from_a_year_without_some_figures(data_copy) -> None:
    """A latest year with people only (no hosts, no companies): the deck's
    headline slide shows what there is."""
    path = data_copy / "national_totals.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("2025,dispatch,900,,,stated,総務省（試験用の行）,\n")
    deck = Presentation(io.BytesIO(export_pptx.build("ja", {})))
    headline = slide_texts(deck.slides[1])
    assert headline[:2] == ["令和7年度の地域活性化起業人", "企業派遣型 900人"]
    assert "900人" in headline[2]


def test_title_slide_names_the_calculator_and_upload() -> None:
    """From /check with an uploaded host list: the refund's inputs and the list."""
    filters = {"kind": ["side_job"], "start": ["2026-04-01"], "end": ["2027-03-31"]}
    records = data.load("hosts").head(5)  # the table, as an upload reads
    host_list = presenter.HostList("own.csv", records)
    slides = presenter.slides("ja", filters, host_list=host_list)
    deck = Presentation(
        io.BytesIO(export_pptx.deck(slides, "ja", filters, host_list=host_list))
    )
    lines = "\n".join(slide_texts(deck.slides[0])).splitlines()
    assert lines[lines.index("表示条件") + 1 :] == [
        "措置額の試算の型：副業型",
        "開始日：2026-04-01（令和8年度）",
        "終了日：2027-03-31（令和8年度）",
        "報償費等：100万円",
        "受入事例：アップロードした一覧「own.csv」（5件、このセッションのみ。"
        "公開事例の標本の代わり）",
    ]
    refund = slide_texts(deck.slides[1 + presenter.story().index("refund")])
    assert refund[0] == "国の措置額の試算（副業型）"
