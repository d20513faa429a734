"""Compose: LibreChat's and Authelia's services found by what they run, not by name."""

from __future__ import annotations

import pytest

from tests.corpus_helpers import CORPUS
from tui.userfiles.audit import audit
from tui.userfiles.compose import Compose, is_authelia_image, is_librechat_image
from tui.userfiles.sources import read_sources
from tui.userfiles.yamldoc import YamlDoc


def compose(text: str, tmp_path=None) -> Compose:
    path = (tmp_path / "compose.yml") if tmp_path else "compose.yml"
    if tmp_path:
        path.write_text(text)
    return Compose(YamlDoc(text, path))


@pytest.mark.parametrize("image", [
    "ghcr.io/danny-avila/librechat:v0.8.7", "ghcr.io/danny-avila/librechat-dev:latest",
    "ghcr.io/danny-avila/librechat-dev-api:latest", "librechat/librechat:latest",
    "docker.io/librechat/librechat-api:v0.8.7", "danny-avila/librechat",
    "registry.example.com/danny-avila/librechat-dev:latest",
    "registry.example.com:5000/mirror/danny-avila/librechat:v0.8.7",
    "ghcr.io/danny-avila/librechat@sha256:" + "0" * 64,
    "ghcr.io/danny-avila/librechat:v0.8.7@sha256:" + "0" * 64])
def test_librechat_images(image):
    assert is_librechat_image(image)


@pytest.mark.parametrize("image", [
    "ghcr.io/danny-avila/librechat-rag-api-dev-lite:latest",
    "ghcr.io/danny-avila/librechat-rag-api-dev:v0.5.0", "mongo", "getmeili/meilisearch:v1.12",
    "example.com/acme/librechat-fork:1", "ghcr.io/danny-avila/librechat/../evil", "", None])
def test_other_images(image):
    assert not is_librechat_image(image)


@pytest.mark.parametrize(("image", "found"), [
    ("authelia/authelia:4.39", True), ("ghcr.io/authelia/authelia:latest", True),
    ("docker.io/authelia/authelia@sha256:" + "0" * 64, True), ("authelia/authelia", True),
    ("authelia/authelia:${TAG}", True), ("lscr.io/linuxserver/authelia:4", False),
    ("authelia/authelia-helper:1", False)])
def test_authelia_images(image, found):
    assert is_authelia_image(image) is found


def test_librechat_is_found_by_its_image_before_a_service_named_api():
    found = compose("services:\n  api:\n    image: acme/api:1\n    environment:\n"
                    "      OPENID_CLIENT_ID: other\n  chat:\n"
                    "    image: ghcr.io/danny-avila/librechat:v0.8.6\n")
    assert found.librechat_service == "chat"
    assert found.librechat_version() == "v0.8.6"
    assert found.api_environment() == {}  # the other app's api was not read


def test_librechat_is_found_by_its_openid_environment_then_as_an_override():
    by_env = compose("services:\n  web:\n    build: .\n    environment:\n"
                     "      - OPENID_ISSUER=https://auth.example.com\n  db:\n    image: mongo\n")
    assert by_env.librechat_service == "web"
    override = compose("services:\n  api:\n    volumes:\n      - ./librechat.yaml:/app/"
                       "librechat.yaml\n")
    assert override.librechat_service == "api"
    none = compose("services:\n  api:\n    image: acme/api:1\n  authelia:\n"
                   "    image: authelia/authelia\n")
    assert none.librechat_service is None and none.env_files() == []


def test_the_rag_api_tag_is_not_librechats_version():
    found = compose("services:\n  rag:\n    image: ghcr.io/danny-avila/librechat-rag-api-dev"
                    ":v0.5.0\n  api:\n    image: ghcr.io/danny-avila/librechat-dev:latest\n")
    assert found.librechat_service == "api" and found.librechat_version() is None


def test_authelia_by_an_image_made_of_variables_in_a_service_named_after_it():
    found = compose("services:\n  db:\n    image: ${DB_IMAGE}\n  authelia:\n"
                    "    image: ${AUTHELIA_IMAGE}:${AUTHELIA_TAG}\n")
    assert found.authelia_service() == "authelia"
    assert compose("services:\n  db:\n    image: ${DB_IMAGE}\n").authelia_service() is None


def _codes(tmp_path, compose_text: str, env_files: dict[str, str] | None = None):
    for name, text in (env_files or {}).items():
        (tmp_path / name).write_text(text)
    path = tmp_path / "compose.yml"
    path.write_text(compose_text)
    sources = read_sources([CORPUS / "config-templated.yml"], CORPUS / "librechat-home.env",
                           path)
    findings = audit(sources.config, sources.env, sources.compose, librechat="0.8.7",
                     verify=False).findings
    return {f.code: f for f in findings}


AUTHELIA_WITH_ENV_FILE = ("services:\n  api:\n    image: librechat/librechat:v0.8.7\n"
                          "  authelia:\n    image: authelia/authelia:4.39\n"
                          "    env_file: authelia.env\n")


def test_the_template_filter_in_an_env_file(tmp_path):
    assert "template-filter-off" not in _codes(
        tmp_path, AUTHELIA_WITH_ENV_FILE,
        {"authelia.env": "X_AUTHELIA_CONFIG_FILTERS=expand-env,template\n"})


def test_an_env_file_without_the_filter_leaves_the_error(tmp_path):
    found = _codes(tmp_path, AUTHELIA_WITH_ENV_FILE, {"authelia.env": "TZ=UTC\n"})
    assert found["template-filter-off"].severity == "error"
    assert "template-filter-not-checked" not in found


@pytest.mark.parametrize("env_files", [{}, {"authelia.env": "X_AUTHELIA_CONFIG_FILTERS="
                                                            "${FILTERS}\n"}])
def test_an_env_file_that_cannot_be_read_makes_the_check_an_info(tmp_path, env_files):
    found = _codes(tmp_path, AUTHELIA_WITH_ENV_FILE, env_files)
    assert "template-filter-off" not in found
    assert found["template-filter-not-checked"].severity == "info"
    assert "authelia.env" in found["template-filter-not-checked"].message


def test_no_librechat_service_is_one_info_and_no_variable_from_compose(tmp_path):
    found = _codes(tmp_path, "services:\n  api:\n    image: acme/api:1\n    environment:\n"
                   "      DOMAIN_SERVER: ''\n      ALLOW_SOCIAL_LOGIN: 'false'\n")
    assert found["compose-librechat-not-found"].severity == "info"
    assert not {"env-missing", "social-login-disabled", "compose-overrides-env",
                "client-not-found"} & set(found)
