"""The diff `apply` shows hides every secret by rule: in changed and unchanged lines alike,
whatever the key's spelling, inside flow mappings, over several lines, in URLs and PEM
blocks, and wherever one of the profile's secrets appears."""

from __future__ import annotations

import pytest

from tests.conftest import FAKE_CLIENT_SECRET, FAKE_DIGEST, FAKE_SESSION_SECRET, fake_profile
from tests.conftest import fake_provider_profile as provider_profile
from tests.userfiles_helpers import clean_env
from tui.cli import main
from tui.core.store import ProfileStore
from tui.userfiles.apply import plan_apply
from tui.userfiles.masking import masked_diff

# (file text holding the secret, the secret values that must not show, what must show)
ENV_SHAPES = {
    "mongo-uri": ("MONGO_URI=mongodb://user:Mongo-pw-1@mongo:27017/LibreChat",
                  ["Mongo-pw-1"], "MONGO_URI=mongodb://user:********@mongo:27017/LibreChat"),
    "redis-uri": ("REDIS_URI=redis://:Redis-pw-2@redis:6379", ["Redis-pw-2"],
                  "REDIS_URI=redis://:********@redis:6379"),
    "proxy": ("PROXY=http://bob:Proxy-p@ss-3@proxy.lan:3128", ["Proxy-p@ss-3", "ss-3"],
              "PROXY=http://bob:********@proxy.lan:3128"),
    "token-only-url": ("REPO=https://Token-only-4@git.example.com/x.git", ["Token-only-4"],
                       "REPO=https://********@git.example.com/x.git"),
    "ldap-bind-credentials": ("LDAP_BIND_CREDENTIALS=Ldap-cred-5", ["Ldap-cred-5"],
                              "LDAP_BIND_CREDENTIALS=********"),
    "jwt-refresh-secret": ("JWT_REFRESH_SECRET=Jwt-refresh-6", ["Jwt-refresh-6"],
                           "JWT_REFRESH_SECRET=********"),
    "export-and-lowercase": ("export my_passphrase='Pass-phrase-7'", ["Pass-phrase-7"],
                             "export my_passphrase=********"),
    "commented-out": ("# OPENID_CLIENT_SECRET=Old-secret-8", ["Old-secret-8"],
                      "# OPENID_CLIENT_SECRET=********"),
    "private-in-the-middle": ("A_PRIVATE_THING=Private-9", ["Private-9"],
                              "A_PRIVATE_THING=********"),
    "multi-line-quoted": ('SIGNING_KEY="Multi-line-10a\nMulti-line-10b\nMulti-line-10c"',
                          ["Multi-line-10"], "SIGNING_KEY= (3 lines, masked)"),
    "pem-under-any-key": ('CA_CERT="-----BEGIN CERTIFICATE-----\nMIIBfakeCertBody11\n'
                          '-----END CERTIFICATE-----"', ["MIIBfakeCertBody11", "BEGIN"],
                          "CA_CERT= (3 lines, masked)"),
    "pem-on-one-line": ('CA="-----BEGIN CERTIFICATE-----\\nMIIBfakeCertBody12\\n'
                        '-----END CERTIFICATE-----"', ["MIIBfakeCertBody12"], 'CA="********"'),
    "the-profiles-secret-anywhere": (f"SOMETHING_ELSE=x{FAKE_CLIENT_SECRET}x",
                                     [FAKE_CLIENT_SECRET], "SOMETHING_ELSE=x********x"),
}

YAML_SHAPES = {
    "password": ("    password: Yaml-pw-1", ["Yaml-pw-1"], "    password: ********"),
    "flow-mapping-in-a-list": ("clients: [{client_id: a, client_secret: Flow-secret-2}]",
                               ["Flow-secret-2"], "clients: [{client_id: a, client_secret: "
                               "********}]"),
    "flow-mapping": ("x: {password: Flow-pw-3, other: 1}", ["Flow-pw-3"],
                     "x: {password: ********, other: 1}"),
    "block-scalar": ("    hmac_secret: |\n      Block-line-4a\n      Block-line-4b",
                     ["Block-line-4"], "    hmac_secret: (2 lines, masked)"),
    "folded-scalar": ("  passphrase: >-\n    Folded-5a\n\n    Folded-5b", ["Folded-5"],
                      "  passphrase: (3 lines, masked)"),
    "plain-multi-line": ("  token: Plain-6a\n    Plain-6b", ["Plain-6"],
                         "  token: (2 lines, masked)"),
    "quoted-multi-line": ('  secret_value: "Quoted-7a\n    Quoted-7b"', ["Quoted-7"],
                          "  secret_value: (2 lines, masked)"),
    "nested-list": ("  secrets:\n    - Nested-8a\n    - Nested-8b", ["Nested-8"],
                    "  secrets: (2 lines, masked)"),
    "pem-under-a-public-key": ("  certificate_chain: |\n    -----BEGIN CERTIFICATE-----\n"
                               "    MIIBfakeCertBody9\n    -----END CERTIFICATE-----",
                               ["MIIBfakeCertBody9"], "  certificate_chain: (3 lines, masked)"),
    "pem-in-a-list": ("  - |\n    -----BEGIN PRIVATE KEY-----\n    MIIBfakeKeyBody10\n"
                      "    -----END PRIVATE KEY-----", ["MIIBfakeKeyBody10"],
                      "    (3 lines, masked)"),
    "url-user-info": ("  url: 'mongodb://u:Yaml-url-11@h/db'", ["Yaml-url-11"],
                      "  url: 'mongodb://u:********@h/db'"),
    "compose-environment-list": ("      - LDAP_BIND_CREDENTIALS=List-cred-12", ["List-cred-12"],
                                 "      - LDAP_BIND_CREDENTIALS=********"),
    "compose-environment-flow": ("    environment: [OPENID_CLIENT_SECRET=Flow-env-13, TZ=UTC]",
                                 ["Flow-env-13"], "    environment: [OPENID_CLIENT_SECRET="
                                 "********, TZ=UTC]"),
    "the-profiles-digest": (f"  other: '{FAKE_DIGEST}'", [FAKE_DIGEST], "  other: '********'"),
    "compose-default": ("      DB_PASSWORD: ${DB_PASSWORD:-Default-pw-14}", ["Default-pw-14"],
                        "      DB_PASSWORD: ********"),
}


def _diffs(shape: str, yaml: bool) -> list[str]:
    """The shape as an unchanged context line (before and after a change), as a removed line,
    and as an added one."""
    change = ("a: 1\n", "a: 2\n") if yaml else ("A=1\n", "A=2\n")
    secrets = [FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET, FAKE_DIGEST]
    return [
        masked_diff(f"{shape}\n{change[0]}", f"{shape}\n{change[1]}", "f", secrets, yaml=yaml),
        masked_diff(f"{change[0]}{shape}\n", f"{change[1]}{shape}\n", "f", secrets, yaml=yaml),
        masked_diff(f"{change[0]}{shape}\n", change[0], "f", secrets, yaml=yaml),
        masked_diff(change[0], f"{change[0]}{shape}\n", "f", secrets, yaml=yaml),
    ]


@pytest.mark.parametrize("yaml, shape, hidden, expected", [
    *[pytest.param(False, *case, id=f"env-{name}") for name, case in ENV_SHAPES.items()],
    *[pytest.param(True, *case, id=f"yaml-{name}") for name, case in YAML_SHAPES.items()],
])
def test_every_secret_is_masked_in_context_removed_and_added_lines(yaml, shape, hidden,
                                                                   expected):
    for diff in _diffs(shape, yaml):
        for value in hidden:
            assert value not in diff
        shown = [line[1:] for line in diff.splitlines() if line[:1] in " +-"
                 and not line.startswith(("---", "+++"))]
        assert expected in shown, diff


def test_public_words_stay_readable():
    lines = ["    token_endpoint_auth_method: 'client_secret_post'", "OPENID_REUSE_TOKENS=true",
             "    client_secret: '{{ secret \"/run/x\" }}'", "      - KEY_FILE=${KEY_FILE}",
             "DOMAIN_SERVER=https://chat.example.com"]
    for line in lines:
        assert f" {line}\n" in masked_diff(f"{line}\nA=1\n", f"{line}\nA=2\n", "f", [],
                                           yaml=True)


def test_a_28_line_key_is_one_masked_line():
    key = "\n".join(f"      {'K' * 40}{n:02d}" for n in range(28))
    old = f"jwks:\n  - key_id: main\n    key: |\n{key}\nb: 1\n"
    diff = masked_diff(old, old.replace("b: 1", "b: 2"), "f", [], yaml=True)
    assert "     key: (28 lines, masked)\n" in diff and "KKKK" not in diff
    assert diff.splitlines()[2] == "@@ -2,31 +2,31 @@"  # the file's own line numbers


def test_the_diff_shows_controls_escaped():
    diff = masked_diff("A=1\n", "A=1\nB=\x1b]52;c;AAAA\x07\n", "dir/\x1b[2J.env", [],
                       yaml=False)
    assert "\x1b" not in diff and "\x07" not in diff
    assert "+B=\\x1b]52;c;AAAA\\x07" in diff and "--- dir/\\x1b[2J.env" in diff


@pytest.fixture
def saved():
    ProfileStore().save("home", fake_profile())


def test_cli_dry_run_masks_context_lines_of_every_shape(tmp_path, saved, capsys):
    # Each shape is followed by a second OPENID_SCOPE line, which apply comments out: every
    # shape is then a context line of the diff.
    duplicate = "OPENID_SCOPE=openid profile email"
    body = "".join(f"{shape}\n{duplicate}\n" for shape, _, _ in ENV_SHAPES.values())
    path = tmp_path / ".env"
    path.write_text(clean_env() + body)
    assert main(["apply", "env", "--profile", "home", "--file", str(path), "--dry-run"]) == 1
    captured = capsys.readouterr()
    out = captured.out + captured.err
    for _, hidden, expected in ENV_SHAPES.values():
        assert f" {expected}\n" in out, (expected, out)
        for value in hidden:
            assert value not in out, value
    assert FAKE_SESSION_SECRET not in out and FAKE_DIGEST not in out


def test_a_new_provider_key_shows_as_one_masked_line(tmp_path):
    from tests.test_userfiles_audit import CASES

    path = tmp_path / "configuration.yml"
    path.write_text(CASES["jwks-missing"][0]["config"])
    profile = provider_profile()
    plan = plan_apply("authelia", profile, path)
    pem_lines = len(profile.signing_key.strip().splitlines())
    assert f"+        key: ({pem_lines} lines, masked)\n" in plan.diff
    assert "PRIVATE KEY" not in plan.diff
    for line in profile.signing_key.splitlines()[1:-1]:
        assert line not in plan.diff
