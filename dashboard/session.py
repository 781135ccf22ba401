"""The Streamlit side of every page: engine, cached queries, the signed-in account, language.

Pages call :func:`page_header` first: it checks the role (a denied page shows
why and stops), draws the language switch and the account box in the sidebar,
and returns the account whose scope the page must respect.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import streamlit as st
from sqlalchemy import Engine

from dashboard.auth import Account
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from prakerja.config import get_settings

#: Aggregates are recomputed at most every five minutes per argument set.
CACHE_TTL_SECONDS = 300
ACCOUNT_KEY = "account"
LANGUAGE_KEY = "lang"
_LANGUAGE_WIDGET = "_lang_choice"


@st.cache_resource(show_spinner=False)
def database_engine(url: str) -> Engine:
    """One migrated engine per database URL for the whole server."""
    from prakerja.db import make_engine
    from prakerja.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    return engine


def database_url() -> str:
    """The configured database (``DATABASE_URL`` or the SQLite default)."""
    return get_settings().database_url


def engine() -> Engine:
    """The engine of the configured database."""
    return database_engine(database_url())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False, max_entries=500)
def _cached_call(module: str, name: str, url: str, args: tuple, kwargs: tuple):
    function = getattr(importlib.import_module(module), name)
    return function(database_engine(url), *args, **dict(kwargs))


def cached(function: Callable, *args, **kwargs):
    """``function(engine, *args, **kwargs)`` cached per database and arguments for ``CACHE_TTL_SECONDS``."""
    return _cached_call(function.__module__, function.__name__, database_url(), tuple(args), tuple(sorted(kwargs.items())))


def language() -> str:
    """The reader's language ("id" unless they switched)."""
    return st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)


def _language_changed() -> None:
    st.session_state[LANGUAGE_KEY] = st.session_state[_LANGUAGE_WIDGET]


#: Streamlit writes "Press Enter to apply" under text inputs in English whatever the page's language; the
#: hint adds nothing a reader needs, so it is hidden rather than shown in the wrong language.
_HIDE_ENGLISH_HINTS = "<style>[data-testid='InputInstructions'] {display: none;}</style>"


def language_switch() -> None:
    """The Bahasa Indonesia / English choice, kept across pages (and Streamlit's English input hints hidden)."""
    st.html(_HIDE_ENGLISH_HINTS)
    current = language()
    st.session_state[_LANGUAGE_WIDGET] = current
    st.sidebar.radio(
        t("language", current),
        options=list(LANGUAGES),
        format_func=LANGUAGES.get,
        key=_LANGUAGE_WIDGET,
        horizontal=True,
        on_change=_language_changed,
    )


def current_account() -> Account | None:
    """The signed-in account, if any."""
    return st.session_state.get(ACCOUNT_KEY)


def sign_out() -> None:
    """Forget the account (the language choice stays), and end a single sign-on session too."""
    from dashboard import single_sign_on

    st.session_state.pop(ACCOUNT_KEY, None)
    if single_sign_on.signed_in_email():
        st.logout()


def _account_box(account: Account, lang: str) -> None:
    from dashboard.queries.lookups import province_names

    scope = ""
    if account.is_provincial:
        name = cached(province_names).get(account.province_code, account.province_code)
        scope = " · " + t("province_scope", lang, name=name)
    st.sidebar.caption(t("signed_in_as", lang, username=account.username, role=t(f"role_{account.role}", lang)) + scope)
    st.sidebar.button(t("sign_out", lang), on_click=sign_out, key="sign_out")


def page_header(title_key: str, roles: tuple[str, ...]) -> tuple[Account, str]:
    """Check the role, draw the sidebar and the title; returns (account, language).

    Stops the page with a message when nobody is signed in or the role may not
    see it.
    """
    language_switch()
    lang = language()
    account = current_account()
    if account is None:
        st.warning(t("sign_in_first", lang))
        st.stop()
    _account_box(account, lang)
    if account.role not in roles:
        st.error(t("access_denied", lang))
        st.stop()
    st.title(t(title_key, lang))
    return account, lang
