"""Which client of the user's configuration.yml is this profile's LibreChat's.

`apply authelia` updates the client that already serves this LibreChat rather than adding
a second one beside it (two clients for one LibreChat: one of them is left over, and still
accepts logins). A client is this LibreChat's when
- its client_id is the profile's;
- its client_id is the .env's OPENID_CLIENT_ID (when apply is given the .env, or the
  profile remembers one); or
- one of its redirect URIs is this LibreChat's callback (the login's or the admin panel's).

One such client whose client_id is not the profile's is *adopted*: the file's client_id is
kept (renaming the user's client would break whatever else uses it) and the profile follows
it; `Adoption.profile` is the profile with that client_id, and a note says so. The
profile's own client is updated as always (another client listing the same redirect URI is
the audit's `redirect-uri-shared`, not a reason to refuse); two candidates without it, or a
.env naming another client than the one found, are refused (`ClientChoiceRefused`) with
both clients named and `librechat-authelia import` offered: apply never guesses.

The client's client_secret may come from a template or a variable (`{{ secret "..." }}`,
`${VAR}`): apply never writes that line, so the profile follows the file there too
(`follow_digest`). It takes the expression as its digest_template (its digest is then
managed outside) and, when the .env names this client, the .env's OPENID_CLIENT_SECRET:
the secret that digest was made from, which apply env then keeps. Without it the digest
Authelia reads was not made from the profile's client secret: a warning says so, with the
command that makes it again (HASH_COMMAND).
"""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

from ..core import facts
from ..core.digest import HASH_COMMAND
from ..core.inputerror import InputError
from ..core.profile import Profile
from ..core.shown import shown, shown_path
from .placeholders import has_expression
from .yamldoc import YamlDoc, YamlDocError, plain

CLIENTS = ("identity_providers", "oidc", "clients")
IMPORT_HINT = ("make a profile from your files instead (librechat-authelia import NAME "
               "--authelia-config FILE --env .env)")

# A client that may be this LibreChat's: its place in the list, its client_id (None when
# not literal text), its line, and why it was taken (its client_id, the .env, a redirect URI).
Candidate = namedtuple("Candidate", "index client_id line reasons")
# The profile apply writes (the client_id adopted, or the one it had) and the notes.
Adoption = namedtuple("Adoption", "profile notes")
# What LibreChat's .env says of its client: OPENID_CLIENT_ID and OPENID_CLIENT_SECRET (None
# when missing, or filled in from elsewhere), and the .env's name for messages.
EnvClient = namedtuple("EnvClient", "client_id secret name", defaults=(None, None, ".env"))
# A note that apply's reader must not miss (the CLI prints it as a warning) starts with this.
WARNING = "warning: "


class ClientChoiceRefused(InputError):
    """Apply cannot tell which client is this LibreChat's (the message names them)."""


def env_client(path: str | Path | None, name: str = ".env") -> EnvClient:
    """OPENID_CLIENT_ID and OPENID_CLIENT_SECRET of a .env (each None when it is missing,
    empty, or filled in from a variable); both None without a .env it can read."""
    from ..core import digest
    from .dotenv import DotEnv

    if not path:
        return EnvClient(name=name)
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError):
        return EnvClient(name=name)
    env = DotEnv(text)
    client_id = env.get(facts.ENV_CLIENT_ID) or None
    secret = env.get(facts.ENV_CLIENT_SECRET) or None
    if secret is not None and (has_expression(secret) or digest.secret_problem(secret)):
        secret = None  # not the value LibreChat sends, or not one a profile can hold
    return EnvClient(client_id, secret, name)


def _reasons(client: dict, profile: Profile, env_id: str | None, env_name: str) -> list[str]:
    """Why this client is this LibreChat's ([] when it is not)."""
    cid = client.get("client_id", client.get("id"))
    reasons = []
    if cid == profile.client_id:
        reasons.append("its client_id is the profile's")
    if env_id is not None and cid == env_id:
        reasons.append(f"it is OPENID_CLIENT_ID in {env_name}")
    uris = client.get("redirect_uris")
    listed = uris if isinstance(uris, list) else [uris]
    ours = [u for u in (profile.redirect_uri, profile.admin_redirect_uri) if u in listed]
    if ours:
        reasons.append(f"it lists the redirect URI {shown(ours[0])}")
    return reasons


def candidates(doc: YamlDoc, profile: Profile, env_id: str | None = None,
               env_name: str = ".env") -> list[Candidate]:
    """The clients of the file that may be this LibreChat's, in the file's order."""
    clients = doc.node(CLIENTS)
    if not isinstance(clients, list):
        return []
    found = []
    for index, node in enumerate(clients):
        client = plain(node)
        if not isinstance(client, dict):
            continue
        reasons = _reasons(client, profile, env_id, env_name)
        if reasons:
            cid = client.get("client_id", client.get("id"))
            literal = isinstance(cid, str) and not doc.is_templated(node.get("client_id"))
            found.append(Candidate(index, cid if literal else None,
                                   doc.line_of((*CLIENTS, index)), reasons))
    return found


def _place(path: str, candidate: Candidate) -> str:
    name = f"'{shown(candidate.client_id)}'" if candidate.client_id else "a client"
    return (f"{name} ({shown_path(path)}:{candidate.line}, "
            f"{' and '.join(candidate.reasons)})")


def _refuse(path: str, first: Candidate, second: Candidate) -> ClientChoiceRefused:
    return ClientChoiceRefused(
        f"two clients could be this LibreChat's: {_place(path, first)} and "
        f"{_place(path, second)}; apply updates one client and will not guess which: remove "
        f"the one LibreChat does not use, or {IMPORT_HINT}; nothing written")


def choose(found: list[Candidate], profile: Profile, env_id: str | None,
           path: str) -> Candidate | None:
    """The client apply updates: the profile's own (unless the .env names another one of
    the file), else the one candidate; None: none (apply adds the client)."""
    own = next((c for c in found if c.client_id == profile.client_id), None)
    named = next((c for c in found if env_id is not None and c.client_id == env_id), None)
    if own is not None and named is not None and named is not own:
        raise _refuse(path, own, named)
    if own is not None:
        return own
    if len(found) > 1:
        raise _refuse(path, found[0], found[1])
    return found[0] if found else None


def _adoptable(chosen: Candidate, profile: Profile, path: str) -> Profile:
    """The profile with the client's client_id; refused when the profile cannot hold it."""
    from ..core.checks import check_profile

    where = f"{shown_path(path)}:{chosen.line}"
    if chosen.client_id is None:
        raise ClientChoiceRefused(
            f"{where}: this client serves this LibreChat ({' and '.join(chosen.reasons)}), "
            "but its client_id is not literal text (a template or a variable): set the "
            "profile's client_id to its value (librechat-authelia set --client-id ID) and "
            "apply again; nothing written")
    adopted = profile.with_changes(client_id=chosen.client_id)
    problems = [f for f in check_profile(adopted, verify_digest=False)
                if f.severity == "error" and f.code.startswith("client-id")]
    if problems:
        raise ClientChoiceRefused(
            f"{where}: this client serves this LibreChat, but its client_id cannot be a "
            f"profile's ({problems[0].message}); {IMPORT_HINT}; nothing written")
    return adopted


def _also_serving(path: str, other: Candidate) -> str:
    return (f"{_place(path, other)} also serves this LibreChat: apply updates the profile's "
            "own client and leaves it; remove the one LibreChat does not use (the audit "
            "reports it as redirect-uri-shared)")


def adopt_client(doc: YamlDoc, profile: Profile, path: str, env_id: str | None = None,
                 env_name: str = ".env", env_secret: str | None = None) -> Adoption:
    """The profile to apply to this file: with the client_id of the client that already
    serves this LibreChat (and a note saying so), or as it is; following the file's
    client_secret where that comes from a template or a variable (`follow_digest`;
    `env_secret`: the .env's OPENID_CLIENT_SECRET, when it has one)."""
    found = candidates(doc, profile, env_id, env_name)
    chosen = choose(found, profile, env_id, path)
    if chosen is None:
        return Adoption(profile, [])
    if chosen.client_id == profile.client_id:
        # (a second client with the same client_id is the audit's client-id-duplicate)
        notes = [_also_serving(path, other) for other in found
                 if other.client_id != chosen.client_id]
        secret = env_secret if env_id == chosen.client_id else None
        followed, digest_notes = follow_digest(doc, profile, chosen, path, secret, env_name)
        return Adoption(followed, digest_notes + notes)
    adopted = _adoptable(chosen, profile, path)
    secret = env_secret if env_id == chosen.client_id else None
    followed, digest_notes = follow_digest(doc, adopted, chosen, path, secret, env_name)
    what = ("the profile's settings" if followed.digest_outside
            else "the profile's settings and its client secret's digest")
    return Adoption(followed, [
        f"{shown_path(path)}:{chosen.line}: the client '{shown(chosen.client_id)}' already "
        f"serves this LibreChat ({' and '.join(chosen.reasons)}): apply updates it (with "
        f"{what}) rather than adding a second client, and the profile's client_id becomes "
        f"'{shown(chosen.client_id)}' when this is written (apply env then keeps it in "
        ".env)", *digest_notes])


def client_secret_expression(doc: YamlDoc, index: int) -> str | None:
    """The client_secret of the file's client at `index` as written, when it comes from a
    template or a variable (apply never writes that line); else None."""
    client = doc.node((*CLIENTS, index))
    if not isinstance(client, dict):
        return None
    key = "client_secret" if "client_secret" in client else "secret"
    stored = client.get(key)
    if not isinstance(stored, str) or not (doc.is_templated(stored)
                                           or has_expression(plain(stored))):
        return None
    return as_written(doc, (*CLIENTS, index, key), stored)


def follow_digest(doc: YamlDoc, profile: Profile, chosen: Candidate, path: str,
                  env_secret: str | None, env_name: str = ".env") -> tuple[Profile, list[str]]:
    """The profile with the client's digest expression (and `env_secret`, the client secret
    that digest was made from, when the .env has it), and the note that says so; the
    profile as it is when the client_secret is literal or already the profile's."""
    expression = client_secret_expression(doc, chosen.index)
    if expression is None or expression == profile.digest_template:
        return profile, []
    followed = profile.with_changes(digest_template=expression, client_secret_digest="")
    where = f"{shown_path(path)}:{chosen.line}"
    kind = "the template" if "{{" in expression else "the variable"
    said = (f"{where}: this client's client_secret comes from {kind} {shown(expression)}, which "
            "apply leaves as it is: the profile takes it when this is written (its digest "
            "is then managed outside)")
    if env_secret is not None:
        followed = followed.with_changes(client_secret=env_secret)
        return followed, [
            f"{said}, with the client secret that digest was made from: {shown(env_name)}'s "
            "OPENID_CLIENT_SECRET (apply env then keeps it)"]
    return followed, [
        f"{WARNING}{said}, but the digest Authelia reads there was not made from the "
        "profile's client secret, and LibreChat's login fails (invalid_client) until it is: "
        f"make it again from the profile's client secret ({HASH_COMMAND}; put what it prints "
        f"where {shown(expression)} reads it), then apply env; or apply again with --env "
        "naming LibreChat's .env, whose OPENID_CLIENT_SECRET the profile then takes"]


def as_written(doc: YamlDoc, path: tuple, value: str) -> str:
    """The value at `path` as the file writes it (quotes included, templates restored), so
    that written back verbatim it reads the same; else the value with its templates."""
    expected = doc.restore(value)
    try:
        line, column = doc.node(path[:-1]).lc.value(path[-1])
        raw = doc.parse_text.splitlines()[line][column:]
    except (AttributeError, KeyError, IndexError, TypeError):
        return expected
    for candidate in (raw.split(" #", 1)[0].strip(), raw.strip()):  # a comment left out
        text = doc.restore(candidate)
        try:
            probe = YamlDoc("k: " + text)
        except YamlDocError:
            continue
        got = probe.node(("k",))
        if isinstance(got, str) and "\n" not in text and probe.restore(got) == expected:
            return text
    return expected
