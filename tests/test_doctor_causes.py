"""The doctor names every cause that fits, most likely first; it never blames LibreChat for
a certificate that only this check does not trust; its fixes come errors first."""

from __future__ import annotations

import socket

from conftest import FAKE_CLIENT_SECRET, fake_profile
from doctor_standins import closed_port, healthy_pair, named_pair, server_context

from tui.doctor import Finding, fixes_in_order, run, target_from_profile

TIMEOUT = 3.0


def doctor(profile, ca_file="", **options):
    return run(target_from_profile(profile, ca_file), timeout=TIMEOUT, **options)


def only(findings, code):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, (code, findings)
    return found[0]


def strategy_failed(authelia, librechat, profile, ca_file="", **options):
    librechat.state.strategy_failed = True
    try:
        return only(doctor(profile, ca_file, **options), "librechat-strategy-failed").message
    finally:
        authelia.stop()
        librechat.stop()


def order(message, *words):
    """The positions of `words` in `message`, each present."""
    for word in words:
        assert word in message, (word, message)
    return [message.index(word) for word in words]


# librechat-strategy-failed: every cause that fits, most likely first ------------------------

def test_private_ca_names_a_restart_first_then_the_ca_then_the_network(ca, ca_file,
                                                                       monkeypatch):
    # Authelia answers here and its CA is private: LibreChat may have started before Authelia
    # was up (ECONNREFUSED in its log), or lack the CA, or not reach the name.
    message = strategy_failed(*named_pair(fake_profile, ca, monkeypatch), ca_file)
    positions = order(message, "ECONNREFUSED", "restart LibreChat", "NODE_EXTRA_CA_CERTS",
                      "hairpin NAT")
    assert positions[0] < positions[2] < positions[3]
    assert "Likely causes, most likely first: (1) Authelia was not reachable when LibreChat " \
           "started" in message
    assert "(2) LibreChat's container does not trust Authelia's CA (the log shows " \
           "UNABLE_TO_VERIFY_LEAF_SIGNATURE)" in message
    assert "(3) the container cannot reach Authelia's public name" in message


def test_a_public_certificate_names_no_ca(ca, ca_file, monkeypatch):
    from tui.doctor import tlsprobe

    real = tlsprobe.check_tls
    monkeypatch.setattr(tlsprobe, "check_tls",
                        lambda *args: real(*args)._replace(state=tlsprobe.TRUSTED))
    message = strategy_failed(*named_pair(fake_profile, ca, monkeypatch), ca_file)
    first, second = order(message, "restart LibreChat", "auth.home.test:host-gateway")
    assert first < second and "NODE_EXTRA_CA_CERTS" not in message


def test_a_loopback_issuer_is_named_and_never_gets_extra_hosts(ca, ca_file):
    message = strategy_failed(*healthy_pair(fake_profile, ca), ca_file)
    assert "(1) OPENID_ISSUER names 127.0.0.1, a loopback name: inside LibreChat's " \
           "container that is the container itself" in message
    assert "host-gateway" not in message and "hairpin" not in message
    order(message, "restart LibreChat", "NODE_EXTRA_CA_CERTS")


def test_authelia_down_here_too_names_that_and_no_network_trick(ca, ca_file):
    authelia, librechat, profile = healthy_pair(fake_profile, ca)
    profile = profile.with_changes(auth_url=f"https://127.0.0.1:{closed_port()}")
    message = strategy_failed(authelia, librechat, profile, ca_file)
    assert "Likely cause: (1) Authelia's discovery fails from here too (see above): fix " \
           "that, then restart LibreChat." in message
    assert "host-gateway" not in message


def test_a_name_that_does_not_resolve_is_the_one_cause(ca, ca_file):
    def resolver(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    message = strategy_failed(*healthy_pair(fake_profile, ca), ca_file, resolver=resolver)
    assert "Likely cause: (1) Authelia's name 127.0.0.1 does not resolve" in message
    assert "(2)" not in message


# This check's own missing trust is said as such ----------------------------------------------

def test_without_the_ca_file_the_doctor_names_its_own_missing_trust(ca):
    authelia, librechat, profile = healthy_pair(fake_profile, ca)
    try:
        findings = doctor(profile)  # a private CA, and no --ca-file
    finally:
        authelia.stop()
        librechat.stop()
    codes = [f.code for f in findings]
    assert "librechat-unreachable" not in codes
    mine = only(findings, "librechat-tls-untrusted")
    assert mine.severity == "error"
    assert "this check does not trust LibreChat's certificate" in mine.message
    assert "LibreChat was not checked" in mine.message
    assert mine.fix.startswith("pass --ca-file PATH")
    tls = only(findings, "tls-untrusted")
    assert "this check does not trust the certificate" in tls.message
    assert tls.fix.startswith("pass --ca-file PATH")
    # Nothing is prescribed for LibreChat's container for this check's own trust.
    assert all("NODE_EXTRA_CA_CERTS" not in f.fix for f in findings), findings
    assert not [r for r in authelia.state.requests if r.method == "POST"]


def test_the_cli_without_the_ca_file_is_not_green_and_blames_nobody(ca, capsys):
    from tui.cli import main
    from tui.core.store import ProfileStore

    authelia, librechat, profile = healthy_pair(fake_profile, ca)
    ProfileStore().save("home", profile)
    try:
        status = main(["doctor", "--profile", "home", "--timeout", "3"])
    finally:
        authelia.stop()
        librechat.stop()
    out = capsys.readouterr().out
    assert status == 1 and FAKE_CLIENT_SECRET not in out
    assert "librechat-unreachable" not in out and "check that LibreChat runs" not in out
    assert "this check does not trust LibreChat's certificate" in out
    assert "NODE_EXTRA_CA_CERTS" not in out.split("Causes and fixes:")[1]


def test_a_librechat_certificate_for_another_name_is_librechats_problem(ca, ca_file):
    from doctor_standins import LibreChatHandler, LibreChatState, Server, configure_pair

    authelia, first, profile = healthy_pair(fake_profile, ca)
    first.stop()
    librechat = Server(LibreChatHandler, LibreChatState(),
                       server_context(ca.issue_cert("chat.other.test"))).start()
    profile = profile.with_changes(app_url=librechat.url)
    configure_pair(authelia, librechat, profile)
    try:
        findings = doctor(profile, ca_file)
    finally:
        authelia.stop()
        librechat.stop()
    finding = only(findings, "librechat-tls-untrusted")
    assert "not valid for this name" in finding.message and "browsers refuse it" in \
        finding.message
    assert "librechat-unreachable" not in [f.code for f in findings]
    assert "token-client-ok" in [f.code for f in findings]


# The fix list: errors, then warnings, then info ----------------------------------------------

def test_fixes_come_errors_first_then_warnings_then_info():
    findings = [Finding("tls-ok", "info", "CA file only", "NODE_EXTRA_CA_CERTS"),
                Finding("discovery-ok", "ok", "fine", ""),
                Finding("env-auth-method-unset", "warning", "unset", "add it"),
                Finding("token-secret-rejected", "error", "refused", "hash it"),
                Finding("clock-skew", "error", "ahead", "NTP"),
                Finding("jwks-ok", "info", "no fix", "")]
    assert [f.code for f in fixes_in_order(findings)] == [
        "token-secret-rejected", "clock-skew", "env-auth-method-unset", "tls-ok"]


def test_the_cli_lists_an_info_fix_after_the_errors(ca, ca_file, capsys):
    from tui.cli import main
    from tui.core.store import ProfileStore

    authelia, librechat, profile = healthy_pair(fake_profile, ca)
    authelia.state.clients[profile.client_id].auth_method = "client_secret_basic"
    ProfileStore().save("home", profile)
    try:
        status = main(["doctor", "--profile", "home", "--ca-file", ca_file, "--timeout", "3"])
    finally:
        authelia.stop()
        librechat.stop()
    out = capsys.readouterr().out
    assert status == 1
    tail = out.split("\nCauses and fixes:\n")[1]
    causes, notes = tail.split("\nNotes:\n")
    assert causes.startswith("- token-auth-method-mismatch (error)")
    assert "- tls-ok (info): make sure LibreChat's container has this CA" in notes
