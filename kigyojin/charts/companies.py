"""The companies page's ranking chart.

A click on a ranking bar reports the company's key through the point selection
`COMPANY_PARAM`; the page makes it the chosen company. The small map of one
company's hosts is a deck of `kigyojin.maps` (`company_deck`), as on the map page.
"""

from collections.abc import Sequence

import altair as alt
import pandas as pd

from kigyojin import fmt
from kigyojin.charts import configure
from kigyojin.charts.fields import (
    BAR_TEXT_GAP,
    BAR_TEXT_SIZE,
    TEXT_COLOR,
    count_share,
    faded_unless,
    value_axis,
)
from kigyojin.i18n import translate
from kigyojin.style import KIND_COLORS, OKABE_ITO

# The name of the click selection on the ranking chart.
COMPANY_PARAM = "company_pick"
RANKED_COLOR = KIND_COLORS["dispatch"]  # the ranking counts 企業派遣型 only
CHOSEN_COLOR = OKABE_ITO["vermillion"]


def ranking_chart(
    ranking: pd.DataFrame,
    lang: str,
    matching: Sequence[str] | None = None,
    chosen: str | None = None,
) -> alt.LayerChart:
    """Sorted bars of people per ranked company, with count and share on each.

    `ranking` is `companies.ranking()` (with `records`, the host records known,
    if available). Companies outside `matching` (a search) are drawn faint; the
    `chosen` one in another colour, and its label says so too.
    """
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    frame = ranking.copy()
    frame["text"] = [
        count_share(p, s, lang)
        for p, s in zip(frame["people"], frame["share"], strict=True)
    ]
    frame["share_label"] = frame["share"].map(fmt.percent)
    frame["rank_label"] = frame["rank"].map(lambda r: t("companies.rank_value", rank=r))
    frame["state"] = ["chosen" if key == chosen else "ranked" for key in frame["key"]]
    frame["matching"] = frame["key"].isin(matching) if matching is not None else True
    order = frame["company"].tolist()  # by rank, as published
    tooltip = [
        alt.Tooltip("rank_label:N", title=t("companies.col_rank")),
        alt.Tooltip("company:N", title=t("companies.col_company")),
        alt.Tooltip("people:Q", title=t("charts.people"), format=","),
        alt.Tooltip("share_label:N", title=t("companies.col_share")),
    ]
    if "records" in frame.columns:
        tooltip.append(alt.Tooltip("records:Q", title=t("companies.col_records")))
    base = alt.Chart(frame).encode(
        # Company names are short enough to show whole.
        y=alt.Y("company:N", sort=order, title=None, axis=alt.Axis(labelLimit=0)),
        x=value_axis(
            "people:Q", t("charts.people"), frame["people"].max(), frame["text"]
        ),
    )
    bars = base.mark_bar(cursor="pointer").encode(
        color=alt.Color(
            "state:N",
            scale=alt.Scale(
                domain=["ranked", "chosen"], range=[RANKED_COLOR, CHOSEN_COLOR]
            ),
            legend=None,
        ),
        opacity=faded_unless("matching"),
        tooltip=tooltip,
    )
    text = base.mark_text(align="left", dx=BAR_TEXT_GAP, fontSize=BAR_TEXT_SIZE).encode(
        text="text:N", color=alt.value(TEXT_COLOR)
    )
    pick = alt.selection_point(name=COMPANY_PARAM, fields=["key"], on="click")
    chart = (bars.add_params(pick) + text).properties(height=alt.Step(26))
    return configure(chart)
