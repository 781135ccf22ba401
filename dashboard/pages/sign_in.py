"""Sign-in: username and password checked against the argon2 hashes in user_accounts, with a growing wait after wrong ones."""

import streamlit as st

from dashboard import single_sign_on
from dashboard import sign_in_limits as limits
from dashboard.auth import authenticate
from dashboard.i18n import t
from dashboard.session import ACCOUNT_KEY, engine, language, language_switch

language_switch()
lang = language()
st.title(t("page_sign_in", lang))
if single_sign_on.configured():
    provider_account = single_sign_on.account_for_provider_user(engine())
    if provider_account is not None:
        st.session_state[ACCOUNT_KEY] = provider_account
        st.rerun()
    if single_sign_on.signed_in_email():
        st.error(t("sso_no_account", lang, email=single_sign_on.signed_in_email()))
    st.button(t("sign_in_sso", lang), on_click=st.login, key="sso")
st.write(t("sign_in_intro", lang))
with st.form("sign_in"):
    username = st.text_input(t("username", lang))
    password = st.text_input(t("password", lang), type="password")
    submitted = st.form_submit_button(t("sign_in", lang))
if submitted:
    client = st.context.ip_address
    wait = limits.seconds_to_wait(engine(), username, client)
    if wait > 0:
        st.error(t("sign_in_wait", lang, seconds=wait))  # the password is not even checked while a wait runs
    else:
        account = authenticate(engine(), username, password)
        if account is None:
            next_wait = limits.record_failure(engine(), username, client)
            st.error(t("wrong_credentials", lang) + (" " + t("sign_in_wait", lang, seconds=next_wait) if next_wait else ""))
        else:
            limits.record_success(engine(), username)
            st.session_state[ACCOUNT_KEY] = account
            st.rerun()
st.caption(t("sign_in_policy", lang, free=limits.FREE_FAILURES, minutes=limits.MAX_DELAY_SECONDS // 60))
st.caption(t("demo_accounts_hint", lang))
