"""Where a crawl may go: the start URL's own host and port only, and no private network unless asked.

A crawl is started by an operator but fetches what a board's pages, redirects
and sitemaps point to. Two rules keep it on the board:

- :func:`same_board`: a request (link, redirect, sitemap entry) is followed only
  to the start URL's host and port; http and https on their default ports
  count as one address, since boards redirect one to the other;
- :func:`check_start_address`: the start host must not resolve to a private,
  loopback, link-local or otherwise non-public address (the server's own
  database port, a cloud metadata service at 169.254.169.254), unless the
  operator says ``--allow-private`` (the tests' board is on 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from prakerja.errors import UserError

DEFAULT_PORTS = {"http": 80, "https": 443}


def board_address(url: str) -> tuple[str, int | None]:
    """(lower-case host, port) of ``url``; the port is None when it is the scheme's default."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # "host:99999"
        return (parts.hostname or "").lower(), -1
    if port is not None and DEFAULT_PORTS.get(parts.scheme.lower()) == port:
        port = None
    return (parts.hostname or "").lower(), port


def same_board(url: str, start_url: str) -> bool:
    """True when ``url`` is an http(s) address on the start URL's host and port."""
    if urlsplit(url).scheme.lower() not in DEFAULT_PORTS:
        return False
    return board_address(url) == board_address(start_url)


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_start_address(url: str, *, allow_private: bool) -> None:
    """Refuse a start URL whose host is (or resolves to) a non-public address.

    A host that does not resolve is left to the crawl, which reports the page
    as failed like any unreachable board.

    Raises
    ------
    UserError
        One line naming the address and the ``--allow-private`` option.
    """
    if allow_private:
        return
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return
    for *_rest, sockaddr in infos:
        if not _is_public(sockaddr[0]):
            raise UserError(
                f"refusing to crawl {url}: {host} is the private, loopback or link-local address {sockaddr[0]}; "
                "pass --allow-private to crawl a board on your own network"
            )
