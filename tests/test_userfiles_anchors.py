"""YAML anchors, aliases and merge keys: every value read becomes a plain Python value."""

from __future__ import annotations

from tests.conftest import FAKE_CLIENT_ID
from tests.corpus_helpers import CORPUS, import_render_apply
from tests.userfiles_helpers import write_pair
from tui.core.store import ProfileStore
from tui.userfiles.audit import audit
from tui.userfiles.sources import read_sources
from tui.userfiles.yamldoc import YamlDoc, plain

HOMELAB = CORPUS / "homelab-anchors.yml"
HOMELAB_ENV = CORPUS / "homelab-anchors.env"


def _only_plain(value) -> bool:
    if isinstance(value, dict):
        return type(value) is dict and all(_only_plain(k) and _only_plain(v)
                                           for k, v in value.items())
    if isinstance(value, list):
        return type(value) is list and all(_only_plain(v) for v in value)
    return value is None or type(value) in (str, int, bool, float)


def test_plain_turns_every_ruamel_type_into_python_data():
    doc = YamlDoc(
        'yes: &y true\nagain: *y\ntwo: &two "two_factor"\nalias: *two\nnum: &n 3\n'
        "fl: &f 1.5\ntagged: !custom text\nday: 2001-12-14\nset: !!set {a, b}\n"
        "omap: !!omap [a: 1]\nbase: &base {x: 1, y: 's'}\nmerged: {<<: *base, z: 2}\n")
    value = plain(doc.root)
    assert _only_plain(value)
    assert value["yes"] is True and value["again"] is True  # not 1
    assert value["alias"] == "two_factor" and type(value["alias"]) is str
    assert value["tagged"] == "text" and value["day"] == "2001-12-14"
    assert value["set"] == ["a", "b"] and value["omap"] == {"a": 1}
    assert value["merged"] == {"z": 2, "x": 1, "y": "s"}


def test_the_merged_configuration_holds_only_plain_values(tmp_path):
    sources = read_sources([HOMELAB], HOMELAB_ENV)
    assert _only_plain(sources.config.data)
    librechat = sources.config.get(("identity_providers", "oidc", "clients", 1))
    assert librechat["client_id"] == FAKE_CLIENT_ID
    assert librechat["authorization_policy"] == "two_factor"  # through <<: *base
    assert librechat["public"] is False and librechat["require_pkce"] is True


def test_an_anchored_boolean_is_a_boolean_to_the_audit(tmp_path):
    text = HOMELAB.read_text().replace("public: &private false", "public: &private true")
    config, env = write_pair(tmp_path, text, HOMELAB_ENV.read_text())
    sources = read_sources([config], env)
    codes = {f.code for f in audit(sources.config, sources.env, librechat="0.8.7",
                                   verify=False).findings}
    assert "public-client" in codes  # `&private true`, merged into LibreChat's client


def test_a_homelab_file_with_anchors_imports_renders_and_applies(capsys):
    steps = import_render_apply(capsys, HOMELAB, HOMELAB_ENV)
    assert "Traceback" not in steps["import"][2]
    profile = ProfileStore().load("corpus")
    assert profile.policy == "two_factor" and type(profile.policy) is str
    assert profile.client_id == FAKE_CLIENT_ID and profile.scopes == ("openid", "profile",
                                                                      "email")
    assert "authorization_policy: 'two_factor'" in steps["render authelia"][1]
    # The keys LibreChat's client takes from <<: *base are already right: apply adds only
    # the one key the file lacks (in the file's double quotes), and never copies the merged
    # ones into the client.
    diff = steps["apply authelia"][1]
    added = [line for line in diff.splitlines() if line.startswith("+ ")
             or (line.startswith("+") and not line.startswith("+++"))]
    assert added == ['+              access_token_signed_response_alg: "none"']
