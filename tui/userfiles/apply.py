"""`apply`: write a profile into the user's configuration.yml, .env or compose override.

Nothing the user wrote is lost:
- only the lines of keys whose value changes are replaced or added (yamldoc.Editor,
  dotenv.set_values); every other line, comment and template stays byte-identical;
- applying twice changes nothing the second time;
- the result is audited before it is written, and a result with errors the file did not
  already have is not written;
- writing makes a timestamped backup beside the file (same mode, owner and group), then
  replaces the file atomically (a temp file in the same directory, fsync, rename) keeping its
  mode, owner and group and, for a symlink, writing to its target; it refuses when the file
  changed since it was read (`write_plan` says how, step by step);
- it never writes through a symlink someone else could have planted, nor replaces a
  read-only file, another user's file or something that is not a .env (`plan_apply`);
- the diff it shows hides every secret, by rule (tui/userfiles/masking.py).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import time
from collections import namedtuple
from pathlib import Path

from ..core.authelia import authorization_policies, client_entry
from ..core.checks import require_valid
from ..core.digest import HASH_COMMAND
from ..core.files import (
    WriteRefused,
    create_temp,
    link_exclusively,
    open_directory,
    remove_stale_temps,
    resolve_for_writing,
    write_all,
)
from ..core.findings import Finding
from ..core.inputerror import InputError
from ..core.librechat import compose_override, env_values, escape_dollars
from ..core.profile import Profile
from ..core.provider import claims_policies, provider_config
from ..core.shown import shown, shown_path
from ..core.yamlio import dump_yaml
from . import dotenv
from .adopt import WARNING, Adoption, ClientChoiceRefused, adopt_client, env_client
from .audit import audit
from .authelia_config import AutheliaConfig, ConfigInputError, require_regular_file
from .compose import API_SERVICE, Compose
from .dotenv import newline_of
from .masking import masked_diff
from .yamldoc import Editor, YamlDoc, YamlDocError, YamlEditError, plain
from .yamlstyle import same_items

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TARGETS = ("authelia", "env", "compose")
_CLIENTS = ("identity_providers", "oidc", "clients")
# A client's lists whose order Authelia does not read: the same items in another order are
# left as written, and a change adds or removes only the items that differ.
UNORDERED_KEYS = frozenset({"redirect_uris", "scopes", "grant_types", "response_types",
                            "audience", "response_modes"})


class ApplyError(InputError):
    """Apply refused: the message says why and that nothing was written."""


# path: as the user named it; real: the file written (a symlink's target);
# old: the bytes read (None: no file yet); new_text: the result; notes: what was left alone;
# profile_changes: what the profile takes from the file once this is written (the client_id
# of the client that already serves this LibreChat; the digest_template of its client_secret
# from a template, with the .env's client secret: tui/userfiles/adopt.py). A note that starts
# with adopt.WARNING is one the reader must not miss.
Plan = namedtuple("Plan", "target path real old new_text diff notes changed profile_changes",
                  defaults=(None,))


# Building the new text ---------------------------------------------------------------------


def _managed_oidc(profile: Profile) -> dict[str, Any]:
    """What this profile puts under identity_providers.oidc (the provider essentials are
    added by `_provider_essentials` only when the file has none)."""
    oidc: dict[str, Any] = {}
    policies = authorization_policies(profile)
    if policies:
        oidc["authorization_policies"] = policies
    oidc["clients"] = [client_entry(profile)]
    return oidc


def _provider_essentials(profile: Profile) -> dict[str, Any]:
    """hmac_secret and jwks from the profile (provider "new"); {} when Authelia has its own."""
    return dict(provider_config(profile))


def _client_index(clients: Any, client_id: str) -> int | None:
    if not isinstance(clients, list):
        return None
    for index, client in enumerate(clients):
        if isinstance(client, dict) and client.get("client_id", client.get("id")) == client_id:
            return index
    return None


def _try(notes: list[str], edit, *args) -> None:
    try:
        edit(*args)
    except YamlEditError as error:
        notes.append(str(error))


def _check_template_indent(oidc: Any, notes: list[str], path: str) -> None:
    """The key template's `mindent 10` fits a key written 8 columns in, as in Authelia's
    docs; a file indented otherwise needs the number changed by hand."""
    keys = list(oidc.lc.data) if hasattr(oidc, "lc") else []
    column = oidc.lc.key(keys[0])[1] if keys else 4
    key_column = column + 4  # jwks: / - key_id: / key:
    if key_column + 2 != 10:
        notes.append(f"{path}: the jwks key's template indents the key by 10 (mindent 10), "
                     f"but here the key sits {key_column} columns in: change it to mindent "
                     f"{key_column + 2}")


def _mapping_root(doc: YamlDoc, path: str) -> Any:
    """The document's top-level mapping, or None for a file with nothing in it yet;
    ApplyError for anything else (`~`, a list, a scalar, a mapping with a custom tag), which
    apply cannot add keys to."""
    root = doc.root
    tag = getattr(getattr(root, "tag", None), "value", None)
    if root is None:
        for number, line in enumerate(dotenv.lines_of(doc.text), start=1):
            content = line.split("#", 1)[0].strip()
            if content and content not in ("---", "...") and not content.startswith("%"):
                raise ApplyError(f"{shown_path(path)}:{number}: the file is not a mapping "
                                 f"(its top level is {shown(content)!r}, not key: value "
                                 "lines); nothing written")
        return None
    if not isinstance(root, dict):
        kind = "a list" if isinstance(root, list) else "a single value"
        raise ApplyError(f"{shown_path(path)}: the file is not a mapping (its top level is "
                         f"{kind}, not key: value lines); nothing written")
    if tag is not None:
        raise ApplyError(f"{shown_path(path)}: the file is not a mapping apply can edit (its "
                         f"top level is tagged {shown(tag)}); nothing written")
    return root


def apply_authelia(text: str, profile: Profile, path: str = "configuration.yml",
                   env_client_id: str | None = None) -> tuple[str, list[str]]:
    """configuration.yml with this profile's client, policies and (when missing) provider:
    a whole oidc section where the file has none, else OIDC_EDITS on the one it has. The
    client that already serves this LibreChat is the one updated (adopt.py: its client_id
    kept, a note says so; ClientChoiceRefused when two could be it)."""
    doc = YamlDoc(text, path)
    profile, notes = adopt_client(doc, profile, path, env_client_id)
    oidc_data = _managed_oidc(profile)
    essentials = _provider_essentials(profile)
    claims = dict(claims_policies(profile))
    root = _mapping_root(doc, path)
    full = {**essentials, **({"claims_policies": claims} if claims else {}), **oidc_data}
    if root is None:
        prefix = text if not text or text.endswith(("\n", "\r")) else text + newline_of(text)
        return prefix + dump_yaml({"identity_providers": {"oidc": full}}), notes
    editor = Editor(doc)
    providers = root.get("identity_providers")
    oidc = providers.get("oidc") if isinstance(providers, dict) else None
    if not isinstance(oidc, dict) or not oidc:
        _insert_oidc(editor, notes, root, providers, full)
        return editor.result(), notes
    edit = OidcEdit(doc, editor, notes, path, profile, oidc, essentials,
                    oidc_data.get("authorization_policies"), claims)
    for step in OIDC_EDITS:
        step(edit)
    return editor.result(), notes


def _insert_oidc(editor: Editor, notes: list[str], root: Any, providers: Any,
                 full: dict[str, Any]) -> None:
    """The whole oidc section, where the file has none (or an empty one)."""
    if "identity_providers" not in root:
        editor.append_document({"identity_providers": {"oidc": full}})
    elif not isinstance(providers, dict) or not providers:
        _try(notes, editor.replace_key, root, "identity_providers", {"oidc": full})
    elif "oidc" not in providers:
        _try(notes, editor.set_key, providers, "oidc", full)
    else:  # `oidc:` with nothing under it, or {}
        _try(notes, editor.replace_key, providers, "oidc", full)


# An edit of an existing oidc section: the file (doc, editor, path), the notes on what was
# left alone, the profile, the section, and what the profile puts in it.
OidcEdit = namedtuple("OidcEdit",
                      "doc editor notes path profile oidc essentials policies claims")


def _add_essentials(edit: OidcEdit) -> None:
    """hmac_secret and jwks from the profile, each only where the section has none; a key
    template in a file indented otherwise than Authelia's docs gets a note."""
    for key, value in edit.essentials.items():
        if key not in edit.oidc:
            _try(edit.notes, edit.editor.set_key, edit.oidc, key, value)
            if key == "jwks" and "{{" in dump_yaml(value):
                _check_template_indent(edit.oidc, edit.notes, edit.path)


def _merge_policies(edit: OidcEdit) -> None:
    """The profile's authorization and claims policies, each set by name beside the
    file's other policies."""
    for section, wanted in (("authorization_policies", edit.policies),
                            ("claims_policies", edit.claims)):
        if not wanted:
            continue
        existing = edit.oidc.get(section)
        if isinstance(existing, dict) and existing:
            for name, policy in wanted.items():
                _try(edit.notes, edit.editor.set_key, existing, name, policy)
        else:
            _try(edit.notes, edit.editor.set_key, edit.oidc, section, wanted)


def _merge_client(edit: OidcEdit) -> None:
    """The profile's client: appended when the file has no client with its client_id,
    else set key by key (its other redirect URIs kept); a client with the pre-4.38 keys
    is refused."""
    entry = client_entry(edit.profile)
    clients = edit.oidc.get("clients")
    index = _client_index(clients, edit.profile.client_id)
    if index is None:
        _add_client(edit, clients, entry)
        return
    old_keys = [k for k in ("id", "secret", "description") if k in clients[index]]
    if old_keys:
        raise ApplyError(f"{edit.path}:{edit.doc.line_of((*_CLIENTS, index))}: this client "
                         f"uses the pre-4.38 key {old_keys[0]!r}; rename id/secret/description "
                         "to client_id/client_secret/client_name first; nothing written")
    current = clients[index].get("redirect_uris")
    if isinstance(current, list) and not edit.doc.is_templated(current):
        # Other redirect URIs of the client (a second hostname) are the user's: kept.
        entry["redirect_uris"] += [u for u in plain(current)
                                   if u not in entry["redirect_uris"]]
    if edit.profile.digest_outside and "client_secret" in clients[index]:
        # The digest is managed outside the profile: that line stays exactly as written.
        del entry["client_secret"]
    for key, value in entry.items():
        _try(edit.notes, edit.editor.set_key, clients[index], key, value,
             key in UNORDERED_KEYS)


def _add_client(edit: OidcEdit, clients: Any, entry: dict[str, Any]) -> None:
    if isinstance(clients, list) and clients:
        _try(edit.notes, edit.editor.append_item, clients, entry)
        return
    _try(edit.notes, edit.editor.set_key, edit.oidc, "clients", [entry])
    if clients is None:
        edit.notes.append(f"{edit.path} had no clients list: if another configuration file "
                          "has one, Authelia keeps only the list of the file it reads last")


# In order: the provider's essentials, the policies, the client.
OIDC_EDITS = [_add_essentials, _merge_policies, _merge_client]


def apply_env(text: str, profile: Profile) -> tuple[str, list[str]]:
    return (dotenv.set_values(text, env_values(profile)),
            _client_id_change(text, profile) + _secret_change(text, profile))


def _secret_change(text: str, profile: Profile) -> list[str]:
    """A warning when the .env's OPENID_CLIENT_SECRET changes while Authelia's digest of it
    comes from a template or variable that apply never writes: that digest must be made
    again from the new secret, or LibreChat's login fails."""
    old = dotenv.DotEnv(text).get("OPENID_CLIENT_SECRET") if text else None
    if not profile.digest_outside or old == profile.client_secret:
        return []
    return [f"{WARNING}OPENID_CLIENT_SECRET becomes the profile's client secret, but "
            f"Authelia's digest of it comes from {shown(profile.digest_template)}, which "
            "apply does not write: LibreChat's login fails (invalid_client) until that digest "
            f"is made again from the profile's client secret ({HASH_COMMAND}; put what it "
            "prints where the template reads it)"]


def _client_id_change(text: str, profile: Profile) -> list[str]:
    """A note when the .env's OPENID_CLIENT_ID changes: LibreChat then needs that client in
    Authelia (apply authelia first adopts the client that serves this LibreChat)."""
    old = dotenv.DotEnv(text).get("OPENID_CLIENT_ID") if text else None
    if not old or old == profile.client_id:
        return []
    return [f"OPENID_CLIENT_ID changes from '{shown(old)}' to '{shown(profile.client_id)}': "
            "Authelia must have a client with that ID; if its client for this LibreChat is "
            f"'{shown(old)}', run apply authelia first (it updates that client and the "
            "profile keeps its ID)"]


def compose_service(profile: Profile) -> dict[str, Any]:
    """What the profile puts under LibreChat's service, $ escaped: the environment, the CA file's
    volume and the hairpin extra_hosts (core.librechat.compose_override)."""
    services = compose_override(profile)["services"]
    return escape_dollars(next(iter(services.values())))


def apply_compose(text: str, profile: Profile, path: str = "compose.yml",
                  ) -> tuple[str, list[str]]:
    """The compose file with the profile merged into LibreChat's service (`api` in a file
    without one): environment key by key, list items (volumes, extra_hosts) added when
    missing, nothing else touched."""
    doc = YamlDoc(text, path)
    notes: list[str] = []
    service = compose_service(profile)
    root = _mapping_root(doc, path)
    # LibreChat's service found by what it runs (its image, OPENID_* variables), as the
    # audit finds it; `api` (LibreChat's own name for it) in a file without one.
    name = Compose(doc).librechat_service or API_SERVICE
    wanted = {"services": {name: service}}
    if root is None:
        prefix = text if not text or text.endswith(("\n", "\r")) else text + newline_of(text)
        return prefix + dump_yaml(wanted), notes
    editor = Editor(doc)
    services = root.get("services")
    if "services" not in root:
        editor.append_document(wanted)
        return editor.result(), notes
    if not isinstance(services, dict) or not services:
        _try(notes, editor.replace_key, root, "services", wanted["services"])
        return editor.result(), notes
    api = services.get(name)
    if not isinstance(api, dict) or not api:
        _try(notes, editor.set_key, services, name, service)
        return editor.result(), notes
    for key, value in service.items():
        _merge_service_key(editor, notes, api, key, value)
    return editor.result(), notes


def _merge_service_key(editor: Editor, notes: list[str], api: Any, key: str,
                       value: Any) -> None:
    """One key of LibreChat's service: a list gets the missing items, a mapping the profile's
    keys, anything else is set."""
    current = api.get(key)
    if key == "environment" and isinstance(current, list) and current:
        _merge_environment_list(editor, notes, current, value)
    elif isinstance(value, list) and isinstance(current, list) and current:
        for item in value:
            if item not in plain(current):
                _try(notes, editor.append_item, current, item)
    elif isinstance(value, dict) and isinstance(current, dict) and current:
        for name, setting in value.items():
            _try(notes, editor.set_key, current, name, setting)
    else:
        _try(notes, editor.set_key, api, key, value)


def _merge_environment_list(editor: Editor, notes: list[str], current: Any,
                            environment: dict[str, str]) -> None:
    """Compose's list form (- KEY=value): each item set in place, missing ones appended."""
    for key, value in environment.items():
        index = next((i for i, item in enumerate(current)
                      if str(item).partition("=")[0].strip() == key), None)
        if index is None:
            _try(notes, editor.append_item, current, f"{key}={value}")
        elif str(current[index]).partition("=")[2] != value:
            _try(notes, editor.set_item, current, index, f"{key}={value}")


# Checking the result -------------------------------------------------------------------------


def _profile_env(profile: Profile) -> dotenv.DotEnv:
    lines = [f"{k}={dotenv.quote_env_value(v)}" for k, v in env_values(profile).items()]
    return dotenv.DotEnv("\n".join(lines) + "\n", "<profile>")


def _profile_config(profile: Profile) -> AutheliaConfig:
    oidc = {**_provider_essentials(profile), **_managed_oidc(profile)}
    text = dump_yaml({"identity_providers": {"oidc": oidc}})
    return AutheliaConfig([YamlDoc(text, "<profile>")], [])


def _error_keys(findings: list[Finding]) -> set[tuple[str, str]]:
    # Line numbers move when lines are added: compare code and message, without `where`.
    strip = re.compile(r"\([^()]*:\d+\)")
    return {(f.code, strip.sub("", f.message)) for f in findings if f.severity == "error"}


def _audit_text(target: str, text: str | None, path: str, profile: Profile,
                librechat: str) -> list[Finding]:
    if target == "authelia":
        config = AutheliaConfig([YamlDoc(text or "", path)], [])
        env = _profile_env(profile)
        return audit(config, env, librechat=librechat, verify=False).findings
    config = _profile_config(profile)
    if target == "env":
        return audit(config, dotenv.DotEnv(text or "", path), librechat=librechat,
                     verify=False).findings
    compose = Compose(YamlDoc(text or "", path))
    return audit(config, None, compose, librechat=librechat, verify=False).findings


def _check_result(target: str, old: str | None, new: str, path: str, profile: Profile,
                  notes: list[str]) -> None:
    try:
        after = _audit_text(target, new, path, profile, profile.librechat_version)
    except YamlDocError as error:  # a bug in the editor, never written
        raise ApplyError(f"the edited file would not parse ({error}); nothing written") \
            from None
    # A new file is compared with an empty one: what the other side lacks is not new.
    before = _error_keys(_audit_text(target, old or "", path, profile,
                                     profile.librechat_version))
    new_errors = [f for f in after if f.severity == "error"
                  and (f.code, re.sub(r"\([^()]*:\d+\)", "", f.message)) not in before]
    if new_errors:
        first = new_errors[0]
        raise ApplyError(f"the result would have a new error ({first.code}: {first.message}); "
                         "nothing written")
    if target == "authelia":
        _check_client(new, path, profile, notes)


def _check_client(new: str, path: str, profile: Profile, notes: list[str]) -> None:
    """The written client is the profile's, key by key, except what a note says was left."""
    doc = YamlDoc(new, path)
    clients = doc.node(("identity_providers", "oidc", "clients"))
    index = _client_index(clients, profile.client_id)
    if index is None:
        raise ApplyError("the edited file has no client for this profile; nothing written")
    client = clients[index]
    def matches(key: str, value: Any) -> bool:
        current = plain(client.get(key))
        if key == "redirect_uris" and isinstance(current, list):
            return set(value) <= set(current)  # the user's other URIs are kept
        return current == value or (key in UNORDERED_KEYS and same_items(current, value))

    wrong = [key for key, value in client_entry(profile).items()
             if not matches(key, value) and not doc.is_templated(client.get(key))
             and not (key == "client_secret" and profile.digest_outside)]
    if wrong and not notes:
        raise ApplyError(f"the edited client's {wrong[0]} is not the profile's; nothing "
                         "written")


# The plan and the write ----------------------------------------------------------------------


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ApplyError(f"{shown_path(path)}:{line}: not UTF-8 text; nothing written") \
            from None


# A NUL is in every binary file and in no .env (bytes that are not UTF-8 are refused
# before); other control characters can be a pasted value's, which the audit shows escaped.
_NOT_TEXT = re.compile(r"\x00")


def _require_env_shape(text: str, path: Path) -> None:
    """Refuse a file that is not a .env (a shadow or passwd file, a binary): apply env
    would add secrets to it. A .env is mostly KEY=value lines; a stray line is the
    audit's business (env-unreadable), not a reason to refuse."""
    found = _NOT_TEXT.search(text)
    if found:
        line = len(dotenv.lines_of(text[: found.start()] + "x"))
        raise ApplyError(f"{shown_path(path)} does not look like a .env: line {line} holds a "
                         "NUL byte (a binary file?); nothing written")
    env = dotenv.DotEnv(text)
    if env.ignored_lines and len(env.ignored_lines) >= len(env.entries):
        raise ApplyError(f"{shown_path(path)} does not look like a .env: line "
                         f"{env.ignored_lines[0]} is not KEY=value (nor are most of its "
                         "lines); nothing written")


def _expand(file: str | Path) -> Path:
    raw = os.fspath(file)
    if not raw.strip():
        raise ApplyError("no file name given: name the file to apply to")
    if "\0" in raw:
        raise ApplyError(f"{shown_path(raw)}: a file name cannot hold a NUL character")
    expanded = os.path.expanduser(raw)
    if raw.startswith("~") and expanded.startswith("~"):
        user = raw[1:].split("/", 1)[0]
        raise ApplyError(f"there is no user named {shown(user)!r} (in {shown_path(raw)})"
                         if user else f"cannot find your home directory (in {shown_path(raw)})")
    return Path(expanded)


def _os_problem(path: Path, error: OSError, doing: str) -> ApplyError:
    """One line for an error of the system, naming the file."""
    reason = error.strerror or str(error)
    return ApplyError(f"{shown_path(path)}: {doing} ({reason}); nothing written")


def _require_writable(path: Path, real: Path, status: os.stat_result | None,
                      notes: list[str]) -> None:
    """Refuse what apply must not replace silently: a read-only file, another user's file,
    a directory it cannot write in. A group it cannot keep is said in a note."""
    euid = os.geteuid()
    if status is not None:
        mode = stat.S_IMODE(status.st_mode)
        if not mode & stat.S_IWUSR:
            raise ApplyError(f"{shown_path(path)} is read-only (mode {mode:04o}): apply does "
                             "not replace a file its owner made read-only; make it writable "
                             "(chmod u+w) and apply again; nothing written")
        if euid != 0 and status.st_uid != euid:
            raise ApplyError(f"{shown_path(path)} belongs to uid {status.st_uid}, not to you: "
                             "replacing it would make it yours; run apply as that user or "
                             "root; nothing written")
        if euid != 0 and status.st_gid not in (os.getegid(), *os.getgroups()):
            notes.append(f"{shown_path(path)} belongs to group {status.st_gid}, which you "
                         "are not in: the new file and its backup are kept readable by you "
                         "only (mode 0600)")
    if not os.access(real.parent, os.W_OK | os.X_OK):
        raise ApplyError(f"the directory {shown_path(real.parent)} is not writable by you: "
                         "apply writes the new file beside the old one, then renames it; "
                         "nothing written")


def profile_secrets(profile: Profile) -> list[str]:
    """Every secret value of the profile (and the client secret's digest), for masking."""
    from ..core.fields import is_secret_field

    secrets = [profile.client_secret_digest] + [
        str(value) for name, value in zip(profile._fields, profile, strict=True)
        if is_secret_field(name) and isinstance(value, str)]
    # A PEM key's lines one by one too (a diff line may hold one of them alone).
    return secrets + [line for value in secrets for line in value.splitlines()
                      if len(line) >= 16]


def plan_apply(target: str, profile: Profile, file: str | Path,
               env: str | Path | None = None) -> Plan:
    """What apply would write, with its diff; writes nothing. ApplyError when refused.

    In order: the target and the profile are sound, the file can be reached, read and
    replaced (_resolve, _read_old, _require_writable), is text of its kind, the client that
    already serves this LibreChat is adopted (_adopt; `env`: the .env whose
    OPENID_CLIENT_ID names it, default the profile's remembered one), the edit (EDITORS)
    succeeds, and its result has no error the file did not have (_check_result).
    """
    if target not in TARGETS:
        raise ApplyError(f"apply writes one of {', '.join(TARGETS)}, not {target!r}")
    require_valid(profile, verify_digest=target == "authelia",
                  needs_digest=target == "authelia")
    path = _expand(file)
    real = _resolve(path)
    notes: list[str] = []
    old, status = _read_old(target, path, real)
    _require_writable(path, real, status, notes)
    old_text = _decode(old, path) if old is not None else None
    if target == "env" and old_text:
        _require_env_shape(old_text, path)
    given, (profile, adopt_notes) = profile, _adopt(target, old_text, profile, path, env)
    new_text, edit_notes = _edit(target, old_text or "", profile, path)
    notes = adopt_notes + [n for n in edit_notes if n not in adopt_notes] + notes
    changed = new_text != (old_text or "") or old is None
    if changed:
        _check_result(target, old_text, new_text, str(path), profile, notes)
    diff = masked_diff(old_text, new_text, str(path), profile_secrets(profile),
                       yaml=target != "env") if changed else ""
    changes = {field: getattr(profile, field) for field in FOLLOWED
               if getattr(profile, field) != getattr(given, field)}
    return Plan(target, path, real, old, new_text, diff, notes, changed, changes)


# What the profile may take from the file when apply authelia adopts a client (adopt.py).
FOLLOWED = ("client_id", "digest_template", "client_secret_digest", "client_secret")


def _adopt(target: str, text: str | None, profile: Profile, path: Path,
           env: str | Path | None) -> Adoption:
    """The profile apply authelia writes: with the client_id of the client that already
    serves this LibreChat (adopt.py), or as it is."""
    if target != "authelia" or not text:
        return Adoption(profile, [])
    if env is not None and not os.path.isfile(_expand(env)):
        raise ApplyError(f"{shown_path(env)}: no such file (the .env whose OPENID_CLIENT_ID "
                         "names LibreChat's client); nothing written")
    env_path = env if env is not None else profile.env_path or None
    named = env_client(env_path, shown_path(env_path) if env_path else ".env")
    try:
        doc = YamlDoc(text, str(path))
        return adopt_client(doc, profile, str(path), named.client_id, named.name,
                            named.secret)
    except YamlDocError as error:
        raise ApplyError(f"{error}; fix it first (librechat-authelia audit shows it)") from None
    except ClientChoiceRefused as error:
        raise ApplyError(str(error)) from None


def _resolve(path: Path) -> Path:
    """The file apply would write (a symlink's target); refused for a directory."""
    try:
        real = resolve_for_writing(path)
    except WriteRefused as error:
        raise ApplyError(str(error)) from None
    except OSError as error:
        raise _os_problem(path, error, "cannot be reached") from None
    if real.is_dir():
        raise ApplyError(f"{shown_path(path)} is a directory: name the file")
    return real


def _status(path: Path, real: Path) -> os.stat_result | None:
    """The file's status, None when there is none; refused unless a regular file."""
    try:
        status: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise _os_problem(path, error, "cannot be read") from None
    if status is not None:
        try:
            require_regular_file(real)
        except ConfigInputError as error:
            raise ApplyError(f"{error}; nothing written") from None
    return status


def _read_old(target: str, path: Path, real: Path,
              ) -> tuple[bytes | None, os.stat_result | None]:
    """The file's bytes and status; (None, None) for a .env or override not written yet
    (Authelia's configuration must exist)."""
    status = _status(path, real)
    try:
        return real.read_bytes(), status
    except FileNotFoundError:
        if target == "authelia":
            raise ApplyError(f"{shown_path(path)}: no such file (apply edits Authelia's "
                             "existing configuration.yml)") from None
        if not real.parent.is_dir():
            raise ApplyError(f"the directory {shown_path(real.parent)} does not exist") \
                from None
        return None, None
    except OSError as error:
        raise _os_problem(path, error, "cannot be read") from None


# target -> the edit of its text: (new text, notes on what was left alone).
EDITORS = {
    "authelia": lambda text, profile, path: apply_authelia(text, profile, str(path)),
    "env": lambda text, profile, path: apply_env(text, profile),
    "compose": lambda text, profile, path: apply_compose(text, profile, str(path)),
}


def _edit(target: str, text: str, profile: Profile, path: Path) -> tuple[str, list[str]]:
    try:
        return EDITORS[target](text, profile, path)
    except YamlDocError as error:
        raise ApplyError(f"{error}; fix it first (librechat-authelia audit shows it)") from None
    except ClientChoiceRefused as error:
        raise ApplyError(str(error)) from None
    except dotenv.DotEnvEditError as error:
        raise ApplyError(f"{shown_path(path)}: {error}; nothing written") from None


def _backup_name(real: Path) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return f"{real.name}.{stamp}.bak"


def _write_temp(dir_fd: int, name: str, data: bytes, mode: int,
                owner: tuple[int, int] | None) -> tuple[int, str]:
    """A temporary file in the directory holding `data`, fsynced: mode 0600 from the start,
    then the original's owner and group and mode; when the owner or group cannot be given
    (not root, not a member of the group), it stays 0600. Returned open: its lock tells
    another run's clean-up that it is in use, until the caller closes it."""
    fd, temp = create_temp(dir_fd, name)
    try:
        keep = True
        if owner is not None and (os.fstat(fd).st_uid, os.fstat(fd).st_gid) != owner:
            try:
                os.fchown(fd, *owner)
            except PermissionError:
                keep = False
        write_all(fd, data)
        if keep and owner is not None:
            os.fchmod(fd, mode)  # after the owner: never open to a group before it is right
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp, dir_fd=dir_fd)
        raise
    return fd, temp


def _write_backup(dir_fd: int, real: Path, old: bytes, mode: int,
                  owner: tuple[int, int]) -> str:
    """The old bytes under `NAME.<UTC time>.bak` (or `-1.bak`, ...), written through a
    temporary name and linked into place: never a half-written backup under its name."""
    fd, temp = _write_temp(dir_fd, real.name, old, mode, owner)
    try:
        base = _backup_name(real)
        candidate, number = base, 1
        while True:
            try:
                link_exclusively(temp, candidate, dir_fd=dir_fd)
                return candidate
            except FileExistsError:
                candidate = f"{base[:-4]}-{number}.bak"
                number += 1
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp, dir_fd=dir_fd)
        os.close(fd)


def _current(dir_fd: int, name: str) -> bytes | None:
    """The file's bytes as they are now, never through a symlink put in its place (None:
    no file)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(name, flags, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ApplyError(f"{name} is no longer a regular file; nothing written")
        return handle.read()


def _same(dir_fd: int, name: str, old: bytes | None) -> bool:
    try:
        current = _current(dir_fd, name)
    except OSError as error:
        if error.errno == errno.ELOOP:  # a symlink now stands where the file was
            return False
        raise
    if current is None or old is None:
        return current is None and old is None
    return hashlib.sha256(current).digest() == hashlib.sha256(old).digest()


def write_plan(plan: Plan) -> Path | None:
    """Back up and replace the file; the backup's path (None for a new file).

    The order keeps a crash or a full disk harmless: stale temporary files of an earlier,
    killed run are removed; the new text goes to a temporary file (O_EXCL|O_NOFOLLOW, 0600,
    then the original's owner, group and mode); the backup is written the same way and
    linked to its name; only then is the file replaced by a rename. Every step is in the
    directory opened once, so a symlink swapped in meanwhile is never followed.
    """
    try:
        return _write_plan(plan, time.time())
    except WriteRefused as error:
        raise ApplyError(str(error)) from None
    except OSError as error:
        raise _os_problem(plan.path, error, "cannot be written") from None


def _write_plan(plan: Plan, started: float) -> Path | None:
    real: Path = plan.real
    if resolve_for_writing(plan.path) != real:
        raise ApplyError(f"{shown_path(plan.path)} changed since it was read (it now leads "
                         "to another file); nothing written")
    dir_fd = open_directory(real.parent)
    try:
        remove_stale_temps(dir_fd, real.name, started)
        if not _same(dir_fd, real.name, plan.old):
            raise ApplyError(f"{shown_path(plan.path)} changed since it was read; nothing "
                             "written (run apply again to see the new diff)")
        mode, owner = _mode_and_owner(dir_fd, real.name, plan.old)
        fd, temp = _write_temp(dir_fd, real.name, plan.new_text.encode("utf-8"), mode, owner)
        try:
            backup = _back_up_and_replace(dir_fd, plan, temp, mode, owner)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp, dir_fd=dir_fd)
            os.close(fd)
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return real.parent / backup if backup is not None else None


def _mode_and_owner(dir_fd: int, name: str, old: bytes | None,
                    ) -> tuple[int, tuple[int, int] | None]:
    """The mode, owner and group the new file keeps: the old file's, or 0600 for a new one."""
    if old is None:
        return 0o600, None  # a new .env or override holds secrets
    status = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    return stat.S_IMODE(status.st_mode), (status.st_uid, status.st_gid)


def _back_up_and_replace(dir_fd: int, plan: Plan, temp: str, mode: int,
                         owner: tuple[int, int] | None) -> str | None:
    """The backup (of an old file), then the temporary file renamed (linked, for a new
    file) over the file's name; the backup's name. Nothing left behind when refused."""
    real: Path = plan.real
    backup = None
    try:
        if plan.old is not None:
            assert owner is not None
            backup = _write_backup(dir_fd, real, plan.old, mode, owner)
        if not _same(dir_fd, real.name, plan.old):
            raise ApplyError(f"{shown_path(plan.path)} changed since it was read; "
                             "nothing written")
        if plan.old is None:
            try:  # a new file: never over one that appeared meanwhile
                link_exclusively(temp, real.name, dir_fd=dir_fd)
            except FileExistsError:
                raise ApplyError(f"{shown_path(plan.path)} appeared since it was read; "
                                 "nothing written") from None
        else:
            os.replace(temp, real.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        if backup is not None:  # nothing written: no backup of it either
            with contextlib.suppress(FileNotFoundError):
                os.unlink(backup, dir_fd=dir_fd)
        raise
    return backup


def apply_file(target: str, profile: Profile, file: str | Path) -> tuple[Plan, Path | None]:
    """Plan and write in one go (for the app); (plan, backup) — backup None if unchanged."""
    plan = plan_apply(target, profile, file)
    if not plan.changed:
        return plan, None
    return plan, write_plan(plan)

