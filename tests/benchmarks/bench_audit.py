"""Audit figures, printed (never asserted: these machines are shared and noisy).

    python tests/benchmarks/bench_audit.py

`audit` of a generated 5,000-line configuration.yml with 200 clients (and LibreChat's
.env.example with its OpenID section filled in) against a plain ruamel.yaml load of the
same file. Target: at most 1.5x. The digest verification (slow by design, Authelia's
default pbkdf2-sha512 with 310000 iterations here) is excluded from that ratio and
reported on its own line; the audit runs it exactly once, which the script checks.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

RUNS = 7
CLIENTS = 200
TARGET_LINES = 5000


def _client(index: int, digest_text: str) -> str:
    return f"""
      ## Client {index}: a service behind Authelia.
      - client_id: 'service-{index:03d}'
        client_name: 'Service {index}'
        client_secret: '{digest_text}'  # yamllint disable-line rule:line-length
        public: false
        authorization_policy: 'two_factor'
        require_pkce: true
        pkce_challenge_method: 'S256'
        redirect_uris:
          - 'https://service-{index:03d}.example.com/oauth2/callback'
          - 'https://service-{index:03d}.example.com/login/callback'
        scopes:
          - 'openid'
          - 'profile'
          - 'groups'
          - 'email'
        response_types:
          - 'code'
        grant_types:
          - 'authorization_code'
        userinfo_signed_response_alg: 'none'
        token_endpoint_auth_method: 'client_secret_basic'
"""


def generate(librechat_digest: str, other_digest: str) -> str:
    from tests.conftest import FAKE_CLIENT_ID
    from tests.userfiles_helpers import clean_config, rsa_pem

    head = clean_config().split("    clients:\n")[0]
    # A plain load cannot read template lines: the benchmark file has the values inline.
    key = "\n".join("          " + line for line in rsa_pem(2048).strip().splitlines())
    head = head.replace(
        '    hmac_secret: {{ secret "/config/secrets/oidc/hmac" | msquote }}',
        "    hmac_secret: '" + "h" * 64 + "'")
    head = head.replace(
        '        key: {{ secret "/config/secrets/oidc/jwks/rsa.2048.key" | mindent 10 "|" '
        '| msquote }}', "        key: |\n" + key)
    for name in ("jwt", "session", "storage"):
        head = head.replace('{{ secret "/config/secrets/' + name + '" | msquote }}',
                            "'" + name * 10 + "'")
    clients = [_client(i, other_digest) for i in range(CLIENTS - 1)]
    librechat = _client(CLIENTS, librechat_digest).replace(
        f"'service-{CLIENTS:03d}'", f"'{FAKE_CLIENT_ID}'").replace(
        f"https://service-{CLIENTS:03d}.example.com/oauth2/callback",
        "https://librechat.example.com/oauth/openid/callback").replace(
        "client_secret_basic", "client_secret_post").replace("          - 'groups'\n", "")
    clients.insert(CLIENTS // 2, librechat)
    text = head + "    clients:\n" + "".join(clients)
    lines = text.count("\n")
    filler = "".join(f"# Notes, line {n}: kept by hand over the years.\n"
                     for n in range(max(0, TARGET_LINES - lines)))
    return "---\n" + filler + text.removeprefix("---\n")


def main() -> None:
    from ruamel.yaml import YAML

    from tests.conftest import FAKE_CLIENT_SECRET
    from tests.userfiles_helpers import ENV
    from tui.core import digest
    from tui.core.findings import has_errors
    from tui.userfiles.audit import audit
    from tui.userfiles.sources import read_sources

    librechat_digest = digest.hash(FAKE_CLIENT_SECRET)  # Authelia's defaults: slow
    other = digest.hash("fake-other-secret", iterations=1000)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "configuration.yml"
        path.write_text(generate(librechat_digest, other))
        text = path.read_text()
        lines = text.count("\n")

        def plain_load() -> None:
            YAML(typ="rt").load(path.read_text())

        def run_audit():
            sources = read_sources([path], ENV)
            return audit(sources.config, sources.env, librechat="0.8.7")

        run_audit()  # imports and caches, outside the timing
        plain_load()
        ours, baseline, digests = [], [], []
        for _ in range(RUNS):  # interleaved, so drift hits both alike
            start = time.perf_counter()
            result = run_audit()
            total = time.perf_counter() - start
            assert result.verifications == 1, result.verifications
            assert not has_errors(result.findings), result.findings
            ours.append(total - result.digest_seconds)
            digests.append(result.digest_seconds)
            start = time.perf_counter()
            plain_load()
            baseline.append(time.perf_counter() - start)
    a, b = statistics.median(ours), statistics.median(baseline)
    print(f"configuration.yml: {lines} lines, {CLIENTS} clients")
    print(f"audit (without digest verification): {a * 1000:8.1f} ms")
    print(f"plain ruamel.yaml load:               {b * 1000:8.1f} ms")
    print(f"ratio: {a / b:.2f}x (target <= 1.5x)")
    print(f"digest verification, once per audit:  {statistics.median(digests) * 1000:8.1f} ms "
          "(pbkdf2-sha512, 310000 iterations)")


if __name__ == "__main__":
    main()
