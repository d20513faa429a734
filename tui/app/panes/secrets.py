"""Screen 2: client ID, client secret, session secret, and the secret's digest."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, LoadingIndicator, Select, Static

from ...core import digest as core_digest
from ...core.findings import Finding
from ...core.shown import shown
from ..messages import FieldProblems, RegenerateRequested, RehashRequested, ValuesRequested
from ..state import CHECKING, HASHING, MISMATCH, MISSING, OUTSIDE, VERIFIED, ViewState
from ..widgets.field import Field, FieldLabel, TextInput
from .base import Pane, RevealsSecrets, new_select, set_input, set_select

SECRET_FIELDS = {
    "client_id": ("Client ID", False),
    "client_secret": ("Client secret (goes into LibreChat's .env)", True),
    "session_secret": ("Session secret (LibreChat's express-session secret)", True),
}
COST_DELAY = 0.8  # seconds after the last keystroke in the cost field
SLOW_VERIFICATION = 0.5  # seconds: Authelia's passwords guide aims at about this per hash
COST_LABELS = {
    "iterations": "Iterations", "memory": "Memory (KiB)", "ln": "Cost (log2 N)",
    "cost": "Cost (log2 rounds)",
}
ALGORITHM_OPTIONS = [(a.label, a.name) for a in core_digest.ALGORITHMS.values()]
STATUS_TEXT = {
    HASHING: "Computing the digest…",
    CHECKING: "Checking that the digest verifies the secret…",
    VERIFIED: "✓ The digest verifies the client secret",
    MISMATCH: "✗ The digest does not verify this secret: regenerate it",
    MISSING: "✗ No digest yet",
    OUTSIDE: "Managed outside this profile: Authelia's configuration fills it in from the "
             "template above; apply leaves that line alone (librechat-authelia set --digest "
             "ALGORITHM makes the profile hold one)",
}


class SecretsPane(RevealsSecrets, Pane):
    BINDINGS = [
        *RevealsSecrets.reveal_bindings(),
        Binding("ctrl+r", "regenerate_all", "New secrets", id="regenerate-all",
                tooltip="New client secret and session secret (asks first)"),
        Binding("ctrl+f", "show_values", "Full values", id="show-values", show=False,
                tooltip="Show the client ID, secrets and digest in full"),
    ]
    def compose(self) -> ComposeResult:
        yield Static("Secrets are masked until you reveal them (ctrl+t). Type your own or "
                     "regenerate them the way `authelia crypto rand` does.", classes="intro")
        for name, (label, masked) in SECRET_FIELDS.items():
            row = Horizontal(
                TextInput(password=masked, id=f"input-{name}", compact=True, select_on_focus=False),
                Button("Regenerate", id=f"regenerate-{name}", compact=True),
                classes="secret-row",
            )
            yield Field(label, row, name)
        yield Static("Digest of the client secret (goes into Authelia's configuration)",
                     classes="section")
        # Built after start-up, once the profile is read: the select starts at its algorithm.
        algorithm = self.state.profile.digest_algorithm
        yield Field("Algorithm", new_select(ALGORITHM_OPTIONS, algorithm,
                                            id="input-digest_algorithm"), "digest_algorithm")
        yield Field("Cost", Horizontal(
            TextInput(type="integer", id="input-cost", compact=True, select_on_focus=False),
            Button("Hash again", id="rehash", compact=True),
            classes="secret-row"), "digest_cost")
        yield Field("Digest", Static(id="digest-value", markup=False), "client_secret_digest")
        with Horizontal(id="digest-status-row"):
            yield LoadingIndicator(id="digest-busy")
            yield Static(id="digest-status", markup=False)
        yield Static(id="verify-time")
        # The provider's own secrets (provider "new"): made once for all clients.
        with Vertical(id="provider-secrets"):
            yield Static("Authelia's provider (identity_providers.oidc, once for all clients)",
                         classes="section")
            yield Field("HMAC secret", Horizontal(
                TextInput(password=True, id="input-hmac_secret", compact=True,
                      select_on_focus=False),
                Button("Regenerate", id="regenerate-hmac_secret", compact=True),
                classes="secret-row"), "hmac_secret")
            yield Field("Signing key (RSA, for RS256)", Horizontal(
                Static(id="key-summary", markup=False),
                Button("New key", id="regenerate-signing_key", compact=True),
                classes="secret-row"), "signing_key")

    def update_view(self, state: ViewState) -> None:
        profile = state.profile
        for name, (_, masked) in SECRET_FIELDS.items():
            set_input(self.query_one(f"#input-{name}", Input), getattr(profile, name))
            self.query_one(f"#input-{name}", Input).password = masked and not state.revealed
        self.query_one("#input-hmac_secret", Input).password = not state.revealed
        self.refresh_bindings()  # the footer's ctrl+t says Reveal or Hide
        self.query_one("#provider-secrets").display = profile.provider == "new"
        set_input(self.query_one("#input-hmac_secret", Input), profile.hmac_secret)
        self.query_one("#key-summary", Static).update(self._key_summary(state))
        set_select(self.query_one("#input-digest_algorithm", Select), ALGORITHM_OPTIONS,
                   profile.digest_algorithm)
        set_input(self.query_one("#input-cost", Input), str(self._cost_of(profile)))
        self.query_one("#field-digest_cost FieldLabel", FieldLabel).text = self._cost_label(
            profile)
        self.query_one("#digest-value", Static).update(
            shown(profile.digest_template or profile.client_secret_digest, limit=None)
            or "(none)")
        busy = state.digest_status in (HASHING, CHECKING)
        self.query_one("#digest-busy").display = busy
        status = self.query_one("#digest-status", Static)
        status.update(STATUS_TEXT.get(state.digest_status, ""))
        status.set_class(state.digest_status == VERIFIED, "-ok")
        status.set_class(state.digest_status in (MISMATCH, MISSING), "-error")
        timing = self.query_one("#verify-time", Static)
        seconds = state.verify_seconds if state.digest_status == VERIFIED else None
        slow = seconds is not None and seconds > SLOW_VERIFICATION
        timing.set_class(slow, "-warning")
        if seconds is None:
            timing.update("")
        elif slow:
            timing.update(
                f"! One verification took {seconds:.2f} s on this machine just now, over "
                f"Authelia's budget of about {SLOW_VERIFICATION} s per token request: if your "
                "Authelia host is as slow, lower the cost.")
        else:
            timing.update(
                f"One verification takes {seconds:.2f} s on this machine; Authelia pays that "
                f"on every token request (aim for about {SLOW_VERIFICATION} s or less).")
        for field in self.query(Field):
            if field.field_name == "digest_cost":
                field.show_findings(self._cost_findings)  # the typed cost's, not the profile's
            else:
                field.show_findings(state.for_field(field.field_name))

    @staticmethod
    def _key_summary(state: ViewState) -> str:
        """What the key is, never the key itself (it is masked like the secrets)."""
        profile = state.profile
        if state.key_generating:
            return f"Making an RSA {profile.key_bits}-bit key…"
        if not profile.signing_key:
            return "(none yet)"
        return f"{shown(profile.signing_key_id) or 'no key ID'}  (hidden; ctrl+f does not show it)"

    @staticmethod
    def _cost_label(profile) -> str:
        """The cost's name with the range the core accepts (the same rule as its message)."""
        spec = core_digest.ALGORITHMS.get(profile.digest_algorithm)
        if spec is None:
            return "Cost"
        params = core_digest.params_for(profile.client_secret_digest, spec.name)
        low, high = core_digest.cost_range(spec.name, params)
        return (f"{COST_LABELS.get(spec.cost_param, 'Cost')}: {low} to {high}, "
                f"Authelia's default {spec.defaults[spec.cost_param]}")

    @staticmethod
    def _cost_param(profile) -> str:
        spec = core_digest.ALGORITHMS.get(profile.digest_algorithm)
        return spec.cost_param if spec else ""

    def _cost_of(self, profile) -> int | str:
        """The cost of the current digest when it uses the chosen algorithm, else the default."""
        spec = core_digest.ALGORITHMS.get(profile.digest_algorithm)
        if spec is None:
            return ""
        return core_digest.params_for(profile.client_secret_digest, spec.name)[spec.cost_param]

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("input-")
        event.stop()
        if name in SECRET_FIELDS or name == "hmac_secret":
            self.edit(event.input, **{name: event.value})
        elif name == "cost":
            self._cost_typed()

    _cost_timer = None

    @property
    def busy(self) -> bool:
        return self._cost_timer is not None

    def _cost_typed(self) -> None:
        """A typed cost is applied after a short pause, like a typed secret; until then the
        field says so."""
        if self._cost_timer is not None:
            self._cost_timer.stop()
        self._cost_timer = self.set_timer(COST_DELAY, self._apply_cost)
        self._show_cost_findings([Finding("digest-cost-pending", "info",
                                          "not applied yet: hashed again after a short pause "
                                          "(or press Enter)", field="digest_cost")])

    def _apply_cost(self) -> None:
        if self._cost_timer is not None:
            self._cost_timer.stop()
            self._cost_timer = None
        self._rehash()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "input-cost":
            event.stop()
            self._apply_cost()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if event.input.id == "input-cost":
            if self._cost_timer is not None:
                self._apply_cost()  # leaving the field applies what was typed
            problems = [f for f in self._cost_findings if f.severity == "error"]
            if problems:
                # The field goes back to the cost in use: say that the typed one was not.
                self.notify(f"The cost you typed was not applied: {problems[0].message}.",
                            severity="warning")
                self._show_cost_findings([])
        super().on_input_blurred(event)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "input-digest_algorithm" and isinstance(event.value, str):
            event.stop()
            if event.value == self.state.profile.digest_algorithm:
                return  # the select reporting the value it was given
            spec = core_digest.ALGORITHMS.get(event.value)
            if spec is None:  # back to a hand-edited name: the checks say what is wrong
                self.edit(digest_algorithm=event.value)
                return
            cost = self.query_one("#input-cost", Input)
            with cost.prevent(Input.Changed):
                cost.value = str(spec.defaults[spec.cost_param])
                cost.cursor_position = len(cost.value)
            self.edit(digest_algorithm=event.value)
            self._rehash(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id or ""
        if button.startswith("regenerate-"):
            self.post_message(RegenerateRequested(button.removeprefix("regenerate-")))
        elif button == "rehash":
            self._rehash()

    def _rehash(self, algorithm: str | None = None) -> None:
        profile = self.state.profile
        spec = core_digest.ALGORITHMS.get(algorithm or profile.digest_algorithm)
        if spec is None:
            return
        text = self.query_one("#input-cost", Input).value.strip()
        try:
            params = {spec.cost_param: int(text)}
            core_digest.check_params(spec.name, params)
        except core_digest.DigestError as error:
            self._cost_problem(str(error))
            return
        except ValueError:
            self._cost_problem(f"enter a whole number for {COST_LABELS[spec.cost_param].lower()}")
            return
        self._show_cost_findings([])
        if not self._digest_made_with(profile, spec.name, params):
            self.post_message(RehashRequested(params))

    @staticmethod
    def _digest_made_with(profile, algorithm: str, params: dict[str, int]) -> bool:
        """Whether the current digest already uses `algorithm` with `params` (no rehash)."""
        try:
            made_with, made_params = core_digest.identify(profile.client_secret_digest)
        except core_digest.DigestError:
            return False
        return made_with == algorithm and all(made_params.get(k) == v
                                              for k, v in params.items())

    def _cost_problem(self, message: str) -> None:
        self._show_cost_findings([Finding("digest-cost-invalid", "error", message,
                                          field="digest_cost")])

    _cost_findings: list[Finding] = []

    def _show_cost_findings(self, findings: list[Finding]) -> None:
        self._cost_findings = findings
        self.query_one("#field-digest_cost", Field).show_findings(findings)
        self.post_message(FieldProblems("digest_cost",
                                        [f for f in findings if f.severity == "error"]))

    def action_regenerate_all(self) -> None:
        self.post_message(RegenerateRequested("secrets"))

    def action_show_values(self) -> None:
        self.post_message(ValuesRequested())
