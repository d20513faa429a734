"""Client secret digests in the crypt formats Authelia parses (go-crypt), through passlib.

passlib is imported lazily: rendering the .env block never needs it, and the CLI's start-up
time matters to scripts.
"""

from __future__ import annotations

from collections import namedtuple
from functools import cache

DEFAULT_ALGORITHM = "pbkdf2-sha512"


class DigestError(ValueError):
    """A bad algorithm name or parameter."""


class NotADigest(DigestError):
    """The string is not in any digest format Authelia understands."""


# cost_param is the parameter that sets the work factor, shown and tuned in the app;
# limits maps a parameter to its (lowest, highest) allowed value.
Algorithm = namedtuple("Algorithm", "name label defaults cost_param limits")


# Authelia's defaults (FACTS.md, "Digest formats and Authelia's default parameters").
ALGORITHMS: dict[str, Algorithm] = {
    a.name: a
    for a in (
        Algorithm(
            "pbkdf2-sha512", "PBKDF2-SHA512", {"iterations": 310000, "salt_size": 16},
            "iterations", {"iterations": (1000, 100_000_000), "salt_size": (8, 64)},
        ),
        Algorithm(
            "pbkdf2-sha384", "PBKDF2-SHA384", {"iterations": 280000, "salt_size": 16},
            "iterations", {"iterations": (1000, 100_000_000), "salt_size": (8, 64)},
        ),
        Algorithm(
            "pbkdf2-sha256", "PBKDF2-SHA256", {"iterations": 700000, "salt_size": 16},
            "iterations", {"iterations": (1000, 100_000_000), "salt_size": (8, 64)},
        ),
        Algorithm(
            "pbkdf2-sha224", "PBKDF2-SHA224", {"iterations": 900000, "salt_size": 16},
            "iterations", {"iterations": (1000, 100_000_000), "salt_size": (8, 64)},
        ),
        Algorithm(
            "pbkdf2-sha1", "PBKDF2-SHA1", {"iterations": 1600000, "salt_size": 16},
            "iterations", {"iterations": (1000, 100_000_000), "salt_size": (8, 64)},
        ),
        Algorithm(
            "argon2id", "Argon2id",
            {"iterations": 3, "memory": 65536, "parallelism": 4, "salt_size": 16},
            "memory",
            {
                "iterations": (1, 100), "memory": (8, 4 * 1024 * 1024),
                "parallelism": (1, 64), "salt_size": (8, 64),
            },
        ),
        Algorithm(
            "scrypt", "scrypt", {"ln": 16, "block_size": 8, "parallelism": 1}, "ln",
            {"ln": (1, 22), "block_size": (1, 32), "parallelism": (1, 32)},
        ),
        Algorithm("bcrypt", "bcrypt", {"cost": 12}, "cost", {"cost": (4, 31)}),
        Algorithm(
            "sha512crypt", "SHA512-crypt", {"iterations": 50000}, "iterations",
            {"iterations": (1000, 999_999_999)},
        ),
    )
}


def check_params(algorithm: str, params: dict[str, int]) -> dict[str, int]:
    if algorithm not in ALGORITHMS:
        raise DigestError(
            f"unknown digest algorithm {algorithm!r}: use one of {', '.join(ALGORITHMS)}"
        )
    spec = ALGORITHMS[algorithm]
    unknown = set(params) - set(spec.defaults)
    if unknown:
        raise DigestError(
            f"{algorithm} takes {', '.join(spec.defaults)}; not {', '.join(sorted(unknown))}"
        )
    merged = {**spec.defaults, **params}
    for key, value in merged.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise DigestError(f"{algorithm} {key} must be a whole number, not {value!r}")
        low, high = spec.limits.get(key, (1, 2**31))
        if not low <= value <= high:
            raise DigestError(f"{algorithm} {key} must be between {low} and {high}, not {value}")
    if algorithm == "argon2id" and merged["memory"] < 8 * merged["parallelism"]:
        raise DigestError("argon2id memory must be at least 8 KiB per lane (8 x parallelism)")
    return merged


@cache
def _pbkdf2_extra():
    """passlib has no sha224/sha384 PBKDF2 handlers; go-crypt's formats match its scheme."""
    from passlib.handlers.pbkdf2 import create_pbkdf2_hash

    return {
        "pbkdf2-sha224": create_pbkdf2_hash("sha224", 28, 900000),
        "pbkdf2-sha384": create_pbkdf2_hash("sha384", 48, 280000),
    }


def _handler(algorithm: str, p: dict[str, int]):
    from passlib import hash as ph

    if algorithm.startswith("pbkdf2-"):
        base = {
            "pbkdf2-sha512": ph.pbkdf2_sha512,
            "pbkdf2-sha256": ph.pbkdf2_sha256,
            "pbkdf2-sha1": ph.pbkdf2_sha1,
        }.get(algorithm) or _pbkdf2_extra()[algorithm]
        return base.using(rounds=p["iterations"], salt_size=p["salt_size"])
    if algorithm == "argon2id":
        return ph.argon2.using(
            type="ID", rounds=p["iterations"], memory_cost=p["memory"],
            parallelism=p["parallelism"], salt_size=p["salt_size"], digest_size=32,
        )
    if algorithm == "scrypt":
        return ph.scrypt.using(
            rounds=p["ln"], block_size=p["block_size"], parallelism=p["parallelism"]
        )
    if algorithm == "bcrypt":
        return ph.bcrypt.using(rounds=p["cost"], ident="2b")
    if algorithm == "sha512crypt":
        return ph.sha512_crypt.using(rounds=p["iterations"])
    raise DigestError(f"unknown digest algorithm {algorithm!r}")  # pragma: no cover


def hash(secret: str, algorithm: str = DEFAULT_ALGORITHM, **params: int) -> str:  # noqa: A001
    """The digest of `secret` in Authelia's format, with Authelia's defaults for `params`."""
    if not secret:
        raise DigestError("there is no secret to hash")
    merged = check_params(algorithm, params)
    if algorithm == "bcrypt" and len(secret.encode()) > 72:
        raise DigestError("bcrypt uses only the first 72 bytes of a secret: pick another algorithm")
    digest = _handler(algorithm, merged).hash(secret)
    if algorithm == "sha512crypt" and not digest.startswith("$6$rounds="):
        # passlib leaves out rounds=5000; Authelia's schema requires the field.
        digest = digest.replace("$6$", "$6$rounds=5000$", 1)
    return digest


@cache
def _context():
    from passlib import hash as ph
    from passlib.context import CryptContext

    extra = _pbkdf2_extra()
    return CryptContext(
        schemes=[
            ph.pbkdf2_sha512, extra["pbkdf2-sha384"], ph.pbkdf2_sha256, extra["pbkdf2-sha224"],
            ph.pbkdf2_sha1, ph.argon2, ph.scrypt, ph.bcrypt, ph.sha512_crypt, ph.sha256_crypt,
        ]
    )


def _plain_value(digest: str) -> str | None:
    """The stored secret of a `$plaintext$` or `$base64$` digest, else None."""
    if digest.startswith("$plaintext$"):
        return digest[len("$plaintext$"):]
    if digest.startswith("$base64$"):
        import base64

        encoded = digest[len("$base64$"):]
        try:
            return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True).decode()
        except (ValueError, UnicodeDecodeError) as error:
            raise NotADigest(f"the $base64$ digest does not decode: {error}") from None
    return None


def is_plaintext(digest: str) -> bool:
    return digest.startswith(("$plaintext$", "$base64$"))


def identify(digest: str) -> tuple[str, dict[str, int]]:
    """The algorithm name and parameters a digest was made with."""
    if is_plaintext(digest):
        return ("plaintext", {})
    if not digest.startswith("$"):
        raise NotADigest(_not_a_digest(digest))  # without loading passlib
    try:
        handler = _context().identify(digest, resolve=True, required=True)
        parsed = handler.from_string(digest)
    except (ValueError, TypeError):
        raise NotADigest(_not_a_digest(digest)) from None
    name = handler.name
    if name.startswith("pbkdf2"):
        algorithm = {"pbkdf2_sha512": "pbkdf2-sha512", "pbkdf2_sha256": "pbkdf2-sha256",
                     "pbkdf2_sha1": "pbkdf2-sha1"}.get(name) or name.replace("_", "-")
        return (algorithm, {"iterations": parsed.rounds, "salt_size": len(parsed.salt)})
    if name == "argon2":
        return (f"argon2{parsed.type}", {
            "iterations": parsed.rounds, "memory": parsed.memory_cost,
            "parallelism": parsed.parallelism, "salt_size": len(parsed.salt),
        })
    if name == "scrypt":
        return ("scrypt", {"ln": parsed.rounds, "block_size": parsed.block_size,
                           "parallelism": parsed.parallelism})
    if name == "bcrypt":
        return ("bcrypt", {"cost": parsed.rounds})
    if name in ("sha512_crypt", "sha256_crypt"):
        return (name.replace("_", ""), {"iterations": parsed.rounds})
    return (name, {})  # pragma: no cover


def params_for(value: str, algorithm: str) -> dict[str, int]:
    """The parameters of digest `value` when it was made with `algorithm`, else the defaults.

    So hashing again keeps a cost the user chose, and a new algorithm starts from
    Authelia's defaults.
    """
    defaults = ALGORITHMS[algorithm].defaults
    try:
        made_with, params = identify(value)
    except NotADigest:
        return dict(defaults)
    if made_with != algorithm:
        return dict(defaults)
    return {k: params.get(k, v) for k, v in defaults.items()}


def _not_a_digest(digest: str) -> str:
    if not digest:
        return "there is no digest"
    if not digest.startswith("$"):
        return "not a digest: Authelia digests start with $ (like $pbkdf2-sha512$...)"
    prefix = digest.split("$")[1] if digest.count("$") > 1 else digest
    return f"not a digest Authelia understands (format ${prefix}$ is unknown or malformed)"


def verify(secret: str, digest: str) -> bool:
    """Whether `digest` was made from `secret`. Raises NotADigest for anything else."""
    plain = _plain_value(digest)
    if plain is not None:
        import hmac

        return hmac.compare_digest(plain.encode(), secret.encode())
    try:
        return _context().verify(secret, digest)
    except (ValueError, TypeError):
        raise NotADigest(_not_a_digest(digest)) from None
