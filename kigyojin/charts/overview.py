"""Charts of the overview: trend by type, routes to an agreement, age and gender."""

import altair as alt
import pandas as pd

from kigyojin import fmt
from kigyojin.charts import configure
from kigyojin.i18n import label, translate
from kigyojin.style import KIND_COLORS, SIDE_COLORS


def trend_chart(trend: pd.DataFrame, measure: str, lang: str) -> alt.Chart:
    """Grouped bars of one measure per fiscal year, one colour per programme type.

    Derived (not published) years are drawn lighter and say so in the tooltip.
    """
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    frame = trend[trend["measure"] == measure].copy()
    frame["year_label"] = frame["fiscal_year"].map(lambda y: fmt.fiscal_year(y, lang))
    frame["kind_label"] = frame["kind"].map(lambda k: label(k, lang))
    frame["basis_label"] = frame["basis"].map(lambda b: label(b, lang))
    kinds = [k for k in KIND_COLORS if k in set(frame["kind"])]
    years = [fmt.fiscal_year(y, lang) for y in sorted(frame["fiscal_year"].unique())]
    chart = (
        alt.Chart(frame, title=label(measure, lang))
        .mark_bar()
        .encode(
            x=alt.X(
                "year_label:N",
                sort=years,
                title=t("charts.fiscal_year"),
                axis=alt.Axis(labelAngle=0),
            ),
            xOffset=alt.XOffset("kind_label:N", sort=[label(k, lang) for k in kinds]),
            y=alt.Y("value:Q", title=label(measure, lang)),
            color=alt.Color(
                "kind_label:N",
                title=t("charts.kind"),
                sort=[label(k, lang) for k in kinds],
                scale=alt.Scale(
                    domain=[label(k, lang) for k in kinds],
                    range=[KIND_COLORS[k] for k in kinds],
                ),
            ),
            opacity=alt.condition(
                alt.datum.basis == "derived", alt.value(0.55), alt.value(1.0)
            ),
            tooltip=[
                alt.Tooltip("year_label:N", title=t("charts.fiscal_year")),
                alt.Tooltip("kind_label:N", title=t("charts.kind")),
                alt.Tooltip("value:Q", title=label(measure, lang), format=","),
                alt.Tooltip("basis_label:N", title=t("charts.basis")),
            ],
        )
    )
    text = chart.mark_text(dy=-8, fontSize=12).encode(
        text=alt.Text("value:Q", format=","),
        color=alt.value("#222222"),
        opacity=alt.value(1.0),
    )
    return configure((chart + text).properties(height=320))


def origins_chart(origins: pd.DataFrame, lang: str) -> alt.Chart:
    """Sorted horizontal bars of the 10 routes, coloured by who approached whom."""
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    frame = origins.copy()
    frame["origin_label"] = frame["origin"].map(lambda o: label(o, lang))
    frame["side_label"] = frame["side"].map(lambda s: label(s, lang))
    frame["share_label"] = frame["share"].map(fmt.percent)
    sides = [s for s in SIDE_COLORS if s in set(frame["side"])]
    order = frame.sort_values("people", ascending=False)["origin_label"].tolist()
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("origin_label:N", sort=order, title=None),
            x=alt.X("people:Q", title=t("charts.people")),
            color=alt.Color(
                "side_label:N",
                title=t("charts.side"),
                scale=alt.Scale(
                    domain=[label(s, lang) for s in sides],
                    range=[SIDE_COLORS[s] for s in sides],
                ),
                # Five entries in one row are wider than a phone (or, in English,
                # a laptop's main area): one entry per line.
                legend=alt.Legend(direction="vertical"),
            ),
            tooltip=[
                alt.Tooltip("origin:N", title=t("charts.origin_full")),
                alt.Tooltip("side_label:N", title=t("charts.side")),
                alt.Tooltip("people:Q", title=t("charts.people"), format=","),
                alt.Tooltip("share_label:N", title=t("charts.share")),
            ],
        )
    )
    text = bars.mark_text(align="left", dx=4, fontSize=12).encode(
        text="share_label:N", color=alt.value("#222222")
    )
    chart = configure((bars + text).properties(height=alt.Step(28)))
    # The long route labels leave the bars little width on a phone: a legend
    # starting where the bars start runs off the chart, one ending where they end
    # has the labels' width to spare.
    chart.config.legend.layout = alt.ExprRef("{bottom: {anchor: 'end', offset: 16}}")
    return chart


def age_gender_chart(frame: pd.DataFrame, dimension: str, lang: str) -> alt.Chart:
    """Shares by age group or gender, FY2022 beside FY2023."""
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    part = frame[frame["dimension"] == dimension].copy()
    part["group_label"] = part["group"].map(lambda g: label(g, lang))
    part["year_label"] = part["fiscal_year"].map(lambda y: fmt.fiscal_year(y, lang))
    groups = [label(g, lang) for g in dict.fromkeys(part["group"])]
    years = [fmt.fiscal_year(y, lang) for y in sorted(part["fiscal_year"].unique())]
    bars = (
        alt.Chart(part, title=label(dimension, lang))
        .mark_bar()
        .encode(
            x=alt.X(
                "group_label:N", sort=groups, title=None, axis=alt.Axis(labelAngle=0)
            ),
            xOffset=alt.XOffset("year_label:N", sort=years),
            y=alt.Y("percent:Q", title=t("charts.share_percent")),
            color=alt.Color(
                "year_label:N",
                title=t("charts.fiscal_year"),
                sort=years,
                scale=alt.Scale(range=["#56B4E9", "#0072B2"]),
            ),
            tooltip=[
                alt.Tooltip("year_label:N", title=t("charts.fiscal_year")),
                alt.Tooltip("group_label:N", title=label(dimension, lang)),
                alt.Tooltip("percent:Q", title=t("charts.share_percent"), format=".1f"),
            ],
        )
    )
    return configure(bars.properties(height=260))
