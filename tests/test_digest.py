from __future__ import annotations

import re

import pytest
from conftest import digest_vectors, schema

from tui.core import digest

VECTORS = digest_vectors()


def test_all_24_vectors_are_present():
    assert len(VECTORS) == 24


@pytest.mark.parametrize(("algorithm", "password", "value"), VECTORS,
                         ids=[f"{i}-{row[0]}" for i, row in enumerate(VECTORS)])
def test_vector_verifies_and_rejects_wrong_password(algorithm, password, value):
    assert digest.verify(password, value) is True
    assert digest.verify("wrong_password", value) is False


def _schema_digest_pattern() -> re.Pattern:
    return re.compile(schema("4.39")["$defs"]["PasswordDigest"]["pattern"])


# Cheap parameters keep the suite fast; the defaults are pinned separately below.
CHEAP = {
    "pbkdf2-sha512": {"iterations": 1000}, "pbkdf2-sha384": {"iterations": 1000},
    "pbkdf2-sha256": {"iterations": 1000}, "pbkdf2-sha224": {"iterations": 1000},
    "pbkdf2-sha1": {"iterations": 1000},
    "argon2id": {"iterations": 1, "memory": 1024, "parallelism": 1},
    "scrypt": {"ln": 4}, "bcrypt": {"cost": 4}, "sha512crypt": {"iterations": 1000},
}


@pytest.mark.parametrize("algorithm", list(digest.ALGORITHMS))
def test_every_algorithm_round_trips_in_a_format_authelia_accepts(algorithm):
    value = digest.hash("a secret", algorithm, **CHEAP[algorithm])
    assert digest.verify("a secret", value)
    assert not digest.verify("another secret", value)
    assert _schema_digest_pattern().match(value), value
    assert digest.identify(value)[0] == algorithm


EXPECTED_PREFIX = {
    "pbkdf2-sha512": r"^\$pbkdf2-sha512\$310000\$[A-Za-z0-9./]{22}\$[A-Za-z0-9./]{86}$",
    "argon2id": r"^\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$",
    "scrypt": r"^\$scrypt\$ln=16,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$",
    "bcrypt": r"^\$2b\$12\$[A-Za-z0-9./]{53}$",
    "sha512crypt": r"^\$6\$rounds=50000\$[A-Za-z0-9./]{16}\$[A-Za-z0-9./]{86}$",
    "pbkdf2-sha256": r"^\$pbkdf2-sha256\$700000\$",
}


@pytest.mark.parametrize("algorithm", list(EXPECTED_PREFIX))
def test_authelias_default_parameters_and_exact_format(algorithm):
    value = digest.hash("a secret", algorithm)
    assert re.match(EXPECTED_PREFIX[algorithm], value), value


def test_default_algorithm_is_pbkdf2_sha512_with_16_byte_salt_and_64_byte_key():
    assert digest.DEFAULT_ALGORITHM == "pbkdf2-sha512"
    assert digest.ALGORITHMS["pbkdf2-sha512"].defaults == {"iterations": 310000, "salt_size": 16}
    assert digest.ALGORITHMS["argon2id"].defaults == {
        "iterations": 3, "memory": 65536, "parallelism": 4, "salt_size": 16}


def test_identify_reads_parameters():
    assert digest.identify(digest.hash("x", "argon2id", iterations=1, memory=2048,
                                       parallelism=2)) == (
        "argon2id", {"iterations": 1, "memory": 2048, "parallelism": 2, "salt_size": 16})
    assert digest.identify("$plaintext$abc") == ("plaintext", {})


def test_sha512crypt_always_writes_rounds_which_authelias_schema_requires():
    value = digest.hash("x", "sha512crypt", iterations=5000)
    assert value.startswith("$6$rounds=5000$")
    assert digest.verify("x", value)


@pytest.mark.parametrize("value", ["", "librechat", "$foo$bar", "$pbkdf2-sha512$1$x",
                                   "$base64$!!!"])
def test_not_a_digest(value):
    with pytest.raises(digest.NotADigest):
        digest.verify("x", value)


@pytest.mark.parametrize(
    ("algorithm", "params", "message"),
    [("md5", {}, "unknown digest algorithm"),
     ("pbkdf2-sha512", {"iterations": 10}, "between"),
     ("pbkdf2-sha512", {"memory": 10}, "takes iterations"),
     ("argon2id", {"memory": 16, "parallelism": 4}, "8 KiB per lane"),
     ("bcrypt", {"cost": "12"}, "whole number")],
)
def test_bad_parameters_say_what_is_wrong(algorithm, params, message):
    with pytest.raises(digest.DigestError, match=message):
        digest.hash("x", algorithm, **params)


def test_bcrypt_refuses_secrets_it_would_truncate():
    with pytest.raises(digest.DigestError, match="72 bytes"):
        digest.hash("x" * 73, "bcrypt", cost=4)


def test_empty_secret_is_refused():
    with pytest.raises(digest.DigestError):
        digest.hash("")


def test_params_for_keeps_a_chosen_cost_and_defaults_a_new_algorithm():
    value = digest.hash("x", "pbkdf2-sha512", iterations=1000)
    assert digest.params_for(value, "pbkdf2-sha512") == {"iterations": 1000, "salt_size": 16}
    assert digest.params_for(value, "argon2id") == digest.ALGORITHMS["argon2id"].defaults
    assert digest.params_for("", "bcrypt") == {"cost": 12}
