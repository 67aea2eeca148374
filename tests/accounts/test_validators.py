"""What a display name and a bio may hold: never an email address."""

import pytest
from django.core.exceptions import ValidationError

from accounts.validators import validate_display_name, validate_no_email_address

# "pat@example.com" in full-width letters.
FULL_WIDTH_ADDRESS = "".join(chr(ord(c) + 0xFEE0) for c in "pat@example.com")


@pytest.mark.parametrize(
    "name",
    ["pat@example.com", "pat\uff20example.com", "pat @ example.com", "a@b"],
)
def test_display_name_can_not_be_or_contain_an_email_address(name):
    with pytest.raises(ValidationError) as caught:
        validate_display_name(name)
    assert caught.value.code == "email"


@pytest.mark.parametrize("name", ["Dee M.", "Colm O'Brien", "Lena-Marie", "Tomasz"])
def test_ordinary_display_names_are_accepted(name):
    validate_display_name(name)


@pytest.mark.parametrize(
    "text",
    [
        "mail pat@example.com",
        "pat at example: pat [at] example [dot] org",
        "pat{at}example{dot}org",
        FULL_WIDTH_ADDRESS,
    ],
)
def test_bio_can_not_contain_an_email_address(text):
    with pytest.raises(ValidationError):
        validate_no_email_address(text)


@pytest.mark.parametrize(
    "text", ["Diagnosed in 2019, on LDN since 2021.", "I'm @home most days."]
)
def test_ordinary_bios_are_accepted(text):
    validate_no_email_address(text)
