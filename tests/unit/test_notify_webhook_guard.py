"""The webhooks' SSRF guard (services/notify/webhook_guard.py): only https, and never a
private, loopback, link-local, multicast, reserved or unspecified address; loopback only
when WEBHOOK_ALLOW_LOOPBACK says so (tests)."""

import pytest

from services.notify.exceptions import WebhookAddressForbidden, WebhookUrlNotHttps
from services.notify.webhook_guard import address_allowed, check_registration, parse, resolve

FORBIDDEN = [
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata: link-local
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.10",  # documentation
    "::",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "::ffff:10.0.0.1",  # IPv4-mapped: judged as the IPv4 address
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",  # NAT64: 169.254.169.254 where the network translates
    "64:ff9b::a00:1",  # NAT64: 10.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4: 169.254.169.254
]
LOOPBACK = ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]
PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946"]


@pytest.mark.parametrize("address", FORBIDDEN)
def test_private_and_special_addresses_are_refused_even_with_loopback_allowed(address):
    assert not address_allowed(address)
    assert not address_allowed(address, allow_loopback=True)


@pytest.mark.parametrize("address", LOOPBACK)
def test_loopback_only_when_allowed(address):
    assert not address_allowed(address)
    assert address_allowed(address, allow_loopback=True)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert address_allowed(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://erp.example.nl/hook",
        "ftp://erp.example.nl/hook",
        "erp.example.nl/hook",
        "https://",
        "https://user:pw@erp.example.nl/hook",
        "https://erp.example.nl/hook#part",
        "https://erp.example.nl:99999/hook",
        "https://erp.example.nl/a b",
        "https://erp.example.nl/" + "a" * 2100,
    ],
)
def test_registration_refuses_what_is_not_a_plain_https_url(url):
    with pytest.raises(WebhookUrlNotHttps):
        check_registration(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.5/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[fe80::1]/hook",
        "https://[::ffff:192.168.0.1]:8443/hook",
        "https://127.0.0.1/hook",
    ],
)
def test_registration_refuses_a_literal_forbidden_address(url):
    with pytest.raises(WebhookAddressForbidden):
        check_registration(url)


def test_registration_takes_public_names_and_addresses_and_loopback_when_allowed():
    check_registration("https://erp.example.nl/kluis?tenant=4")
    check_registration("https://93.184.216.34:8443/hook")
    check_registration("https://127.0.0.1:9443/hook", allow_loopback=True)
    assert parse("https://Erp.Example.nl:8443/k?x=1") == ("erp.example.nl", 8443, "/k?x=1")
    assert parse("https://erp.example.nl") == ("erp.example.nl", 443, "/")


def test_delivery_resolves_and_refuses_names_of_forbidden_addresses():
    # "0" is a name to a URL parser, and 0.0.0.0 (this host) to the resolver.
    with pytest.raises(WebhookAddressForbidden):
        resolve("0", 443, allow_loopback=True)
    with pytest.raises(WebhookAddressForbidden):
        resolve("localhost", 443)
    with pytest.raises(WebhookAddressForbidden):
        resolve("no-such-host.invalid", 443)
    assert {sockaddr[0] for _family, sockaddr in resolve("localhost", 443, True)} <= {
        "127.0.0.1",
        "::1",
    }


def test_plain_http_with_loopback_allowed_goes_to_loopback_only():
    check_registration("http://127.0.0.1:8080/hook", allow_loopback=True)
    check_registration("http://localhost:8080/hook", allow_loopback=True)
    assert parse("http://127.0.0.1/hook", allow_loopback=True) == ("127.0.0.1", 80, "/hook")
    for url in ("http://erp.example.nl/hook", "http://93.184.216.34/hook"):
        with pytest.raises(WebhookUrlNotHttps):
            check_registration(url, allow_loopback=True)
    with pytest.raises(WebhookUrlNotHttps):
        check_registration("http://127.0.0.1:8080/hook")
    assert resolve("localhost", 80, allow_loopback=True, loopback_only=True)
