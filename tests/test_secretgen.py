from __future__ import annotations

import pytest

from tui.core import facts, secretgen


def test_defaults_match_authelias_faq_commands():
    client_id = secretgen.new_client_id()
    secret = secretgen.new_client_secret()
    session = secretgen.new_session_secret()
    assert len(client_id) == 72 and set(client_id) <= set(facts.RFC3986_UNRESERVED)
    assert len(secret) == 72 and set(secret) <= set(facts.RFC3986_UNRESERVED)
    assert len(session) == 64 and set(session) <= set(facts.ALPHANUMERIC)
    assert len({client_id, secret, secretgen.new_client_secret()}) == 3


def test_charsets_are_used_whole():
    drawn = set(secretgen.random_string(4000, "rfc3986"))
    assert drawn == set(facts.RFC3986_UNRESERVED)
    assert set(secretgen.random_string(4000, "alphanumeric")) == set(facts.ALPHANUMERIC)


@pytest.mark.parametrize(("length", "charset"), [(0, "rfc3986"), (5000, "rfc3986"), (8, "hex")])
def test_bad_arguments_are_refused(length, charset):
    with pytest.raises(ValueError):
        secretgen.random_string(length, charset)
