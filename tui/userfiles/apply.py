"""`apply`: write a profile into the user's configuration.yml, .env or compose override.

Nothing the user wrote is lost:
- only the lines of keys whose value changes are replaced or added (yamldoc.Editor,
  dotenv.set_values); every other line, comment and template stays byte-identical;
- applying twice changes nothing the second time;
- the result is audited before it is written, and a result with errors the file did not
  already have is not written;
- writing makes a timestamped backup beside the file (same mode), then replaces the file
  atomically (a temp file in the same directory, fsync, rename) keeping its mode, owner and,
  for a symlink, writing to its target; it refuses when the file changed since it was read.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import re
import time
from collections import namedtuple
from pathlib import Path

from ..core.authelia import authorization_policies, client_entry
from ..core.errors import require_valid
from ..core.librechat import compose_override, env_values, escape_dollars
from ..core.profile import Profile
from ..core.provider import claims_policies, provider_config
from ..core.shown import shown_path
from ..core.yamlio import dump_yaml
from . import dotenv
from .audit import Finding, audit
from .authelia_config import AutheliaConfig, ConfigInputError, require_regular_file
from .compose import API_SERVICE, Compose
from .yamldoc import Editor, YamlDoc, YamlDocError, YamlEditError, plain

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TARGETS = ("authelia", "env", "compose")
_CLIENTS = ("identity_providers", "oidc", "clients")


class ApplyError(ValueError):
    """Apply refused: the message says why and that nothing was written."""


# path: as the user named it; real: the file written (a symlink's target);
# old: the bytes read (None: no file yet); new_text: the result; notes: what was left alone.
Plan = namedtuple("Plan", "target path real old new_text diff notes changed")


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


def apply_authelia(text: str, profile: Profile, path: str = "configuration.yml",
                   ) -> tuple[str, list[str]]:
    """configuration.yml with this profile's client, policies and (when missing) provider."""
    doc = YamlDoc(text, path)
    notes: list[str] = []
    oidc_data = _managed_oidc(profile)
    essentials = _provider_essentials(profile)
    claims = dict(claims_policies(profile))
    root = doc.root
    if root is None:
        full = {**essentials, **({"claims_policies": claims} if claims else {}), **oidc_data}
        prefix = text if not text or text.endswith("\n") else text + "\n"
        return prefix + dump_yaml({"identity_providers": {"oidc": full}}), notes
    if not isinstance(root, dict):
        raise ApplyError(f"{path}: the file is not a YAML mapping; nothing written")
    editor = Editor(doc)
    providers = root.get("identity_providers")
    oidc = providers.get("oidc") if isinstance(providers, dict) else None
    if not isinstance(oidc, dict) or not oidc:
        full = {**essentials, **({"claims_policies": claims} if claims else {}), **oidc_data}
        if "identity_providers" not in root:
            editor.append_document({"identity_providers": {"oidc": full}})
        elif not isinstance(providers, dict) or not providers:
            _try(notes, editor.replace_key, root, "identity_providers", {"oidc": full})
        elif "oidc" not in providers:
            _try(notes, editor.set_key, providers, "oidc", full)
        else:  # `oidc:` with nothing under it, or {}
            _try(notes, editor.replace_key, providers, "oidc", full)
        return editor.result(), notes
    for key, value in essentials.items():
        if key not in oidc:
            _try(notes, editor.set_key, oidc, key, value)
            if key == "jwks" and "{{" in dump_yaml(value):
                _check_template_indent(oidc, notes, path)
    for section, wanted in (("authorization_policies", oidc_data.get("authorization_policies")),
                            ("claims_policies", claims)):
        if not wanted:
            continue
        existing = oidc.get(section)
        if isinstance(existing, dict) and existing:
            for name, policy in wanted.items():
                _try(notes, editor.set_key, existing, name, policy)
        else:
            _try(notes, editor.set_key, oidc, section, wanted)
    entry = client_entry(profile)
    clients = oidc.get("clients")
    index = _client_index(clients, profile.client_id)
    if index is None:
        if isinstance(clients, list) and clients:
            _try(notes, editor.append_item, clients, entry)
        else:
            _try(notes, editor.set_key, oidc, "clients", [entry])
            if clients is None:
                    notes.append(f"{path} had no clients list: if another configuration file has "
                             "one, Authelia keeps only the list of the file it reads last")
    else:
        old_keys = [k for k in ("id", "secret", "description") if k in clients[index]]
        if old_keys:
            raise ApplyError(f"{path}:{doc.line_of((*_CLIENTS, index))}: this client uses the "
                             f"pre-4.38 key {old_keys[0]!r}; rename id/secret/description to "
                             "client_id/client_secret/client_name first; nothing written")
        current = clients[index].get("redirect_uris")
        if isinstance(current, list) and not doc.is_templated(current):
            # Other redirect URIs of the client (a second hostname) are the user's: kept.
            entry["redirect_uris"] += [u for u in plain(current)
                                       if u not in entry["redirect_uris"]]
        for key, value in entry.items():
            _try(notes, editor.set_key, clients[index], key, value)
    return editor.result(), notes


def apply_env(text: str, profile: Profile) -> tuple[str, list[str]]:
    return dotenv.set_values(text, env_values(profile)), []


def compose_service(profile: Profile) -> dict[str, Any]:
    """What the profile puts under services.api, $ escaped: the environment, the CA file's
    volume and the hairpin extra_hosts (core.librechat.compose_override)."""
    services = compose_override(profile)["services"]
    return escape_dollars(next(iter(services.values())))


def apply_compose(text: str, profile: Profile, path: str = "compose.yml",
                  ) -> tuple[str, list[str]]:
    """The compose file with the profile merged into services.api: environment key by key,
    list items (volumes, extra_hosts) added when missing, nothing else touched."""
    doc = YamlDoc(text, path)
    notes: list[str] = []
    service = compose_service(profile)
    root = doc.root
    wanted = {"services": {API_SERVICE: service}}
    if root is None:
        prefix = text if not text or text.endswith("\n") else text + "\n"
        return prefix + dump_yaml(wanted), notes
    if not isinstance(root, dict):
        raise ApplyError(f"{path}: the file is not a YAML mapping; nothing written")
    editor = Editor(doc)
    services = root.get("services")
    if "services" not in root:
        editor.append_document(wanted)
        return editor.result(), notes
    if not isinstance(services, dict) or not services:
        _try(notes, editor.replace_key, root, "services", wanted["services"])
        return editor.result(), notes
    api = services.get(API_SERVICE)
    if not isinstance(api, dict) or not api:
        _try(notes, editor.set_key, services, API_SERVICE, service)
        return editor.result(), notes
    for key, value in service.items():
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
    return editor.result(), notes


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
            return current[: len(value)] == value  # the user's other URIs follow
        return current == value

    wrong = [key for key, value in client_entry(profile).items()
             if not matches(key, value) and not doc.is_templated(client.get(key))]
    if wrong and not notes:
        raise ApplyError(f"the edited client's {wrong[0]} is not the profile's; nothing "
                         "written")


# Showing it ----------------------------------------------------------------------------------

_SENSITIVE_KEY = re.compile(r"(?i)(secret|password|passwd|key|keys|token|salt|iv|creds)$")
_ASSIGNMENT = re.compile(
    r"^(?P<lead>\s*(?:export\s+)?(?:-\s+)?['\"]?)(?P<key>[A-Za-z0-9_.-]+)(?P<sep>['\"]?\s*[=:]\s*)"
    r"(?P<value>.*?)(?P<end>\s*)$")
_BASE64_LINE = re.compile(r"^\s*[A-Za-z0-9+/=]{32,}\s*$")
MASK = "********"


def mask_line(line: str, secrets: list[str]) -> str:
    """A line of a diff or a file with secret values replaced by ********."""
    for secret in secrets:
        if secret and len(secret) >= 8:
            line = line.replace(secret, MASK)
    match = _ASSIGNMENT.match(line)
    if match and _SENSITIVE_KEY.search(match.group("key")):
        value = match.group("value")
        if value and "{{" not in value and value.strip() not in ("|", ">", "|-", ">-", "''",
                                                                   '""', MASK):
            return f"{match.group('lead')}{match.group('key')}{match.group('sep')}{MASK}" \
                f"{match.group('end')}"
    if _BASE64_LINE.match(line):
        return re.sub(r"[A-Za-z0-9+/=]{32,}", MASK, line)
    return line


def masked_diff(old: str | None, new: str, path: str, secrets: list[str]) -> str:
    old_lines = dotenv.lines_of(old or "")
    new_lines = dotenv.lines_of(new)
    out = []
    for line in difflib.unified_diff(old_lines, new_lines, fromfile=shown_path(path),
                                     tofile=shown_path(path), n=2):
        text = line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        if text.startswith(("---", "+++", "@@")):
            out.append(text)
        else:
            out.append(text[0] + mask_line(text[1:].rstrip("\r\n"), secrets) + "\n")
    return "".join(out)


# The plan and the write ----------------------------------------------------------------------


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ApplyError(f"{path}:{line}: not UTF-8 text; nothing written") from None


def plan_apply(target: str, profile: Profile, file: str | Path) -> Plan:
    """What apply would write, with its diff; writes nothing. ApplyError when refused."""
    if target not in TARGETS:
        raise ApplyError(f"apply writes one of {', '.join(TARGETS)}, not {target!r}")
    require_valid(profile, verify_digest=target == "authelia")
    path = Path(file).expanduser()
    if path.is_dir():
        raise ApplyError(f"{path} is a directory: name the file")
    real = path.resolve()
    if real.exists():
        try:
            require_regular_file(real)
        except ConfigInputError as error:
            raise ApplyError(f"{error}; nothing written") from None
    try:
        old: bytes | None = real.read_bytes()
    except FileNotFoundError:
        if target == "authelia":
            raise ApplyError(f"{path}: no such file (apply edits Authelia's existing "
                             "configuration.yml)") from None
        if not real.parent.is_dir():
            raise ApplyError(f"the directory {real.parent} does not exist") from None
        old = None
    except OSError as error:
        raise ApplyError(f"{path}: cannot be read ({error.strerror or error})") from None
    old_text = _decode(old, path) if old is not None else None
    try:
        if target == "authelia":
            new_text, notes = apply_authelia(old_text or "", profile, str(path))
        elif target == "env":
            new_text, notes = apply_env(old_text or "", profile)
        else:
            new_text, notes = apply_compose(old_text or "", profile, str(path))
    except YamlDocError as error:
        raise ApplyError(f"{error}; fix it first (librechat-authelia audit shows it)") from None
    except dotenv.DotEnvEditError as error:
        raise ApplyError(f"{path}: {error}; nothing written") from None
    changed = new_text != (old_text or "") or old is None
    if changed:
        _check_result(target, old_text, new_text, str(path), profile, notes)
    from ..core.profile import is_secret_field

    secrets = [profile.client_secret_digest] + [
        str(value) for name, value in zip(profile._fields, profile, strict=True)
        if is_secret_field(name) and isinstance(value, str)]
    # A PEM key's lines are masked one by one (the diff is shown line by line).
    secrets += [line for value in secrets for line in value.splitlines() if len(line) >= 16]
    diff = masked_diff(old_text, new_text, str(path), secrets) if changed else ""
    return Plan(target, path, real, old, new_text, diff, notes, changed)


def _backup_name(real: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    candidate = real.with_name(f"{real.name}.{stamp}.bak")
    number = 1
    while candidate.exists() or candidate.is_symlink():
        candidate = real.with_name(f"{real.name}.{stamp}-{number}.bak")
        number += 1
    return candidate


def _write_new(directory: Path, name: str, data: bytes, mode: int, owner: tuple[int, int] | None,
               ) -> str:
    import tempfile

    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        if owner is not None and (os.fstat(fd).st_uid, os.fstat(fd).st_gid) != owner:
            try:
                os.fchown(fd, *owner)
            except PermissionError:
                raise ApplyError(f"cannot keep the file's owner (uid {owner[0]}, gid "
                                 f"{owner[1]}): run as that user or root; nothing written") \
                    from None
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    return temp


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _same(real: Path, old: bytes | None) -> bool:
    try:
        current = real.read_bytes()
    except FileNotFoundError:
        return old is None
    return old is not None and hashlib.sha256(current).digest() == hashlib.sha256(old).digest()


def write_plan(plan: Plan) -> Path | None:
    """Back up and replace the file; the backup's path (None for a new file)."""
    real: Path = plan.real
    if not _same(real, plan.old):
        raise ApplyError(f"{plan.path} changed since it was read; nothing written (run apply "
                         "again to see the new diff)")
    data = plan.new_text.encode("utf-8")
    backup = None
    if plan.old is not None:
        stat = os.stat(real)
        mode, owner = stat.st_mode & 0o7777, (stat.st_uid, stat.st_gid)
        backup = _backup_name(real)
        fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)  # the umask does not narrow it
            handle.write(plan.old)
            handle.flush()
            os.fsync(handle.fileno())
    else:
        mode, owner = 0o600, None  # a new .env or override holds secrets
    temp = _write_new(real.parent, real.name, data, mode, owner)
    try:
        if not _same(real, plan.old):
            raise ApplyError(f"{plan.path} changed since it was read; nothing written")
        if plan.old is None:
            try:
                os.link(temp, real)  # a new file: never over one that appeared meanwhile
            except FileExistsError:
                raise ApplyError(f"{plan.path} appeared since it was read; nothing "
                                 "written") from None
            os.unlink(temp)
        else:
            os.replace(temp, real)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_dir(real.parent)
    return backup


def apply_file(target: str, profile: Profile, file: str | Path) -> tuple[Plan, Path | None]:
    """Plan and write in one go (for the app); (plan, backup) — backup None if unchanged."""
    plan = plan_apply(target, profile, file)
    if not plan.changed:
        return plan, None
    return plan, write_plan(plan)

