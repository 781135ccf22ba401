"""Tables on a page: readable numbers on screen, raw numbers in the CSV download, suppression said aloud."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import formatting
from dashboard.i18n import has_message, t
from dashboard.queries.privacy import SUPPRESSED

RUPIAH, PERCENT, NUMBER, DECIMAL, DATE, TEXT = "rupiah", "percent", "number", "decimal", "date", "text"


def label(key_or_text: str, lang: str) -> str:
    """A column header: the translation of a message key, else the text as given."""
    return t(key_or_text, lang) if has_message(key_or_text) else key_or_text


def display_frame(frame: pd.DataFrame, columns: dict[str, tuple[str, str]], lang: str) -> pd.DataFrame:
    """The columns to show, renamed to their labels and formatted (Rupiah, percent, counts, dates).

    ``columns`` maps a column to (label, kind): a message key, or the text
    itself for names that need no translation (metric names); suppressed
    cells read "< 10".
    """
    hidden = frame[SUPPRESSED] if SUPPRESSED in frame else pd.Series(False, index=frame.index)
    formatters = {
        RUPIAH: formatting.rupiah,
        PERCENT: lambda v: formatting.percent(v, lang),
        NUMBER: lambda v: formatting.number(v, lang),
        DECIMAL: lambda v: formatting.number(v, lang, digits=3),
        DATE: lambda v: formatting.long_date(None if pd.isna(v) else v, lang),
        TEXT: lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v),
    }
    shown = pd.DataFrame(index=frame.index)
    for column, (label_key, kind) in columns.items():
        values = frame[column].map(formatters[kind])
        values = values.where(~(hidden & frame[column].isna()), t("suppressed_cell", lang))
        header = label(label_key, lang)
        if header in shown:
            raise ValueError(f"two columns would both be headed {header!r}")
        shown[header] = values
    return shown.reset_index(drop=True)


def csv_frame(frame: pd.DataFrame, columns: dict[str, tuple[str, str]], lang: str) -> pd.DataFrame:
    """The same columns with raw values (suppressed cells empty) and translated headers."""
    raw = frame[list(columns)].copy()
    raw.columns = [label(label_key, lang) for label_key, _ in columns.values()]
    return raw


def show_table(
    frame: pd.DataFrame, columns: dict[str, tuple[str, str]], lang: str, *, filename: str, key: str | None = None, shown: list[str] | None = None
) -> None:
    """Draw the table, a note when groups were suppressed, and its CSV download button.

    ``shown`` limits the columns on screen (long sentences read better outside
    a table); the CSV always has every column of ``columns``.
    """
    if frame.empty:
        st.info(t("no_data", lang))
        return
    on_screen = columns if shown is None else {column: columns[column] for column in shown}
    st.dataframe(display_frame(frame, on_screen, lang), hide_index=True, width="stretch")
    if SUPPRESSED in frame and bool(frame[SUPPRESSED].any()):
        st.caption(t("suppressed_note", lang, count=int(frame[SUPPRESSED].sum())))
    download_button(csv_frame(frame, columns, lang), filename, lang, key=key)


def download_button(frame: pd.DataFrame, filename: str, lang: str, key: str | None = None) -> None:
    """A button that downloads ``frame`` as UTF-8 CSV."""
    st.download_button(
        t("download_csv", lang),
        data=frame.to_csv(index=False).encode("utf-8"),
        file_name=filename,
        mime="text/csv",
        key=key or f"download-{filename}",
    )
