"""The field registry: one table of what each profile field is called, where it is edited,
and how it is treated."""

from __future__ import annotations

from tui.core import fields
from tui.core.fields import FIELDS, is_secret_field
from tui.core.profile import Profile


def test_the_registry_lists_every_profile_field_in_order():
    assert tuple(name for name, info in FIELDS.items() if info.in_profile) == Profile._fields


def test_each_field_has_a_label_a_title_and_a_known_pane():
    for name, info in FIELDS.items():
        assert info.name == name and info.label and info.title, name
        assert info.pane in ("", fields.ASSUMPTIONS, fields.SECRETS), name


def test_secret_fields_follow_the_masking_rule():
    secret = {name for name, info in FIELDS.items() if info.secret}
    assert secret == {"client_secret", "session_secret", "hmac_secret", "signing_key"}
    assert all(info.secret == is_secret_field(name) for name, info in FIELDS.items())


def test_the_tables_the_checks_read_come_from_the_registry():
    from tui.core import checks

    assert checks.FIELD_LABELS is fields.FIELD_LABELS
    assert fields.YAML_FIELDS == ("app_url", "client_id", "client_name",
                                  "client_secret_digest", "policy", "group", "scopes")
    assert fields.MULTILINE_FIELDS == ("signing_key",)
    assert fields.PATH_FIELDS == ("authelia_config_paths", "env_path", "compose_path")
    assert fields.label("group") == "group name" and fields.label("odd") == "odd"


def test_a_bad_character_is_reported_with_the_registrys_label():
    from conftest import fake_profile

    from tui.core.checks import check_profile

    (finding,) = [f for f in check_profile(fake_profile(group="a\x07b")) if f.field == "group"]
    assert finding.message.startswith("the group name contains a line break")


def test_the_registry_serves_the_apps_field_tables():
    """What the app's own tables hold today can be derived from the registry (until the app
    derives them): titles, panes, the names in its toasts and the provider-only fields."""
    from tui.app import app, file_actions
    from tui.app.panes import check
    from tui.app.widgets import findings

    assert {k: fields.title(k) for k in findings.FIELD_LABELS} == findings.FIELD_LABELS
    assert fields.title("refresh_tokens") == "Refresh tokens"  # the Check pane's override
    panes = {k: v for k, v in fields.FIELD_PANES.items() if FIELDS[k].in_profile}
    assert panes == check.FIELD_PANES
    assert {k: fields.label(k) for k in app.FIELD_NAMES} == app.FIELD_NAMES
    assert tuple(k for k in fields.PROVIDER_ONLY if FIELDS[k].pane) == file_actions.PROVIDER_ONLY
