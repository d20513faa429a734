"""The CLI's provider options (new, set), `set` and `write-key`.

`new` (profiles.py) takes the options too. No Textual import.
"""

from __future__ import annotations

import argparse
import sys

from ..core import facts
from ..core.digest import ALGORITHMS, HASH_COMMAND
from ..core.shown import shown, shown_path
from ..core.words import with_name
from .common import EXIT_OK, UsageError, example, open_store, profile_name

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..core.profile import Profile

# Fields whose findings `new` ignores while checking its input: generated after the check.
GENERATED_LATER = ("client_secret_digest", "hmac_secret", "signing_key", "signing_key_id")


def add_provider_options(parser: argparse.ArgumentParser, *, for_set: bool = False) -> None:
    """The issue's options; for `set` every default is "not given" (SUPPRESS)."""
    keep = {"default": argparse.SUPPRESS} if for_set else {}
    parser.add_argument("--provider", choices=facts.PROVIDER_CHOICES,
                        **(keep or {"default": "new"}),
                        help="new: generate Authelia's hmac_secret and signing key; existing: "
                             "Authelia has them")
    parser.add_argument("--key-bits", type=int, choices=facts.KEY_BITS, metavar="BITS",
                        **(keep or {"default": facts.DEFAULT_KEY_BITS}),
                        help="RSA key size: 2048, 3072 or 4096")
    parser.add_argument("--key-path", metavar="PATH_IN_AUTHELIA", **(keep or {"default": ""}),
                        help="read the key from this file in Authelia's container (default: "
                             "inline)")
    parser.add_argument("--admin-group", metavar="G", **(keep or {"default": ""}),
                        help="members of this Authelia group become LibreChat admins")
    parser.add_argument("--consent", choices=facts.CONSENT_CHOICES, metavar="MODE",
                        **(keep or {"default": None}),
                        help=" | ".join(facts.CONSENT_CHOICES)
                        + ("" if for_set else f" (default: {facts.DEFAULT_CONSENT})"))
    parser.add_argument("--consent-duration", metavar="D", **(keep or {"default": ""}),
                        help="with --consent pre-configured, e.g. '1 week'")
    parser.add_argument("--ca-file", metavar="HOST_PATH", **(keep or {"default": ""}),
                        help="private CA certificate of Authelia's TLS, for the LibreChat "
                             "container")
    if for_set:
        parser.add_argument("--hairpin", action=argparse.BooleanOptionalAction,
                            default=argparse.SUPPRESS,
                            help="reach Authelia's public name through the Docker host")
    else:
        parser.add_argument("--hairpin", action="store_true",
                            help="reach Authelia's public name through the Docker host")
    admin_panel = "LibreChat's admin panel logs in too (LibreChat 0.8.3+: a second redirect URI)"
    if for_set:
        parser.add_argument("--admin-panel", action=argparse.BooleanOptionalAction,
                            default=argparse.SUPPRESS, help=admin_panel)
    else:
        parser.add_argument("--admin-panel", action="store_true", help=admin_panel)


_OPTION_FIELDS = {
    "provider": "provider", "key_bits": "key_bits", "key_path": "key_path",
    "admin_group": "admin_group", "consent": "consent", "consent_duration": "consent_duration",
    "ca_file": "ca_file", "hairpin": "hairpin", "admin_panel": "admin_panel",
}


def provider_values(args: argparse.Namespace, current: Profile | None = None) -> dict[str, Any]:
    """The fields the provider options give, validated; ValueError (one line) when bad."""
    from ..core.duration import duration_seconds
    from ..core.keys import ProviderError
    from ..core.provider_checks import key_path_problem, require_ca_file
    from ..core.versions import Version, VersionError

    given = {field: getattr(args, dest) for dest, field in _OPTION_FIELDS.items()
             if hasattr(args, dest)}
    if given.get("consent") is None:
        given.pop("consent", None)
    if "key_path" in given:
        given["key_path"] = given["key_path"].strip()
        problem = key_path_problem(given["key_path"])
        if problem:
            raise ProviderError(f"--key-path {problem}")
    if given.get("ca_file"):
        given["ca_file"] = require_ca_file(given["ca_file"])
    duration = given.get("consent_duration", "").strip()
    if duration:
        if "consent" in given and given["consent"] != "pre-configured":
            raise ProviderError("--consent-duration applies only with --consent pre-configured")
        given["consent"] = "pre-configured"  # a duration means remembering consent
        version = getattr(args, "authelia", None) or (
            current.authelia_version if current else facts.DEFAULT_AUTHELIA)
        try:
            authelia = Version.parse(version)
        except VersionError:
            authelia = None
        try:
            duration_seconds(duration, authelia)
        except ValueError as error:
            raise ProviderError(f"--consent-duration: {error}") from None
    elif "consent" in given and given["consent"] != "pre-configured":
        given["consent_duration"] = ""  # a stale duration would only be a warning
    if current is None and "consent" not in given:
        given["consent"] = facts.DEFAULT_CONSENT
    return given


def generate_key_if_needed(profile: Profile, *,
                           key_bits_changed: bool = False) -> tuple[Profile, str]:
    """Provider "new" needs an hmac secret and a key of key_bits; made here if missing.

    Returns the profile and a note for stderr ("" when no key was made), to print once the
    profile is saved: a failed save stays one line.
    """
    from ..core.factory import with_signing_key
    from ..core.keys import new_hmac_secret, read_signing_key

    if profile.provider != "new":
        return profile, ""
    if not profile.hmac_secret:
        profile = profile.with_changes(hmac_secret=new_hmac_secret())
    stale = key_bits_changed and profile.signing_key and (
        read_signing_key(profile.signing_key).bits != profile.key_bits)
    if profile.signing_key and not stale:
        return profile, ""
    profile = with_signing_key(profile)
    note = (f"generated a {profile.key_bits}-bit RSA signing key (key ID "
            f"{profile.signing_key_id})")
    if stale:
        note += "; the old key is gone: put the new one into Authelia"
    return profile, note


# `set` -------------------------------------------------------------------------------------

_SET_FIELDS = {
    "app_url": "app_url", "auth_url": "auth_url", "client_id": "client_id",
    "client_name": "client_name", "policy": "policy", "group": "group",
    "refresh_tokens": "refresh_tokens", "authelia": "authelia_version",
    "librechat": "librechat_version", "digest": "digest_algorithm",
    "button_label": "button_label", "image_url": "image_url",
}


def add_parsers(commands: Any) -> None:
    add_set_command(commands)
    add_write_key_command(commands)


def add_set_command(commands: Any) -> None:
    parser = commands.add_parser("set", help="change fields of a profile; keeps its secrets "
                                 "and key", **example(
                                     "set --profile home --admin-group chat-admins --hairpin",
                                     "set --consent pre-configured --consent-duration '1 week'"))
    parser.add_argument("--profile", metavar="NAME", dest="sub_profile",
                        help="default: the last-used profile")
    s = argparse.SUPPRESS
    parser.add_argument("--app-url", metavar="URL", default=s, help="LibreChat's public URL")
    parser.add_argument("--auth-url", metavar="URL", default=s, help="Authelia's URL")
    parser.add_argument("--client-id", metavar="ID", default=s)
    parser.add_argument("--client-name", metavar="N", default=s)
    parser.add_argument("--policy", choices=facts.POLICIES, default=s)
    parser.add_argument("--group", metavar="G", default=s,
                        help="allow only members of this Authelia group ('' for everyone)")
    parser.add_argument("--refresh-tokens", action=argparse.BooleanOptionalAction, default=s)
    parser.add_argument("--authelia", choices=facts.SUPPORTED_AUTHELIA, default=s)
    parser.add_argument("--librechat", metavar="VERSION", default=s)
    parser.add_argument("--digest", metavar="ALGORITHM", choices=list(ALGORITHMS), default=s,
                        help="client secret digest (the same secret, hashed again): "
                        + " | ".join(ALGORITHMS))
    parser.add_argument("--button-label", metavar="TEXT", default=s)
    parser.add_argument("--image-url", metavar="URL", default=s)
    # Secrets never on the command line: from a file, standard input, or made here.
    parser.add_argument("--client-secret-file", metavar="PATH", default=s,
                        help="take the client secret from this file ('-': standard input, "
                        "prompted for without echo on a terminal); the digest is made again")
    parser.add_argument("--session-secret-file", metavar="PATH", default=s,
                        help="take OPENID_SESSION_SECRET from this file ('-': standard input)")
    parser.add_argument("--new", metavar="SECRET", action="append", choices=NEW_SECRETS,
                        default=s, help="make a new random one: " + " | ".join(NEW_SECRETS)
                        + " (repeatable)")
    add_provider_options(parser, for_set=True)
    parser.set_defaults(func=cmd_set)


# `set --new NAME` -> the profile field and how it is made.
NEW_SECRETS = ("client-secret", "session-secret", "hmac-secret")
SECRET_FILE_LIMIT = 64 * 1024


def _secret_from(path: str, option: str) -> str:
    """One secret from a file or, for '-', standard input: its text less one final newline;
    never empty, never more than one line."""
    from ..core.files import read_regular_file
    from ..core.shown import shown_path
    from .io import read_secret

    if path == "-":
        secret = read_secret()
    else:
        from ..core.files import expand_user_path

        try:
            data = read_regular_file(expand_user_path(path), limit=SECRET_FILE_LIMIT)
        except OSError as error:
            raise UsageError(f"{option} {shown_path(path)}: cannot be read "
                             f"({shown(error.strerror or error, limit=None)})") from None
        try:
            secret = data.decode("utf-8").removesuffix("\n").removesuffix("\r")
        except UnicodeDecodeError:
            raise UsageError(f"{option} {shown_path(path)}: not UTF-8 text") from None
    if not secret:
        raise UsageError(f"{option}: the secret is empty")
    if "\n" in secret or "\r" in secret:
        raise UsageError(f"{option}: the secret is one line; this holds several")
    return secret


def secret_values(args: argparse.Namespace, current: Profile) -> dict[str, str]:
    """The secrets `set` was given (--client-secret-file, --session-secret-file) or asked to
    make (--new); UsageError when asked for the same one twice, or for two on stdin."""
    from ..core import secretgen
    from ..core.keys import new_hmac_secret

    makers = {"client-secret": ("client_secret", secretgen.new_client_secret),
              "session-secret": ("session_secret", secretgen.new_session_secret),
              "hmac-secret": ("hmac_secret", new_hmac_secret)}
    files = {"client_secret": getattr(args, "client_secret_file", None),
             "session_secret": getattr(args, "session_secret_file", None)}
    if list(files.values()).count("-") > 1:
        raise UsageError("only one secret can come from standard input: give the other "
                         "as a file")
    out: dict[str, str] = {}
    for field, path in files.items():
        if path is not None:
            out[field] = _secret_from(path, "--" + field.replace("_", "-") + "-file")
    for choice in dict.fromkeys(getattr(args, "new", None) or ()):
        field, make = makers[choice]
        if field in out:
            raise UsageError(f"--new {choice} and --{choice}-file: give one of the two")
        if field == "hmac_secret" and current.provider != "new" and getattr(
                args, "provider", None) != "new":
            raise UsageError("--new hmac-secret: this profile uses Authelia's existing "
                             "provider, whose hmac secret is Authelia's (add --provider new "
                             "to make the profile write its own)")
        out[field] = make()
    return out


def _error_keys(findings: list) -> set[tuple[str, str]]:
    return {(f.field, f.message) for f in findings if f.severity == "error"}


def cmd_set(args: argparse.Namespace) -> int:
    from ..core.checks import check_profile

    store = open_store()
    name = profile_name(store, args.sub_profile)
    # The stamp makes the save fail (ProfileChangedOnDisk, one line) when another program
    # (the app, another set) changed the file meanwhile: its change is never lost.
    before, stamp = store.load_with_stamp(name)
    changes = {field: getattr(args, dest) for dest, field in _SET_FIELDS.items()
               if hasattr(args, dest)}
    changes.update(provider_values(args, before))
    changes.update(secret_values(args, before))
    if not changes:
        raise UsageError("nothing to change: give at least one option (see set --help)")
    profile = before.with_changes(**changes)
    old_errors = _error_keys(check_profile(before, verify_digest=False))
    new_errors = [f for f in check_profile(profile, verify_digest=False)
                  if f.severity == "error" and (f.field, f.message) not in old_errors
                  and f.field not in GENERATED_LATER]
    if new_errors:
        raise UsageError(f"{new_errors[0].field}: {new_errors[0].message}")
    profile, key_note = generate_key_if_needed(profile, key_bits_changed="key_bits" in changes)
    profile, digest_note = _digest_after(before, profile, digest_given="digest_algorithm"
                                         in changes)
    store.save(name, profile, expected=stamp)
    changed = [f for f in profile._fields if getattr(profile, f) != getattr(before, f)]
    if changed:
        print(f"updated profile {name}: {', '.join(changed)}", file=sys.stderr)
    else:
        print(f"profile {name} already has those values", file=sys.stderr)
    for note in (key_note, digest_note):
        if note:
            print(shown(with_name(note, name), limit=None), file=sys.stderr)
    for finding in check_profile(profile, verify_digest=False):
        if finding.severity != "error":
            print(shown(with_name(str(finding), name), limit=None), file=sys.stderr)
    return EXIT_OK


def _verifies(secret: str, value: str) -> bool:
    from ..core import digest

    if not secret or not value or digest.secret_problem(secret):
        return False
    try:
        return digest.verify(secret, value)
    except digest.DigestError:
        return False


def _digest_after(before: Profile, profile: Profile, *,
                  digest_given: bool) -> tuple[Profile, str]:
    """The profile with its digest made again where needed, and a note for stderr.

    --digest makes the profile hold the digest (a digest managed outside, in a template of
    Authelia's configuration, becomes the profile's). Otherwise a digest managed outside is
    never made here: when the client secret changes, the note says to update it there.
    """
    from ..core import digest

    if digest_given and profile.digest_outside:
        profile = profile.with_changes(digest_template="", client_secret_digest="")
    secret_changed = profile.client_secret != before.client_secret
    if profile.digest_outside:
        note = ("the client secret changed, but its digest comes from "
                f"{shown(profile.digest_template)} in Authelia's configuration: make it again "
                f"there ({HASH_COMMAND}; put what it prints where the template reads it), or "
                "let the profile hold it with --digest " + profile.digest_algorithm
                ) if secret_changed else ""
        return profile, note
    made_with = digest.algorithm_of(profile.client_secret_digest)
    if secret_changed and _verifies(profile.client_secret, profile.client_secret_digest):
        secret_changed = False  # the digest was made from this very secret: it stays
    if profile.client_secret and (secret_changed or not profile.client_secret_digest
                                  or profile.digest_algorithm != before.digest_algorithm
                                  or (digest_given and made_with != profile.digest_algorithm)):
        # Authelia's block changes; LibreChat's .env only when the secret did.
        profile = profile.with_changes(client_secret_digest=digest.hash(
            profile.client_secret, profile.digest_algorithm))
    return profile, ""


# `write-key` -------------------------------------------------------------------------------


def add_write_key_command(commands: Any) -> None:
    parser = commands.add_parser("write-key", help="write the profile's signing key to PATH "
                                 "(mode 0600; never replaces a file)", **example(
                                     "write-key ./authelia/config/secrets/oidc/jwks/rsa.2048.key"))
    parser.add_argument("path", metavar="PATH")
    parser.add_argument("--profile", metavar="NAME", dest="sub_profile",
                        help="default: the last-used profile")
    parser.set_defaults(func=cmd_write_key)


def cmd_write_key(args: argparse.Namespace) -> int:
    from ..core.files import expand_user_path, write_private_file
    from ..core.keys import ProviderError, read_signing_key

    store = open_store()
    name = profile_name(store, args.sub_profile)
    profile = store.load(name)
    if profile.provider != "new" or not profile.signing_key:
        raise UsageError(f"profile {name!r} has no signing key (provider: {profile.provider}): "
                         f"Authelia's existing provider keeps its own; use 'set --provider new' "
                         "to generate one")
    try:
        read_signing_key(profile.signing_key)
    except ProviderError as error:
        raise UsageError(f"profile {name!r}: {error}") from None
    target = args.path
    try:
        target = expand_user_path(args.path)
        if target.is_dir():
            raise UsageError(f"{shown_path(target)} is a directory: add a file name")
        # exclusive: created only if the name is free, atomically (a hard link).
        write_private_file(target, profile.signing_key, exclusive=True)
    except FileExistsError:
        raise UsageError(f"{shown_path(target)} already exists: write-key never replaces a file "
                         "(remove it first, or choose another path)") from None
    except OSError as error:
        raise UsageError(f"cannot write {shown_path(target)}: "
                         f"{shown(error.strerror or error, limit=None)}") from None
    where = (f"Authelia reads it at {shown_path(profile.key_path)} in its container"
             if profile.key_path
             else "the Authelia block has the key inline; set --key-path to read it from a "
                  "file instead")
    print(f"wrote the signing key {shown(profile.signing_key_id)} to {shown_path(target)} "
          f"(mode 0600); {where}", file=sys.stderr)
    return EXIT_OK
