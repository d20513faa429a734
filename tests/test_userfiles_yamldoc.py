"""configuration.yml read with its templates, and edited key by key."""

from __future__ import annotations

import pytest

from tests.conftest import fake_profile
from tests.userfiles_helpers import clean_config
from tui.core.authelia import client_entry
from tui.userfiles.apply import apply_authelia
from tui.userfiles.yamldoc import Editor, YamlDoc, YamlDocError, plain

TEMPLATE = '{{ secret "/config/secrets/oidc/jwks/rsa.2048.key" | mindent 10 "|" | msquote }}'


def test_unquoted_templates_parse_and_are_known():
    # FACTS.md: templates are expanded before YAML parsing; such a line is not YAML alone.
    doc = YamlDoc(f"a:\n  key: {TEMPLATE}\n  b: 1\n{{{{- if env \"X\" }}}}\n  c: 2\n"
                  "{{- end }}\n")
    assert doc.is_templated(doc.node(("a", "key")))
    assert not doc.is_templated(doc.node(("a", "b")))
    assert doc.template_lines[2] == [TEMPLATE]
    assert plain(doc.node(("a", "c"))) == 2  # a template-only line is a comment to YAML
    assert doc.restore(doc.node(("a", "key"))) == TEMPLATE


def test_parse_error_names_the_line_and_never_a_value():
    with pytest.raises(YamlDocError) as error:
        YamlDoc("a: 1\nsecret: 'fake-top-secret'\nsecret: 'fake-other-secret'\n", "c.yml")
    assert error.value.line == 3
    assert "fake-top-secret" not in str(error.value)
    assert "fake-other-secret" not in str(error.value)
    assert "'secret' appears twice" in str(error.value)


def test_crlf_file_keeps_crlf_and_every_other_line():
    old = clean_config().replace("\n", "\r\n")
    profile = fake_profile(client_name="LibreChat (new)")
    new, _ = apply_authelia(old, profile)
    old_lines, new_lines = old.split("\r\n"), new.split("\r\n")
    assert len(old_lines) == len(new_lines) and "\n" not in new.replace("\r\n", "")
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [("        client_name: 'LibreChat'",
                        "        client_name: 'LibreChat (new)'")]


def test_dash_on_its_own_line_and_first_key_replaced_keep_the_item():
    old = ("clients:\n  -\n    client_name: 'old'\n    client_id: 'x'\n"
           "  - client_name: 'first key'\n    client_id: 'y'\n")
    doc = YamlDoc(old)
    editor = Editor(doc)
    clients = doc.node(("clients",))
    editor.set_key(clients[1], "client_name", "new")
    editor.append_item(clients, {"client_id": "z"})
    new = editor.result()
    assert plain(YamlDoc(new).root) == {"clients": [
        {"client_name": "old", "client_id": "x"},
        {"client_name": "new", "client_id": "y"}, {"client_id": "z"}]}
    assert new.startswith("clients:\n  -\n    client_name: 'old'\n")


def test_merge_key_values_are_overridden_by_an_explicit_key():
    old = ("base: &base\n  scopes: ['openid']\nlist:\n  - <<: *base\n    client_id: 'c'\n")
    doc = YamlDoc(old)
    editor = Editor(doc)
    editor.set_key(doc.node(("list", 0)), "scopes", ["openid", "email"])
    new = editor.result()
    assert new.startswith(old)
    assert plain(YamlDoc(new).node(("list", 0, "scopes"))) == ["openid", "email"]


def test_an_empty_clients_list_gets_the_client():
    old = "identity_providers:\n  oidc:\n    hmac_secret: 'x'\n    clients: []\n"
    new, notes = apply_authelia(old, fake_profile())
    assert notes == []
    assert plain(YamlDoc(new).node(("identity_providers", "oidc", "clients"))) == [
        client_entry(fake_profile())]
    assert new.startswith("identity_providers:\n  oidc:\n    hmac_secret: 'x'\n")


def test_a_client_with_pre_438_keys_is_refused():
    from tui.userfiles.apply import ApplyError

    old = clean_config().replace("      - client_id: 'fake-client-id-",
                                 "      - id: 'fake-client-id-")
    with pytest.raises(ApplyError, match=r"configuration.yml:\d+: .*pre-4.38 key 'id'"):
        apply_authelia(old, fake_profile(), "configuration.yml")


def test_an_item_and_a_key_added_at_the_same_line_keep_their_places():
    old = "api:\n  image: 'x'\n  extra_hosts:\n    - 'a:1.2.3.4'\n"
    doc = YamlDoc(old)
    editor = Editor(doc)
    editor.set_key(doc.node(("api",)), "volumes", ["/a:/b"])
    editor.append_item(doc.node(("api", "extra_hosts")), "b:host-gateway")
    new = editor.result()
    assert plain(YamlDoc(new).root) == {"api": {"image": "x", "volumes": ["/a:/b"],
                                                "extra_hosts": ["a:1.2.3.4", "b:host-gateway"]}}


# Any profile, applied to the fixture: the result is exactly the intended data ------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.conftest import FAKE_CLIENT_ID  # noqa: E402
from tui.core.authelia import authorization_policies  # noqa: E402

_PROFILES = st.fixed_dictionaries({
    "client_id": st.sampled_from([FAKE_CLIENT_ID, "librechat-two"]),
    "client_name": st.sampled_from(["LibreChat", "Chat", "L'app"]),
    "group": st.sampled_from(["", "family", "admins"]),
    "policy": st.sampled_from(["one_factor", "two_factor"]),
    "refresh_tokens": st.booleans(),
    "scopes": st.sampled_from([("openid", "profile", "email"), ("openid", "groups")]),
    "app_url": st.sampled_from(["https://librechat.example.com", "https://chat.example.org"]),
    "librechat_version": st.sampled_from(["0.7.8", "0.8.7"]),
})


def _unordered(root):
    """The clients' lists whose order Authelia does not read (apply keeps the file's
    order, adding new items at the end), sorted: what is compared is their items."""
    from tui.userfiles.apply import UNORDERED_KEYS

    for client in root["identity_providers"]["oidc"]["clients"]:
        for key in UNORDERED_KEYS & set(client):
            if isinstance(client[key], list):
                client[key] = sorted(client[key])
    return root


def _expected(old_root, profile):
    root = plain(old_root)
    oidc = root["identity_providers"]["oidc"]
    entry = client_entry(profile)
    clients = oidc["clients"]
    for index, client in enumerate(clients):
        if client["client_id"] == profile.client_id:
            extra = [u for u in client["redirect_uris"] if u not in entry["redirect_uris"]]
            clients[index] = {**client, **entry,
                              "redirect_uris": entry["redirect_uris"] + extra}
            break
    else:
        clients.append(entry)
    policies = authorization_policies(profile)
    if policies:
        oidc["authorization_policies"] = {**oidc.get("authorization_policies", {}), **policies}
    return root


@settings(max_examples=60, deadline=None)
@given(_PROFILES, st.booleans())
def test_any_profile_gives_exactly_the_intended_data(changes, crlf):
    from tui.userfiles.adopt import adopt_client

    profile = fake_profile(**changes)
    old = clean_config().replace("\n", "\r\n") if crlf else clean_config()
    new, notes = apply_authelia(old, profile)
    # A profile for the fixture's LibreChat with another client_id updates the client that
    # serves it (its client_id kept) and says so.
    profile, adopted = adopt_client(YamlDoc(old), profile, "configuration.yml")
    assert notes == adopted and len(adopted) == (
        changes["client_id"] != FAKE_CLIENT_ID
        and changes["app_url"] == "https://librechat.example.com")
    assert _unordered(plain(YamlDoc(new).root)) == _unordered(
        _expected(YamlDoc(old).root, profile))
    assert apply_authelia(new, profile) == (new, [])
    old_lines, new_lines = old.splitlines(True), new.splitlines(True)
    assert new_lines[:100] == old_lines[:100]  # the head of the file, untouched


def test_a_one_line_client_is_left_with_a_note_and_nothing_is_broken():
    old = ("identity_providers:\n  oidc:\n    clients:\n"
           f"      - {{client_id: '{FAKE_CLIENT_ID}', client_name: 'x'}}\n")
    new, notes = apply_authelia(old, fake_profile())
    assert new == old and notes and "one-line" in notes[0]
