"""制度チェック (Self-check): may we take part, and what does the state refund?

For companies and their employees, a short step-by-step check of a planned dispatch
ending in the verdict, condition by condition, and the refund estimate; for
municipalities, a lookup of the host verdict with its reasons, then the estimate.
Every input is in the URL (`?code=01209` opens the municipality tab on 夕張市).
"""

from datetime import date

import pandas as pd
import streamlit as st

import ui
from kigyojin import eligibility, fmt, maps, rules, subsidy
from kigyojin.charts import check as charts
from kigyojin.errors import KigyojinError
from kigyojin.i18n import label

tr = ui.t()
lang = ui.lang()
AUDIENCES = ("company", "municipality")
ANSWERS = ("yes", "no")
ANSWERS_OR_UNSURE = ("yes", "no", "unsure")
# Bundled Material icons (emoji need a font the machine may lack), always beside words.
STATE_ICONS = {
    "met": ":green[:material/check_circle:]",
    "failed": ":red[:material/cancel:]",
    "confirm": ":orange[:material/help:]",
}
VERDICT_BOXES = {
    "eligible": st.success,
    "ineligible": st.error,
    "ineligible_estimated": st.warning,
}
OUTCOME_BOXES = {
    "not_ok": (st.error, ":material/cancel:"),
    "ok_confirm": (st.warning, ":material/help:"),
    "ok": (st.success, ":material/check_circle:"),
}
YEN_STEP = 100_000


def answer_label(answer: str) -> str:
    return tr(f"check.{answer}")


def confidence_label(confidence: str) -> str:
    return tr(f"check.confidence_{confidence}")


def municipality_picker(key: str, text_key: str) -> str | None:
    """A searchable list of every municipality; its code is kept in the URL."""
    choices = ui.computed(eligibility.municipality_choices, lang)
    labels = dict(zip(choices["code"], choices["label"], strict=True))
    given = st.query_params.get(key)
    if given and given not in labels:
        # A 6-digit or full-width code from a link: keep its 5-digit form.
        try:
            st.query_params[key] = eligibility.check_host(given).code
        except KigyojinError as error:
            st.warning(tr("check.bad_url_code") + " " + error.message(lang))
            st.query_params.pop(key, None)
    return ui.url_choice(
        st.selectbox,
        tr(text_key),
        list(labels),
        key=key,
        default=None,
        index=None,
        format_func=labels.get,
        placeholder=tr("check.host_placeholder"),
    )


def kind_choice() -> str:
    kind = ui.url_choice(
        st.segmented_control,
        tr("check.kind_label"),
        subsidy.KINDS,
        key="kind",
        default="dispatch",
        required=True,
        format_func=lambda k: label(k, lang),
    )
    st.caption(tr(f"check.kind_help_{kind}"))
    return kind


def period_inputs(kind: str, loaded: rules.Rules) -> tuple[date, date]:
    """Start and end, the pickers bounded by the fiscal years the rules of `kind`
    cover (a date from a link outside them is returned as given, to be refused)."""
    first, last = subsidy.date_range(kind, loaded)
    start_default = subsidy.default_start(kind, date.today(), loaded)
    left, right = st.columns(2)
    with left:
        start = ui.url_date(
            tr("check.start"),
            key="start",
            default=start_default,
            min_value=first,
            max_value=last,
        )
    with right:
        end = ui.url_date(
            tr("check.end"),
            key="end",
            default=subsidy.default_end(kind, start or start_default, loaded),
            min_value=first,
            max_value=last,
        )
    return start, end


def amount_inputs(kind: str, start: date, loaded: rules.Rules) -> dict[str, int]:
    """The yearly costs of the items `kind` refunds in the year of `start`."""
    fields = subsidy.amount_fields(kind, start, loaded)
    st.markdown(f"**{tr('check.amounts_heading')}**")
    amounts = {}
    for column, field in zip(st.columns(len(fields)), fields, strict=True):
        unit = "amount_per_fiscal_year" if field.per_fiscal_year else "amount_per_year"
        with column:
            amounts[field.item] = ui.url_number(
                tr(f"check.{unit}", item=tr(f"check.item_{field.item}")),
                key=field.item,
                default=field.default,
                min_value=0,
                max_value=field.maximum,
                step=YEN_STEP,
                help=tr(f"check.amount_help_{field.item}"),
            )
            st.caption(fmt.yen_long(amounts[field.item] or 0, lang))
    return amounts


def show_estimate(result: subsidy.Estimate, file_stem: str) -> None:
    """Totals, the chart and table per fiscal year, items, downloads and rules."""
    estimated = result.confidence != rules.OFFICIAL
    if estimated:
        st.caption(tr("check.metric_estimate_help"))
    columns = st.columns(3)
    for column, key, value in (
        (columns[0], "metric_refund", result.total_refund),
        (columns[1], "metric_burden", result.total_burden),
        (columns[2], "metric_cost", result.total_cost),
    ):
        column.metric(tr(f"check.{key}"), fmt.yen(value, lang), border=True)

    frame = result.to_frame()
    shown = frame.assign(
        fiscal_year=[
            tr("check.total") if pd.isna(year) else fmt.fiscal_year(year, lang)
            for year in frame["fiscal_year"]
        ],
        period_months=frame["period_months"].round(2),
        confidence=frame["confidence"].map(confidence_label),
    )
    chart_tab, table_tab = st.tabs([tr("common.view_chart"), tr("common.view_table")])
    with chart_tab:
        ui.altair_chart(
            charts.refund_chart,
            result,
            lang,
            png=f"{file_stem}.png",
            alt=tr(
                "check.chart_alt",
                refund=fmt.yen(result.total_refund, lang),
                burden=fmt.yen(result.total_burden, lang),
            ),
        )
    with table_tab:
        table = ui.display_table(
            shown,
            {
                "fiscal_year": "check.col_fiscal_year",
                "period_months": "check.col_period_months",
                "cost": "check.col_cost",
                "months": "check.col_months",
                "cap": "check.col_cap",
                "refund": "check.col_refund",
                "burden": "check.col_burden",
                "confidence": "check.col_confidence",
            },
        )
        ui.csv_download(table, f"{file_stem}.csv", key=f"{file_stem}_csv")
    st.caption(tr("check.estimate_rules"))

    with st.expander(tr("check.items_heading")):
        items = result.items_frame()
        if not items.empty:
            items = items.assign(
                fiscal_year=items["fiscal_year"].map(
                    lambda y: fmt.fiscal_year(y, lang)
                ),
                item=items["item"].map(lambda i: tr(f"check.item_{i}")),
                period_months=items["period_months"].round(2),
                confidence=items["confidence"].map(confidence_label),
            )
            table = ui.display_table(
                items,
                {
                    "fiscal_year": "check.col_fiscal_year",
                    "item": "check.col_item",
                    "period_months": "check.col_period_months",
                    "cost": "check.col_cost",
                    "months": "check.col_months",
                    "cap": "check.col_cap",
                    "rate": "check.col_rate",
                    "refund": "check.col_refund",
                    "burden": "check.col_burden",
                    "confidence": "check.col_confidence",
                },
            )
            ui.csv_download(table, f"{file_stem}_items.csv", key=f"{file_stem}_items")


def show_summary(text: str, file_stem: str) -> None:
    """The printable summary: shown as plain text, and as a download."""
    with st.expander(tr("check.summary_heading")):
        st.text(text)
        st.download_button(
            tr("check.summary_download"),
            ("\ufeff" + text).encode("utf-8"),
            file_name=f"{file_stem}.txt",
            mime="text/plain",
            key=f"{file_stem}_txt",
            icon=":material/print:",
        )


def show_rules(loaded: rules.Rules) -> None:
    """Every rule with its source and confidence, and its CSV."""
    with st.expander(tr("check.rules_heading")):
        st.caption(tr("check.rules_intro"))
        table = ui.display_table(
            rules.display_frame(loaded, lang),
            {
                "rule": "check.col_rule",
                "kind": "check.col_kind",
                "years": "check.col_years",
                "value": "check.col_value",
                "confidence": "check.col_confidence",
                "source": "check.col_source",
                "note": "check.col_note",
            },
        )
        ui.csv_download(table, "rules.csv", key="rules_csv")
        st.caption(tr("sources.prefix") + tr("check.source_rules"))


def yes_no(text_key: str, key: str, default: str, options=ANSWERS) -> bool | None:
    answer = ui.url_choice(
        st.segmented_control,
        tr(text_key),
        options,
        key=key,
        default=default,
        required=True,
        format_func=answer_label,
    )
    return None if answer == "unsure" else answer == "yes"


def company_tab() -> None:
    """Step by step: type, company and employee, host, period, verdict, estimate."""
    names = ui.computed(maps.prefecture_names, lang)

    st.subheader(tr("check.step_kind"))
    kind = kind_choice()

    st.subheader(tr("check.step_company"))
    answers = {}
    left, right = st.columns(2)
    with left:
        answers["company_prefecture"] = ui.url_choice(
            st.selectbox,
            tr("check.company_pref"),
            list(names),
            key="company_pref",
            default="13",
            format_func=names.get,
        )
        answers["head_office_in_metro"] = yes_no(
            "check.head_office", "head_office", "yes", ANSWERS_OR_UNSURE
        )
        answers["months_since_joining"] = ui.url_number(
            tr("check.tenure"), key="tenure", default=12, min_value=0, max_value=720
        )
    with right:
        answers["workplace_prefecture"] = ui.url_choice(
            st.selectbox,
            tr("check.workplace_pref"),
            list(names),
            key="workplace",
            default="13",
            format_func=names.get,
        )
        answers["works_in_host"] = yes_no(
            "check.in_host", "in_host", "no", ANSWERS_OR_UNSURE
        )
        if kind == "dispatch":
            answers["half_in_host"] = yes_no(
                "check.half_in_host", "half", "unsure", ANSWERS_OR_UNSURE
            )
        else:
            answers["employee"] = yes_no(
                "check.employee", "employee", "unsure", ANSWERS_OR_UNSURE
            )

    st.subheader(tr("check.step_host"))
    host = municipality_picker("host", "check.host_label")

    st.subheader(tr("check.step_period"))
    with ui.guard():
        loaded = rules.load()
        start, end = period_inputs(kind, loaded)
        if kind == "side_job":
            answers |= side_job_inputs()
        # Dates that cannot be judged at all get one message here, not one from the
        # verdict and another from the estimate.
        subsidy.check_dates(kind, start, end, loaded)
        verdict = company_verdict(kind, host, start, end, answers)

        st.subheader(tr("check.step_estimate"))
        with ui.guard():
            amounts = amount_inputs(kind, start, loaded)
            result = subsidy.estimate(kind, start, end, **amounts)
            show_estimate(result, "refund_estimate")
            show_summary(
                eligibility.summary_text(result, lang, dispatch=verdict), "self_check"
            )
        show_rules(loaded)


def side_job_inputs() -> dict[str, float]:
    """Days, hours and on-site days a month of a side job."""
    values = {}
    columns = st.columns(3)
    for column, (argument, key, default, maximum) in zip(
        columns,
        (
            ("days_per_month", "days", 4, 31),
            ("hours_per_month", "hours", 20, 744),
            ("onsite_days_per_month", "onsite", 1, 31),
        ),
        strict=True,
    ):
        with column:
            values[argument] = ui.url_number(
                tr(f"check.{key}"),
                key=key,
                default=default,
                min_value=0,
                max_value=maximum,
            )
    return values


def company_verdict(
    kind: str, host: str | None, start: date, end: date, answers: dict
) -> eligibility.DispatchVerdict | None:
    """Step ⑤: every condition of the planned dispatch, once a host is chosen."""
    st.subheader(tr("check.step_verdict"))
    if host is None:
        st.info(tr("check.need_host"))
        return None
    with ui.guard():
        verdict = eligibility.check_dispatch(
            kind, host=host, start=start, end=end, **answers
        )
        show_dispatch_verdict(verdict)
        return verdict
    return None


def show_dispatch_verdict(verdict: eligibility.DispatchVerdict) -> None:
    """The verdict in one line, then every condition with its state and confidence."""
    box, icon = OUTCOME_BOXES[verdict.outcome]
    box(verdict.headline(lang), icon=icon)
    lines = [
        tr(
            "check.condition_line",
            icon=STATE_ICONS[c.state],
            state=tr(f"check.state_{c.state}"),
            text=ui.plain(c.text(lang)),  # names from the data, shown literally
            confidence=confidence_label(c.confidence),
        )
        for c in verdict.conditions
    ]
    st.markdown("\n".join(f"- {line}" for line in lines))
    if verdict.confidence != rules.OFFICIAL:
        st.caption(tr("check.verdict_estimate_note"))
    ui.sources("regional_requirement", "teijuu_jiritsuken")


def municipality_tab() -> None:
    """Find a municipality, see its verdict and reasons, then estimate the refund."""
    st.subheader(tr("check.find_heading"))
    code = municipality_picker("code", "check.find_label")
    if code is None:
        st.info(tr("check.find_prompt"))
    host = None
    with ui.guard():
        if code is not None:
            host = eligibility.check_host(code)
            show_host_verdict(host)
    with ui.guard():
        show_counts()

    st.subheader(tr("check.estimate_heading"))
    kind = kind_choice()
    with ui.guard():
        loaded = rules.load()
        start, end = period_inputs(kind, loaded)
        with ui.guard():
            subsidy.check_dates(kind, start, end, loaded)
            amounts = amount_inputs(kind, start, loaded)
            result = subsidy.estimate(kind, start, end, **amounts)
            show_estimate(result, "refund_estimate")
            show_summary(
                eligibility.summary_text(result, lang, host=host), "host_check"
            )
        show_rules(loaded)


def show_host_verdict(host: eligibility.HostVerdict) -> None:
    """Whether the municipality may host, why, and on what basis."""
    name = eligibility.municipality_name(host.code, lang)
    st.markdown(f"#### {ui.plain(tr('check.host_heading', name=name, code=host.code))}")
    VERDICT_BOXES[host.verdict](tr(f"check.verdict_{host.verdict}"))
    st.markdown(f"**{tr('check.reasons_heading')}**")
    st.markdown(
        "\n".join(f"- {eligibility.reason_text(r, lang)}" for r in host.reasons)
    )
    if host.estimated:
        st.caption(tr("check.basis_estimated"))
    else:
        st.caption(tr("check.basis_official"))
    if set(host.reasons) & {"special_ward", "designated_city"}:
        st.caption(tr("check.basis_judgement"))
    ui.sources("regional_requirement", "teijuu_jiritsuken")


def show_counts() -> None:
    """Our count of municipalities that may host beside MIC's, and why they differ."""
    st.subheader(tr("check.count_heading"))
    ours = len(eligibility.eligible_codes())
    published, year = eligibility.published_count()
    left, right = st.columns(2)
    left.metric(
        tr("check.count_ours"),
        tr("check.count_unit", value=fmt.number(ours)),
        border=True,
    )
    right.metric(
        tr("check.count_mic", year=fmt.fiscal_year(year, lang)),
        tr("check.count_unit", value=fmt.number(published)),
        border=True,
    )
    counts = eligibility.reason_counts()
    st.caption(
        tr(
            "check.count_note",
            difference=fmt.number(published - ours),
            estimated=fmt.number(counts.get("urban_metro", 0)),
            outside=fmt.number(counts.get("outside_metro", 0)),
            disadvantaged=fmt.number(
                counts.get("disadvantaged_whole", 0)
                + counts.get("disadvantaged_part", 0)
            ),
            decline=fmt.number(counts.get("population_decline", 0)),
            teijuu=fmt.number(counts.get("teijuu", 0)),
        )
    )
    ui.sources("regional_requirement", "teijuu_jiritsuken", "mic_r5")


st.title(tr("check.title"))
st.write(tr("check.lead"))

# A link with only ?code= (from the map) opens the municipality tab.
implied = "municipality" if st.query_params.get("code") else "company"
wanted = st.query_params.get("for")
if wanted not in AUDIENCES:
    wanted = implied
titles = {audience: tr(f"check.tab_{audience}") for audience in AUDIENCES}
tabs = st.tabs(
    list(titles.values()),
    default=titles[wanted],
    key=f"check_tab_{lang}",
    on_change="rerun",
)
opened = next((a for a, tab in zip(AUDIENCES, tabs, strict=True) if tab.open), wanted)
if opened == implied:
    st.query_params.pop("for", None)
else:
    st.query_params["for"] = opened
# Only the open tab runs: both share the estimate's inputs (and their URL keys).
with tabs[AUDIENCES.index(opened)], ui.guard():
    if opened == "company":
        company_tab()
    else:
        municipality_tab()
