"""Chart of the self-check page: the refund and what the municipality bears."""

import altair as alt
import pandas as pd

from kigyojin import fmt
from kigyojin.charts import configure
from kigyojin.i18n import translate
from kigyojin.style import REFUND_COLORS
from kigyojin.subsidy import Estimate

PARTS = ("refund", "burden")


def refund_frame(estimate: Estimate, lang: str) -> pd.DataFrame:
    """The estimate in long form, one row per fiscal year and part (refund, burden).

    Columns: fiscal_year, year_label, part, stack_order, part_label, amount, middle
    (the height of the middle of its segment, where its label goes), amount_label,
    cost, cap, months, confidence_label.
    """
    rows = []
    for row in estimate.rows:
        below = 0
        for order, part in enumerate(PARTS):
            amount = getattr(row, part)
            middle = below + amount / 2
            below += amount
            rows.append(
                {
                    "fiscal_year": row.fiscal_year,
                    "year_label": fmt.fiscal_year(row.fiscal_year, lang),
                    "part": part,
                    "stack_order": order,
                    "part_label": translate(f"check.part_{part}", lang),
                    "amount": amount,
                    "middle": middle,
                    "amount_label": fmt.yen(amount, lang),
                    "cost": fmt.yen(row.cost, lang),
                    "cap": fmt.yen(row.cap, lang),
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
            y=alt.Y("amount:Q", title=t("check.chart_yen"), stack="zero"),
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
                alt.Tooltip("months:Q", title=t("check.col_months")),
                alt.Tooltip("cost:N", title=t("check.col_cost")),
                alt.Tooltip("cap:N", title=t("check.col_cap")),
                alt.Tooltip("confidence_label:N", title=t("check.col_confidence")),
            ],
        )
    )
    labels = (
        alt.Chart(frame[frame["amount"] > 0])
        .mark_text(fontSize=12, color="#111111")
        .encode(
            x=alt.X("year_label:N", sort=years),
            y=alt.Y("middle:Q"),
            text="amount_label:N",
        )
    )
    return configure((bars + labels).properties(height=300))
