"""Altair chart builders: plain data in, a chart spec out, labels in one language.

Each builder takes the tidy frame a domain function returns and the language, and
returns an Altair chart; pages only display it, exports render the same spec. One
module per page (`overview`, ...); what they share is here. Specs are tested directly.
"""

import altair as alt

from kigyojin.style import FONT_FAMILY

# Long Japanese labels are cut to this many characters on an axis; the tooltip
# always carries the full text.
AXIS_LABEL_LIMIT = 220


def configure(chart: alt.Chart) -> alt.Chart:
    """The look every chart shares: the Japanese font, readable sizes, legend below."""
    return (
        chart.configure(font=FONT_FAMILY)
        .configure_axis(labelFontSize=13, titleFontSize=13, labelLimit=AXIS_LABEL_LIMIT)
        .configure_legend(labelFontSize=13, titleFontSize=13, orient="bottom")
    )
