"""Fixtures for the user-file tests: the clean pair, and mutations of it, one per code."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from tests.conftest import DATA

USERFILES = DATA / "userfiles"
CONFIG = USERFILES / "authelia" / "configuration.yml"
ENV = USERFILES / "librechat.env"
BROKEN_ENV = USERFILES / "librechat-broken.env"
COMPOSE = USERFILES / "docker-compose.override.yml"
LIBRECHAT_CLIENT_LINE = "      - client_id: 'fake-client-id-"


def clean_config() -> str:
    return CONFIG.read_text()


def clean_env() -> str:
    return ENV.read_text()


def env_set(text: str, key: str, raw: str | None) -> str:
    """The .env with KEY's first line set to the raw text `KEY=raw` (None: removed)."""
    pattern = re.compile(rf"(?m)^{re.escape(key)}=.*\n")
    line = "" if raw is None else f"{key}={raw}\n"
    if pattern.search(text):
        return pattern.sub(line.replace("\\", "\\\\"), text, count=1)
    return text + line


def librechat_client_set(text: str, key: str, raw: str | None) -> str:
    """The config with the LibreChat client's `key:` line set to `key: raw` (None: removed,
    a missing key is added after client_name)."""
    start = text.index(LIBRECHAT_CLIENT_LINE)
    end = text.index("\n\n", start)
    block = text[start:end]
    pattern = re.compile(rf"(?m)^        {re.escape(key)}:.*\n(?:          - .*\n)*")
    line = "" if raw is None else f"        {key}: {raw}\n"
    if pattern.search(block + "\n"):
        block = pattern.sub(line, block + "\n", count=1).rstrip("\n")
    else:
        block = block.replace("        client_name:", f"{line}        client_name:", 1)
    return text[:start] + block + text[end:]


@cache
def rsa_pem(bits: int) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@cache
def ec_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def inline_jwks_key(text: str, pem: str, algorithm: str = "RS256") -> str:
    """The config with the templated jwks key replaced by an inline PEM block."""
    body = "\n".join("          " + line for line in pem.strip().splitlines())
    text = re.sub(r"(?m)^        key: \{\{.*\}\}$", lambda m: "        key: |\n" + body, text,
                  count=1)
    return text.replace("        algorithm: 'RS256'", f"        algorithm: '{algorithm}'", 1)


def write_pair(tmp_path: Path, config: str, env: str | bytes) -> tuple[Path, Path]:
    config_path = tmp_path / "configuration.yml"
    env_path = tmp_path / ".env"
    config_path.write_text(config)
    if isinstance(env, bytes):
        env_path.write_bytes(env)
    else:
        env_path.write_text(env)
    return config_path, env_path
