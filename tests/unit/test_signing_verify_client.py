"""services/signing/client.py: the gateway's way to signing's verify endpoint comes
from its configuration, not from the environment."""

from services.signing.client import VerifyClient


def test_the_url_else_the_address_come_from_the_configuration(monkeypatch):
    monkeypatch.setenv("SIGNING_VERIFY_URL", "http://elsewhere:9")  # not read
    assert (
        VerifyClient.from_config(
            {"SIGNING_VERIFY_URL": "http://signing:8002/", "SIGNING_VERIFY_ADDRESS": "0.0.0.0:8002"}
        ).url
        == "http://signing:8002"
    )
    assert (
        VerifyClient.from_config(
            {"SIGNING_VERIFY_URL": "", "SIGNING_VERIFY_ADDRESS": "0.0.0.0:8003"}
        ).url
        == "http://127.0.0.1:8003"
    )
    assert VerifyClient.from_config({}).url == "http://127.0.0.1:8002"
