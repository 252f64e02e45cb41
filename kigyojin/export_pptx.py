"""The story as a PowerPoint deck, to hand out after a seminar.

A title slide with the data's vintage and the filters in force, then one slide
per slide of the story: its title, its message, its headline figures, its chart
as a PNG drawn on the server (`render`), its notes and its 出典. All text is in
the user's language and stays text (searchable, and Japanese intact); the fonts
named are Meiryo, which PowerPoint on Windows and Office for Mac have, and any
other viewer replaces with a Japanese font of its own.
"""

import io
import logging
from collections.abc import Sequence
from datetime import date

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from kigyojin import presenter, render
from kigyojin.errors import KigyojinError
from kigyojin.i18n import translate

logger = logging.getLogger(__name__)

# 16:9, the shape of a projector and of PowerPoint's default.
SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.5)
FONT = "Meiryo"
TEXT_COLOR = RGBColor(0x22, 0x22, 0x22)
MUTED_COLOR = RGBColor(0x55, 0x55, 0x55)
CHART_WIDTH_PX = 900  # CSS pixels before the 2× projector scale
FIGURE_COLUMN = Inches(3.6)
FOOTER_LINE = Inches(0.22)  # one 11-pt line of notes and sources
LANGUAGE_TAGS = {"ja": "ja-JP", "en": "en-US"}
# A slide that could not be made shows at most this many lines of the reason.
REASON_LINES = 8


def build(
    lang: str,
    filters: presenter.Filters | None = None,
    *,
    host_list: presenter.HostList | None = None,
) -> bytes:
    """The deck of the whole story in `lang`, with the view's `filters`, as bytes.

    `host_list` is an official's own host list, used instead of the public sample
    on the slides of host records. A slide that cannot be made, for whatever
    reason, becomes a slide saying so: the rest of the deck is still handed out.
    """
    filters = filters or {}
    slides, failed = [], []
    for key in presenter.story():
        try:
            slides.append(presenter.slide(key, lang, filters, host_list=host_list))
        except Exception as error:  # one broken slide must not cost the whole deck
            slides.append(_failed(key, lang, error))
            failed.append(key)
    return deck(slides, lang, filters, host_list=host_list, failed=failed)


def _failed(key: str, lang: str, error: Exception) -> presenter.Slide:
    """A slide saying why slide `key` could not be made, in `lang`."""
    # Messages of our own errors say what to fix; anything else is a bug to log.
    ours = isinstance(error, KigyojinError)
    logger.warning(
        "slide %s could not be made: %s", key, error, exc_info=None if ours else error
    )
    title = translate(f"present.about_{key}", lang)
    reason = error.message(lang) if ours else translate("present.slide_failed", lang)
    return presenter.Slide(
        key=key,
        title=title,
        message=translate("present.slide_failed_title", lang, title=title),
        notes=tuple(reason.splitlines()[:REASON_LINES]),
    )


def deck(
    slides: Sequence[presenter.Slide],
    lang: str,
    filters: presenter.Filters,
    *,
    host_list: presenter.HostList | None = None,
    failed: Sequence[str] = (),
    today: date | None = None,
) -> bytes:
    """A deck of `slides` after a title slide, as the bytes of a .pptx file.

    `failed` are the keys of slides that say they could not be made; a slide
    whose chart cannot be drawn is replaced by one saying so too.
    """
    t = lambda key, **kw: translate(f"present.{key}", lang, **kw)  # noqa: E731
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    blank = prs.slide_layouts[6]
    tag = LANGUAGE_TAGS.get(lang, "ja-JP")

    # Charts are drawn first, so that a chart that fails leaves no half-made slide.
    drawn, failed = [], list(failed)
    for item in slides:
        try:
            image = None if item.chart is None else _chart_png(item.chart)
        except Exception as error:  # the slide says so instead
            item, image = _failed(item.key, lang, error), None
            failed.append(item.key)
        drawn.append((item, image))

    title_slide = prs.slides.add_slide(blank)
    box = _text_box(title_slide, MARGIN, Inches(1.2), Inches(12.3), Inches(1.4))
    _paragraph(box, t("deck_title"), 40, tag, bold=True)
    _paragraph(box, t("deck_subtitle"), 24, tag, color=MUTED_COLOR)
    box = _text_box(title_slide, MARGIN, Inches(3.1), Inches(12.3), Inches(4))
    _paragraph(box, t("deck_vintage_heading"), 18, tag, bold=True)
    for line in presenter.vintage_lines(lang, today):
        _paragraph(box, line, 16, tag)
    _paragraph(box, t("deck_filters_heading"), 18, tag, bold=True, space_before=12)
    for line in presenter.filter_lines(filters, lang, host_list=host_list):
        _paragraph(box, line, 16, tag)
    if failed:
        _paragraph(
            box,
            t(
                "deck_omitted",
                titles=t("list_separator").join(t(f"about_{k}") for k in failed),
            ),
            14,
            tag,
            color=MUTED_COLOR,
            space_before=12,
        )

    for number, (item, image) in enumerate(drawn, start=2):
        _story_slide(prs.slides.add_slide(blank), item, image, lang, tag, number)

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _story_slide(
    slide, item: presenter.Slide, image: bytes | None, lang: str, tag: str, number: int
) -> None:
    box = _text_box(slide, MARGIN, Inches(0.3), Inches(12.3), Inches(0.8))
    _paragraph(box, item.title, 30, tag, bold=True)
    box = _text_box(slide, MARGIN, Inches(1.1), Inches(12.3), Inches(0.8))
    _paragraph(box, item.message, 18, tag)

    # Each footer line past the second takes room from the chart above it.
    lines = len(item.notes) + len(item.sources)
    footer_top = Inches(6.3) - FOOTER_LINE * max(0, lines - 2)
    top, bottom = Inches(2.0), footer_top - Inches(0.1)
    left = MARGIN
    if item.figures:
        width = FIGURE_COLUMN if image is not None else Inches(12.3)
        _figures(slide, item.figures, left, top, width, bottom - top, tag, image)
        if image is not None:
            left = MARGIN + FIGURE_COLUMN + Inches(0.2)
    if image is not None:
        _picture(slide, image, left, top, SLIDE_WIDTH - MARGIN - left, bottom - top)

    box = _text_box(slide, MARGIN, footer_top, Inches(11.8), SLIDE_HEIGHT - footer_top)
    note_prefix = translate("present.note_prefix", lang)
    for note in item.notes:
        _paragraph(box, note_prefix + note, 11, tag, color=MUTED_COLOR)
    for key in item.sources:
        line = translate("sources.prefix", lang) + translate(f"sources.{key}", lang)
        _paragraph(box, line, 11, tag, color=MUTED_COLOR)
    box = _text_box(slide, Inches(12.4), Inches(6.9), Inches(0.5), Inches(0.4))
    _paragraph(box, str(number), 12, tag, color=MUTED_COLOR, align=PP_ALIGN.RIGHT)


def _figures(slide, shown, left, top, width, height, tag, chart) -> None:
    """Headline figures: stacked beside a chart; on a slide of their own, the
    first on a row by itself and the rest in a row under it."""
    if chart is not None:
        box = _text_box(slide, left, top, width, height)
        for index, figure in enumerate(shown):
            space = 12 if index else 0
            _paragraph(box, figure.value, 32, tag, bold=True, space_before=space)
            _paragraph(box, figure.caption, 14, tag, color=MUTED_COLOR)
        return
    lead, *rest = shown
    lead_height = Emu(int(height * (0.55 if rest else 1)))
    box = _text_box(slide, left, top, width, lead_height)
    box.vertical_anchor = MSO_ANCHOR.MIDDLE
    _paragraph(box, lead.value, 72, tag, bold=True, align=PP_ALIGN.CENTER)
    _paragraph(box, lead.caption, 18, tag, align=PP_ALIGN.CENTER)
    if not rest:
        return
    each = Emu(int(width / len(rest)))
    for index, figure in enumerate(rest):
        box = _text_box(
            slide, left + each * index, top + lead_height, each, height - lead_height
        )
        _paragraph(box, figure.value, 40, tag, bold=True, align=PP_ALIGN.CENTER)
        _paragraph(box, figure.caption, 14, tag, align=PP_ALIGN.CENTER)


def _chart_png(chart) -> bytes:
    """A slide's chart as a PNG, its text sized for a projected slide."""
    spec = render.enlarge(chart, render.EXPORT_TEXT_SCALE)
    return render.png(spec, width=CHART_WIDTH_PX)


def _picture(slide, image: bytes, left, top, width, height) -> None:
    """The PNG `image`, as large as fits the box, keeping its proportions."""
    pixels_wide, pixels_high = _png_size(image)
    scale = min(width / pixels_wide, height / pixels_high)
    shown_width, shown_height = int(pixels_wide * scale), int(pixels_high * scale)
    slide.shapes.add_picture(
        io.BytesIO(image),
        left + (width - shown_width) // 2,
        top,
        Emu(shown_width),
        Emu(shown_height),
    )


def _png_size(image: bytes) -> tuple[int, int]:
    """Width and height of a PNG, read from its header."""
    return int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")


def _text_box(slide, left, top, width, height):
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    return frame


def _paragraph(
    frame,
    text: str,
    size: int,
    tag: str,
    *,
    bold: bool = False,
    color: RGBColor = TEXT_COLOR,
    align=None,
    space_before: int = 0,
) -> None:
    """A paragraph of one run, in the deck's font, tagged with its language."""
    first = len(frame.paragraphs) == 1 and not frame.paragraphs[0].runs
    paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if space_before:
        paragraph.space_before = Pt(space_before)
    run = paragraph.add_run()
    run.text = text
    font = run.font
    font.size, font.bold, font.name = Pt(size), bold, FONT
    font.color.rgb = color
    properties = run._r.get_or_add_rPr()
    properties.set("lang", tag)
    # Japanese characters take the East Asian font, not the Latin one.
    east_asian = properties.find(qn("a:ea"))
    if east_asian is None:
        east_asian = properties.makeelement(qn("a:ea"), {})
        properties.append(east_asian)
    east_asian.set("typeface", FONT)
