"""Screen 1: every profile field as a form, with the core's findings under each field."""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import AwaitMount
from textual.widgets import Checkbox, Input, Select, Static

from ...core import facts
from ...core.hosts import is_example_url
from ...core.profile import Profile
from ...core.provider import CONSENT_MODES
from ..state import ViewState
from ..widgets.field import Field, FieldLabel, TextInput, TickBox
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
    "key_path": ("Where Authelia reads the key (optional)", "inline in configuration.yml",
                 ""),  # the hint names the chosen key size: key_path_hint()
    "admin_group": ("LibreChat admins: members of this Authelia group (optional)",
                    "nobody becomes admin through Authelia",
                    "Sends the groups claim in the ID token (OPENID_ADMIN_ROLE*)"),
    "consent_duration": ("Remember consent for", facts.DEFAULT_CONSENT_DURATION,
                         "Authelia's duration syntax: 1 week, 30 days, 12h"),
    "ca_file": ("Private CA certificate for LibreChat (optional)", "/etc/ssl/my-ca.pem",
                "Its path on the Docker host: mounted into the api container, "
                "NODE_EXTRA_CA_CERTS set"),
}
URL_FIELDS = ("app_url", "auth_url")
OPTIONAL_SCOPES = ("openid", "profile", "email", "groups")
SELECT_OPTIONS = {
    "policy": [("Two factors (password and 2FA)", "two_factor"),
               ("One factor (password)", "one_factor")],
    "authelia_version": [(f"Authelia {v}", v) for v in facts.SUPPORTED_AUTHELIA],
    "provider": [("Set it up now: hmac secret and signing key in the block", "new"),
                 ("Authelia already has hmac_secret and jwks", "existing")],
    "key_bits": [(f"RSA {bits} bits" + (" (default)" if bits == facts.DEFAULT_KEY_BITS else ""),
                  bits) for bits in facts.KEY_BITS],
    "consent": [(mode + (" (Authelia's default)" if mode == facts.DEFAULT_CONSENT else ""), mode)
                for mode in facts.CONSENT_CHOICES],
}


def key_path_hint(bits: int) -> str:
    """Where the key might live in Authelia's container, named for the chosen size."""
    example = facts.EXAMPLE_KEY_PATH.replace(f".{facts.DEFAULT_KEY_BITS}.", f".{bits}.")
    return (f"A path inside Authelia's container, e.g. {example} "
            "(read with a {{ secret }} template)")


# Shown only when they matter: the key's fields for provider "new", the duration for
# consent "pre-configured".
KEY_FIELDS = ("key_bits", "key_path")


class AssumptionsPane(Pane):
    # The fields below the fold are mounted just after the first screen is drawn; until
    # then, the profile's changes reach only the fields above.
    late_ready = False

    def compose(self) -> ComposeResult:
        yield Static("Where LibreChat and Authelia live, and who may log in.", classes="intro")
        for name in ("app_url", "auth_url", "client_id", "client_name"):
            yield self._text_field(name)

    _late: AwaitMount | None = None

    def on_mount(self) -> None:
        self.call_after_refresh(self._mount_late_fields)

    async def _mount_late_fields(self) -> None:
        if self.is_attached:  # else the app closed in that instant
            await self.built()

    async def built(self) -> None:
        """The fields below the fold of a small terminal, composed with the state of now."""
        if self._late is not None:
            await self._late
            return
        self._late = self.mount(LateFields(*self._late_fields(self.state.profile)))
        await self._late
        self._walk()  # the fields just mounted
        self.late_ready = True  # mounted and composed: from now on they are filled too
        self.draw(again=self.display)

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
        yield Static("Authelia's OpenID Connect provider", classes="section")
        yield self._select_field("Provider section", "provider", profile.provider)
        yield self._select_field("Signing key size", "key_bits", profile.key_bits)
        yield self._text_field("key_path")
        yield Static("Admins and consent", classes="section")
        yield self._text_field("admin_group")
        yield Field("Admin panel", TickBox(
            "LibreChat's admin panel logs in through Authelia too", profile.admin_panel,
            id="input-admin_panel", compact=True), "admin_panel",
            "LibreChat 0.8.3+: adds the admin panel's redirect URI to the client")
        yield self._select_field("Consent screen", "consent", profile.consent)
        yield Static(CONSENT_MODES.get(profile.consent, ""), id="consent-explain",
                     classes="explain", markup=False)
        yield self._text_field("consent_duration")
        yield Static("LibreChat's container", classes="section")
        yield self._text_field("ca_file")
        yield Field("Reaching Authelia from the container", TickBox(
            "Through the Docker host (host-gateway)", profile.hairpin, id="input-hairpin",
            compact=True), "hairpin",
            "When Authelia's public name does not resolve or connect inside LibreChat's "
            "container (hairpin NAT, split DNS): adds extra_hosts to the override")

    def _select_field(self, label: str, name: str, value) -> Field:
        return Field(label, new_select(SELECT_OPTIONS[name], value, id=f"input-{name}"), name)

    def _text_field(self, name: str) -> Field:
        label, placeholder, hint = TEXT_FIELDS[name]
        if name == "key_path":
            hint = key_path_hint(self.state.profile.key_bits)
        editor = TextInput(placeholder=placeholder, id=f"input-{name}", compact=True,
                           select_on_focus=False)
        return Field(label, editor, name, hint)

    def update_view(self, state: ViewState) -> None:
        profile = state.profile
        for name in TEXT_FIELDS:
            widget = self.by_id(f"input-{name}")
            if isinstance(widget, Input):
                if name in URL_FIELDS:
                    # Still the example URL: typing replaces it rather than appending to it.
                    widget.select_on_focus = is_example_url(getattr(profile, name))
                set_input(widget, getattr(profile, name))
        for field in self.fields():
            field.show_findings(state.for_field(field.field_name))
        if not self.late_ready:
            return  # the rest is filled in when it is built
        for name in SELECT_OPTIONS:
            set_select(self.by_id(f"input-{name}"), SELECT_OPTIONS[name],
                       getattr(profile, name))
        for name in ("refresh_tokens", "hairpin", "admin_panel"):
            box = self.by_id(f"input-{name}")
            if box.value != getattr(profile, name):
                with box.prevent(Checkbox.Changed):
                    box.value = getattr(profile, name)
        for name in KEY_FIELDS:
            self.by_id(f"field-{name}").display = profile.provider == "new"
        self.by_id("field-key_path").query_one(FieldLabel).hint = key_path_hint(
            profile.key_bits)
        self.by_id("field-consent_duration").display = profile.consent == "pre-configured"
        self.by_id("consent-explain").update(CONSENT_MODES.get(profile.consent, ""))
        for box in self.by_id("scope-boxes").query(Checkbox).results(Checkbox):
            wanted = str(box.label) in profile.scopes
            if box.value != wanted:
                with box.prevent(Checkbox.Changed):
                    box.value = wanted

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("input-")
        if name in TEXT_FIELDS:
            event.stop()
            self.edit(event.input, **{name: event.value})

    def on_select_changed(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("input-")
        if name in SELECT_OPTIONS and isinstance(event.value, (str, int)):
            event.stop()
            self.edit(event.select, **{name: event.value})

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.checkbox.id in ("input-refresh_tokens", "input-hairpin", "input-admin_panel"):
            name = event.checkbox.id.removeprefix("input-")
            self.edit(event.checkbox, **{name: event.value})
            return
        scopes = [str(box.label) for box in self.query("#scope-boxes Checkbox").results(Checkbox)
                  if box.value]
        kept = [s for s in self.state.profile.scopes if s not in OPTIONAL_SCOPES]
        self.edit(scopes=tuple(scopes + kept))


class LateFields(Vertical):
    """The fields below the fold."""

    DEFAULT_CSS = "LateFields { height: auto; }"

