"""Chart of the self-check page: the refund and what the municipality bears."""

import math

import altair as alt
import pandas as pd

from kigyojin import fmt
from kigyojin.charts import configure
from kigyojin.i18n import translate
from kigyojin.style import REFUND_COLORS
from kigyojin.subsidy import Estimate, months_text

PARTS = ("refund", "burden")
# Headroom above the tallest bar for the label over it.
LABEL_ROOM = 1.15


def refund_frame(estimate: Estimate, lang: str) -> pd.DataFrame:
    """The estimate in long form, one row per fiscal year and part (refund, burden).

    Columns: fiscal_year, year_label, part, stack_order, part_label, amount, middle
    (the height of the middle of its segment), top (of the stack), amount_label,
    cost, cap, period_months, months (for the cap), confidence_label.
    """
    rows = []
    for row in estimate.rows:
        below = 0
        for order, part in enumerate(PARTS):
            amount = getattr(row, part)
            middle = below + amount / 2
            below += amount
            top = row.refund + row.burden
            rows.append(
                {
                    "fiscal_year": row.fiscal_year,
                    "year_label": fmt.fiscal_year(row.fiscal_year, lang),
                    "part": part,
                    "stack_order": order,
                    "part_label": translate(f"check.part_{part}", lang),
                    "amount": amount,
                    "middle": middle,
                    "top": top,
                    "amount_label": fmt.yen(amount, lang),
                    "cost": fmt.yen(row.cost, lang),
                    "cap": fmt.yen(row.cap, lang),
                    "period_months": months_text(row.period_months),
                    "months": row.months,
                    "confidence_label": translate(
                        f"check.confidence_{row.confidence}", lang
                    ),
                }
            )
    return pd.DataFrame(rows)


def refund_chart(estimate: Estimate, lang: str) -> alt.Chart:
    """Stacked bars per fiscal year: the state's refund and the municipality's burden.

    Each part is labelled with its amount, so the colours are never needed to read it.
    """
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    frame = refund_frame(estimate, lang)
    parts = [t(f"check.part_{part}") for part in PARTS]
    years = [fmt.fiscal_year(row.fiscal_year, lang) for row in estimate.rows]
    tallest = max((row.refund + row.burden for row in estimate.rows), default=0)
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "year_label:N",
                sort=years,
                title=t("charts.fiscal_year"),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y(
                "amount:Q",
                title=t("check.chart_yen"),
                stack="zero",
                scale=alt.Scale(domain=[0, _axis_top(tallest * LABEL_ROOM)]),
            ),
            color=alt.Color(
                "part_label:N",
                title=None,
                sort=parts,
                scale=alt.Scale(
                    domain=parts, range=[REFUND_COLORS[part] for part in PARTS]
                ),
            ),
            order=alt.Order("stack_order:Q"),
            tooltip=[
                alt.Tooltip("year_label:N", title=t("charts.fiscal_year")),
                alt.Tooltip("part_label:N", title=t("check.chart_part")),
                alt.Tooltip("amount_label:N", title=t("check.chart_amount")),
                alt.Tooltip("period_months:N", title=t("check.col_period_months")),
                alt.Tooltip("cost:N", title=t("check.col_cost")),
                alt.Tooltip("months:Q", title=t("check.col_months")),
                alt.Tooltip("cap:N", title=t("check.col_cap")),
                alt.Tooltip("confidence_label:N", title=t("check.col_confidence")),
            ],
        )
    )
    # The refund is labelled inside its bar; the burden, often a thin slice, just
    # above the stack, with room made for it at the top of the scale.
    shown = frame[frame["amount"] > 0]
    inside = (
        alt.Chart(shown[shown["part"] == "refund"])
        .mark_text(fontSize=12, color="#111111")
        .encode(
            x=alt.X("year_label:N", sort=years),
            y=alt.Y("middle:Q"),
            text="amount_label:N",
        )
    )
    above = (
        alt.Chart(shown[shown["part"] == "burden"])
        .mark_text(fontSize=12, color="#111111", baseline="bottom", dy=-4)
        .encode(
            x=alt.X("year_label:N", sort=years),
            y=alt.Y("top:Q"),
            text=alt.Text("amount_label:N"),
        )
    )
    return configure(alt.layer(bars, inside, above).properties(height=300))


def _axis_top(value: float) -> int:
    """`value` rounded up to a half step of its order of magnitude (6.9M -> 7M)."""
    if value <= 0:
        return 1
    half_step = 10 ** math.floor(math.log10(value)) / 2
    return int(math.ceil(value / half_step) * half_step)
