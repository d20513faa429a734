"""`hash --profile NAME`: the digest of a profile's own client secret, for a digest Authelia
reads from a template or variable; the secret itself is never printed. Every piece of advice
to make such a digest again names this command."""

from __future__ import annotations

import pytest

from tests.conftest import FAKE_CLIENT_SECRET, fake_profile
from tests.corpus_helpers import cli
from tui.core import digest
from tui.core.store import ProfileStore

TEMPLATE = '{{ secret "/run/secrets/librechat_client_digest" }}'


@pytest.fixture
def no_stdin(monkeypatch):
    class Refused:
        def __getattr__(self, name):
            raise AssertionError("hash --profile reads no standard input")

    monkeypatch.setattr("sys.stdin", Refused())


def test_hash_profile_prints_the_digest_of_the_profiles_client_secret(capsys, no_stdin):
    ProfileStore().save("home", fake_profile(digest_algorithm="pbkdf2-sha256"))
    status, out, err = cli(capsys, "hash", "--profile", "home")
    assert status == 0, err
    value = out.strip()
    assert value.startswith("$pbkdf2-sha256$")  # the profile's algorithm
    assert digest.verify(FAKE_CLIENT_SECRET, value)
    assert FAKE_CLIENT_SECRET not in out + err
    status, out, _ = cli(capsys, "hash", "--profile", "home", "--algorithm", "pbkdf2-sha512")
    assert status == 0 and out.startswith("$pbkdf2-sha512$")
    assert digest.verify(FAKE_CLIENT_SECRET, out.strip())


def test_hash_profile_refuses_a_missing_profile_or_secret_in_one_line(capsys, no_stdin):
    status, _, err = cli(capsys, "hash", "--profile", "nobody")
    assert status == 2 and len(err.splitlines()) == 1 and "Traceback" not in err
    ProfileStore().save("empty", fake_profile(client_secret="", client_secret_digest=""))
    status, _, err = cli(capsys, "hash", "--profile", "empty")
    assert status == 2 and "no client secret" in err and len(err.splitlines()) == 1


def test_hash_help_shows_both_ways(capsys):
    with pytest.raises(SystemExit):
        cli(capsys, "hash", "--help")
    out = capsys.readouterr().out
    assert "hash --profile home" in out and "< secret.txt" in out


def test_set_new_client_secret_on_a_digest_outside_names_hash_profile(capsys):
    ProfileStore().save("home", fake_profile(client_secret_digest="",
                                             digest_template=TEMPLATE))
    status, _, err = cli(capsys, "set", "--profile", "home", "--new", "client-secret")
    assert status == 0, err
    assert "librechat-authelia hash --profile home" in err
    assert "FILE-WITH-THE-SECRET" not in err
