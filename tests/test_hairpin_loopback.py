"""Hairpin (extra_hosts: NAME:host-gateway) is refused for a loopback Authelia name: inside
LibreChat's container `localhost` is the container, and the entry breaks its resolver."""

from __future__ import annotations

import pytest
from conftest import fake_profile

from tui.core.checks import ProfileInvalid, check_profile
from tui.core.librechat import compose_override, render_compose

LOOPBACK = ["https://localhost:9091", "https://LOCALHOST", "https://127.0.0.1:9091",
            "https://127.0.0.2", "https://[::1]:9091", "https://auth.localhost",
            "https://localhost./"]


def hairpin_findings(profile):
    return [f for f in check_profile(profile, verify_digest=False) if f.field == "hairpin"]


@pytest.mark.parametrize("auth_url", LOOPBACK)
def test_a_loopback_name_is_refused_by_the_checks(auth_url):
    (finding,) = hairpin_findings(fake_profile(hairpin=True, auth_url=auth_url))
    assert finding.severity == "error"
    assert "a loopback name" in finding.message and "turn hairpin off" in finding.message


@pytest.mark.parametrize("auth_url", LOOPBACK)
def test_the_renderer_refuses_it_and_never_writes_the_entry(auth_url):
    profile = fake_profile(hairpin=True, auth_url=auth_url)
    with pytest.raises(ProfileInvalid, match="hairpin: Authelia's URL uses .* a loopback name"):
        render_compose(profile)
    assert "extra_hosts" not in compose_override(profile)["services"]["api"]


def test_without_hairpin_a_loopback_name_is_fine():
    profile = fake_profile(auth_url="https://localhost:9091")
    assert not hairpin_findings(profile)
    assert "extra_hosts" not in compose_override(profile)["services"]["api"]


def test_a_public_name_keeps_its_entry():
    profile = fake_profile(hairpin=True, auth_url="https://auth.home.lan")
    assert not hairpin_findings(profile)
    assert compose_override(profile)["services"]["api"]["extra_hosts"] == [
        "auth.home.lan:host-gateway"]


def test_a_public_address_is_still_only_a_warning():
    (finding,) = hairpin_findings(fake_profile(hairpin=True, auth_url="https://192.0.2.10"))
    assert finding.severity == "warning" and "not a name" in finding.message


def test_apply_compose_refuses_it_too(tmp_path):
    from tui.userfiles.apply import plan_apply

    compose = tmp_path / "compose.yml"
    compose.write_text("services:\n  api:\n    image: librechat\n")
    with pytest.raises(ProfileInvalid, match="loopback name"):
        plan_apply("compose", fake_profile(hairpin=True, auth_url="https://localhost"),
                   str(compose))
