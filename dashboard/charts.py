"""Altair chart builders: frames in, charts out, no Streamlit (so tests can read their specs).

Every builder takes the column names it plots from the query modules and the
axis titles from the caller (already translated).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.boundaries import Boundaries

SERIES = "series"
#: Pixels per row of a chart with one row per name (every name gets its label).
ROW_HEIGHT = 26
#: Pixels the x axis (labels and title) takes from a chart's height (Streamlit fits the whole chart into it).
AXIS_ALLOWANCE = 80
VALUE = "value"
CHART_WIDTH = "container"


#: Vega's number and date conventions per language: Indonesian writes 1.300.000 and 0,4% (as the tables do).
LOCALES = {
    "id": alt.Locale(
        number=alt.NumberLocale(decimal=",", thousands=".", grouping=[3], currency=["Rp", ""]),
        time=alt.TimeLocale(
            dateTime="%A, %e %B %Y pukul %X", date="%d/%m/%Y", time="%H.%M.%S", periods=["AM", "PM"],
            days=["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"], shortDays=["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
            months=["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"],
            shortMonths=["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
        ),
    ),
    "en": alt.Locale(number=alt.NumberLocale(decimal=".", thousands=",", grouping=[3], currency=["Rp", ""])),
}
#: Small multiples: how many panels side by side, and each panel's size in pixels.
PANEL_COLUMNS, PANEL_WIDTH, PANEL_HEIGHT = 3, 240, 150


def localized(chart, lang: str):
    """The chart with the reader's number (and, for Indonesian, date) conventions; every page passes its charts through."""
    return chart.configure(locale=LOCALES.get(lang, LOCALES["id"]))


def measure_panels(frame: pd.DataFrame, x_column: str, measures: dict[str, tuple[str, str]], x_title: str) -> alt.ConcatChart:
    """One small line chart per measure, each on its own scale (a rate near 100% and one near 0% stay readable).

    ``measures`` maps a column to (title, kind) with kind "percent", "rupiah" or "number".
    """
    formats = {"percent": ".0%", "rupiah": "$,.0f", "number": ",.0f"}
    tooltip_formats = {"percent": ".1%", "rupiah": "$,.0f", "number": ",.0f"}
    panels = []
    for column, (title, kind) in measures.items():
        data = frame[[x_column, column]].dropna(subset=[column])
        panels.append(
            alt.Chart(data, title=alt.TitleParams(title, fontSize=13, anchor="start"))
            .mark_line(point=True, color="#1f618d")
            .encode(
                x=alt.X(f"{x_column}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
                y=alt.Y(f"{column}:Q", title=None, axis=alt.Axis(format=formats[kind], tickCount=4), scale=alt.Scale(zero=kind == "number")),
                tooltip=[alt.Tooltip(f"{x_column}:O", title=x_title), alt.Tooltip(f"{column}:Q", title=title, format=tooltip_formats[kind])],
            )
            .properties(width=PANEL_WIDTH, height=PANEL_HEIGHT)
        )
    return alt.concat(*panels, columns=PANEL_COLUMNS).resolve_scale(y="independent")


def funnel_bars(frame: pd.DataFrame, group_column: str, size_column: str, steps: dict[str, str], group_title: str, share_title: str) -> alt.Chart:
    """For each group, the share of its participants that reached each step (suppressed rows left out)."""
    visible = frame.dropna(subset=[size_column])
    long = visible[[group_column, size_column, *steps]].melt(id_vars=[group_column, size_column], var_name=SERIES, value_name=VALUE)
    long["share"] = long[VALUE] / long[size_column]
    long[SERIES] = long[SERIES].map(steps)
    long[group_column] = long[group_column].astype(str)
    order = list(steps.values())
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(f"{group_column}:N", title=group_title, sort=None, axis=alt.Axis(labelAngle=-40, labelLimit=160)),
            xOffset=alt.XOffset(f"{SERIES}:N", sort=order),
            y=alt.Y("share:Q", title=share_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(f"{SERIES}:N", title=None, sort=order, legend=alt.Legend(orient="top", labelLimit=300)),
            tooltip=[alt.Tooltip(f"{group_column}:N", title=group_title), alt.Tooltip(f"{SERIES}:N", title=" "), alt.Tooltip(f"{VALUE}:Q", format=",.0f"), alt.Tooltip("share:Q", format=".1%")],
        )
        .properties(width=CHART_WIDTH, height=340)
    )


def regency_map(
    frame: pd.DataFrame,
    *,
    latitude: str,
    longitude: str,
    size: str,
    colour: str,
    name: str,
    size_title: str,
    colour_title: str,
    boundaries: Boundaries | None = None,
    province_code: str | None = None,
) -> alt.LayerChart:
    """Regencies as points sized by ``size`` and coloured by ``colour``, over the province outlines.

    Suppressed regencies (no size) are drawn as small grey dots without any
    figure, so the map keeps its shape without revealing small groups. With
    ``province_code`` only that province's outline is drawn, so the map
    zooms to it.
    """
    visible = frame.dropna(subset=[size])
    hidden = frame[frame[size].isna()][[latitude, longitude, name]]
    small = (
        alt.Chart(hidden)
        .mark_circle(size=14, color="#7f8c8d", opacity=0.8)
        .encode(longitude=f"{longitude}:Q", latitude=f"{latitude}:Q", tooltip=[alt.Tooltip(f"{name}:N")])
    )
    points = (
        alt.Chart(visible)
        .mark_circle(opacity=0.85, stroke="#333", strokeWidth=0.4)
        .encode(
            longitude=f"{longitude}:Q",
            latitude=f"{latitude}:Q",
            size=alt.Size(f"{size}:Q", title=size_title, scale=alt.Scale(range=[20, 600]), legend=alt.Legend(orient="bottom", format=",.0f", tickCount=4)),
            color=alt.Color(f"{colour}:Q", title=colour_title, scale=alt.Scale(scheme="viridis", domainMin=0), legend=alt.Legend(format=".0%")),
            tooltip=[alt.Tooltip(f"{name}:N"), alt.Tooltip(f"{size}:Q", title=size_title, format=",.0f"), alt.Tooltip(f"{colour}:Q", title=colour_title, format=".1%")],
        )
    )
    layers = [small, points]
    if boundaries is not None:
        areas = alt.Chart(alt.Data(values=boundaries.topology, format=alt.DataFormat(type="topojson", feature=boundaries.object_name))).mark_geoshape(
            fill="#eef2ee", stroke="#7a8a7a", strokeWidth=0.6
        )
        if province_code is not None and boundaries.code_property is not None:
            areas = areas.transform_filter(f"datum.properties.{boundaries.code_property} == '{province_code}'")
        layers.insert(0, areas)
    return alt.layer(*layers).project(type="mercator").properties(width=CHART_WIDTH, height=460)


def diverging_bars(frame: pd.DataFrame, label: str, value: str, label_title: str, value_title: str, top: int = 15) -> alt.Chart:
    """The ``top`` largest and smallest values as bars around zero (e.g. demand minus supply shares)."""
    visible = frame.dropna(subset=[value])
    shown = pd.concat([visible.nlargest(top, value), visible.nsmallest(top, value)]).drop_duplicates(subset=[label])
    return (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", title=label_title, sort="-x", axis=alt.Axis(labelLimit=240)),
            x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format="%")),
            color=alt.condition(alt.datum[value] > 0, alt.value("#c0392b"), alt.value("#2e86c1")),
            tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{value}:Q", format="+.1%")],
        )
        .properties(width=CHART_WIDTH)
    )


def estimates_with_intervals(frame: pd.DataFrame, label: str, estimate: str, low: str, high: str, n: str, label_title: str, value_title: str, percent: bool) -> alt.LayerChart:
    """A point per row with its 95% interval as a rule; rows without an estimate left out."""
    visible = frame.dropna(subset=[estimate]).sort_values(estimate, ascending=False)
    fmt = ".1%" if percent else "$,.0f"
    # full names (labelLimit 0): "Balai Pelatihan V..." stubs were ambiguous; a share cannot go below 0%
    base = alt.Chart(visible).encode(y=alt.Y(f"{label}:N", title=label_title, sort=None, axis=alt.Axis(labelLimit=0, labelOverlap=False)))
    scale = alt.Scale(domainMin=0, clamp=True) if percent else alt.Scale(zero=True)
    axis = alt.Axis(format="%") if percent else alt.Axis(format="$,.0f")
    rules = base.mark_rule(color="#7f8c8d").encode(x=alt.X(f"{low}:Q", title=value_title, axis=axis, scale=scale), x2=f"{high}:Q")
    dots = base.mark_point(filled=True, size=60, color="#1f618d").encode(
        x=f"{estimate}:Q",
        tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{estimate}:Q", format=fmt), alt.Tooltip(f"{low}:Q", format=fmt), alt.Tooltip(f"{high}:Q", format=fmt), alt.Tooltip(f"{n}:Q", format=",.0f")],
    )
    return alt.layer(rules, dots).properties(width=CHART_WIDTH, height=ROW_HEIGHT * len(visible) + AXIS_ALLOWANCE)


def simple_bars(frame: pd.DataFrame, label: str, value: str, label_title: str, value_title: str) -> alt.Chart:
    """Vertical bars in the frame's own order (counts per band, per board)."""
    return (
        alt.Chart(frame)
        .mark_bar(color="#1f618d")
        .encode(
            x=alt.X(f"{label}:N", title=label_title, sort=None),
            y=alt.Y(f"{value}:Q", title=value_title),
            tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{value}:Q", format=",.0f")],
        )
        .properties(width=CHART_WIDTH, height=260)
    )


def group_gaps(frame: pd.DataFrame, group: str, value: str, flagged: str, group_title: str, value_title: str, reference: float) -> alt.LayerChart:
    """Bars per group around a reference line; groups flagged as gaps drawn in red."""
    visible = frame.dropna(subset=[value])
    bars = (
        alt.Chart(visible)
        .mark_bar()
        .encode(
            y=alt.Y(f"{group}:N", title=group_title, sort=None, axis=alt.Axis(labelLimit=0, labelOverlap=False)),
            x=alt.X(f"{value}:Q", title=value_title),
            color=alt.condition(alt.datum[flagged], alt.value("#c0392b"), alt.value("#5d6d7e")),
            tooltip=[alt.Tooltip(f"{group}:N"), alt.Tooltip(f"{value}:Q", format=",.3f")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"reference": [reference]})).mark_rule(strokeDash=[4, 4]).encode(x="reference:Q")
    return alt.layer(bars, rule).properties(width=CHART_WIDTH, height=ROW_HEIGHT * len(visible) + AXIS_ALLOWANCE)
