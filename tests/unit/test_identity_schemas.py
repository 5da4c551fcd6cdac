"""services/identity/schemas.py through services.common.schemas.load: a device's public
key comes back in its canonical base64 with the device's other fields as given, a bad
one is ValidationFailed under device.public_key; the caller's language is nl, en or
None. The details are those the gateway maps to 400 `validation_error`."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from services.common.errors import ValidationFailed
from services.common.schemas import load
from services.identity import schemas

RAW = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
KEY = base64.b64encode(RAW).decode()
NOT_A_KEY = ["Not a valid Ed25519 public key."]
DEVICE = {"name": "Phone", "platform": "ios", "os_version": "17.1", "app_version": "1.0"}

GOOD = [
    (
        schemas.NewRegistration(),
        {"device": {**DEVICE, "public_key": KEY}},
        {"device": {**DEVICE, "public_key": KEY}},
    ),
    (schemas.MeUpdate(), {"language": "nl"}, {"language": "nl"}),
    (schemas.MeUpdate(), {"language": None}, {"language": None}),
]

BAD = [
    (schemas.NewRegistration(), {"device": {**DEVICE, "public_key": "abc"}}, NOT_A_KEY),
    (
        schemas.NewRegistration(),
        {"device": {**DEVICE, "public_key": base64.b64encode(RAW[:31]).decode()}},
        NOT_A_KEY,
    ),
    (schemas.NewRegistration(), {"device": {**DEVICE, "public_key": None}}, NOT_A_KEY),
    (schemas.NewRegistration(), {"device": {**DEVICE, "public_key": 5}}, NOT_A_KEY),
    (schemas.NewRegistration(), {"device": DEVICE}, ["Missing data for required field."]),
]


@pytest.mark.parametrize(("schema", "data", "loaded"), GOOD)
def test_good_input_is_loaded(schema, data, loaded):
    assert load(schema, data) == loaded


@pytest.mark.parametrize(("schema", "data", "messages"), BAD)
def test_a_bad_public_key_is_named_under_the_device(schema, data, messages):
    with pytest.raises(ValidationFailed) as refused:
        load(schema, data)
    assert refused.value.details == {"device": {"public_key": messages}}


@pytest.mark.parametrize("language", ["de", "", 1, ["nl"]])
def test_a_language_other_than_nl_or_en_is_refused(language):
    with pytest.raises(ValidationFailed) as refused:
        load(schemas.MeUpdate(), {"language": language})
    assert refused.value.details == {"language": ["Must be one of: nl, en."]}
    assert refused.value.code == "validation_error"
