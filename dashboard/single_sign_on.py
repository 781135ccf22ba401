"""Optional sign-in through the operator's OpenID Connect provider (``st.login``).

Active only when ``.streamlit/secrets.toml`` holds an ``[auth]`` section (see
Streamlit's authentication docs). The provider proves who the person is; the
dashboard account with the same username as their e-mail address decides
what they may see, so single sign-on never grants a role by itself.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dashboard.auth import Account, find_account


def configured() -> bool:
    """Whether the operator configured an OIDC provider."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file, or one Streamlit cannot parse: no single sign-on
        return False


def signed_in_email() -> str | None:
    """The e-mail the provider vouched for, when a provider sign-in happened."""
    user = getattr(st, "user", None)
    if user is None or not user.get("is_logged_in", False):
        return None
    return user.get("email")


def account_for_provider_user(engine: Engine) -> Account | None:
    """The dashboard account of the provider-signed-in person (None when none matches)."""
    email = signed_in_email()
    return None if email is None else find_account(engine, email)
