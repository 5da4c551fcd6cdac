"""services/common/web_server.py: whose X-Forwarded-For is believed."""

from services.common.web_server import GuardedWebServer


def server(trusted):
    web = GuardedWebServer.__new__(GuardedWebServer)
    web.trusted = set(trusted)
    return web


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy():
    environ = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "10.0.0.1"}
    server([]).trust_forwarded(environ)
    server(["10.9.9.9"]).trust_forwarded(environ)
    assert environ["REMOTE_ADDR"] == "203.0.113.9"


def test_a_trusted_proxy_names_the_client_right_to_left():
    # The left-most entry is whatever the client claimed: only what proxies added counts.
    environ = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.7, 10.0.0.1"}
    server(["10.0.0.1", "10.0.0.2"]).trust_forwarded(environ)
    assert environ["REMOTE_ADDR"] == "198.51.100.7"
