"""No SSRF: a webhook goes only to a public HTTPS address.

Registration refuses what it can see in the URL (plain HTTP, a literal forbidden
address); every delivery resolves the host again, refuses when any of its addresses is
forbidden, and connects to the checked address itself (webhook_http.py), so a name that
later resolves elsewhere (DNS rebinding) gains nothing. Forbidden: private, loopback,
link-local, multicast, reserved, unspecified and other non-global addresses (IPv4-mapped
IPv6, NAT64 and 6to4 ones judged as the IPv4 address they carry). `allow_loopback` (WEBHOOK_ALLOW_LOOPBACK=1, for
tests only) lets loopback through, over plain HTTP too (docs/api.md): a plain-HTTP URL then
reaches loopback addresses only."""

import ipaddress
import socket
from urllib.parse import urlsplit

from .exceptions import WebhookAddressForbidden, WebhookUrlNotHttps

MAX_URL_LENGTH = 2048


def parse(url, allow_loopback=False):
    """-> (host, port, path with query) of an https URL (or, with `allow_loopback`, an
    http one); else WebhookUrlNotHttps (also for user info, a fragment, or no host:
    nothing a receiver's URL needs)."""
    plain = allow_loopback and is_plain(url)
    try:
        parts = urlsplit(url)
        port = parts.port or (80 if plain else 443)
    except ValueError:
        raise WebhookUrlNotHttps() from None
    if (
        (parts.scheme.lower() != "https" and not plain)
        or not parts.hostname
        or parts.username is not None
        or parts.fragment
        or len(url) > MAX_URL_LENGTH
        or any(ord(c) < 33 for c in url)
    ):
        raise WebhookUrlNotHttps()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.hostname, port, path


def is_plain(url):
    """Whether `url` asks for plain HTTP (allowed to loopback only, in tests)."""
    return url[:7].lower() == "http://"


def address_allowed(address, allow_loopback=False):
    """Whether a webhook may connect to `address` (text or ipaddress)."""
    ip = _embedded_ipv4(ipaddress.ip_address(address))
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the IPv4 address in the last 32 bits


def _embedded_ipv4(ip):
    """An IPv6 address that carries an IPv4 one (IPv4-mapped, NAT64, 6to4) is judged as
    that IPv4 address: where the network translates, that is where it goes."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour or ip


def check_registration(url, allow_loopback=False):
    """Registration: an https URL whose host is not a literal forbidden address (with
    `allow_loopback`, also a plain-HTTP one to a loopback address or `localhost`; plain
    HTTP anywhere else is WebhookUrlNotHttps)."""
    host, _port, _path = parse(url, allow_loopback)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        if is_plain(url) and host != "localhost":
            raise WebhookUrlNotHttps() from None
        return  # a name: checked again at every delivery
    if not address_allowed(literal, allow_loopback):
        raise WebhookAddressForbidden()
    if is_plain(url) and not literal.is_loopback:
        raise WebhookUrlNotHttps()


def resolve(host, port, allow_loopback=False, loopback_only=False):
    """Delivery: the addresses of `host` to connect to; WebhookAddressForbidden when it
    has none or any of them is forbidden (one bad answer is reason enough to stop), or,
    with `loopback_only` (plain HTTP), any of them is not loopback."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise WebhookAddressForbidden({"reason": "unresolvable"}) from None
    addresses = [(family, sockaddr) for family, _t, _p, _c, sockaddr in found]
    if not addresses or not all(address_allowed(a[1][0], allow_loopback) for a in addresses):
        raise WebhookAddressForbidden()
    if loopback_only and not all(ipaddress.ip_address(a[1][0]).is_loopback for a in addresses):
        raise WebhookAddressForbidden()
    return addresses
