"""The corpus: files in the shapes self-hosters keep, each with the exact audit codes.

Every file in tests/data/userfiles/corpus/ was written for these tests (fake secrets only)
and starts with a comment naming the shape it stands for. To add one: write the file, add a
row to CASES with the codes the audit must report (the exact set), and `complete=True` when
the files hold a whole working setup (then import, render env, render authelia and apply
--dry-run must all succeed on them too).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

import pytest

from tests.conftest import FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET
from tests.corpus_helpers import CORPUS, cli, import_render_apply
from tui.core.profile import Profile
from tui.userfiles.audit import audit
from tui.userfiles.importer import import_profile
from tui.userfiles.sources import read_sources

# The .env most rows share: LibreChat at chat.home.example.net, Authelia at
# auth.home.example.net, the client ID of every corpus configuration.
HOME_ENV = "librechat-home.env"


@dataclass(frozen=True)
class Case:
    config: str | tuple[str, ...]  # one file, or several in Authelia's order
    codes: frozenset[str]  # exactly the codes the audit reports
    env: str = HOME_ENV
    compose: str | None = None
    complete: bool = False  # a whole setup: import + render + apply --dry-run succeed
    librechat: str | None = "0.8.7"  # None: from the Compose file's image tag

    @property
    def id(self) -> str:
        configs = (self.config,) if isinstance(self.config, str) else self.config
        return "+".join([*configs, *([self.compose] if self.compose else [])])

    def paths(self) -> tuple[list, object, object]:
        configs = (self.config,) if isinstance(self.config, str) else self.config
        return ([CORPUS / c for c in configs], CORPUS / self.env,
                CORPUS / self.compose if self.compose else None)


def codes(*names: str) -> frozenset[str]:
    return frozenset(names)


TEMPLATED = "value-not-checkable"  # hmac_secret and the jwks key come from templates

CASES = [
    # Hand-kept files that work: nothing but what cannot be checked.
    Case("homelab-anchors.yml", codes(TEMPLATED), env="homelab-anchors.env", complete=True),
    Case("homelab-reordered.yml", codes(TEMPLATED), complete=True),
    Case("config-templated.yml", codes(TEMPLATED), complete=True),
    # Files that are not an Authelia configuration say what they are.
    Case("helm-values.yaml", codes("authelia-file-kind")),
    Case("client-list.yml", codes("authelia-file-kind")),
    Case("clients-at-top.yml", codes("authelia-file-kind")),
    Case("docs-page.md", codes("authelia-file-kind")),
    # Hugo shortcodes ({{< ... >}}) are documentation markup, never templates to expand.
    Case("docs-page.md", codes("authelia-file-kind", "compose-overrides-env"),
         compose="compose-variable-image.yml"),
    Case("oidc-commented-out.yml", codes("oidc-missing")),
    # Authelia's own validation of the OIDC section.
    # (apply refuses to edit a client under its pre-4.38 names: not "complete")
    Case("pre-4.38-names.yml", codes("oidc-key-deprecated", "issuer-private-key-deprecated",
                                     TEMPLATED)),
    Case("unknown-keys.yml", codes("oidc-key-unknown", "oidc-key-wrong-type",
                                   "oidc-key-not-pem", "issuer-private-key-deprecated",
                                   TEMPLATED)),
    # Compose files: services found by what they run.
    Case("config-templated.yml", codes(TEMPLATED, "compose-overrides-env"),
         compose="compose-renamed-services.yml", complete=True),
    Case("config-templated.yml", codes(TEMPLATED, "compose-librechat-not-found",
                                       "template-filter-not-checked"),
         compose="compose-no-librechat.yml", complete=True),
    Case("config-templated.yml", codes(TEMPLATED, "compose-overrides-env",
                                       "template-filter-off"),
         compose="compose-variable-image.yml"),
    Case("config-templated.yml", codes(TEMPLATED), compose="compose-filter-in-env-file.yml",
         complete=True, librechat=None),
    # Placeholders are not values: ${VAR} is not checkable, guide placeholders are errors.
    Case("expand-env.yml", codes(TEMPLATED)),
    Case("config-templated.yml", codes(TEMPLATED), env="env-interpolated.env"),
    Case("config-templated.yml", codes(TEMPLATED, "placeholder-value", "client-not-found",
                                       "issuer-mismatch"), env="placeholders.env"),
    # A template that leaves the wrong part literal is still checked.
    Case("redirect-literal-path.yml", codes(TEMPLATED, "redirect-uri-mismatch")),
    # What the profile's checks catch, the audit catches on the files.
    Case("pkce-off-plaintext.yml", codes(TEMPLATED, "pkce-not-required",
                                         "client-secret-mismatch")),
    Case("config-templated.yml", codes(TEMPLATED, "social-login-disabled", "secret-weak",
                                       "role-claim-unknown", "env-unknown-variable"),
         env="weak-typo-roles.env"),
    # Import gives a usable profile: a digest kept in a template stays there (managed
    # outside the profile), a URL missing from .env comes from the client's redirect URI,
    # secrets Compose fills in from variables are named with the command that supplies them.
    Case("client-secret-templated.yml", codes(TEMPLATED), complete=True),
    Case("config-templated.yml", codes(TEMPLATED, "domain-server-default",
                                       "redirect-uri-mismatch"), env="env-no-domain.env",
         complete=True),
    Case("config-templated.yml", codes(TEMPLATED), env="env-secrets-elsewhere.env",
         compose="compose-librechat-ca.yml"),
    Case("client-secret-templated.yml", codes(TEMPLATED, "compose-overrides-env"),
         compose="compose-librechat-ca.yml"),
]


def _audit(case: Case):
    configs, env, compose = case.paths()
    sources = read_sources(configs, env, compose)
    return audit(sources.config, sources.env, sources.compose, librechat=case.librechat,
                 extra=sources.findings).findings


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_audit_reports_exactly_the_expected_codes(case):
    findings = _audit(case)
    assert {f.code for f in findings} == case.codes, "\n".join(map(str, findings))
    for finding in findings:
        assert finding.where, finding  # every finding names its file (and line when known)


COMPLETE = [c for c in CASES if c.complete]


@pytest.mark.parametrize("case", COMPLETE, ids=[c.id for c in COMPLETE])
def test_a_complete_setup_imports_renders_and_applies(case, capsys):
    configs, env, compose = case.paths()
    import_render_apply(capsys, configs, env, compose, librechat=case.librechat or "0.8.7")


def test_every_corpus_file_is_in_the_table_and_names_its_shape():
    used = set()
    for case in CASES:
        configs, env, compose = case.paths()
        used |= {p.name for p in [*configs, env, *([compose] if compose else [])]}
    files = {p.name for p in CORPUS.iterdir() if p.is_file()}
    env_files = {"authelia-filters.env"}  # read through a Compose file's env_file:
    assert files - used - env_files == set()
    assert len(files) >= 20
    for name in sorted(files):
        first = (CORPUS / name).read_text().splitlines()[0]
        assert first.startswith(("# shape: ", "<!-- shape: ")), name


# What each placeholder of a suggested command stands for, by the option before it.
FILLED = {"--app-url": "https://chat.home.example.net", "--auth-url": "https://auth.home.example.net",
          "--image-url": "https://chat.home.example.net/logo.png", "--client-id": FAKE_CLIENT_ID,
          "--client-name": "LibreChat", "--button-label": "Log in", "--group": "family",
          "--admin-group": "chat-admins", "--librechat": "0.8.7", "--authelia": "4.39",
          "--policy": "two_factor", "--consent-duration": "1 week"}
SECRET_FILES = {"--client-secret-file": FAKE_CLIENT_SECRET,
                "--session-secret-file": FAKE_SESSION_SECRET}


def _imported(case: Case, name: str = "corpus"):
    configs, env, compose = case.paths()
    sources = read_sources(configs, env, compose)
    return import_profile(sources.config, sources.env, sources.compose,
                          librechat=case.librechat, name=name)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_import_notes_agree_with_the_profile(case):
    """A field a note calls missing is not set in the profile; a field the login needs that
    import did not set has a note that says so; a note that says where a value came from
    misses nothing."""
    profile, notes = _imported(case)
    default = Profile()
    for note in notes:
        for field in note.missing:
            assert getattr(profile, field) == getattr(default, field), (field, note)
        assert not (note.carried and note.missing), note
        if note.command:
            assert note.command.startswith("librechat-authelia set --profile corpus "), note
            assert note.endswith(note.command), note
    said_missing = {field for note in notes for field in note.missing}
    for field in ("app_url", "auth_url", "client_id", "client_secret", "session_secret"):
        if getattr(profile, field) == getattr(default, field):
            assert field in said_missing, (field, notes)
    if not profile.client_secret_digest and not profile.digest_outside and profile.client_id:
        assert "client_secret_digest" in said_missing, notes
    # "from a template" only where the value is one.
    for note in notes:
        if "digest comes from a template" in note:
            assert "{{" in profile.digest_template, note


def _filled(command: str, tmp_path) -> list[str]:
    words = shlex.split(command)
    assert words[:4] == ["librechat-authelia", "set", "--profile", "corpus"], command
    out = [words[3]]
    for option, value in zip(words[3:], words[4:], strict=False):
        if value.isupper():
            if option in SECRET_FILES:
                path = tmp_path / option.strip("-")
                path.write_text(SECRET_FILES[option] + "\n")
                value = str(path)
            else:
                assert option in FILLED, command
                value = FILLED[option]
        out.append(value)
    return ["set", "--profile", *out]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_command_a_note_suggests_runs_and_the_profile_then_renders(case, capsys,
                                                                         tmp_path):
    configs, env, compose = case.paths()
    args = ["import", "corpus", "--env", str(env), "--librechat", case.librechat or "0.8.7"]
    for path in configs:
        args += ["--authelia-config", str(path)]
    if compose is not None:
        args += ["--compose", str(compose)]
    assert cli(capsys, *args)[0] == 0
    _, notes = _imported(case)
    for note in notes:
        if note.command:
            status, _, err = cli(capsys, *_filled(note.command, tmp_path))
            assert status == 0, (note.command, err)
    for what in ("env", "authelia"):
        status, _, err = cli(capsys, "render", what, "--profile", "corpus")
        assert status == 0, (what, err)
