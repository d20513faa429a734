"""What each profile field is: its names for people, where it is edited, how it is treated.

The one table of field facts: messages take `label`, screens take `title` and `pane`, masking
takes `secret`, and the checks take `multiline`, `path` and `yaml`. Nothing of tui is
imported here: the profile, the checks, the CLI and the app all read it.
"""

from __future__ import annotations

from collections import namedtuple

# A rule, not a list: a field added later (hmac_secret, signing_key) is masked too. It also
# serves names that are not profile fields (keys in a user's file, a store's data).
_SECRET_SUFFIXES = ("_secret", "_key", "_key_pem", "_password")
_SECRET_WORDS = ("private", "password")


def is_secret_field(name: str) -> bool:
    """True for a field whose value is a secret: never shown in reprs, messages or logs."""
    return name.endswith(_SECRET_SUFFIXES) or any(word in name for word in _SECRET_WORDS)


FieldInfo = namedtuple("FieldInfo", "name label title pane secret provider_only multiline "
                                    "path yaml in_profile")
FieldInfo.__doc__ = """One field's facts.

label: what messages call it ("client ID"); title: what a screen calls it ("Client ID");
pane: the id of the pane that edits it ("" when none does); secret: masked everywhere
(is_secret_field); provider_only: used only when the profile writes Authelia's provider
section (provider "new"); multiline: lines of text by nature (a PEM key); path: a file the
profile remembers (any name the system allows, never written into .env or YAML); yaml:
written into Authelia's configuration.yml; in_profile: a Profile field (digest_cost is a
setting of the digest, edited beside the fields).
"""

ASSUMPTIONS = "assumptions"
SECRETS = "secrets"

# name, label, title, pane, then the flags that apply.
_TABLE = (
    ("app_url", "LibreChat URL", "LibreChat URL", ASSUMPTIONS, "yaml"),
    ("auth_url", "Authelia URL", "Authelia URL", ASSUMPTIONS),
    ("client_id", "client ID", "Client ID", ASSUMPTIONS, "yaml"),
    ("client_name", "client name", "Client name", ASSUMPTIONS, "yaml"),
    ("client_secret", "client secret", "Client secret", SECRETS),
    ("client_secret_digest", "digest", "Digest", SECRETS, "yaml"),
    ("digest_template", "digest's template", "Digest from", SECRETS),
    ("digest_algorithm", "digest algorithm", "Digest algorithm", SECRETS),
    ("session_secret", "session secret", "Session secret", SECRETS),
    ("policy", "policy", "Policy", ASSUMPTIONS, "yaml"),
    ("group", "group name", "Group", ASSUMPTIONS, "yaml"),
    ("scopes", "scopes", "Scopes", ASSUMPTIONS, "yaml"),
    ("refresh_tokens", "refresh tokens setting", "Refresh tokens", ASSUMPTIONS),
    ("button_label", "button label", "Button label", ASSUMPTIONS),
    ("image_url", "button image URL", "Button image", ASSUMPTIONS),
    ("authelia_version", "Authelia version", "Authelia version", ASSUMPTIONS),
    ("librechat_version", "LibreChat version", "LibreChat version", ASSUMPTIONS),
    ("checklist", "checklist", "Checklist", ""),
    ("provider", "provider", "Provider section", ASSUMPTIONS),
    ("hmac_secret", "hmac secret", "HMAC secret", SECRETS, "provider_only"),
    ("signing_key", "signing key", "Signing key", SECRETS, "provider_only", "multiline"),
    ("signing_key_id", "key ID", "Key ID", "", "provider_only"),
    ("key_bits", "key size", "Key size", ASSUMPTIONS, "provider_only"),
    ("key_path", "key path", "Key path", ASSUMPTIONS, "provider_only"),
    ("admin_group", "admin group", "Admin group", ASSUMPTIONS),
    ("consent", "consent mode", "Consent", ASSUMPTIONS),
    ("consent_duration", "consent duration", "Consent duration", ASSUMPTIONS),
    ("ca_file", "CA file", "CA file", ASSUMPTIONS),
    ("hairpin", "hairpin setting", "Reaching Authelia", ASSUMPTIONS),
    ("admin_panel", "admin panel setting", "Admin panel", ASSUMPTIONS),
    ("authelia_config_paths", "Authelia configuration paths", "Authelia configuration", "",
     "path"),
    ("env_path", ".env path", "LibreChat .env", "", "path"),
    ("compose_path", "Compose override path", "Compose override", "", "path"),
    ("digest_cost", "digest cost", "Digest cost", SECRETS, "not_in_profile"),
)
_FLAGS = ("provider_only", "multiline", "path", "yaml", "not_in_profile")


def _info(name: str, label: str, title: str, pane: str, *flags: str) -> FieldInfo:
    unknown = set(flags) - set(_FLAGS)
    if unknown:
        raise ValueError(f"unknown field flag {sorted(unknown)[0]!r}")
    return FieldInfo(name, label, title, pane, is_secret_field(name),
                     "provider_only" in flags, "multiline" in flags, "path" in flags,
                     "yaml" in flags, "not_in_profile" not in flags)


# name -> FieldInfo, in the profile's order.
FIELDS = {row[0]: _info(*row) for row in _TABLE}


def label(name: str) -> str:
    """What messages call the field `name` (the name itself for one not in the table)."""
    info = FIELDS.get(name)
    return info.label if info else name


def title(name: str) -> str:
    """What screens call the field `name` (the name itself for one not in the table)."""
    info = FIELDS.get(name)
    return info.title if info else name


def names_where(flag: str) -> tuple[str, ...]:
    """The names of the fields whose `flag` (a FieldInfo attribute) is true."""
    return tuple(name for name, info in FIELDS.items() if getattr(info, flag))


# Derived tables, for the modules that read fields in these terms.
FIELD_LABELS = {name: info.label for name, info in FIELDS.items()}
FIELD_TITLES = {name: info.title for name, info in FIELDS.items()}
FIELD_PANES = {name: info.pane for name, info in FIELDS.items() if info.pane}
MULTILINE_FIELDS = names_where("multiline")
PATH_FIELDS = names_where("path")
YAML_FIELDS = names_where("yaml")
PROVIDER_ONLY = names_where("provider_only")
