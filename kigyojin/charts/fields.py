"""Charts of the fields page: the groups, the 15 categories, and the sample beside.

Every bar can be clicked: the point selection `GROUP_PARAM` reports the group of
the bar, which the page turns into its group filter. Bars outside the chosen
groups are drawn faint, so the chart shows the filter the table beside it uses.
"""

import re
import unicodedata
from collections.abc import Iterable

import altair as alt
import pandas as pd

from kigyojin import fmt
from kigyojin.charts import configure
from kigyojin.fields import GROUPS
from kigyojin.i18n import label, translate
from kigyojin.style import FIELD_GROUP_COLORS, SAMPLE_COLORS

# The name of the click selection on every chart of this module.
GROUP_PARAM = "group_pick"
# Axis labels are wrapped to lines of about this many characters (Japanese) or
# letters (English), two lines at most for the 15 categories; the part in
# brackets is left to the tooltip.
WRAP_JA = 14
WRAP_EN = 24
# How faint a bar outside the chosen groups is drawn.
FADED = 0.3
# Lines of a wrapped axis label are joined with this character, which the axis's
# `labelExpr` splits on again (a string is drawn as one line, an array as lines).
LINE_BREAK = "|"
TEXT_COLOR = "#222222"
# Text written after a bar: its size, and an estimate of how wide a character
# is drawn (full-width characters about the font size, others about 0.6 of it).
BAR_TEXT_SIZE = 12
NARROW_CHAR = 0.6
# Pixels between a bar's end and its text, plus a margin at the chart's edge.
BAR_TEXT_GAP = 4
EDGE_MARGIN = 6
# However narrow the chart, the longest bar keeps at least this share of it.
MIN_BAR_SHARE = 0.3


def group_label(group: str, lang: str) -> str:
    """The display name of a field group."""
    return translate(f"fields.group_{group}", lang)


def wrap_label(text: str, lang: str) -> str:
    """A long label shortened and wrapped for an axis, lines joined by LINE_BREAK.

    The part in brackets （…） or (…) is dropped; the rest is broken after ・ so
    that lines stay near WRAP_JA characters, or between words near WRAP_EN
    letters in English.
    """
    text = re.split(r"\s*[（(]", text, maxsplit=1)[0] or text
    if lang == "en":
        words, width = text.split(" "), WRAP_EN
        pieces = [w + " " for w in words[:-1]] + words[-1:]
    else:
        width = WRAP_JA
        pieces = re.findall(r"[^・]+・?", text) or [text]
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + len(piece.rstrip()) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return LINE_BREAK.join(line.rstrip() for line in lines)


def count_share(count: int, share: float, lang: str, unit: str = "people") -> str:
    """A bar's text: 216人・27.7% / 216 · 27.7% (`unit` "records": 件)."""
    return translate(
        f"fields.bar_{unit}", lang, count=fmt.number(count), share=fmt.percent(share)
    )


def _color(lang: str) -> alt.Color:
    return alt.Color(
        "group_label:N",
        title=translate("fields.col_group", lang),
        # One column: a legend under the plot starts after the axis labels, and a
        # wider one would run off a phone's screen.
        legend=alt.Legend(columns=1, labelLimit=0),
        sort=[group_label(g, lang) for g in GROUPS],
        scale=alt.Scale(
            domain=[group_label(g, lang) for g in GROUPS],
            range=[FIELD_GROUP_COLORS[g] for g in GROUPS],
        ),
    )


def text_width(text: str, size: float = BAR_TEXT_SIZE) -> float:
    """About how many pixels `text` takes at font `size`."""
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
    return wide * size + (len(text) - wide) * size * NARROW_CHAR


def value_axis(field: str, title: str, longest: float, texts: Iterable[str]) -> alt.X:
    """The bars' value axis, leaving room after the longest bar for its text.

    The room is measured in pixels, so the scale is set by an expression of the
    chart's width: the texts stay inside the chart on a phone and a projector.
    """
    room = max(map(text_width, texts), default=0) + BAR_TEXT_GAP + EDGE_MARGIN
    reach = (
        f"{float(longest)} * width / max(width - {room:.0f}, width * {MIN_BAR_SHARE})"
    )
    return alt.X(
        field,
        title=title,
        scale=alt.Scale(domainMax=alt.ExprRef(reach), nice=False),
        # The scale ends between ticks: a tick label near the end would stick out
        # past the chart, so it is hidden (labelBound); the first is kept inside.
        axis=alt.Axis(labelFlush=True, labelBound=True),
    )


def faded_unless(column: str) -> dict:
    """Full opacity where the boolean `column` is true, faint elsewhere."""
    return alt.condition(alt.datum[column], alt.value(1.0), alt.value(FADED))


def _pick() -> alt.Parameter:
    return alt.selection_point(name=GROUP_PARAM, fields=["group"], on="click")


def _wrapped_axis() -> alt.Axis:
    # Vega hides labels it thinks overlap; two-line labels fit the band, keep all.
    return alt.Axis(
        labelExpr=f"split(datum.label, '{LINE_BREAK}')",
        labelLimit=0,
        labelOverlap=False,
    )


def groups_chart(groups: pd.DataFrame, lang: str, chosen: Iterable[str] = ()):
    """Sorted horizontal bars of people per group (`fields.grouped()`), clickable."""
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    chosen = list(chosen)
    frame = groups.copy()
    frame["group_label"] = frame["group"].map(lambda g: group_label(g, lang))
    frame["text"] = [
        count_share(p, s, lang)
        for p, s in zip(frame["people"], frame["share"], strict=True)
    ]
    frame["share_label"] = frame["share"].map(fmt.percent)
    frame["chosen"] = frame["group"].isin(chosen) if chosen else True
    order = frame["group_label"].tolist()  # already sorted, the rest last
    base = alt.Chart(frame).encode(
        y=alt.Y("group_label:N", sort=order, title=None),
        x=value_axis(
            "people:Q", t("charts.people"), frame["people"].max(), frame["text"]
        ),
    )
    bars = base.mark_bar(cursor="pointer").encode(
        color=_color(lang).legend(None),  # the axis names the groups
        opacity=faded_unless("chosen"),
        tooltip=[
            alt.Tooltip("group_label:N", title=t("fields.col_group")),
            alt.Tooltip("people:Q", title=t("charts.people"), format=","),
            alt.Tooltip("share_label:N", title=t("charts.share")),
            alt.Tooltip("categories:Q", title=t("fields.col_categories")),
        ],
    )
    text = base.mark_text(align="left", dx=BAR_TEXT_GAP, fontSize=BAR_TEXT_SIZE).encode(
        text="text:N", color=alt.value(TEXT_COLOR)
    )
    chart = (bars.add_params(_pick()) + text).properties(height=alt.Step(34))
    return configure(chart)


def categories_chart(fields: pd.DataFrame, lang: str, chosen: Iterable[str] = ()):
    """Sorted bars of the 15 categories (`fields.breakdown()`), coloured by group.

    Axis labels are shortened and wrapped; the tooltip holds the full name as
    published, with its English name in English.
    """
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    chosen = list(chosen)
    frame = fields.copy()
    frame["category_label"] = frame["category"].map(lambda c: label(c, lang))
    frame["axis_label"] = frame["category_label"].map(lambda c: wrap_label(c, lang))
    frame["group_label"] = frame["group"].map(lambda g: group_label(g, lang))
    frame["text"] = [
        count_share(p, s, lang)
        for p, s in zip(frame["people"], frame["share"], strict=True)
    ]
    frame["share_label"] = frame["share"].map(fmt.percent)
    frame["chosen"] = frame["group"].isin(chosen) if chosen else True
    order = frame["axis_label"].tolist()  # already sorted, その他 last
    tooltip = [alt.Tooltip("category:N", title=t("fields.col_category_full"))]
    if lang != "ja":
        tooltip.append(alt.Tooltip("category_label:N", title=t("fields.col_category")))
    tooltip += [
        alt.Tooltip("group_label:N", title=t("fields.col_group")),
        alt.Tooltip("people:Q", title=t("charts.people"), format=","),
        alt.Tooltip("share_label:N", title=t("charts.share")),
    ]
    base = alt.Chart(frame).encode(
        y=alt.Y("axis_label:N", sort=order, title=None, axis=_wrapped_axis()),
        x=value_axis(
            "people:Q", t("charts.people"), frame["people"].max(), frame["text"]
        ),
    )
    bars = base.mark_bar(cursor="pointer").encode(
        color=_color(lang), opacity=faded_unless("chosen"), tooltip=tooltip
    )
    text = base.mark_text(align="left", dx=BAR_TEXT_GAP, fontSize=BAR_TEXT_SIZE).encode(
        text="text:N", color=alt.value(TEXT_COLOR)
    )
    chart = (bars.add_params(_pick()) + text).properties(height=alt.Step(40))
    return configure(chart)


def sample_chart(by_group: pd.DataFrame, lang: str, chosen: Iterable[str] = ()):
    """Shares per group: the national FY2023 figures beside the host-record sample.

    `by_group` is `fields.sample_by_group()`. Each group has two bars, labelled
    with their count and share; the sample's bar says it is a sample.
    """
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    chosen = list(chosen)
    national = t("fields.series_national")
    sampled = t("fields.series_sample")
    rows = []
    for row in by_group.itertuples():
        for series, count, share, unit in (
            (national, row.people, row.national_share, "people"),
            (sampled, row.records, row.sample_share, "records"),
        ):
            rows.append(
                {
                    "group": row.group,
                    "group_label": group_label(row.group, lang),
                    "series": series,
                    "count": int(count),
                    "share": float(share),
                    "share_label": fmt.percent(share),
                    "text": count_share(int(count), share, lang, unit),
                    "chosen": row.group in chosen if chosen else True,
                }
            )
    frame = pd.DataFrame(rows)
    order = [group_label(g, lang) for g in by_group["group"]]
    base = alt.Chart(frame).encode(
        y=alt.Y("group_label:N", sort=order, title=None),
        yOffset=alt.YOffset("series:N", sort=[national, sampled]),
        x=value_axis(
            "share:Q", t("charts.share_percent"), frame["share"].max(), frame["text"]
        ),
    )
    bars = base.mark_bar(cursor="pointer").encode(
        color=alt.Color(
            "series:N",
            title=None,
            sort=[national, sampled],
            legend=alt.Legend(orient="top", direction="vertical", labelLimit=0),
            scale=alt.Scale(
                domain=[national, sampled],
                range=[SAMPLE_COLORS["national"], SAMPLE_COLORS["sample"]],
            ),
        ),
        opacity=faded_unless("chosen"),
        tooltip=[
            alt.Tooltip("group_label:N", title=t("fields.col_group")),
            alt.Tooltip("series:N", title=t("fields.col_series")),
            alt.Tooltip("count:Q", title=t("fields.col_count"), format=","),
            alt.Tooltip("share_label:N", title=t("charts.share")),
        ],
    )
    text = base.mark_text(align="left", dx=BAR_TEXT_GAP, fontSize=BAR_TEXT_SIZE).encode(
        text="text:N", color=alt.value(TEXT_COLOR)
    )
    chart = (bars.add_params(_pick()) + text).properties(height=alt.Step(20))
    return configure(chart)
