"""Sign-in: username and password checked against the argon2 hashes in user_accounts."""

import streamlit as st

from dashboard import single_sign_on
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
    account = authenticate(engine(), username, password)
    if account is None:
        st.error(t("wrong_credentials", lang))
    else:
        st.session_state[ACCOUNT_KEY] = account
        st.rerun()
st.caption(t("demo_accounts_hint", lang))
