"""Findings about a profile: what would break the login, and how to fix it."""

from __future__ import annotations

import unicodedata
from collections import namedtuple
from urllib.parse import urlsplit

from . import digest, facts, hosts
from .envfile import env_value_problem
from .profile import Profile
from .shown import shown
from .versions import Version, VersionError
from .words import plural

SEVERITIES = ("error", "warning", "info")

EXAMPLE_URL_MESSAGE = "still the example value: enter your own URL"


class Finding(namedtuple("Finding", "severity field message")):
    """severity is one of SEVERITIES; field names the Profile field to fix."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.severity}: {self.field}: {self.message}"


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def findings_for(findings: list[Finding], field: str) -> list[Finding]:
    return [f for f in findings if f.field == field]


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
    if parts.scheme not in ("http", "https") or not host:
        return ("must be absolute, starting with https:// and a host name", parts.scheme, host)
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        return ("must not have a query (?...) or fragment (#...)", parts.scheme, host)
    if parts.username is not None or parts.password is not None:
        return ("must not contain a user name or password", parts.scheme, host)
    if parts.netloc.endswith(":"):
        return ("has a ':' after the host but no port number", parts.scheme, host)
    if "://" in parts.path or parts.path.startswith("//"):
        return ("looks like two URLs run together (a second :// or // in it): enter one",
                parts.scheme, host)
    return (None, parts.scheme, host)


def _check_urls(profile: Profile, librechat: Version | None) -> list[Finding]:
    out = []
    problem, scheme, host = _url_problem(profile.app_url, URL_EXAMPLES["app_url"])
    if problem:
        out.append(Finding("error", "app_url", f"LibreChat's URL {problem}"))
    elif scheme == "http" and not hosts.is_loopback(host):
        out.append(Finding("error", "app_url",
                           "LibreChat's URL must use https:// (http is only for localhost); "
                           "put LibreChat behind your TLS reverse proxy"))
    elif scheme == "http":
        out.append(Finding("warning", "app_url",
                           "http:// works only for testing on this machine"))

    problem, scheme, host = _url_problem(profile.auth_url)
    if problem:
        out.append(Finding("error", "auth_url", f"Authelia's URL {problem}"))
    elif scheme == "http":
        if librechat is not None and librechat >= facts.LIBRECHAT_OPENID_CLIENT_6:
            out.append(Finding("error", "auth_url",
                               "Authelia's URL must use https://: LibreChat 0.7.9 and newer "
                               "(openid-client 6) refuse http:// issuers"))
        elif not hosts.is_loopback(host):
            out.append(Finding("error", "auth_url",
                               "Authelia's URL must use https:// (http is only for localhost)"))
        else:
            out.append(Finding("warning", "auth_url",
                               "http:// works only for testing on this machine"))
    if not problem and profile.auth_url.endswith(facts.DISCOVERY_PATH):
        out.append(Finding("error", "auth_url",
                           "enter Authelia's root URL, without /.well-known/openid-configuration"))
    if not problem and profile.app_url == profile.auth_url:
        out.append(Finding("error", "auth_url",
                           "Authelia and LibreChat need different URLs (usually two subdomains)"))
    for field in ("app_url", "auth_url", "image_url"):
        url = getattr(profile, field)
        if not url or findings_for(out, field):
            continue
        if field != "image_url" and hosts.is_example_url(url):
            out.append(Finding("warning", field, EXAMPLE_URL_MESSAGE))
        for label in hosts.mixed_script_labels(url):
            out.append(Finding("warning", field,
                               f"the host name part '{shown(label)}' mixes "
                               f"{' and '.join(hosts.scripts_of(label))} letters: it may be a "
                               "look-alike of another name; check that you typed it yourself"))
        unicode = hosts.unicode_host(url)
        if unicode:
            out.append(Finding("info", field,
                               f"the host {shown(unicode)} is written as "
                               f"{shown(hosts.host_of(url))}, its "
                               "IDNA form, which browsers and LibreChat send"))

    if profile.image_url:
        problem, scheme, _ = _url_problem(profile.image_url, URL_EXAMPLES["image_url"])
        if problem:
            out.append(Finding("error", "image_url", f"the button image URL {problem}"))
        elif scheme == "http":
            out.append(Finding("warning", "image_url",
                               "an http:// image on an https:// page is blocked by browsers"))
    return out


def _check_client_id(profile: Profile) -> list[Finding]:
    cid = profile.client_id
    if not cid:
        return [Finding("error", "client_id", "the client ID is empty: generate one")]
    bad = sorted({c for c in cid if c not in facts.RFC3986_UNRESERVED})
    if bad:
        listed = " ".join(repr(c) for c in bad[:5])
        return [Finding("error", "client_id",
                        "Authelia allows only RFC 3986 unreserved characters "
                        f"(A-Z a-z 0-9 - . _ ~) in a client ID; remove {listed}")]
    if len(cid) > facts.CLIENT_ID_MAX_LENGTH:
        return [Finding("error", "client_id",
                        f"Authelia allows at most {facts.CLIENT_ID_MAX_LENGTH} characters in a "
                        f"client ID; this one has {len(cid)}")]
    return []


def _check_secret(value: str, field: str, label: str) -> list[Finding]:
    if not value:
        return [Finding("error", field, f"the {label} is empty: generate one")]
    out = []
    problem = env_value_problem(value)
    if problem:
        out.append(Finding("error", field, f"the {label} {problem}; generate a new one"))
    elif field == "client_secret" and digest.secret_problem(value):
        out.append(Finding("error", field,
                           f"the {label} {digest.secret_problem(value)}; generate a new one"))
    if len(value) < facts.RECOMMENDED_SECRET_LENGTH:
        out.append(Finding("warning", field,
                           f"the {label} has {plural(len(value), 'character')}; use at least "
                           f"{facts.RECOMMENDED_SECRET_LENGTH} random ones (regenerate it)"))
    return out


def _check_digest_format(profile: Profile) -> list[Finding]:
    """The fast part of the digest checks: present, and not plaintext."""
    value = profile.client_secret_digest
    if not value:
        return [Finding("error", "client_secret_digest",
                        "there is no digest of the client secret yet: generate it")]
    if digest.is_plaintext(value):
        return [Finding("warning", "client_secret_digest",
                        "a plaintext client secret in Authelia is deprecated: use a digest "
                        f"such as {digest.DEFAULT_ALGORITHM}")]
    problem = digest.cost_problem(value)
    if problem:
        return [Finding("error", "client_secret_digest", problem)]
    made_with = digest.algorithm_of(value)
    if made_with and profile.digest_algorithm in digest.ALGORITHMS \
            and made_with != profile.digest_algorithm:
        # Authelia takes any digest, but the profile would say one algorithm and hold another.
        return [Finding("warning", "digest_algorithm",
                        f"the digest was made with {made_with}, not {profile.digest_algorithm}:"
                        " hash the client secret again, or choose " + made_with)]
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
        return [Finding("error", "client_secret_digest", str(error))]
    except digest.DigestError as error:
        return [Finding("error", "client_secret_digest", f"{error}: generate the digest again")]
    if matches:
        return []
    return [Finding("error", "client_secret_digest",
                    "the digest was not made from this client secret (Authelia would "
                    "answer invalid_client): generate the digest again")]


AUTHELIA_VERSION_EXAMPLES = "4.39 or v4.39.20"
LIBRECHAT_VERSION_EXAMPLES = "0.8.7 or v0.8.8-rc1"


def _check_versions(profile: Profile) -> tuple[list[Finding], Version | None]:
    out: list[Finding] = []
    try:
        authelia = Version.parse(profile.authelia_version, what="an Authelia version",
                                 examples=AUTHELIA_VERSION_EXAMPLES)
    except VersionError as error:
        out.append(Finding("error", "authelia_version", str(error)))
    else:
        if authelia < facts.MINIMUM_AUTHELIA:
            out.append(Finding("error", "authelia_version",
                               f"Authelia {shown(profile.authelia_version)} is not supported: "
                               "upgrade Authelia to 4.38 or newer (4.38 renamed the client "
                               "keys to client_id, client_name and client_secret)"))
        elif authelia[:2] > facts.NEWEST_KNOWN_AUTHELIA[:2]:
            out.append(Finding("warning", "authelia_version",
                               f"Authelia {shown(profile.authelia_version)} is newer than this "
                               "tool knows; the block is written for 4.39"))
    librechat = None
    try:
        librechat = Version.parse(profile.librechat_version, what="a LibreChat version",
                                  examples=LIBRECHAT_VERSION_EXAMPLES)
    except VersionError as error:
        out.append(Finding("error", "librechat_version", str(error)))
    else:
        if librechat > facts.NEWEST_KNOWN_LIBRECHAT:
            out.append(Finding("info", "librechat_version",
                               f"LibreChat {shown(profile.librechat_version)} is newer than "
                               f"this tool knows ({facts.NEWEST_KNOWN_LIBRECHAT}); the "
                               "settings assume it behaves like 0.8.x"))
    return out, librechat


def _check_admin_panel(profile: Profile, librechat: Version | None) -> list[Finding]:
    if profile.admin_panel and librechat is not None \
            and librechat < facts.LIBRECHAT_ADMIN_PANEL:
        return [Finding("error", "admin_panel",
                        f"LibreChat {profile.librechat_version} has no admin panel login: it "
                        f"arrived in LibreChat {facts.LIBRECHAT_ADMIN_PANEL}; upgrade LibreChat "
                        "or turn the admin panel off")]
    return []


def check_profile(profile: Profile, *, verify_digest: bool = True) -> list[Finding]:
    """Every finding for `profile`. verify_digest=False skips the one slow check."""
    findings, librechat = _check_versions(profile)
    findings += _check_urls(profile, librechat)
    findings += _check_admin_panel(profile, librechat)
    findings += _check_client_id(profile)
    findings += _check_secret(profile.client_secret, "client_secret", "client secret")
    findings += _check_secret(profile.session_secret, "session_secret", "session secret")
    if profile.session_secret and profile.session_secret == profile.client_secret:
        findings.append(Finding("error", "session_secret",
                                "the session secret must differ from the client secret"))
    findings += _check_digest_format(profile)
    if profile.digest_algorithm not in digest.ALGORITHMS:
        findings.append(Finding("error", "digest_algorithm",
                                f"unknown digest algorithm '{shown(profile.digest_algorithm)}': "
                                f"use one of {', '.join(digest.ALGORITHMS)}"))
    if verify_digest and not any(f.severity == "error" for f in
                                 findings_for(findings, "client_secret_digest")):
        findings += verify_digest_findings(profile)

    if profile.policy not in facts.POLICIES:
        findings.append(Finding("error", "policy",
                                f"the policy must be one of {', '.join(facts.POLICIES)}"))

    if "openid" not in profile.scopes:
        findings.append(Finding("error", "scopes",
                                "the scopes must include openid, or LibreChat's login fails"))
    unknown = [s for s in profile.scopes if s not in facts.AUTHELIA_SCOPES]
    if unknown:
        findings.append(Finding("error", "scopes",
                                f"Authelia does not know the scope '{shown(unknown[0])}'; use "
                                f"{', '.join(facts.AUTHELIA_SCOPES)}"))

    problem = env_value_problem(profile.button_label)
    if problem:
        findings.append(Finding("error", "button_label", f"the button label {problem}"))
    elif not profile.button_label.strip():
        findings.append(Finding("info", "button_label",
                                "no button label: LibreChat shows its default text"))
    # A value that cannot go into .env is an error even when the field already has a
    # warning (an http:// image URL with a backslash): rendering it would fail.
    for field, value in (("app_url", profile.app_url), ("auth_url", profile.auth_url),
                         ("image_url", profile.image_url)):
        problem = env_value_problem(value)
        if problem and not any(f.severity == "error" for f in findings_for(findings, field)):
            findings.append(Finding("error", field, f"the URL {problem}"))
    # The provider section, admin group, consent, CA file and hairpin (tui/core/provider.py).
    from .provider import provider_findings, verify_key_findings

    findings += provider_findings(profile)
    if verify_digest:  # the slow checks: parsing the key costs ~40 ms plus cryptography
        findings += verify_key_findings(profile)
    for field in YAML_FIELDS:
        values = getattr(profile, field)
        for value in values if isinstance(values, tuple) else (values,):
            if "{{" in value or "}}" in value:
                findings.append(Finding(
                    "error", field,
                    f"the {FIELD_LABELS[field]} contains {{{{ or }}}}, which Authelia expands "
                    "as a template when its template filter is on: remove them"))
                break
    # A character no field may hold replaces every other finding of its field: nothing
    # else about such a value matters until it is retyped.
    bad = character_problems(profile)
    if bad:
        findings = [Finding("error", field, f"the {FIELD_LABELS.get(field, field)} {problem}")
                    for field, problem in bad.items()] + [
            f for f in findings if f.field not in bad]
    return findings


# What each field is called in messages.
FIELD_LABELS = {
    "app_url": "LibreChat URL", "auth_url": "Authelia URL", "client_id": "client ID",
    "client_name": "client name", "client_secret": "client secret",
    "client_secret_digest": "digest", "digest_algorithm": "digest algorithm",
    "session_secret": "session secret", "policy": "policy", "group": "group name",
    "scopes": "scopes", "refresh_tokens": "refresh tokens setting",
    "button_label": "button label", "image_url": "button image URL",
    "authelia_version": "Authelia version", "librechat_version": "LibreChat version",
    "checklist": "checklist",
    "provider": "provider", "hmac_secret": "hmac secret", "signing_key": "signing key",
    "signing_key_id": "key ID", "key_bits": "key size", "key_path": "key path",
    "admin_group": "admin group", "consent": "consent mode",
    "consent_duration": "consent duration", "ca_file": "CA file", "hairpin": "hairpin setting",
    "admin_panel": "admin panel setting",
}
# A PEM key is lines of text by nature; tui/core/provider.py checks its form.
MULTILINE_FIELDS = ("signing_key",)
# The files a profile remembers: any name the system allows (a newline too), never written
# into .env or YAML, and shown through shown_path wherever they appear.
PATH_FIELDS = ("authelia_config_paths", "env_path", "compose_path")

# Fields whose values are written into Authelia's configuration.yml.
YAML_FIELDS = ("app_url", "client_id", "client_name", "client_secret_digest", "policy",
               "group", "scopes")


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
