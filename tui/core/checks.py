"""Findings about a profile: what would break the login, and how to fix it.

Rules as a table: each rule takes the profile and the findings so far and returns its own;
RULES is the list check_profile runs, in the order the findings are shown. The provider's
rules are in provider_checks.py.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from . import digest, facts, hosts
from .envfile import env_value_problem
from .fields import FIELD_LABELS, MULTILINE_FIELDS, PATH_FIELDS, YAML_FIELDS
from .findings import Finding, findings_for, has_errors
from .inputerror import InputError
from .provider_checks import provider_findings, verify_key_findings
from .shown import shown
from .versions import Version, VersionError
from .words import plural

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from .profile import Profile

    Rule = Callable[[Profile, list[Finding]], list[Finding]]

# Names other modules import from here: the field tables (now in fields.py) and the
# finding helpers (findings.py).
__all__ = ["CODES", "FIELD_LABELS", "MULTILINE_FIELDS", "PATH_FIELDS", "RULES", "SEVERITIES",
           "YAML_FIELDS", "ProfileInvalid", "check_profile", "character_problem",
           "character_problems", "findings_for", "has_errors", "require_key_valid",
           "require_valid", "verify_digest_findings"]

SEVERITIES = ("error", "warning", "info")

EXAMPLE_URL_MESSAGE = "still the example value: enter your own URL"


def _url_codes(suffix: str) -> dict[str, str]:
    return {f"{field.replace('_', '-')}-{suffix}": field
            for field in ("app_url", "auth_url", "image_url")}


# code -> the field it is about ("" for any field). Codes are stable: add, never rename.
CODES = {
    "authelia-version-invalid": "authelia_version",
    "authelia-version-unsupported": "authelia_version",
    "authelia-version-newer": "authelia_version",
    "librechat-version-invalid": "librechat_version",
    "librechat-version-newer": "librechat_version",
    "app-url-invalid": "app_url",
    "app-url-not-https": "app_url",
    "app-url-http-local": "app_url",
    "auth-url-invalid": "auth_url",
    "auth-url-not-https": "auth_url",
    "auth-url-http-local": "auth_url",
    "auth-url-discovery-path": "auth_url",
    "auth-url-same-as-app-url": "auth_url",
    **_url_codes("example"),
    **_url_codes("mixed-script"),
    **_url_codes("idna"),
    "image-url-invalid": "image_url",
    "image-url-http": "image_url",
    "admin-panel-unsupported": "admin_panel",
    "client-id-empty": "client_id",
    "client-id-characters": "client_id",
    "client-id-too-long": "client_id",
    "client-secret-empty": "client_secret",
    "client-secret-invalid": "client_secret",
    "client-secret-short": "client_secret",
    "session-secret-empty": "session_secret",
    "session-secret-invalid": "session_secret",
    "session-secret-short": "session_secret",
    "session-secret-same-as-client-secret": "session_secret",
    "digest-missing": "client_secret_digest",
    "digest-plaintext": "client_secret_digest",
    "digest-cost-invalid": "client_secret_digest",
    "digest-algorithm-mismatch": "digest_algorithm",
    "digest-algorithm-unknown": "digest_algorithm",
    "digest-too-costly": "client_secret_digest",
    "digest-unreadable": "client_secret_digest",
    "digest-mismatch": "client_secret_digest",
    "digest-managed-outside": "digest_template",
    "digest-template-invalid": "digest_template",
    "policy-unknown": "policy",
    "scopes-without-openid": "scopes",
    "scope-unknown": "scopes",
    "button-label-invalid": "button_label",
    "button-label-empty": "button_label",
    **_url_codes("not-env-safe"),
    "value-template-braces": "",
    "value-bad-characters": "",
}
del CODES["image-url-example"]  # an example image is the guide's own, not a placeholder


def _found(code: str, severity: str, message: str, field: str = "") -> list[Finding]:
    """One finding of `code`, about its field in CODES (or `field` for an any-field code)."""
    return [Finding(code, severity, message, field=CODES[code] or field)]


def _dashed(field: str) -> str:
    return field.replace("_", "-")


class ProfileInvalid(InputError):
    """The profile has errors: rendering it would produce a configuration that cannot work."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = [f for f in findings if f.severity == "error"]
        super().__init__("; ".join(f"{f.field}: {f.message}" for f in self.findings))


# The fields only Authelia's client_secret line is made of: what LibreChat's side does
# without (.env, the Compose override).
DIGEST_FIELDS = ("client_secret_digest", "digest_algorithm", "digest_template")


def require_valid(profile: Profile, *, verify_digest: bool, needs_digest: bool = True) -> None:
    """ProfileInvalid when the profile has errors; needs_digest=False leaves out those of
    the digest's fields (for what goes into LibreChat's files only)."""
    findings = check_profile(profile, verify_digest=verify_digest)
    if not needs_digest:
        findings = [f for f in findings if f.field not in DIGEST_FIELDS]
    if has_errors(findings):
        raise ProfileInvalid(findings)


def require_key_valid(profile: Profile) -> None:
    findings = [f for f in verify_key_findings(profile) if f.severity == "error"]
    if findings:
        raise ProfileInvalid(findings)


# URLs ----------------------------------------------------------------------------------------

# The example each URL field's messages suggest.
URL_EXAMPLES = {"app_url": "https://chat.example.com", "auth_url": "https://auth.example.com",
                "image_url": "https://chat.example.com/images/login.png"}


def _url_problem(url: str, example: str = URL_EXAMPLES["auth_url"]
                 ) -> tuple[str | None, str, str]:
    """(problem, scheme, host) of a URL that should be an absolute http(s) root."""
    if not url:
        return (f"is empty: enter the full URL, like {example}", "", "")
    if any(c.isspace() or unicodedata.category(c) == "Cc" for c in url):
        return ("contains spaces or control characters", "", "")
    problem = hosts.host_problem(url)
    if problem:
        return (f"cannot work: {problem}", "", "")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as error:
        return (f"is not a valid URL ({shown(error)})", "", "")
    return (_url_shape_problem(url, parts, host), parts.scheme, host)


def _url_shape_problem(url: str, parts, host: str) -> str | None:
    if parts.scheme not in ("http", "https") or not host:
        return "must be absolute, starting with https:// and a host name"
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        return "must not have a query (?...) or fragment (#...)"
    if parts.username is not None or parts.password is not None:
        return "must not contain a user name or password"
    if parts.netloc.endswith(":"):
        return "has a ':' after the host but no port number"
    if "://" in parts.path or parts.path.startswith("//"):
        return "looks like two URLs run together (a second :// or // in it): enter one"
    return None


def _librechat(profile: Profile) -> Version | None:
    """The LibreChat version, or None when it does not parse (_versions says why)."""
    try:
        return Version.parse(profile.librechat_version)
    except VersionError:
        return None


def _app_url(profile: Profile, found: list[Finding]) -> list[Finding]:
    problem, scheme, host = _url_problem(profile.app_url, URL_EXAMPLES["app_url"])
    if problem:
        return _found("app-url-invalid", "error", f"LibreChat's URL {problem}")
    if scheme == "http" and not hosts.is_loopback(host):
        return _found("app-url-not-https", "error",
                      "LibreChat's URL must use https:// (http is only for localhost); "
                      "put LibreChat behind your TLS reverse proxy")
    if scheme == "http":
        return _found("app-url-http-local", "warning",
                      "http:// works only for testing on this machine")
    return []


def _auth_url_scheme(profile: Profile, scheme: str, host: str) -> list[Finding]:
    if scheme != "http":
        return []
    librechat = _librechat(profile)
    if librechat is not None and librechat >= facts.LIBRECHAT_OPENID_CLIENT_6:
        return _found("auth-url-not-https", "error",
                      "Authelia's URL must use https://: LibreChat 0.7.9 and newer "
                      "(openid-client 6) refuse http:// issuers")
    if not hosts.is_loopback(host):
        return _found("auth-url-not-https", "error",
                      "Authelia's URL must use https:// (http is only for localhost)")
    return _found("auth-url-http-local", "warning",
                  "http:// works only for testing on this machine")


def _auth_url(profile: Profile, found: list[Finding]) -> list[Finding]:
    problem, scheme, host = _url_problem(profile.auth_url)
    if problem:
        return _found("auth-url-invalid", "error", f"Authelia's URL {problem}")
    out = _auth_url_scheme(profile, scheme, host)
    if profile.auth_url.endswith(facts.DISCOVERY_PATH):
        out += _found("auth-url-discovery-path", "error",
                      "enter Authelia's root URL, without /.well-known/openid-configuration")
    if profile.app_url == profile.auth_url:
        out += _found("auth-url-same-as-app-url", "error",
                      "Authelia and LibreChat need different URLs (usually two subdomains)")
    return out


def _url_host_notes(profile: Profile, found: list[Finding]) -> list[Finding]:
    """Example hosts, look-alike letters and IDNA forms, for URLs with no finding yet."""
    out = []
    for field in ("app_url", "auth_url", "image_url"):
        url = getattr(profile, field)
        if url and not findings_for(found, field):
            out += _host_notes(field, url)
    return out


def _host_notes(field: str, url: str) -> list[Finding]:
    out = []
    if field != "image_url" and hosts.is_example_url(url):
        out += _found(f"{_dashed(field)}-example", "warning", EXAMPLE_URL_MESSAGE)
    for label in hosts.mixed_script_labels(url):
        out += _found(f"{_dashed(field)}-mixed-script", "warning",
                      f"the host name part '{shown(label)}' mixes "
                      f"{' and '.join(hosts.scripts_of(label))} letters: it may be a "
                      "look-alike of another name; check that you typed it yourself")
    unicode = hosts.unicode_host(url)
    if unicode:
        out += _found(f"{_dashed(field)}-idna", "info",
                      f"the host {shown(unicode)} is written as {shown(hosts.host_of(url))}, "
                      "its IDNA form, which browsers and LibreChat send")
    return out


def _image_url(profile: Profile, found: list[Finding]) -> list[Finding]:
    if not profile.image_url:
        return []
    problem, scheme, _ = _url_problem(profile.image_url, URL_EXAMPLES["image_url"])
    if problem:
        return _found("image-url-invalid", "error", f"the button image URL {problem}")
    if scheme == "http":
        return _found("image-url-http", "warning",
                      "an http:// image on an https:// page is blocked by browsers")
    return []


def _urls_in_env(profile: Profile, found: list[Finding]) -> list[Finding]:
    """A value that cannot go into .env is an error even when the field already has a
    warning (an http:// image URL with a backslash): rendering it would fail."""
    out = []
    for field in ("app_url", "auth_url", "image_url"):
        problem = env_value_problem(getattr(profile, field))
        if problem and not has_errors(findings_for(found, field)):
            out += _found(f"{_dashed(field)}-not-env-safe", "error", f"the URL {problem}")
    return out


# The client's ID and secrets ----------------------------------------------------------------


def _client_id(profile: Profile, found: list[Finding]) -> list[Finding]:
    cid = profile.client_id
    if not cid:
        return _found("client-id-empty", "error", "the client ID is empty: generate one")
    bad = sorted({c for c in cid if c not in facts.RFC3986_UNRESERVED})
    if bad:
        listed = " ".join(repr(c) for c in bad[:5])
        return _found("client-id-characters", "error",
                      "Authelia allows only RFC 3986 unreserved characters "
                      f"(A-Z a-z 0-9 - . _ ~) in a client ID; remove {listed}")
    if len(cid) > facts.CLIENT_ID_MAX_LENGTH:
        return _found("client-id-too-long", "error",
                      f"Authelia allows at most {facts.CLIENT_ID_MAX_LENGTH} characters in a "
                      f"client ID; this one has {len(cid)}")
    return []


def _secret_rule(field: str) -> Rule:
    """The rule for the secret in `field`: present, writable, hashable and long enough."""
    label = FIELD_LABELS[field]
    code = _dashed(field)

    def rule(profile: Profile, found: list[Finding]) -> list[Finding]:
        value = getattr(profile, field)
        if not value:
            return _found(f"{code}-empty", "error", f"the {label} is empty: generate one")
        out = []
        problem = env_value_problem(value) or (
            digest.secret_problem(value) if field == "client_secret" else None)
        if problem:
            out += _found(f"{code}-invalid", "error", f"the {label} {problem}; generate a new one")
        if len(value) < facts.RECOMMENDED_SECRET_LENGTH:
            out += _found(f"{code}-short", "warning",
                          f"the {label} has {plural(len(value), 'character')}; use at least "
                          f"{facts.RECOMMENDED_SECRET_LENGTH} random ones (regenerate it)")
        return out

    rule.__name__ = rule.__qualname__ = f"_{field}"
    return rule


def _secrets_differ(profile: Profile, found: list[Finding]) -> list[Finding]:
    if profile.session_secret and profile.session_secret == profile.client_secret:
        return _found("session-secret-same-as-client-secret", "error",
                      "the session secret must differ from the client secret")
    return []


# The digest ----------------------------------------------------------------------------------


# The expressions that fill a value in when Authelia reads its configuration: a template
# (the template filter) or an environment variable (the expand-env filter).
_EXPRESSION = re.compile(r"\{\{.*?\}\}|\$\{[A-Za-z_][A-Za-z0-9_]*[^}]*\}|\$[A-Z_][A-Z0-9_]*")


def digest_template_problem(text: str) -> str | None:
    """Why `text` cannot stand as the client_secret value of a client in Authelia's
    configuration (it is written there verbatim), or None."""
    if not _EXPRESSION.search(text):
        return ("holds no template ({{ ... }}) or variable (${NAME}): give the digest "
                "instead")
    from .yamlio import load_yaml

    try:
        parsed = load_yaml("k: " + _EXPRESSION.sub("x", text))
    except Exception:  # PyYAML's errors have no common base worth naming here
        parsed = None
    if not (isinstance(parsed, dict) and list(parsed) == ["k"]
            and isinstance(parsed["k"], str)):
        return "is not one YAML value: it would break the client's entry"
    return None


def _digest_outside(profile: Profile) -> list[Finding]:
    problem = digest_template_problem(profile.digest_template)
    if problem:
        return _found("digest-template-invalid", "error",
                      f"the digest's template {problem}")
    return _found("digest-managed-outside", "info",
                  f"the client secret's digest comes from {shown(profile.digest_template)} in "
                  "Authelia's configuration, kept as it is: this profile cannot check that it "
                  "was made from this client secret (the doctor's token probe can)")


def _digest_format(profile: Profile, found: list[Finding]) -> list[Finding]:
    """The fast part of the digest checks: present, and not plaintext."""
    if profile.digest_outside:
        return _digest_outside(profile)
    value = profile.client_secret_digest
    if not value:
        return _found("digest-missing", "error",
                      "there is no digest of the client secret yet: generate it")
    if digest.is_plaintext(value):
        return _found("digest-plaintext", "warning",
                      "a plaintext client secret in Authelia is deprecated: use a digest "
                      f"such as {digest.DEFAULT_ALGORITHM}")
    problem = digest.cost_problem(value)
    if problem:
        return _found("digest-cost-invalid", "error", problem)
    made_with = digest.algorithm_of(value)
    if made_with and profile.digest_algorithm in digest.ALGORITHMS \
            and made_with != profile.digest_algorithm:
        # Authelia takes any digest, but the profile would say one algorithm and hold another.
        return _found("digest-algorithm-mismatch", "warning",
                      f"the digest was made with {made_with}, not {profile.digest_algorithm}:"
                      " hash the client secret again, or choose " + made_with)
    return []


def _digest_algorithm(profile: Profile, found: list[Finding]) -> list[Finding]:
    if profile.digest_algorithm not in digest.ALGORITHMS:
        return _found("digest-algorithm-unknown", "error",
                      f"unknown digest algorithm '{shown(profile.digest_algorithm)}': "
                      f"use one of {', '.join(digest.ALGORITHMS)}")
    return []


def verify_digest_findings(profile: Profile) -> list[Finding]:
    """The slow part: whether the stored digest verifies the stored client secret.

    Slow by design (Authelia pays the same cost per token request), so the app runs it in
    a worker thread and keeps the result.
    """
    value = profile.client_secret_digest
    if not value:
        return []
    if digest.secret_problem(profile.client_secret):
        return []  # the client secret's own finding says why it cannot be hashed
    try:
        matches = digest.verify(profile.client_secret, value)
    except digest.DigestTooCostly as error:
        return _found("digest-too-costly", "error", str(error))
    except digest.DigestError as error:
        return _found("digest-unreadable", "error", f"{error}: generate the digest again")
    if matches:
        return []
    return _found("digest-mismatch", "error",
                  "the digest was not made from this client secret (Authelia would "
                  "answer invalid_client): generate the digest again")


def _verify_digest(profile: Profile, found: list[Finding]) -> list[Finding]:
    if profile.digest_outside or has_errors(findings_for(found, "client_secret_digest")):
        return []
    return verify_digest_findings(profile)


# Versions -------------------------------------------------------------------------------------

AUTHELIA_VERSION_EXAMPLES = "4.39 or v4.39.20"
LIBRECHAT_VERSION_EXAMPLES = "0.8.7 or v0.8.8-rc1"


def _authelia_version(profile: Profile, found: list[Finding]) -> list[Finding]:
    try:
        authelia = Version.parse(profile.authelia_version, what="an Authelia version",
                                 examples=AUTHELIA_VERSION_EXAMPLES)
    except VersionError as error:
        return _found("authelia-version-invalid", "error", str(error))
    if authelia < facts.MINIMUM_AUTHELIA:
        return _found("authelia-version-unsupported", "error",
                      f"Authelia {shown(profile.authelia_version)} is not supported: "
                      "upgrade Authelia to 4.38 or newer (4.38 renamed the client "
                      "keys to client_id, client_name and client_secret)")
    if authelia[:2] > facts.NEWEST_KNOWN_AUTHELIA[:2]:
        return _found("authelia-version-newer", "warning",
                      f"Authelia {shown(profile.authelia_version)} is newer than this "
                      "tool knows; the block is written for 4.39")
    return []


def _librechat_version(profile: Profile, found: list[Finding]) -> list[Finding]:
    try:
        librechat = Version.parse(profile.librechat_version, what="a LibreChat version",
                                  examples=LIBRECHAT_VERSION_EXAMPLES)
    except VersionError as error:
        return _found("librechat-version-invalid", "error", str(error))
    if librechat > facts.NEWEST_KNOWN_LIBRECHAT:
        return _found("librechat-version-newer", "info",
                      f"LibreChat {shown(profile.librechat_version)} is newer than "
                      f"this tool knows ({facts.NEWEST_KNOWN_LIBRECHAT}); the "
                      "settings assume it behaves like 0.8.x")
    return []


def _admin_panel(profile: Profile, found: list[Finding]) -> list[Finding]:
    librechat = _librechat(profile)
    if profile.admin_panel and librechat is not None \
            and librechat < facts.LIBRECHAT_ADMIN_PANEL:
        return _found("admin-panel-unsupported", "error",
                      f"LibreChat {profile.librechat_version} has no admin panel login: it "
                      f"arrived in LibreChat {facts.LIBRECHAT_ADMIN_PANEL}; upgrade LibreChat "
                      "or turn the admin panel off")
    return []


# Policy, scopes and the button ---------------------------------------------------------------


def _policy(profile: Profile, found: list[Finding]) -> list[Finding]:
    if profile.policy not in facts.POLICIES:
        return _found("policy-unknown", "error",
                      f"the policy must be one of {', '.join(facts.POLICIES)}")
    return []


def _scopes(profile: Profile, found: list[Finding]) -> list[Finding]:
    out = []
    if "openid" not in profile.scopes:
        out += _found("scopes-without-openid", "error",
                      "the scopes must include openid, or LibreChat's login fails")
    unknown = [s for s in profile.scopes if s not in facts.AUTHELIA_SCOPES]
    if unknown:
        out += _found("scope-unknown", "error",
                      f"Authelia does not know the scope '{shown(unknown[0])}'; use "
                      f"{', '.join(facts.AUTHELIA_SCOPES)}")
    return out


def _button_label(profile: Profile, found: list[Finding]) -> list[Finding]:
    problem = env_value_problem(profile.button_label)
    if problem:
        return _found("button-label-invalid", "error", f"the button label {problem}")
    if not profile.button_label.strip():
        return _found("button-label-empty", "info",
                      "no button label: LibreChat shows its default text")
    return []


# The provider section, admin group, consent, CA file and hairpin (provider_checks.py) -------


def _provider(profile: Profile, found: list[Finding]) -> list[Finding]:
    return provider_findings(profile)


def _verify_key(profile: Profile, found: list[Finding]) -> list[Finding]:
    """The slow check: parsing the key costs ~40 ms plus loading cryptography."""
    return verify_key_findings(profile)


# Every field --------------------------------------------------------------------------------


def _yaml_templates(profile: Profile, found: list[Finding]) -> list[Finding]:
    out = []
    for field in YAML_FIELDS:
        values = getattr(profile, field)
        if any("{{" in value or "}}" in value
               for value in (values if isinstance(values, tuple) else (values,))):
            out += _found("value-template-braces", "error",
                          f"the {FIELD_LABELS[field]} contains {{{{ or }}}}, which Authelia "
                          "expands as a template when its template filter is on: remove them",
                          field)
    return out


# The rules, in the order their findings are shown.
RULES: list[Rule] = [
    _authelia_version, _librechat_version, _app_url, _auth_url, _url_host_notes, _image_url,
    _admin_panel, _client_id, _secret_rule("client_secret"), _secret_rule("session_secret"),
    _secrets_differ, _digest_format, _digest_algorithm, _verify_digest, _policy, _scopes,
    _button_label, _urls_in_env, _provider, _verify_key, _yaml_templates,
]
# The rules that cost time (hashing, key parsing): check_profile(verify_digest=False) skips
# them, and the app runs them in worker threads.
SLOW_RULES = (_verify_digest, _verify_key)


def check_profile(profile: Profile, *, verify_digest: bool = True) -> list[Finding]:
    """Every finding for `profile`. verify_digest=False skips the slow checks."""
    findings: list[Finding] = []
    for rule in RULES:
        if verify_digest or rule not in SLOW_RULES:
            findings += rule(profile, findings)
    # A character no field may hold replaces every other finding of its field: nothing
    # else about such a value matters until it is retyped.
    bad = character_problems(profile)
    if bad:
        findings = [finding for field, problem in bad.items() for finding in _found(
            "value-bad-characters", "error", f"the {FIELD_LABELS.get(field, field)} {problem}",
            field)] + [f for f in findings if f.field not in bad]
    return findings


def character_problem(value: str) -> str | None:
    """Why `value` cannot be any field's value, whatever the field, or None.

    A lone surrogate is what Python makes of bytes that are not UTF-8 in a command-line
    argument; it cannot be written to a file. Control characters (NEL, U+0085, among them)
    and the line and paragraph separators U+2028/U+2029 break a value across lines in .env,
    YAML or a terminal.
    """
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            return "contains bytes that are not valid UTF-8: retype it"
        if category in ("Cc", "Zl", "Zp"):
            return (f"contains a line break or control character (U+{ord(char):04X}): "
                    "a value is one line of text")
    return None


def character_problems(profile: Profile) -> dict[str, str]:
    """Field -> problem for each field holding a character no value may hold."""
    out = {}
    for field, values in profile._asdict().items():
        if isinstance(values, bool) or field in MULTILINE_FIELDS or field in PATH_FIELDS:
            continue
        for value in values if isinstance(values, tuple) else (values,):
            problem = character_problem(value) if isinstance(value, str) else None
            if problem:
                out[field] = problem
                break
    return out
