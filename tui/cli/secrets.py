"""`hash`, `verify` and `rand`: digests and random strings, secrets read from stdin only.

(`write-key`, which writes a profile's signing key, is with `set` in provider.py.)
"""

from __future__ import annotations

import sys

from ..core.digest import ALGORITHMS, DEFAULT_ALGORITHM
from ..core.shown import shown
from .common import EXIT_FAILED, EXIT_OK, UsageError, example, open_store


def add_parsers(commands) -> None:
    hash_ = commands.add_parser(
        "hash", help="digest of the secret on stdin (prompted for, without echo, on a "
        "terminal), or of a profile's client secret with --profile",
        **example("hash --algorithm argon2id < secret.txt", "hash --profile home"))
    hash_.add_argument("--algorithm", choices=list(ALGORITHMS), default=None,
                       metavar="A", help=" | ".join(ALGORITHMS) + " (default: the profile's "
                       f"with --profile, else {DEFAULT_ALGORITHM})")
    hash_.add_argument("--profile", metavar="NAME", dest="sub_profile",
                       help="hash this profile's client secret (never printed) instead of "
                       "reading one: for a digest Authelia reads from a template or variable")
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

    if args.sub_profile is None:
        print(digest.hash(read_secret(), args.algorithm or DEFAULT_ALGORITHM))
        return EXIT_OK
    name = args.sub_profile
    profile = open_store().load(name)
    if not profile.client_secret:
        raise UsageError(f"profile {name!r} has no client secret: make one first "
                         f"(librechat-authelia set --profile {name} --new client-secret)")
    problem = digest.secret_problem(profile.client_secret)
    if problem:
        raise UsageError(f"profile {name!r}: the client secret {problem}")
    algorithm = args.algorithm or (profile.digest_algorithm if profile.digest_algorithm
                                   in ALGORITHMS else DEFAULT_ALGORITHM)
    print(digest.hash(profile.client_secret, algorithm))
    if profile.digest_outside:
        print(f"the digest of profile {name}'s client secret ({algorithm}): put it where "
              f"{shown(profile.digest_template)} reads it in Authelia's configuration",
              file=sys.stderr)
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
