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


def test_the_app_takes_its_field_tables_from_the_registry():
    """The app keeps no field table of its own: where a field is edited, which fields only the
    provider section shows, and the names its findings and toasts use all come from here."""
    import ast
    from pathlib import Path

    from tui.app.panes import registry
    from tui.app.widgets.findings import describe
    from tui.core.findings import Finding

    assert registry.FIELD_PANES is fields.FIELD_PANES
    assert registry.PROVIDER_ONLY is fields.PROVIDER_ONLY
    assert describe(Finding("x", "error", "is wrong", field="refresh_tokens")) == \
        "Refresh tokens: is wrong"
    app_dir = Path(__file__).resolve().parents[1] / "tui" / "app"
    for path in app_dir.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            # A dict from field names to plain strings is a label or pane table; the panes'
            # form definitions (prompt, placeholder, hint tuples) are layout, not metadata.
            if isinstance(node, ast.Dict) and len(node.keys) > 2 and all(
                    isinstance(v, ast.Constant) and isinstance(v.value, str)
                    for v in node.values):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                assert len(keys & set(FIELDS)) <= 2, f"{path}: a field table of its own"

