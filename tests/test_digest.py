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
     ("argon2id", {"memory": 16, "parallelism": 4}, "between 32 and .* 8 KiB per lane"),
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


# Cost caps: a digest over a cap is refused from its parameters alone.

SALT = "c2FsdHNhbHRzYWx0c2FsdA"
COSTLY = {
    "bcrypt cost 31": "$2b$31$" + "a" * 53,
    "sha512crypt 999999999 rounds": "$6$rounds=999999999$saltsaltsaltsalt$" + "a" * 86,
    "argon2id 2 GiB x 100": f"$argon2id$v=19$m=2097152,t=100,p=4${SALT}$" + "a" * 43,
    "argon2id 4 GiB": f"$argon2id$v=19$m=4194304,t=1,p=4${SALT}$" + "a" * 43,
    "pbkdf2 2^32-1 iterations": "$pbkdf2-sha512$4294967295$ZmFrZXNhbHRmYWtlc2FsdA$"
    "IauqXRbUrEQUl6yk6GQN0ttEhgwH15NklcBHl02vujbKcZJ19oqrAAB.jd4HOAx7bNyvg3gwI6XHUkWdg94boA",
    "scrypt ln=22": f"$scrypt$ln=22,r=8,p=1${SALT}$" + "a" * 43,
    "sha256crypt 999999999 rounds": "$5$rounds=999999999$saltsaltsaltsalt$" + "a" * 43,
}


@pytest.fixture
def no_hashing(monkeypatch):
    """Any attempt to verify through passlib fails the test."""
    from passlib.context import CryptContext

    def refuse(*args, **kwargs):
        raise AssertionError("a capped digest was hashed")

    monkeypatch.setattr(CryptContext, "verify", refuse)


@pytest.mark.parametrize("value", list(COSTLY.values()), ids=list(COSTLY))
def test_a_digest_over_the_cap_is_refused_before_any_hashing(value, no_hashing):
    with pytest.raises(digest.DigestTooCostly, match="over this tool's cap of"):
        digest.verify("x", value)
    assert "too costly" in digest.cost_problem(value)


def test_the_cap_names_the_limit():
    assert "bcrypt cost is 31, over this tool's cap of 17" in digest.cost_problem(
        COSTLY["bcrypt cost 31"])
    assert "argon2id memory is 4194304, over this tool's cap of 2097152" in (
        digest.cost_problem(COSTLY["argon2id 4 GiB"]))
    assert "iterations is 100, over this tool's cap of 5" in digest.cost_problem(
        COSTLY["argon2id 2 GiB x 100"])


def test_authelias_own_vectors_are_all_within_the_caps():
    for _algorithm, _password, value in VECTORS:
        assert digest.cost_problem(value) is None, value


@pytest.mark.parametrize(
    ("algorithm", "params"),
    [("bcrypt", {"cost": 18}), ("pbkdf2-sha512", {"iterations": 10_000_001}),
     ("sha512crypt", {"iterations": 10_000_001}), ("argon2id", {"memory": 2 * 2**20 + 1}),
     ("argon2id", {"memory": 65536, "iterations": 161}), ("scrypt", {"ln": 21}),
     ("scrypt", {"ln": 20, "block_size": 8, "parallelism": 3})],
)
def test_hash_refuses_a_cost_over_the_cap(algorithm, params):
    with pytest.raises(digest.DigestError, match="under about 10 s"):
        digest.hash("x", algorithm, **params)


def test_caps_are_well_above_authelias_defaults():
    for name, spec in digest.ALGORITHMS.items():
        low, high = digest.cost_range(name)
        default = spec.defaults[spec.cost_param]
        assert low <= default <= high
        if spec.cost_param in ("ln", "cost"):  # exponents: +3 is 8x the work
            assert high >= default + 3, name
        else:
            assert high >= 8 * default, name


def test_cost_range_is_the_rule_check_params_applies():
    # argon2id memory: 8 KiB per lane; the stated range and the refusal agree.
    assert digest.cost_range("argon2id", {"parallelism": 1})[0] == 8
    digest.check_params("argon2id", {"memory": 8, "parallelism": 1})
    low, high = digest.cost_range("argon2id", {"parallelism": 4})
    assert low == 32
    with pytest.raises(digest.DigestError) as refused:
        digest.check_params("argon2id", {"memory": 8})
    assert str(refused.value).startswith(
        digest.range_message("argon2id", "memory", low, high, 8))
    digest.check_params("argon2id", {"memory": low})
    digest.check_params("argon2id", {"memory": high})
    with pytest.raises(digest.DigestError, match=f"between {low} and {high}"):
        digest.check_params("argon2id", {"memory": high + 1})
    # the range follows the other parameters: more passes, less memory
    assert digest.cost_range("argon2id", {"iterations": 10})[1] == digest.ARGON2_MAX_WORK // 10
    for algorithm in digest.ALGORITHMS:
        low, high = digest.cost_range(algorithm)
        param = digest.ALGORITHMS[algorithm].cost_param
        digest.check_params(algorithm, {param: high})
        with pytest.raises(digest.DigestError, match=f"between {low} and {high}"):
            digest.check_params(algorithm, {param: high + 1})


def test_overlong_secret_is_refused_with_the_limit():
    assert digest.MAX_SECRET_LENGTH == 4096
    digest.hash("x" * 4096, "pbkdf2-sha512", iterations=1000)
    with pytest.raises(digest.DigestError, match="at most 4096"):
        digest.hash("x" * 4097, "pbkdf2-sha512", iterations=1000)
    with pytest.raises(digest.DigestError, match="at most 4096") as refused:
        digest.verify("x" * 4097, digest.hash("x", "pbkdf2-sha512", iterations=1000))
    assert not isinstance(refused.value, digest.NotADigest)


# A $2a$ digest whose salt sets bcrypt's unused padding bits, as other implementations
# write them: bcrypt ignores the bits, passlib warns about them on stderr.
BCRYPT_2A_PADDED = "$2a$04$1l1WP4/tz6/NUdsHLZZjLf7ZqKhbOYyTdg3LOfkgYpA6ygD6Z3WYC"


def test_2a_digest_with_padding_bits_verifies_without_a_warning(recwarn):
    assert digest.verify("password", BCRYPT_2A_PADDED)
    assert not digest.verify("passwort", BCRYPT_2A_PADDED)
    assert digest.identify(BCRYPT_2A_PADDED) == ("bcrypt", {"cost": 4})
    assert not [w for w in recwarn if "padding bits" in str(w.message)]


def test_the_caps_are_read_without_loading_passlib():
    """The checks run on the app's first screen: the caps need no passlib (~30 ms)."""
    import subprocess
    import sys

    code = ("import sys\nfrom tui.core import digest\n"
            "for d in ['$pbkdf2-sha512$310000$c2FsdA$aGFzaA', '$2b$12$' + 'a' * 53,\n"
            "          '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',\n"
            "          '$scrypt$ln=16,r=8,p=1$c2FsdA$aGFzaA', '$6$rounds=50000$salt$hash']:\n"
            "    assert digest.cost_problem(d) is None, d\n"
            "assert digest.cost_problem('$2b$31$' + 'a' * 53)\n"
            "assert 'passlib' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
