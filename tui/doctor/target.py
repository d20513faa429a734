"""What the doctor checks: the deployment's URLs and the client's credentials.

From a profile, or from the variables of LibreChat's .env (then read as LibreChat reads them).
"""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path
from urllib.parse import urlsplit

from ..core import facts
from ..core.inputerror import InputError
from ..core.shown import shown, shown_path

#: The largest CA file read (a bundle of every public CA is about 220 KB).
MAX_CA_FILE_BYTES = 1024 * 1024


class TargetError(InputError):
    """The target cannot be checked (missing or malformed URL): bad input, exit 2."""


# env_auth_method: the .env's OPENID_TOKEN_ENDPOINT_AUTH_METHOD ("" unset; None: no .env);
# client_auth_method: the profile's client method ("" without a profile). See env_checks.py.
# env_file: where the credentials came from: None for the profile alone (LibreChat's own .env
# not checked), else the .env's path as shown ("" when only its variables were given);
# env_missing: OPENID_CLIENT_ID / OPENID_CLIENT_SECRET the .env does not set (the profile's
# were used); env_differs: those the .env sets to another value than the profile's;
# env_note: why a remembered .env was not used (it could not be read).
_Target = namedtuple("_Target", "app_url issuer client_id client_secret scopes redirect_uri "
                                "auth_method ca_file env_auth_method client_auth_method "
                                "env_file env_missing env_differs env_note",
                     defaults=(None, "", None, (), (), ""))


class Target(_Target):
    """`issuer` is what LibreChat gives discovery, less the /.well-known suffix."""

    __slots__ = ()

    def __repr__(self) -> str:  # the secret never reaches a log or a traceback
        shown = self._replace(client_secret="[secret]" if self.client_secret else "")
        return "Target(" + ", ".join(f"{k}={v!r}" for k, v in shown._asdict().items()) + ")"

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + facts.DISCOVERY_PATH


def _require_url(label: str, url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as error:
        raise TargetError(f"{label} '{shown(url)}' is not a valid URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetError(f"{label} '{shown(url)}' must be an absolute http(s) URL")


def _strip_discovery(issuer: str) -> str:
    return issuer[: -len(facts.DISCOVERY_PATH)] if issuer.endswith(facts.DISCOVERY_PATH) \
        else issuer


def read_ca_file(path: str) -> str:
    """The PEM text of a CA file, read through the guard for the user's files: a regular
    file (a FIFO or device is never opened), at most MAX_CA_FILE_BYTES. TargetError (bad
    input, one line) otherwise."""
    data = _read_guarded(path, f"CA file {shown_path(path)}", MAX_CA_FILE_BYTES,
                         "a CA certificate file")
    # PEM is ASCII; text around the blocks (comments, names) may not be, and is skipped.
    return data.decode("ascii", "ignore")


def load_ca(context, path: str) -> None:
    """Add the CA file's certificates to an ssl context; TargetError when it has none."""
    import ssl

    text = read_ca_file(path)
    try:
        context.load_verify_locations(cadata=text)
    except (ssl.SSLError, ValueError):
        raise TargetError(f"CA file {shown_path(path)}: not a PEM certificate file") from None


def check_ca_file(path: str) -> None:
    """A CA file must load as PEM certificates: a bad one is bad input, not a finding."""
    import ssl

    load_ca(ssl.create_default_context(), path)


def target_from_profile(profile, ca_file: str = "") -> Target:
    """`ca_file` defaults to the profile's own (its `ca_file` setting, when it has one)."""
    ca_file = ca_file or getattr(profile, "ca_file", "") or ""
    if ca_file:
        check_ca_file(ca_file)
    target = Target(
        app_url=profile.app_url, issuer=_strip_discovery(profile.auth_url),
        client_id=profile.client_id, client_secret=profile.client_secret,
        scopes=tuple(profile.effective_scopes), redirect_uri=profile.redirect_uri,
        auth_method=profile.token_endpoint_auth_method(), ca_file=ca_file,
    )
    _require_url("LibreChat's URL", target.app_url)
    _require_url("Authelia's URL", target.issuer)
    return target


# LibreChat's defaults for the variables the doctor reads (api/server/socialLogins.js,
# config.js): DOMAIN_SERVER falls back to http://localhost:3080.
_DEFAULT_DOMAIN_SERVER = "http://localhost:3080"
_ENV_AUTH_METHOD = "OPENID_TOKEN_ENDPOINT_AUTH_METHOD"


def target_from_env(values: dict[str, str], *, base=None, ca_file: str = "",
                    env_file: str = "") -> Target:
    """A target from .env variables; `base` (a profile) supplies what .env does not say.
    `env_file` is the .env's path, for the findings to name it.

    The auth method: OPENID_TOKEN_ENDPOINT_AUTH_METHOD when set (LibreChat's development
    branch), else the profile's LibreChat version's, else openid-client 6's
    client_secret_post (every LibreChat since 0.7.9).
    """
    def get(key: str, fallback: str = "") -> str:
        value = values.get(key, "")
        return value if value != "" else fallback

    app_url = get(facts.ENV_DOMAIN_SERVER,
                  base.app_url if base is not None else _DEFAULT_DOMAIN_SERVER)
    issuer = get(facts.ENV_ISSUER, base.auth_url if base is not None else "")
    if not issuer:
        raise TargetError(f"the .env file sets no {facts.ENV_ISSUER}")
    scope = get(facts.ENV_SCOPE, " ".join(base.effective_scopes) if base is not None else "")
    callback = get(facts.ENV_CALLBACK_URL, facts.CALLBACK_PATH)
    if ca_file:
        check_ca_file(ca_file)
    method = get(_ENV_AUTH_METHOD)
    if not method:
        method = base.token_endpoint_auth_method() if base is not None \
            else facts.token_endpoint_auth_method(facts.LIBRECHAT_OPENID_CLIENT_6)
    credentials = ((facts.ENV_CLIENT_ID, base.client_id if base is not None else ""),
                   (facts.ENV_CLIENT_SECRET, base.client_secret if base is not None else ""))
    # Compared here, so that only the names of what differs travel on (never a secret).
    missing = tuple(key for key, _ in credentials if not get(key))
    differs = tuple(key for key, profiles in credentials
                    if base is not None and get(key) and get(key) != profiles)
    target = Target(
        app_url=app_url, issuer=_strip_discovery(issuer),
        client_id=get(facts.ENV_CLIENT_ID, credentials[0][1]),
        client_secret=get(facts.ENV_CLIENT_SECRET, credentials[1][1]),
        scopes=tuple(scope.split()), redirect_uri=app_url + callback,
        auth_method=method, ca_file=ca_file, env_auth_method=get(_ENV_AUTH_METHOD),
        client_auth_method=base.token_endpoint_auth_method() if base is not None else "",
        env_file=shown_path(env_file) if env_file else "", env_missing=missing,
        env_differs=differs,
    )
    _require_url(facts.ENV_DOMAIN_SERVER, target.app_url)
    _require_url(facts.ENV_ISSUER, target.issuer)
    return target


#: The largest .env read (LibreChat's .env.example is about 30 KB).
MAX_ENV_BYTES = 1024 * 1024


def read_env_values(path: str, label: str = "") -> dict[str, str]:
    """The variables of a .env as LibreChat's dotenv reads them, read through the guard for
    the user's files: a regular file (a FIFO or device is never opened), at most
    MAX_ENV_BYTES. TargetError (one line, starting with `label`, default the path) otherwise."""
    from ..userfiles.dotenv import DotEnv, DotEnvError, decode

    where = label or f".env {shown_path(path)}"
    data = _read_guarded(path, where, MAX_ENV_BYTES, "a LibreChat .env")
    try:
        return DotEnv(decode(data, shown_path(path)), path).values
    except DotEnvError as error:
        raise TargetError(f"{where}: {error}") from None


def _read_guarded(path: str, where: str, limit: int, kind: str) -> bytes:
    """The bytes of one of the user's files, read through the guard: a regular file (a
    FIFO or device is never opened) of at most `limit` bytes. TargetError otherwise, one
    line starting with `where` (a file too large is said not to be `kind`)."""
    from ..core.files import FileTooLarge, NotRegularFile, read_regular_file

    try:
        return read_regular_file(path, limit=limit)
    except NotRegularFile as error:
        raise TargetError(f"{where}: is {error.kind}, not a regular file (not read)") from None
    except FileTooLarge:
        raise TargetError(f"{where}: larger than {limit // (1024 * 1024)} MB, not "
                          f"{kind}") from None
    except OSError as error:
        raise TargetError(f"{where}: {shown(error.strerror or error)}") from None


def target_for_profile(profile, ca_file: str = "", env_path: str | None = None) -> Target:
    """What LibreChat really uses, as far as the doctor knows it.

    With a .env (`env_path`, else the profile's remembered `env_path`), its URLs, client ID
    and secret, filled in from the profile where it is silent (target_from_env): the doctor
    then checks the secret LibreChat sends, and says where it differs from the profile's.
    Without one, the profile's (target_from_profile), and the run says that LibreChat's own
    .env was not checked. A remembered .env that cannot be used is not bad input: the profile
    is checked and `env_note` says why the .env was not; an `env_path` given here is
    (TargetError)."""
    path = env_path if env_path is not None else (getattr(profile, "env_path", "") or "")
    if not path:
        return target_from_profile(profile, ca_file)
    try:
        label = f".env {shown_path(path)}" if env_path is not None \
            else f"the profile's .env {shown_path(path)}"
        return target_from_env(read_env_values(str(Path(path).expanduser()), label),
                               base=profile, ca_file=ca_file or _profile_ca(profile),
                               env_file=path)
    except TargetError as error:
        if env_path is not None:
            raise
        note = str(error)
    return target_from_profile(profile, ca_file)._replace(env_note=note)


def _profile_ca(profile) -> str:
    return getattr(profile, "ca_file", "") or ""
