from __future__ import annotations

import os
import stat

import pytest
from conftest import fake_profile

from tui.core.profile import normalise_url
from tui.core.store import ProfileCorrupt, ProfileExists, ProfileNotFound, ProfileStore, StoreError


@pytest.fixture
def store(tmp_path):
    return ProfileStore(tmp_path / "cfg")


def test_default_location_honours_xdg_config_home(_isolated_config):
    assert ProfileStore().profiles_dir == _isolated_config / "librechat-authelia" / "profiles"


def test_save_and_load_round_trip(store):
    profile = fake_profile(group="family", refresh_tokens=True, checklist=("login",))
    path = store.save("home", profile)
    assert path == store.profiles_dir / "home.yaml"
    assert store.load("home") == profile
    assert path.read_text().startswith("version: 1\n")
    assert store.names() == ["home"]


def test_modes_are_private(store):
    path = store.save("home", fake_profile())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.profiles_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.config_dir.stat().st_mode) == 0o700


@pytest.mark.parametrize("name", ["", "a/b", "../x", "..", "a b", "ä"])
def test_bad_names_are_refused(store, name):
    with pytest.raises(StoreError, match="letters, digits"):
        store.save(name, fake_profile())


def test_a_crash_during_write_leaves_the_old_file_whole(store, monkeypatch):
    store.save("home", fake_profile())
    before = store.path("home").read_bytes()

    def crash(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StoreError, match="No space left"):
        store.save("home", fake_profile(client_name="changed"))
    assert store.path("home").read_bytes() == before
    assert sorted(p.name for p in store.profiles_dir.iterdir() if p.suffix != ".lock") == [
        "home.yaml"]


def test_save_without_overwrite_refuses(store):
    store.save("home", fake_profile())
    with pytest.raises(ProfileExists):
        store.save("home", fake_profile(), overwrite=False)


@pytest.mark.parametrize(
    ("content", "problem"),
    [("version: 1\napp_url: [1, 2\n", "not valid YAML at line"),
     ("- a\n- b\n", "expected a mapping"),
     ("version: 1\nrefresh_tokens: maybe\n", "refresh_tokens must be true or false"),
     ("version: 1\nscopes: openid\n", "scopes must be a list"),
     ("version: 1\nclient_id: 12\n", "client_id must be a string"),
     ("version: 1\ncolour: blue\n", "unknown setting 'colour'"),
     ("version: 7\n", "profile version 1"),
     ("", "expected a mapping")],
)
def test_corrupt_files_are_reported_and_never_touched(store, content, problem):
    store.profiles_dir.mkdir(parents=True)
    path = store.profiles_dir / "broken.yaml"
    path.write_text(content)
    with pytest.raises(ProfileCorrupt) as caught:
        store.load("broken")
    assert str(path) in str(caught.value) and problem in str(caught.value)
    assert path.read_text() == content


def test_unquoted_version_numbers_in_a_hand_edited_file_are_accepted(store):
    store.profiles_dir.mkdir(parents=True)
    (store.profiles_dir / "hand.yaml").write_text("version: 1\nauthelia_version: 4.38\n")
    assert store.load("hand").authelia_version == "4.38"


def test_missing_profile(store):
    with pytest.raises(ProfileNotFound):
        store.load("nope")


def test_last_used_rename_delete(store):
    store.save("a", fake_profile())
    store.set_last_used("a")
    assert store.last_used() == "a"
    store.rename("a", "b")
    assert store.names() == ["b"] and store.last_used() == "b"
    store.save("c", fake_profile())
    with pytest.raises(ProfileExists):
        store.rename("b", "c")
    store.delete("b")
    assert store.names() == ["c"] and store.last_used() is None


def test_urls_are_normalised_once():
    assert normalise_url(" https://auth.example.com/ ") == "https://auth.example.com"
    assert fake_profile(app_url="https://chat.example.com//").app_url == "https://chat.example.com"
