"""A profile's repr, str and _asdict never show a secret, even in a traceback with locals."""

from __future__ import annotations

import traceback

import pytest
from conftest import FAKE_CLIENT_SECRET, FAKE_DIGEST, FAKE_SESSION_SECRET, fake_profile

from tui.core.fields import is_secret_field

SECRETS = (FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET)


def _fail_with_locals(profile):
    as_dict = profile._asdict()  # noqa: F841 - a local the traceback shows
    text = str(profile)  # noqa: F841
    raise RuntimeError("boom")


def _traceback_text(profile) -> str:
    try:
        _fail_with_locals(profile)
    except RuntimeError as error:
        return "".join(
            traceback.TracebackException.from_exception(error, capture_locals=True).format())
    raise AssertionError("no exception")


def test_repr_str_and_asdict_mask_both_secrets_and_show_the_digest():
    profile = fake_profile()
    for text in (repr(profile), str(profile), repr(profile._asdict()), f"{profile}"):
        assert not any(secret in text for secret in SECRETS), text
        assert "client_secret=" in text or "'client_secret'" in text
    assert FAKE_DIGEST in repr(profile)


def test_a_traceback_with_locals_shows_no_secret():
    text = _traceback_text(fake_profile())
    assert "_fail_with_locals" in text and "profile =" in text
    assert not any(secret in text for secret in SECRETS)


def test_richs_pretty_printer_and_traceback_show_no_secret():
    # Textual's crash report is rich's traceback with locals: the way the secrets leaked.
    rich_pretty = pytest.importorskip("rich.pretty")
    from rich.console import Console
    from rich.traceback import Traceback

    profile = fake_profile()
    assert not any(s in rich_pretty.pretty_repr(profile) for s in SECRETS)
    assert not any(s in rich_pretty.pretty_repr(profile._asdict()) for s in SECRETS)
    console = Console(record=True, width=200, file=open("/dev/null", "w"))  # noqa: SIM115
    try:
        _fail_with_locals(profile)
    except RuntimeError:
        console.print(Traceback(show_locals=True, width=200))
    text = console.export_text()
    assert "_fail_with_locals" in text
    assert not any(secret in text for secret in SECRETS)


def test_asdict_keeps_the_real_values_for_code():
    profile = fake_profile()
    assert profile._asdict()["client_secret"] == FAKE_CLIENT_SECRET
    assert dict(profile._asdict()) == dict(zip(profile._fields, profile, strict=True))
    assert profile.with_changes(client_name="x").session_secret == FAKE_SESSION_SECRET


@pytest.mark.parametrize("name", ["client_secret", "session_secret", "hmac_secret",
                                  "signing_key", "private_key", "jwks_private_key_pem",
                                  "admin_password"])
def test_secret_fields_are_found_by_a_rule_not_a_list(name):
    assert is_secret_field(name)


@pytest.mark.parametrize("name", ["client_secret_digest", "client_id", "digest_algorithm",
                                  "app_url", "checklist"])
def test_other_fields_are_shown(name):
    assert not is_secret_field(name)


def test_an_empty_secret_shows_as_empty():
    assert "client_secret=''" in repr(fake_profile(client_secret=""))
