"""Client secret digests in the crypt formats Authelia parses (go-crypt), through passlib.

passlib is imported lazily: rendering the .env block never needs it, and the CLI's start-up
time matters to scripts.
"""

from __future__ import annotations

from collections import namedtuple
from functools import cache

from .inputerror import InputError

DEFAULT_ALGORITHM = "pbkdf2-sha512"
# The command that makes the digest of a profile's client secret (NAME: the caller fills
# in the profile's name, tui/core/words.py with_name).
HASH_COMMAND = "librechat-authelia hash --profile NAME"


class DigestError(InputError):
    """A bad algorithm name or parameter."""


class NotADigest(DigestError):
    """The string is not in any digest format Authelia understands."""


# cost_param is the parameter that sets the work factor, shown and tuned in the app;
# limits maps a parameter to its (lowest, highest) allowed value. The highest values of
# the cost parameters are the caps described below.
Algorithm = namedtuple("Algorithm", "name label defaults cost_param limits")

# A client secret longer than this is refused: passlib refuses to hash or verify a password
# over 4096 bytes (its PasswordSizeError, a guard against denial of service), and a
# generated secret has 72 characters.
MAX_SECRET_LENGTH = 4096

# Cost caps. Authelia verifies the digest on every token request and this tool verifies it
# on every check, so a digest that takes minutes (bcrypt cost 31, sha512crypt with 999999999
# rounds, argon2id with 2 GiB) would hang both. Each cap sits a little under the cost at
# which one verification takes about 10 s on a typical machine, which is 8x to 30x
# Authelia's defaults (those aim at about 0.5 s). Measured on this project's 2-core
# development machine (Python 3.11, OpenSSL's PBKDF2 through hashlib, argon2-cffi, bcrypt,
# passlib's sha-crypt) by tests/benchmarks/bench_digest_caps.py, which prints today's figures:
# the cost that takes 10 s, then the cap and its time.
#   pbkdf2-sha512/384  15M / 19M iterations   cap 10M     (about 5 to 7 s)
#   pbkdf2-sha256/224/sha1  33M to 41M        cap 25M     (about 6 to 8 s)
#   argon2id   11M to 14M KiB x passes        cap memory x iterations <= 10 GiB-passes
#              (10485760 KiB; e.g. m=1048576 t=10, about 8 s) and memory <= 2 GiB (the
#              largest in Authelia's own test digests, m=2097152 t=1, which must verify)
#   scrypt     2^ln x r x p of 26M to 32M     cap 2^24 (about 6 s), memory 128 x r x 2^ln
#              <= 1 GiB (so ln <= 20 with r=8)
#   bcrypt     cost 17.4                      cap 17      (about 7.5 s)
#   sha512crypt 15M rounds, sha256crypt 22M   cap 10M     (about 7 s and 4.5 s)
# Above a cap a digest is refused with a message naming the limit; its parameters are read
# from the digest string before any hashing work is done.
PBKDF2_MAX = {"pbkdf2-sha512": 10_000_000, "pbkdf2-sha384": 10_000_000,
              "pbkdf2-sha256": 25_000_000, "pbkdf2-sha224": 25_000_000,
              "pbkdf2-sha1": 25_000_000}
ARGON2_MAX_MEMORY = 2 * 1024 * 1024  # KiB: 2 GiB
ARGON2_MAX_WORK = 10 * 1024 * 1024  # memory (KiB) x iterations
SCRYPT_MAX_WORK = 2**24  # 2^ln x block_size x parallelism
SCRYPT_MAX_MEMORY = 1024**3  # bytes: 128 x block_size x 2^ln
BCRYPT_MAX_COST = 17
SHACRYPT_MAX_ROUNDS = 10_000_000


def _pbkdf2(name: str, label: str, iterations: int) -> Algorithm:
    return Algorithm(name, label, {"iterations": iterations, "salt_size": 16}, "iterations",
                     {"iterations": (1000, PBKDF2_MAX[name]), "salt_size": (8, 64)})


_ARGON2_LIMITS = {
    "iterations": (1, ARGON2_MAX_WORK // 8), "memory": (8, ARGON2_MAX_MEMORY),
    "parallelism": (1, 64), "salt_size": (8, 64),
}

# Authelia's defaults (FACTS.md, "Digest formats and Authelia's default parameters").
ALGORITHMS: dict[str, Algorithm] = {
    a.name: a
    for a in (
        _pbkdf2("pbkdf2-sha512", "PBKDF2-SHA512", 310000),
        _pbkdf2("pbkdf2-sha384", "PBKDF2-SHA384", 280000),
        _pbkdf2("pbkdf2-sha256", "PBKDF2-SHA256", 700000),
        _pbkdf2("pbkdf2-sha224", "PBKDF2-SHA224", 900000),
        _pbkdf2("pbkdf2-sha1", "PBKDF2-SHA1", 1600000),
        Algorithm(
            "argon2id", "Argon2id",
            {"iterations": 3, "memory": 65536, "parallelism": 4, "salt_size": 16},
            "memory", _ARGON2_LIMITS,
        ),
        Algorithm(
            "scrypt", "scrypt", {"ln": 16, "block_size": 8, "parallelism": 1}, "ln",
            {"ln": (1, 20), "block_size": (1, 32), "parallelism": (1, 32)},
        ),
        Algorithm("bcrypt", "bcrypt", {"cost": 12}, "cost", {"cost": (4, BCRYPT_MAX_COST)}),
        Algorithm(
            "sha512crypt", "SHA512-crypt", {"iterations": 50000}, "iterations",
            {"iterations": (1000, SHACRYPT_MAX_ROUNDS)},
        ),
    )
}

# Digests this tool verifies (Authelia reads them) but does not make: their caps only.
_VERIFY_ONLY_LIMITS = {
    "argon2i": _ARGON2_LIMITS, "argon2d": _ARGON2_LIMITS,
    "sha256crypt": {"iterations": (1000, SHACRYPT_MAX_ROUNDS)},
}


def _family(algorithm: str) -> str:
    return "argon2" if algorithm.startswith("argon2") else algorithm


def param_range(algorithm: str, param: str, params: dict[str, int] | None = None
                ) -> tuple[int, int]:
    """The (lowest, highest) value `param` may take, given the other parameters.

    Some limits depend on each other (argon2 memory needs 8 KiB per lane and its work is
    memory x iterations; scrypt's memory and work grow with ln, block_size and
    parallelism), so the range is computed with `params` (merged over the defaults).
    """
    spec = ALGORITHMS.get(algorithm)
    limits = spec.limits if spec else _VERIFY_ONLY_LIMITS.get(algorithm, {})
    merged = {**(spec.defaults if spec else {}), **(params or {})}
    low, high = limits.get(param, (1, 2**31 - 1))
    family = _family(algorithm)
    if family == "argon2":
        if param == "memory":
            low = max(low, 8 * merged.get("parallelism", 1))
            high = min(high, ARGON2_MAX_WORK // max(1, merged.get("iterations", 1)))
        elif param == "iterations":
            high = min(high, ARGON2_MAX_WORK // max(1, merged.get("memory", 1)))
        elif param == "parallelism":
            high = min(high, max(1, merged.get("memory", 8) // 8))
    elif family == "scrypt":
        # ln bounded before 2**ln: a parsed digest could hold any number
        ln = min(merged.get("ln", 1), 64)
        r, p = max(1, merged.get("block_size", 1)), max(1, merged.get("parallelism", 1))
        if param == "ln":
            while high > low and (2**high * r * p > SCRYPT_MAX_WORK
                                  or 128 * r * 2**high > SCRYPT_MAX_MEMORY):
                high -= 1
        elif param == "block_size":
            high = min(high, SCRYPT_MAX_WORK // (2**ln * p), SCRYPT_MAX_MEMORY // (128 * 2**ln))
        elif param == "parallelism":
            high = min(high, SCRYPT_MAX_WORK // (2**ln * r))
    return (low, max(high, 0))


def cost_range(algorithm: str, params: dict[str, int] | None = None) -> tuple[int, int]:
    """The range of the algorithm's cost parameter (the one the app lets the user tune)."""
    return param_range(algorithm, ALGORITHMS[algorithm].cost_param, params)


def range_message(algorithm: str, param: str, low: int, high: int, value: object) -> str:
    """The one wording of an out-of-range parameter, used by the CLI, the checks and the app."""
    return f"{algorithm} {param} must be between {low} and {high}, not {value}"


def _param_problem(algorithm: str, merged: dict[str, int], *, lower_bounds: bool
                   ) -> str | None:
    # The fixed limits first (argon2 memory over 2 GiB is the problem, not the iterations
    # that would fit beside it), then the ones that depend on each other.
    spec = ALGORITHMS.get(algorithm)
    limits = spec.limits if spec else _VERIFY_ONLY_LIMITS.get(algorithm, {})
    keys = sorted(merged, key=lambda k: merged[k] <= limits.get(k, (0, 2**63))[1])
    for key in keys:
        value = merged[key]
        low, high = param_range(algorithm, key, merged)
        if value > limits.get(key, (0, 2**63))[1]:
            high = limits[key][1]
        if lower_bounds and not low <= value <= high:
            message = range_message(algorithm, key, low, high, value)
            if value > high:
                message += _CAP_NOTE.get(_family(algorithm), _CAP_NOTE[""])
            elif _family(algorithm) == "argon2" and key == "memory":
                message += " (at least 8 KiB per lane: 8 x parallelism)"
            return message
        if value > high:
            return (f"its {algorithm} {key} is {value}, over this tool's cap of {high}"
                    + _CAP_NOTE.get(_family(algorithm), _CAP_NOTE[""]))
    return None


_CAP_NOTE = {
    "": " (the cap keeps one verification under about 10 s)",
    "argon2": f" (the caps keep one verification under about 10 s: memory at most "
              f"{ARGON2_MAX_MEMORY} KiB, memory x iterations at most {ARGON2_MAX_WORK})",
    "scrypt": f" (the caps keep one verification under about 10 s: 2^ln x block_size x "
              f"parallelism at most {SCRYPT_MAX_WORK}, memory 128 x block_size x 2^ln at "
              "most 1 GiB)",
}


class DigestTooCostly(DigestError):
    """A digest whose parameters exceed the caps: verifying it would take too long."""


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
    problem = _param_problem(algorithm, merged, lower_bounds=True)
    if problem:
        raise DigestError(problem)
    return merged


def cost_problem(value: str) -> str | None:
    """Why verifying digest `value` would cost too much, from its parameters alone.

    Reads the parameters from the string (no hashing); None for a digest within the caps,
    for plaintext, and for anything that is not a digest (verify() reports that).
    """
    quick = _cost_params(value)
    if quick is None:
        try:
            quick = identify(value)
        except DigestError:
            return None
    algorithm, params = quick
    if algorithm == "plaintext":
        return None
    problem = _param_problem(algorithm, params, lower_bounds=False)
    if problem:
        return f"the digest is too costly to verify: {problem}; make it again with a lower cost"
    return None


# (how the digest starts, its pattern, the algorithm and cost parameters a match gives)
_COST_FORMATS = (
    ("$pbkdf2-", r"\$pbkdf2-(sha512|sha384|sha256|sha224|sha1)\$(\d{1,12})\$",
     lambda m: (f"pbkdf2-{m[1]}", {"iterations": int(m[2])})),
    ("$pbkdf2$", r"\$pbkdf2\$(\d{1,12})\$",
     lambda m: ("pbkdf2-sha1", {"iterations": int(m[1])})),
    ("$argon2", r"\$(argon2id|argon2i|argon2d)\$v=19\$m=(\d{1,12}),t=(\d{1,12}),"
                r"p=(\d{1,6})\$",
     lambda m: (m[1], {"iterations": int(m[3]), "memory": int(m[2]),
                       "parallelism": int(m[4])})),  # identify()'s order
    ("$scrypt$", r"\$scrypt\$ln=(\d{1,4}),r=(\d{1,6}),p=(\d{1,6})\$",
     lambda m: ("scrypt", {"ln": int(m[1]), "block_size": int(m[2]),
                           "parallelism": int(m[3])})),
    ("$2", r"\$2[aby]\$(\d\d)\$", lambda m: ("bcrypt", {"cost": int(m[1])})),
    (("$5$", "$6$"), r"\$([56])\$rounds=(\d{1,12})\$",
     lambda m: ({"5": "sha256crypt", "6": "sha512crypt"}[m[1]],
                {"iterations": int(m[2])})),
)


def _cost_params(digest: str) -> tuple[str, dict[str, int]] | None:
    """(algorithm, cost parameters) read with a pattern, for the formats whose cost is in
    plain digits; None for anything else (identify() then asks passlib).

    The checks run on the app's first screen and on every edit: loading passlib there
    costs ~30 ms, and the caps need only these numbers. Only the pattern of the digest's
    own format is compiled (re caches it): compiling all of them cost `render env` ~1 ms.
    """
    import re

    for start, pattern, read in _COST_FORMATS:
        if digest.startswith(start):
            match = re.match(pattern, digest)
            if match:
                return read(match)
    return None


def secret_problem(secret: str) -> str | None:
    """Why `secret` cannot be hashed (to follow "the client secret ..."), or None."""
    if len(secret) > MAX_SECRET_LENGTH:
        return (f"has {len(secret)} characters; at most {MAX_SECRET_LENGTH} can be hashed "
                "(72 random ones are plenty)")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in secret):
        return "contains bytes that are not valid UTF-8"
    return None


def _check_secret(secret: str) -> None:
    problem = secret_problem(secret)
    if problem:
        raise DigestError(f"the secret {problem}")


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
    _check_secret(secret)
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


def _bcrypt_padding_cleared(digest: str) -> str:
    """A bcrypt digest with the unused padding bits of its salt and hash cleared.

    Digests made elsewhere (often $2a$) may set those bits. bcrypt ignores them, and so does
    passlib, but only after printing a multi-line PasslibHashWarning; clearing them first is
    what passlib does itself, without the warning (a warnings filter is process-wide and
    not thread-safe, and the app verifies in a thread).
    """
    if len(digest) != 60 or not digest.startswith(("$2a$", "$2b$", "$2y$", "$2x$")):
        return digest
    from passlib.utils.binary import bcrypt64

    try:
        salt = bcrypt64.repair_unused(digest[7:29])
        checksum = bcrypt64.repair_unused(digest[29:])
    except (ValueError, TypeError):
        return digest
    return digest[:7] + salt + checksum


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


# A digest's leading $id$ and the algorithm that makes it (without loading passlib).
_PREFIXES = {"pbkdf2-sha512": "pbkdf2-sha512", "pbkdf2-sha384": "pbkdf2-sha384",
             "pbkdf2-sha256": "pbkdf2-sha256", "pbkdf2-sha224": "pbkdf2-sha224",
             "pbkdf2": "pbkdf2-sha1", "pbkdf2-sha1": "pbkdf2-sha1", "argon2id": "argon2id",
             "scrypt": "scrypt", "2a": "bcrypt", "2b": "bcrypt", "2y": "bcrypt",
             "6": "sha512crypt"}


def algorithm_of(digest: str) -> str | None:
    """The algorithm a digest was made with, from its $id$ alone; None when unknown."""
    if not digest.startswith("$"):
        return None
    return _PREFIXES.get(digest.split("$")[1])


def is_plaintext(digest: str) -> bool:
    return digest.startswith(("$plaintext$", "$base64$"))


def identify(digest: str) -> tuple[str, dict[str, int]]:
    """The algorithm name and parameters a digest was made with."""
    if is_plaintext(digest):
        return ("plaintext", {})
    if not digest.startswith("$"):
        raise NotADigest(_not_a_digest(digest))  # without loading passlib
    try:
        digest = _bcrypt_padding_cleared(digest)
        handler = _context().identify(digest, resolve=True, required=True)
        parsed = handler.from_string(digest)
    except (ValueError, TypeError, OverflowError):
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
    # Name the format only when it is one Authelia knows: the text may be a plaintext secret
    # that starts with $ ($uperS3cret$), which must never be quoted.
    prefix = digest.split("$")[1] if digest.count("$") > 1 else ""
    if prefix in _PREFIXES or prefix in ("argon2id", "argon2i", "argon2d", "2a", "2b", "2y",
                                         "5", "6", "plaintext", "base64"):
        return f"not a digest Authelia understands (its ${prefix}$ form is malformed)"
    return "not a digest Authelia understands (its $...$ format is unknown)"


def verify(secret: str, digest: str) -> bool:
    """Whether `digest` was made from `secret`.

    Raises NotADigest for anything that is not a digest, DigestTooCostly (before any hashing
    work) for a digest over the caps, and DigestError for a secret that cannot be hashed.
    """
    _check_secret(secret)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in digest):  # from bytes in argv that are not UTF-8
        raise NotADigest("the digest contains bytes that are not valid UTF-8")
    plain = _plain_value(digest)
    if plain is not None:
        import hmac

        return hmac.compare_digest(plain.encode(), secret.encode())
    problem = cost_problem(digest)
    if problem:
        raise DigestTooCostly(problem)
    try:
        return _context().verify(secret, _bcrypt_padding_cleared(digest))
    except MemoryError:
        raise DigestError("there is not enough memory to verify this digest") from None
    except (ValueError, TypeError, OverflowError):
        raise NotADigest(_not_a_digest(digest)) from None
