"""Input that the OpenAPI document calls invalid is refused (400) by the gateway's
schemas, not taken for something else: a boolean is a JSON boolean (marshmallow's own
takes 0, 1 and "yes"), a PATCH changes something, one of two alternatives is one."""

import pytest
from marshmallow import ValidationError

from gateway.schemas import (
    ClientBody,
    ConsentBody,
    DeviceInfo,
    IdentifyBody,
    MePatch,
    Preferences,
    SecondStepBody,
)

CLIENT = {"type": "person", "name": "Jan", "email": "jan@voorbeeld.nl"}
DEVICE = {
    "name": "iPhone",
    "platform": "ios",
    "os_version": "17.4",
    "app_version": "3.2.0",
    "public_key": "A" * 43 + "=",
}


@pytest.mark.parametrize("value", [0, 1, "true", "yes", "1"])
def test_a_boolean_field_takes_only_a_json_boolean(value):
    with pytest.raises(ValidationError) as refused:
        ClientBody().load({**CLIENT, "shared": value})
    assert "shared" in refused.value.messages
    with pytest.raises(ValidationError):
        ConsentBody().load({"shared": value})
    with pytest.raises(ValidationError):
        Preferences().load({"messages": value})


@pytest.mark.parametrize("value", [True, False, None])
def test_true_false_and_null_still_do_where_allowed(value):
    assert ClientBody().load({**CLIENT, "shared": value})["shared"] is value


def test_an_empty_patch_of_the_profile_is_refused():
    with pytest.raises(ValidationError):
        MePatch().load({})
    assert MePatch().load({"language": "en"}) == {"language": "en"}


@pytest.mark.parametrize(
    "schema,both,one",
    [
        (
            SecondStepBody,
            {"challenge_id": "c", "code": "123456", "recovery_code": "x"},
            {"challenge_id": "c", "code": "123456"},
        ),
        (
            IdentifyBody,
            {"partner_id": "P", "email": "a@b.nl", "mobile": "+31612345678"},
            {"partner_id": "P", "email": "a@b.nl"},
        ),
    ],
)
def test_one_of_two_alternatives_as_the_document_says(schema, both, one):
    assert schema.OPENAPI["oneOf"]
    with pytest.raises(ValidationError):
        schema().load(both)
    assert schema().load(one)


@pytest.mark.parametrize("key", ["A" * 40, "A" * 44, "A" * 43 + "!", "A" * 42 + "=="])
def test_a_device_key_is_base64_of_32_bytes(key):
    with pytest.raises(ValidationError):
        DeviceInfo().load({**DEVICE, "public_key": key})
    assert DeviceInfo().load(DEVICE)
