"""`hash`, `verify` and `rand`: digests and random strings, secrets read from stdin only.

(`write-key`, which writes a profile's signing key, is with `set` in provider.py.)
"""

from __future__ import annotations

import sys

from ..core.digest import ALGORITHMS, DEFAULT_ALGORITHM
from .common import EXIT_FAILED, EXIT_OK, UsageError, example


def add_parsers(commands) -> None:
    hash_ = commands.add_parser(
        "hash", help="digest of the secret on stdin (prompted for, without echo, on a "
        "terminal)", **example("hash --algorithm argon2id < secret.txt"))
    hash_.add_argument("--algorithm", choices=list(ALGORITHMS), default=DEFAULT_ALGORITHM,
                       metavar="A", help=" | ".join(ALGORITHMS))
    hash_.set_defaults(func=cmd_hash)

    verify = commands.add_parser(
        "verify", help="exit 0 if the digest matches the secret on stdin, 1 if not",
        description="Says 'match' or 'no match' on stderr. With --digest-stdin, the first\n"
        "line of standard input is the digest and the second the secret: use it for a\n"
        "$plaintext$ digest, which holds the secret itself and would show in the process\n"
        "list as an argument.",
        **example("verify '$pbkdf2-sha512$310000$...' < secret.txt",
                  "verify --digest-stdin < digest-and-secret.txt"))
    verify.add_argument("digest", metavar="DIGEST", nargs="?",
                        help="the digest (or use --digest-stdin)")
    verify.add_argument("--digest-stdin", action="store_true",
                        help="read the digest from the first line of stdin, the secret from "
                        "the second")
    verify.set_defaults(func=cmd_verify)

    rand = commands.add_parser("rand", help="a random string", **example(
        "rand --length 64 --charset alphanumeric"))
    rand.add_argument("--length", type=int, default=72, metavar="N", help="how many characters")
    rand.add_argument("--charset", choices=["rfc3986", "alphanumeric"], default="rfc3986",
                      help="rfc3986 is A-Z a-z 0-9 - . _ ~")
    rand.set_defaults(func=cmd_rand)


def cmd_hash(args) -> int:
    from ..core import digest
    from .io import read_secret

    print(digest.hash(read_secret(), args.algorithm))
    return EXIT_OK


def cmd_verify(args) -> int:
    from ..core import digest
    from .io import read_digest_and_secret, read_secret

    if args.digest_stdin == (args.digest is not None):
        raise UsageError("give the digest as DIGEST or on stdin with --digest-stdin (one of "
                         "the two)")
    if args.digest_stdin:
        value, secret = read_digest_and_secret()
    else:
        value, secret = args.digest, read_secret()
    matches = digest.verify(secret, value)
    print("match" if matches else "no match", file=sys.stderr)
    return EXIT_OK if matches else EXIT_FAILED


def cmd_rand(args) -> int:
    from ..core.secretgen import random_string

    print(random_string(args.length, args.charset))
    return EXIT_OK
