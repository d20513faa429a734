"""Screen 1: every profile field as a form, with the core's findings under each field."""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Select, Static

from ...core import facts
from ...core.hosts import is_example_url
from ...core.profile import Profile
from ..state import ViewState
from ..widgets.field import Field, TickBox
from .base import Pane, new_select, set_input, set_select

TEXT_FIELDS = {
    "app_url": ("LibreChat's public URL", "https://librechat.example.com",
                "DOMAIN_SERVER and DOMAIN_CLIENT; the callback is this + /oauth/openid/callback"),
    "auth_url": ("Authelia's URL (the issuer)", "https://auth.example.com", ""),
    "client_id": ("Client ID", "72 random characters", "Also on the Secrets screen"),
    "client_name": ("Client name", "LibreChat", "Shown on Authelia's consent screen"),
    "group": ("Only members of this group (optional)", "everyone who passes the policy", ""),
    "librechat_version": ("LibreChat version", "0.8.7",
                          "0.7.9 and newer send the secret with client_secret_post"),
    "button_label": ("Login button label", "Log in with Authelia", ""),
    "image_url": ("Login button image URL (optional)", "https://…/logo.png", ""),
}
URL_FIELDS = ("app_url", "auth_url")
OPTIONAL_SCOPES = ("openid", "profile", "email", "groups")
SELECT_OPTIONS = {
    "policy": [("Two factors (password and 2FA)", "two_factor"),
               ("One factor (password)", "one_factor")],
    "authelia_version": [(f"Authelia {v}", v) for v in facts.SUPPORTED_AUTHELIA],
}


class AssumptionsPane(Pane):
    def compose(self) -> ComposeResult:
        yield Static("Where LibreChat and Authelia live, and who may log in.", classes="intro")
        for name in ("app_url", "auth_url", "client_id", "client_name"):
            yield self._text_field(name)

    def on_mount(self) -> None:
        # Below the fold of a small terminal: built just after the first screen is drawn.
        self.call_after_refresh(self._build_late_fields)

    async def _build_late_fields(self) -> None:
        if not self.is_attached:
            return  # the app closed in that instant
        await self.mount(LateFields(*self._late_fields(self.main_app.state.profile)))
        self.update_view(self.main_app.state)

    def _late_fields(self, profile: Profile) -> Iterator[Field]:
        # Selects and checkboxes start at the profile's values: the Changed events they send
        # when mounted then repeat what the profile already says.
        yield self._select_field("Authorization policy", "policy", profile.policy)
        yield self._text_field("group")
        yield Field("Scopes", Horizontal(
            *(TickBox(scope, scope in profile.scopes, id=f"scope-{scope}", compact=True)
              for scope in OPTIONAL_SCOPES),
            id="scope-boxes"), "scopes")
        yield Field("Refresh tokens", TickBox("Allow refresh tokens (adds offline_access)",
                                               profile.refresh_tokens,
                                               id="input-refresh_tokens", compact=True),
                    "refresh_tokens")
        yield self._select_field("Authelia version", "authelia_version",
                                 profile.authelia_version)
        for name in ("librechat_version", "button_label", "image_url"):
            yield self._text_field(name)

    def _select_field(self, label: str, name: str, value: str) -> Field:
        return Field(label, new_select(SELECT_OPTIONS[name], value, id=f"input-{name}"), name)

    def _text_field(self, name: str) -> Field:
        label, placeholder, hint = TEXT_FIELDS[name]
        editor = Input(placeholder=placeholder, id=f"input-{name}", compact=True,
                       select_on_focus=False)
        return Field(label, editor, name, hint)

    def update_view(self, state: ViewState) -> None:
        profile = state.profile
        for name in TEXT_FIELDS:
            for widget in self.query(f"#input-{name}").results(Input):
                if name in URL_FIELDS:
                    # Still the example URL: typing replaces it rather than appending to it.
                    widget.select_on_focus = is_example_url(getattr(profile, name))
                set_input(widget, getattr(profile, name))
        for field in self.query(Field):
            field.show_findings(state.for_field(field.field_name))
        if not self.query(LateFields):
            return  # the rest is filled in when it is built
        for name in SELECT_OPTIONS:
            set_select(self.query_one(f"#input-{name}", Select), SELECT_OPTIONS[name],
                       getattr(profile, name))
        refresh = self.query_one("#input-refresh_tokens", Checkbox)
        if refresh.value != profile.refresh_tokens:
            with refresh.prevent(Checkbox.Changed):
                refresh.value = profile.refresh_tokens
        for box in self.query("#scope-boxes Checkbox").results(Checkbox):
            wanted = str(box.label) in profile.scopes
            if box.value != wanted:
                with box.prevent(Checkbox.Changed):
                    box.value = wanted

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("input-")
        if name in TEXT_FIELDS:
            event.stop()
            self.main_app.update_profile(event.input, **{name: event.value})

    def on_select_changed(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("input-")
        if name in ("policy", "authelia_version") and isinstance(event.value, str):
            event.stop()
            self.main_app.update_profile(event.select, **{name: event.value})

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.checkbox.id == "input-refresh_tokens":
            self.main_app.update_profile(refresh_tokens=event.value)
            return
        scopes = [str(box.label) for box in self.query("#scope-boxes Checkbox").results(Checkbox)
                  if box.value]
        kept = [s for s in self.main_app.profile.scopes if s not in OPTIONAL_SCOPES]
        self.main_app.update_profile(scopes=tuple(scopes + kept))


class LateFields(Vertical):
    """The fields below the fold."""

    DEFAULT_CSS = "LateFields { height: auto; }"

