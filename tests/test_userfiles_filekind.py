"""Files that are not an Authelia configuration get a message saying what they are."""

from __future__ import annotations

from tests.corpus_helpers import CORPUS
from tui.userfiles.audit import audit
from tui.userfiles.filekind import kind_of
from tui.userfiles.sources import read_sources
from tui.userfiles.yamldoc import YamlDoc


def _kind(text: str):
    return kind_of(text, YamlDoc(text).root)


def _findings(name: str):
    sources = read_sources([CORPUS / name], CORPUS / "librechat-home.env")
    return audit(sources.config, sources.env, librechat="0.8.7", verify=False).findings


def test_helm_values_name_the_configmap_key():
    [finding] = [f for f in _findings("helm-values.yaml") if f.severity != "info"]
    assert finding.code == "authelia-file-kind"
    assert finding.where.endswith("helm-values.yaml:10")  # configMap:
    assert "Helm chart" in finding.message and "configMap:" in finding.message
    assert "helm template" in finding.fix


def test_a_bare_client_list_says_where_it_belongs():
    [finding] = _findings("client-list.yml")
    assert finding.code == "authelia-file-kind"
    assert "identity_providers.oidc.clients" in finding.message
    assert "a bare list of 2 OpenID Connect clients" in finding.message


def test_a_commented_out_oidc_section_is_named_with_its_line():
    [finding] = _findings("oidc-commented-out.yml")
    assert finding.code == "oidc-missing" and finding.severity == "error"
    assert finding.where.endswith("oidc-commented-out.yml:12")
    assert "commented out" in finding.message


def test_documentation_markup_is_not_reported_as_broken_yaml():
    [finding] = _findings("docs-page.md")
    assert finding.code == "authelia-file-kind"
    assert "documentation markup" in finding.message and "{{< ... >}}" in finding.message


def test_other_kinds():
    assert _kind("apiVersion: v1\nkind: ConfigMap\ndata:\n  configuration.yml: |\n"
                 "    theme: auto\n").kind == "configmap"
    assert _kind("services:\n  authelia:\n    image: authelia/authelia\n").kind == "compose"
    assert _kind("oidc:\n  clients: []\n").kind == "fragment"


def test_configurations_are_not_mistaken_for_other_kinds():
    # Go templates, ## comments and a top-level services-like key are a configuration's own.
    text = ("## The server.\nserver:\n  address: 'tcp://:9091'\nsession:\n"
            "  secret: {{ secret \"/s\" }}\nidentity_providers:\n  oidc:\n"
            "    {{- fileContent \"/c/clients.yml\" | nindent 4 }}\n")
    assert _kind(text) is None
    assert _kind("identity_providers:\n  oidc:\n    clients: []\n") is None
    assert _kind("- name: x\n") is None
