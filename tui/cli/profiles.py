"""`new` and `list`: create a profile, list the saved ones."""

from __future__ import annotations

import sys

from ..core import facts
from ..core.digest import ALGORITHMS, DEFAULT_ALGORITHM
from ..core.shown import shown
from ..core.words import with_name
from .common import EXIT_OK, PROG, UsageError, example, open_store
from .provider import add_provider_options


def add_parsers(commands) -> None:
    new = commands.add_parser("new", help="create a profile with fresh secrets", **example(
        "new home --app-url https://chat.home.lan --auth-url https://auth.home.lan"))
    new.add_argument("name", metavar="NAME", help="profile name: letters, digits, - _ .")
    new.add_argument("--app-url", required=True, metavar="URL", help="LibreChat's public URL")
    new.add_argument("--auth-url", required=True, metavar="URL", help="Authelia's URL")
    new.add_argument("--client-id", metavar="ID",
                     help="the client ID (default: 72 random characters)")
    new.add_argument("--client-name", metavar="N", default=facts.DEFAULT_CLIENT_NAME,
                     help="the client's name on Authelia's consent screen")
    new.add_argument("--policy", choices=facts.POLICIES, default=facts.DEFAULT_POLICY,
                     help="Authelia authorization policy")
    new.add_argument("--group", metavar="G", default="",
                     help="allow only members of this Authelia group")
    new.add_argument("--refresh-tokens", action="store_true",
                     help="allow refresh tokens (adds the offline_access scope)")
    new.add_argument("--authelia", choices=facts.SUPPORTED_AUTHELIA, default=facts.DEFAULT_AUTHELIA,
                     help="Authelia version")
    new.add_argument("--librechat", metavar="VERSION", default=facts.DEFAULT_LIBRECHAT,
                     help="LibreChat version, like 0.8.7 or v0.8.8-rc1")
    new.add_argument("--digest", metavar="ALGORITHM", choices=list(ALGORITHMS),
                     default=DEFAULT_ALGORITHM,
                     help="client secret digest: " + " | ".join(ALGORITHMS))
    new.add_argument("--button-label", metavar="TEXT", default=facts.DEFAULT_BUTTON_LABEL,
                     help="LibreChat's login button text")
    new.add_argument("--image-url", metavar="URL", default=facts.DEFAULT_IMAGE_URL,
                     help="LibreChat's login button image")
    new.add_argument("--force", action="store_true", help="replace an existing profile")
    add_provider_options(new)
    new.set_defaults(func=cmd_new)

    list_ = commands.add_parser("list", help="list saved profiles", **example("list"))
    list_.set_defaults(func=cmd_list)


def cmd_new(args) -> int:
    from ..core import digest
    from ..core.checks import check_profile
    from ..core.factory import new_profile
    from ..core.store import ProfileExists, validate_name
    from .provider import GENERATED_LATER, generate_key_if_needed, provider_values

    store = open_store()
    validate_name(args.name)
    if store.exists(args.name) and not args.force:
        raise UsageError(f"profile {args.name!r} already exists: use --force to replace it")
    values = dict(
        app_url=args.app_url, auth_url=args.auth_url, client_name=args.client_name,
        policy=args.policy, group=args.group, refresh_tokens=args.refresh_tokens,
        authelia_version=args.authelia, librechat_version=args.librechat,
        digest_algorithm=args.digest, button_label=args.button_label, image_url=args.image_url,
    )
    if args.client_id is not None:
        values["client_id"] = args.client_id
    values.update(provider_values(args))
    # Check before hashing: a bad URL should not cost a 300 ms digest (or a key) first.
    profile = new_profile(hash_digest=False, generate_key=False, **values)
    findings = [f for f in check_profile(profile, verify_digest=False)
                if f.field not in GENERATED_LATER]
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise UsageError(f"{errors[0].field}: {errors[0].message}")
    profile, key_note = generate_key_if_needed(profile)
    profile = profile.with_changes(
        client_secret_digest=digest.hash(profile.client_secret, profile.digest_algorithm))
    try:  # exclusive unless --force: of two `new` at once, exactly one creates
        path = store.save(args.name, profile, overwrite=args.force)
    except ProfileExists:
        raise UsageError(
            f"profile {args.name!r} already exists: use --force to replace it") from None
    store.set_last_used(args.name)
    print(f"created profile {args.name} ({path})", file=sys.stderr)
    if key_note:
        print(key_note, file=sys.stderr)
    for finding in findings:
        print(shown(with_name(str(finding), args.name), limit=None), file=sys.stderr)
    return EXIT_OK


def cmd_list(args) -> int:
    store = open_store()
    last = store.last_used()
    names = store.names()
    if not names:
        print(f"{PROG}: there are no profiles yet in {store.profiles_dir}: create one with "
              f"'{PROG} new NAME --app-url URL --auth-url URL'", file=sys.stderr)
    for name in names:
        print(f"{name}{'  (last used)' if name == last else ''}")
    return EXIT_OK
