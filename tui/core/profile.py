"""One deployment's settings, and their file form."""

from __future__ import annotations

from collections import namedtuple

from . import facts
from .digest import DEFAULT_ALGORITHM
from .fields import is_secret_field
from .inputerror import InputError
from .versions import Version

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


PROFILE_FORMAT_VERSION = 1


class ProfileFormatError(InputError):
    """A profile's data has a missing key or a value of the wrong type."""


def normalise_url(url: str) -> str:
    """Trim spaces and trailing slashes: LibreChat joins DOMAIN_SERVER and the path as strings.

    A non-ASCII host is written in its IDNA form (`https://chät.home.lan` becomes
    `https://xn--cht-rla.home.lan`), as Node and browsers send it; see hosts.py. A host with
    no IDNA form is kept as typed, and the checks say why it cannot work.
    """
    while True:  # "x/ /" -> "x": normalising twice must change nothing (the file round-trip)
        trimmed = url.strip().rstrip("/")
        if trimmed == url:
            return ascii_host(trimmed)
        url = trimmed


def ascii_host(url: str) -> str:
    """`url` with its host in IDNA form when it has one, else unchanged."""
    if url.isascii():
        return url
    from .hosts import HostError, to_ascii_url

    try:
        return to_ascii_url(url)
    except HostError:
        return url


# Field name -> default. A namedtuple, not a dataclass: `dataclasses` and `typing` would
# cost every CLI call ~15 ms at start-up. Types: str, except scopes and checklist
# (tuples of str), refresh_tokens, hairpin and admin_panel (bool), key_bits (int).
_FIELD_DEFAULTS = {
    "app_url": facts.EXAMPLE_APP_URL,
    "auth_url": facts.EXAMPLE_AUTH_URL,
    "client_id": "",
    "client_name": facts.DEFAULT_CLIENT_NAME,
    "client_secret": "",
    "client_secret_digest": "",
    # The client_secret value of Authelia's configuration when the digest lives outside the
    # profile: a template or variable (`{{ secret "/run/secrets/x" }}`, `${X}`), verbatim.
    # Then the profile holds no digest: render writes this text, apply leaves the line alone.
    "digest_template": "",
    "digest_algorithm": DEFAULT_ALGORITHM,
    "session_secret": "",
    "policy": facts.DEFAULT_POLICY,
    "group": "",  # when set, only members of this group may log in
    "scopes": facts.DEFAULT_SCOPES,
    "refresh_tokens": False,
    "button_label": facts.DEFAULT_BUTTON_LABEL,
    "image_url": facts.DEFAULT_IMAGE_URL,
    "authelia_version": facts.DEFAULT_AUTHELIA,
    "librechat_version": facts.DEFAULT_LIBRECHAT,
    "checklist": (),  # ids of ticked steps
    # The provider section. "new": this profile holds hmac_secret and the signing
    # key and renders them; "existing": Authelia already has them (see profile_from_dict).
    "provider": "new",
    "hmac_secret": "",
    "signing_key": "",  # PEM of the RSA private key
    "signing_key_id": "",
    "key_bits": facts.DEFAULT_KEY_BITS,
    "key_path": "",  # "": the PEM inline in the YAML; else its path in Authelia's container
    "admin_group": "",  # members become LibreChat admins
    "consent": facts.DEFAULT_CONSENT,
    "consent_duration": "",  # only for consent pre-configured
    "ca_file": "",  # host path of a private CA certificate for the LibreChat container
    "hairpin": False,  # reach Authelia's public name through the Docker host
    "admin_panel": False,  # LibreChat's admin panel logs in too (its own redirect URI)
    # The user's own files, remembered for audit and "apply to file".
    "authelia_config_paths": (),  # files or directories, in Authelia's order
    "env_path": "",
    "compose_path": "",
}
_ProfileFields = namedtuple("_ProfileFields", _FIELD_DEFAULTS, defaults=_FIELD_DEFAULTS.values())

MASK = "<hidden>"


def _masked_items(items: Any) -> str:
    return ", ".join(
        f"{key}={MASK if value and is_secret_field(key) else repr(value)}" for key, value in items
    )


class _MaskedDict(dict):
    """A plain dict for code; its repr hides secrets, since tracebacks print locals."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "{" + ", ".join(
            f"{key!r}: {MASK if value and is_secret_field(key) else repr(value)}"
            for key, value in self.items()
        ) + "}"

    __str__ = __repr__


class Profile(_ProfileFields):
    """One deployment's settings; immutable, normalised on construction."""

    __slots__ = ()

    def __new__(cls, **values: Any) -> Profile:
        unknown = set(values) - set(cls._fields)
        if unknown:
            raise TypeError(f"unknown profile field {sorted(unknown)[0]!r}")
        for name in ("app_url", "auth_url"):
            if name in values:
                values[name] = normalise_url(values[name])
        for name in ("image_url", "group"):
            if name in values:
                values[name] = values[name].strip()
        for name in ("admin_group", "key_path", "ca_file", "consent_duration"):
            if name in values:
                values[name] = values[name].strip()
        if "image_url" in values:
            values["image_url"] = ascii_host(values["image_url"])
        for name in ("scopes", "checklist", "authelia_config_paths"):
            if name in values:
                values[name] = tuple(dict.fromkeys(values[name]))
        return super().__new__(cls, **values)

    def with_changes(self, **changes: Any) -> Profile:
        return Profile(**{**self._asdict(), **changes})

    def __repr__(self) -> str:
        return f"Profile({_masked_items(zip(self._fields, self, strict=True))})"

    __str__ = __repr__

    def _asdict(self) -> dict[str, Any]:
        return _MaskedDict(zip(self._fields, self, strict=True))

    # Derived values: computed here once so renderers, checks and the checklist agree.

    @property
    def redirect_uri(self) -> str:
        return self.app_url + facts.CALLBACK_PATH

    @property
    def admin_redirect_uri(self) -> str:
        """Where LibreChat's admin panel login comes back (its openidAdmin strategy)."""
        return self.app_url + facts.ADMIN_CALLBACK_PATH

    @property
    def redirect_uris(self) -> list[str]:
        """The Authelia client's redirect_uris: the login's, then the admin panel's."""
        return [self.redirect_uri] + ([self.admin_redirect_uri] if self.admin_panel else [])

    @property
    def digest_outside(self) -> bool:
        """The client secret's digest is managed outside the profile (digest_template)."""
        return bool(self.digest_template)

    @property
    def discovery_url(self) -> str:
        return self.auth_url + facts.DISCOVERY_PATH

    @property
    def effective_scopes(self) -> tuple[str, ...]:
        """The scopes, plus groups for an admin group, offline_access for refresh tokens."""
        scopes = self.scopes
        if self.admin_group and facts.GROUPS_SCOPE not in scopes:
            scopes = (*scopes, facts.GROUPS_SCOPE)
        if self.refresh_tokens and facts.REFRESH_SCOPE not in scopes:
            return (*scopes, facts.REFRESH_SCOPE)
        return scopes

    @property
    def wants_refresh_token(self) -> bool:
        # Authelia warns about refresh_token without offline_access: they go together.
        return facts.REFRESH_SCOPE in self.effective_scopes

    @property
    def group_policy_name(self) -> str:
        """The name of the custom authorization policy for a group restriction."""
        slug = "".join(c if c.isalnum() or c in "-_" else "_" for c in self.group)
        return f"librechat_{slug}" if slug else ""

    @property
    def authorization_policy(self) -> str:
        return self.group_policy_name if self.group else self.policy

    def librechat(self) -> Version:
        return Version.parse(self.librechat_version)

    def token_endpoint_auth_method(self) -> str:
        """The one method both sides use: the Authelia client's token_endpoint_auth_method
        and, from LibreChat 0.7.9, OPENID_TOKEN_ENDPOINT_AUTH_METHOD in .env."""
        return facts.token_endpoint_auth_method(self.librechat())


# File form -------------------------------------------------------------------------------

_TUPLE_FIELDS = {"scopes", "checklist", "authelia_config_paths"}


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    data: dict[str, Any] = {"version": PROFILE_FORMAT_VERSION}
    for key, value in profile._asdict().items():
        data[key] = list(value) if key in _TUPLE_FIELDS else value
    if "\n" in data["signing_key"]:  # a PEM reads best as a literal block, as in Authelia's
        from .yamlio import LiteralBlock

        data["signing_key"] = LiteralBlock(data["signing_key"])
    return data


def profile_from_dict(data: Any) -> Profile:
    """Build a profile from parsed YAML, naming the first key that is wrong."""
    _check_shape(data)
    values: dict[str, Any] = {}
    if "provider" not in data:
        # Written before the provider section existed, when the checklist told the user to
        # set up Authelia's provider first: it has one. "new" would demand a key and hmac
        # secret, and a generated one would replace the keys Authelia already signs with.
        values["provider"] = "existing"
    for name in Profile._fields:
        if name in data:
            values[name] = _field_value(name, data[name])
    return Profile(**values)


def _check_shape(data: Any) -> None:
    """A mapping of known text keys in this program's profile version, or ProfileFormatError."""
    if not isinstance(data, dict):
        raise ProfileFormatError(f"expected a mapping of settings, found {_kind(data)}")
    version = data.get("version")
    if version != PROFILE_FORMAT_VERSION:
        raise ProfileFormatError(
            f"version is {version!r}; this program reads profile version {PROFILE_FORMAT_VERSION}"
        )
    odd_keys = [key for key in data if not isinstance(key, str)]
    if odd_keys:
        raise ProfileFormatError(
            f"setting names must be text, found {_kind(odd_keys[0])} ({odd_keys[0]!r})")
    unknown = sorted(set(data) - set(Profile._fields) - {"version"})
    if unknown:
        raise ProfileFormatError(f"unknown setting {unknown[0]!r}")


def _field_value(name: str, value: Any) -> Any:
    """The value of field `name` read from a file, or ProfileFormatError naming its type."""
    expected = type(Profile._field_defaults[name])
    if name in _TUPLE_FIELDS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ProfileFormatError(f"{name} must be a list of strings, found {_kind(value)}")
        return tuple(value)
    if expected is bool:
        if not isinstance(value, bool):
            raise ProfileFormatError(f"{name} must be true or false, found {_kind(value)}")
        return value
    if expected is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ProfileFormatError(f"{name} must be a whole number, found {_kind(value)}")
        return value
    if name.endswith("_version") and isinstance(value, (int, float)) \
            and not isinstance(value, bool):
        return str(value)  # an unquoted 4.39 in a hand-edited file is a float to YAML
    if not isinstance(value, str):
        raise ProfileFormatError(f"{name} must be a string, found {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", bool: "a boolean", int: "a number",
            float: "a number", str: "a string"}.get(type(value), type(value).__name__)
