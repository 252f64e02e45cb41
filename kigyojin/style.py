"""Colours and sizes used the same way on every page, chart, map and export.

The palette is Okabe–Ito, readable by colour-blind viewers; colour never carries
meaning alone (legends, labels and tooltips say it in words).
"""

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}

# One colour per programme type.
KIND_COLORS = {
    "dispatch": OKABE_ITO["blue"],
    "side_job": OKABE_ITO["orange"],
    "total": OKABE_ITO["grey"],
}

# One colour per eligibility verdict as a host.
VERDICT_COLORS = {
    "eligible": OKABE_ITO["green"],
    "ineligible": OKABE_ITO["vermillion"],
    "ineligible_estimated": OKABE_ITO["yellow"],
}

# The refund estimate: what the state refunds, and what the municipality bears.
REFUND_COLORS = {
    "refund": OKABE_ITO["sky_blue"],
    "burden": OKABE_ITO["vermillion"],
}

# Who approached whom when an agreement began.
SIDE_COLORS = {
    "自治体側": OKABE_ITO["blue"],
    "企業側": OKABE_ITO["orange"],
    "仲介": OKABE_ITO["green"],
    "その他": OKABE_ITO["grey"],
    "回答なし": "#CCCCCC",
}

# One colour per field group (kigyojin.fields.GROUPS); the rest in grey.
FIELD_GROUP_COLORS = {
    "tourism": OKABE_ITO["orange"],
    "dx": OKABE_ITO["blue"],
    "local_products": OKABE_ITO["green"],
    "migration": OKABE_ITO["purple"],
    "economy": OKABE_ITO["sky_blue"],
    "other": OKABE_ITO["grey"],
}

# National figures beside a sample of public cases: the sample drawn lighter.
SAMPLE_COLORS = {"national": OKABE_ITO["blue"], "sample": OKABE_ITO["sky_blue"]}

# Host municipalities on the map: dark dots that read on every verdict colour.
HOST_MARKER_COLOR = "#1A1A1A"

# Fonts tried in order wherever Japanese is drawn (charts, map labels, exports).
FONT_FAMILY = "Noto Sans CJK JP, IPAexGothic, IPAGothic, sans-serif"
