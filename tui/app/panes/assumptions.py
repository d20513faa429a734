"""Screen 1: every profile field as a form, with the core's findings under each field."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.lazy import Lazy
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static

from ...core import facts
from ..state import ViewState
from ..widgets.field import Field
from .base import Pane, set_input

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
        # Below the fold of a small terminal: built just after the first screen is drawn.
        yield LateMount(LateFields(*self._late_fields()))

    def _late_fields(self):
        yield self._select_field("Authorization policy", "policy")
        yield self._text_field("group")
        yield Field("Scopes", Horizontal(
            *(Checkbox(scope, id=f"scope-{scope}") for scope in OPTIONAL_SCOPES),
            id="scope-boxes"), "scopes")
        yield Field("Refresh tokens", Checkbox("Allow refresh tokens (adds offline_access)",
                                               id="input-refresh_tokens"), "refresh_tokens")
        yield self._select_field("Authelia version", "authelia_version")
        for name in ("librechat_version", "button_label", "image_url"):
            yield self._text_field(name)

    def _select_field(self, label: str, name: str) -> Field:
        select = Select(SELECT_OPTIONS[name], allow_blank=False, id=f"input-{name}",
                        compact=True)
        return Field(label, select, name)

    def _text_field(self, name: str) -> Field:
        label, placeholder, hint = TEXT_FIELDS[name]
        editor = Input(placeholder=placeholder, id=f"input-{name}", compact=True,
                       select_on_focus=False)
        return Field(label, editor, name, hint)

    def update_view(self, state: ViewState) -> None:
        profile = state.profile
        for name in TEXT_FIELDS:
            for widget in self.query(f"#input-{name}").results(Input):
                set_input(widget, getattr(profile, name))
        for field in self.query(Field):
            field.show_findings(state.for_field(field.field_name))
        if not self.query(LateFields):
            return  # the rest is filled in when it is built
        self._set_select("policy", profile.policy)
        self._set_select("authelia_version", profile.authelia_version)
        refresh = self.query_one("#input-refresh_tokens", Checkbox)
        if refresh.value != profile.refresh_tokens:
            with refresh.prevent(Checkbox.Changed):
                refresh.value = profile.refresh_tokens
        for box in self.query("#scope-boxes Checkbox").results(Checkbox):
            wanted = str(box.label) in profile.scopes
            if box.value != wanted:
                with box.prevent(Checkbox.Changed):
                    box.value = wanted

    def _set_select(self, name: str, value: str) -> None:
        select = self.query_one(f"#input-{name}", Select)
        if select.value == value:
            return
        options = SELECT_OPTIONS[name]
        with select.prevent(Select.Changed):
            if value not in [v for _, v in options]:
                # A value from a hand-edited file: show it, and let the findings explain it.
                select.set_options([*options, (value, value)])
            select.value = value

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("input-")
        if name in TEXT_FIELDS:
            event.stop()
            self.main_app.update_profile(**{name: event.value})

    def _settled(self) -> bool:
        """Whether the late fields show the profile; before that, their events are echoes."""
        return any(late.filled for late in self.query(LateFields))

    def on_select_changed(self, event: Select.Changed) -> None:
        if not self._settled():
            return
        name = (event.select.id or "").removeprefix("input-")
        if name in ("policy", "authelia_version") and isinstance(event.value, str):
            event.stop()
            self.main_app.update_profile(**{name: event.value})

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if not self._settled():
            return
        if event.checkbox.id == "input-refresh_tokens":
            self.main_app.update_profile(refresh_tokens=event.value)
            return
        scopes = [str(box.label) for box in self.query("#scope-boxes Checkbox").results(Checkbox)
                  if box.value]
        kept = [s for s in self.main_app.profile.scopes if s not in OPTIONAL_SCOPES]
        self.main_app.update_profile(scopes=tuple(scopes + kept))


class LateFields(Vertical):
    """The fields below the fold; they show the current state once they are built."""

    DEFAULT_CSS = "LateFields { height: auto; }"
    filled = False

    def on_mount(self) -> None:
        self.call_after_refresh(self._fill)

    def _fill(self) -> None:
        pane = self.query_ancestor(AssumptionsPane)
        pane.update_view(pane.main_app.state)
        self.filled = True


class LateMount(Lazy):
    """Textual's Lazy, except that it gives up quietly when the app closes first.

    Lazy mounts its widget after the next refresh; if the user quits within that instant
    the parent is gone and Lazy raises MountError, which Textual prints on exit.
    """

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        parent = self.parent
        if not isinstance(parent, Widget):
            return

        async def mount() -> None:
            if parent.is_attached and self.is_attached:
                await parent.mount(self._replace_widget, after=self)
                await self.remove()

        self.call_after_refresh(mount)
