"""The store under hostile and unlucky conditions: every failure is one line."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import stat
import tempfile
import threading
from pathlib import Path

import pytest
from conftest import FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET, fake_profile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core import store as store_module
from tui.core.profile import Profile
from tui.core.store import (
    NAME_MAX_LENGTH,
    ProfileChangedOnDisk,
    ProfileCorrupt,
    ProfileExists,
    ProfileStore,
    StoreError,
    validate_name,
)


@pytest.fixture
def store(tmp_path):
    return ProfileStore(tmp_path / "cfg")


def _one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text, text
    assert FAKE_CLIENT_SECRET not in text and FAKE_SESSION_SECRET not in text
    return text


def _write_raw(store, name: str, content: bytes | str) -> Path:
    store.profiles_dir.mkdir(parents=True, exist_ok=True)
    path = store.profiles_dir / f"{name}.yaml"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


# Every load failure is ProfileCorrupt("file: problem") ----------------------------------

@pytest.mark.parametrize(
    ("content", "problem"),
    [("version: 1\nlibrechat_version: 2020-13-45\n", "month must be in 1..12"),
     ("version: 1\n1: a\nfoo: b\n", "setting names must be text"),
     ("version: 1\nlibrechat_version: 2020-01-01\n", "librechat_version must be a string"),
     ("version: 1\nlibrechat_version: 1" + "0" * 5000 + "\n", "cannot be read"),
     ("version: 1\nclient_name: 1" + "0" * 5000 + "\n", "cannot be read"),
     ("version: [1]\n", "version is [1]"),
     ("version: 1\nscopes: &a [*a]\n", "scopes must be a list of strings"),
     (b"version: 1\nclient_name: '\xff'\n", "cannot be read"),
     ("version: 1\napp_url: " + "[" * 5000 + "]" * 5000 + "\n", "not valid YAML")],
    ids=["bad-date", "int-and-str-keys", "date-version", "huge-int-version", "huge-int-name",
         "list-version", "recursive-list", "not-utf8", "deep-nesting"],
)
def test_every_bad_file_is_one_line_naming_the_file(store, content, problem):
    path = _write_raw(store, "broken", content)
    with pytest.raises(ProfileCorrupt) as caught:
        store.load("broken")
    text = _one_line(caught.value)
    assert text.startswith(f"{path}: ") and problem in text
    assert store.names() == ["broken"]


@pytest.mark.parametrize("error", [TypeError("t"), OverflowError("o"), RecursionError("r"),
                                   UnicodeError("u"), ValueError("v\nsecond line"),
                                   KeyError("k"), AttributeError("a")])
def test_any_exception_while_parsing_becomes_profile_corrupt(store, monkeypatch, error):
    path = _write_raw(store, "odd", "version: 1\n")

    def explode(text):
        raise error

    monkeypatch.setattr(store_module, "load_yaml", explode)
    with pytest.raises(ProfileCorrupt) as caught:
        store.load("odd")
    assert _one_line(caught.value).startswith(f"{path}: ")


def test_a_huge_file_is_refused_without_reading_it_all(store):
    _write_raw(store, "big", "version: 1\n#" + "x" * (2 << 20) + "\n")
    with pytest.raises(ProfileCorrupt, match="too large"):
        store.load("big")


# Values are validated before writing; what save accepts, load returns ---------------------

@pytest.mark.parametrize(
    ("changes", "field"),
    [({"client_name": "Libre\udcffChat"}, "client_name"),
     ({"group": "fam\udce9ly"}, "group"),
     ({"app_url": "https://chat.example.com/\udcff"}, "app_url"),
     ({"client_name": "a\x00b"}, "client_name"),
     ({"client_name": "a\x85b"}, "client_name"),
     ({"scopes": ("openid", "bad\udcff")}, "scopes"),
     ({"client_name": 5}, "client_name"),
     ({"refresh_tokens": "yes"}, "refresh_tokens"),
     ({"checklist": ("a", 3)}, "checklist")],
)
def test_a_value_that_cannot_be_read_back_is_refused_and_the_old_profile_kept(
        store, changes, field):
    path = store.save("home", fake_profile())
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        store.save("home", fake_profile(**changes))
    text = _one_line(caught.value)
    assert field in text and "home" in text
    assert path.read_bytes() == before
    assert store.load("home") == fake_profile()
    assert sorted(p.name for p in store.profiles_dir.iterdir()
                  if not p.name.endswith(".lock")) == ["home.yaml"]


@pytest.mark.parametrize("field", ["client_secret", "session_secret"])
def test_a_bad_secret_is_refused_without_showing_it(store, field):
    secret = "s3cr3t-value-" + "\udcff" + "-tail"
    with pytest.raises(StoreError) as caught:
        store.save("home", fake_profile(**{field: secret}))
    text = _one_line(caught.value)
    assert field in text
    assert "s3cr3t" not in text and "tail" not in text and "\\xff" not in text


def test_a_raw_byte_in_a_plain_field_is_named(store):
    with pytest.raises(StoreError, match=r"client_name.*\\xff"):
        store.save("home", fake_profile(client_name="Libre\udcffChat"))


# Surrogates too: argv decoded with surrogateescape holds them (--client-name $'\xff').
_any_text = st.one_of(st.text(max_size=30),
                      st.text(st.characters(blacklist_categories=()), max_size=30))
_text = _any_text
_texts = st.lists(_any_text, max_size=4).map(tuple)


@st.composite
def _profiles(draw) -> Profile:
    values = {}
    for name, default in Profile._field_defaults.items():
        if isinstance(default, bool):
            values[name] = draw(st.booleans())
        elif isinstance(default, tuple):
            values[name] = draw(_texts)
        else:
            values[name] = draw(_text)
    return Profile(**values)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profile=_profiles())
def test_every_saved_profile_reads_back_equal(store, profile):
    try:
        store.save("prop", profile)
    except StoreError as error:
        _one_line(error)
        return
    assert store.load("prop") == profile


_plain = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFFFD,
                               blacklist_categories=("Cs", "Zl", "Zp", "Cc")), max_size=30)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_plain, group=_plain, url=_plain, scopes=st.lists(_plain, max_size=3))
def test_ordinary_text_is_always_accepted(store, name, group, url, scopes):
    profile = fake_profile(client_name=name, group=group, app_url=url, scopes=tuple(scopes))
    store.save("ok", profile)
    assert store.load("ok") == profile


# Exclusive create, locks and stamps -------------------------------------------------------

def test_create_is_exclusive_even_when_another_writer_gets_in_first(store, monkeypatch):
    store.profiles_dir.mkdir(parents=True)
    competitor = "version: 1\nclient_name: 'theirs'\n"
    real_mkstemp = tempfile.mkstemp

    def mkstemp_then_competitor_writes(*args, **kwargs):
        result = real_mkstemp(*args, **kwargs)
        (store.profiles_dir / "home.yaml").write_text(competitor)
        return result

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_then_competitor_writes)
    with pytest.raises(ProfileExists, match="already exists"):
        store.save("home", fake_profile(), overwrite=False)
    assert (store.profiles_dir / "home.yaml").read_text() == competitor
    assert [p.name for p in store.profiles_dir.iterdir() if p.suffix == ".tmp"] == []


def _create_in_child(config_dir, index, barrier, results):
    store = ProfileStore(Path(config_dir))
    barrier.wait(timeout=30)
    try:
        store.save("home", fake_profile(client_name=f"writer {index}"), overwrite=False)
        results.put(("created", index))
    except ProfileExists:
        results.put(("exists", index))


def test_concurrent_creates_exactly_one_wins(store):
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(6), context.Queue()
    children = [context.Process(target=_create_in_child,
                                args=(str(store.config_dir), i, barrier, results))
                for i in range(6)]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=60) for _ in children]
    for child in children:
        child.join(timeout=60)
    created = [index for what, index in outcomes if what == "created"]
    assert len(created) == 1 and len(outcomes) == 6
    assert store.load("home").client_name == f"writer {created[0]}"


def test_a_held_lock_makes_save_wait_then_fail_clearly(store):
    store.save("home", fake_profile())
    store.lock_timeout = 0.2
    with store.lock("home"):
        assert (store.profiles_dir / ".home.lock").is_file()
        with pytest.raises(StoreError) as caught:
            store.save("home", fake_profile(client_name="late"))
    text = _one_line(caught.value)
    assert "home" in text and "another" in text
    assert store.load("home") == fake_profile()
    store.save("home", fake_profile(client_name="later"))  # released
    assert store.load("home").client_name == "later"


def test_every_write_holds_the_profiles_lock(store, monkeypatch):
    import fcntl

    from tui.core import files

    seen = []
    real_replace = os.replace

    def replace_and_probe(source, target):
        if str(target).endswith("home.yaml"):
            fd = os.open(store.profiles_dir / ".home.lock", os.O_RDWR)
            try:
                with pytest.raises(BlockingIOError):
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                seen.append(target)
            finally:
                os.close(fd)
        return real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", replace_and_probe)
    store.save("home", fake_profile())
    store.save("home", fake_profile(client_name="again"))
    assert len(seen) == 2


def test_save_with_the_stamp_of_a_changed_file_is_refused(store):
    store.save("home", fake_profile())
    mine, stamp = store.load_with_stamp("home")
    store.save("home", fake_profile(client_secret="rotated-" + "r" * 40))  # another program
    with pytest.raises(ProfileChangedOnDisk) as caught:
        store.save("home", mine.with_changes(checklist=("login",)), expected=stamp)
    assert "'home'" in _one_line(caught.value) and isinstance(caught.value, StoreError)
    assert store.load("home").client_secret == "rotated-" + "r" * 40


def test_save_with_a_current_stamp_works_and_gives_the_next_stamp(store):
    store.save("home", fake_profile())
    profile, stamp = store.load_with_stamp("home")
    assert store.stamp("home") == stamp
    stamp2 = store.save_with_stamp("home", profile.with_changes(checklist=("a",)), expected=stamp)
    assert stamp2 != stamp and store.stamp("home") == stamp2
    path = store.save("home", profile.with_changes(checklist=("a", "b")), expected=stamp2)
    assert path == store.path("home")
    assert store.load("home").checklist == ("a", "b")


def test_a_deleted_profile_counts_as_changed(store):
    store.save("home", fake_profile())
    _, stamp = store.load_with_stamp("home")
    store.delete("home")
    assert store.stamp("home") is None
    with pytest.raises(ProfileChangedOnDisk, match="deleted"):
        store.save("home", fake_profile(), expected=stamp)


# Names ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "reason"),
                         [("foo\n", "letters, digits"), (".hidden", "dot"), ("...", "dot"),
                          (".", "dot"), ("x" * 300, "too long")])
def test_bad_names_get_a_clear_one_line_refusal(store, name, reason):
    with pytest.raises(StoreError, match=reason) as caught:
        store.save(name, fake_profile())
    assert len(_one_line(caught.value)) < 160


def test_the_longest_allowed_name_works(store):
    name = "n" * NAME_MAX_LENGTH
    assert NAME_MAX_LENGTH + len(".yaml") + 30 < 255
    store.save(name, fake_profile())
    assert store.load(name) == fake_profile() and store.names() == [name]
    with pytest.raises(StoreError, match="too long"):
        validate_name(name + "n")


def test_names_lists_only_valid_profile_files(store):
    store.save("home", fake_profile())
    (store.profiles_dir / ".hidden.yaml").write_text("version: 1\n")
    (store.profiles_dir / ("x" * 200 + ".yaml")).write_text("version: 1\n")
    os.mkfifo(store.profiles_dir / "pipe.yaml")
    assert store.names() == ["home"]
    assert all(isinstance(n, str) for n in store.names())


def _as_nobody(function):
    """Run `function` in a forked child as an unprivileged user; return what it returned."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(read)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            result = function()
        except BaseException as error:  # report anything to the parent
            result = f"{type(error).__name__}: {error}"
        os.write(write, repr(result).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        output = pipe.read()
    os.waitpid(pid, 0)
    return output


@pytest.fixture
def nobody_store():
    """A store in a directory an unprivileged user owns (tmp_path is root's, mode 0700)."""
    base = Path(tempfile.mkdtemp(prefix="lca-nobody-"))
    try:
        if os.geteuid() == 0:
            os.chown(base, 65534, 65534)
        yield ProfileStore(base / "cfg")
    finally:
        import shutil

        for path in [base, *base.rglob("*")]:  # a 000 directory, when not run as root
            if path.is_dir() and not path.is_symlink():
                with contextlib.suppress(OSError):
                    os.chmod(path, 0o700)
        shutil.rmtree(base, ignore_errors=True)


def test_an_unreadable_profiles_dir_is_a_clear_error_not_an_empty_list(nobody_store):
    store = nobody_store

    def child():
        store.save("home", fake_profile())
        os.chmod(store.profiles_dir, 0)
        try:
            store.names()
        except StoreError as error:
            return str(error)
        return "no error"

    output = _as_nobody(child)
    assert "cannot read the profiles directory" in output and str(store.profiles_dir) in output


def test_a_read_only_profiles_dir_stays_read_only_and_saving_says_so(store):
    store.save("home", fake_profile())
    os.chmod(store.profiles_dir, 0o500)
    try:
        with pytest.raises(StoreError) as caught:
            store.save("home", fake_profile(client_name="changed"))
        assert "read-only" in _one_line(caught.value)
        assert stat.S_IMODE(store.profiles_dir.stat().st_mode) == 0o500
        assert store.load("home") == fake_profile()
    finally:
        os.chmod(store.profiles_dir, 0o700)


def test_a_read_only_profiles_dir_as_a_normal_user(nobody_store):
    store = nobody_store

    def child():
        store.save("home", fake_profile())
        os.chmod(store.profiles_dir, 0o500)
        try:
            store.save("home", fake_profile(client_name="changed"))
        except StoreError as error:
            return str(error)
        return "saved"

    assert "read-only" in _as_nobody(child)


# Permissions ------------------------------------------------------------------------------

def test_a_symlinked_profiles_dir_keeps_its_mode(store, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    store.config_dir.mkdir()
    store.profiles_dir.symlink_to(shared)
    store.save("home", fake_profile())
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert store.profiles_dir.is_symlink() and store.load("home") == fake_profile()
    assert any("mode 1777" in w for w in store.permission_warnings("home"))


@pytest.mark.parametrize("umask", [0, 0o022, 0o277])
def test_dirs_are_created_0700_whatever_the_umask(store, umask):
    old = os.umask(umask)
    try:
        path = store.save("home", fake_profile())
    finally:
        os.umask(old)
    assert stat.S_IMODE(store.config_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.profiles_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((store.profiles_dir / ".home.lock").stat().st_mode) == 0o600


def test_permission_warnings(store):
    path = store.save("home", fake_profile())
    assert store.permission_warnings("home") == []
    os.chmod(path, 0o644)
    os.chmod(store.profiles_dir, 0o755)
    warnings = store.permission_warnings("home")
    assert len(warnings) == 2
    assert any(str(path) in w and "0644" in w and "chmod 600" in w for w in warnings)
    assert any(str(store.profiles_dir) in w and "0755" in w and "chmod 700" in w
               for w in warnings)
    assert all("\n" not in w for w in warnings)


# Symlinks and special files ---------------------------------------------------------------

def test_a_symlinked_profile_is_written_through_and_stays_a_link(store, tmp_path):
    elsewhere = tmp_path / "dotfiles"
    elsewhere.mkdir()
    real = elsewhere / "home.yaml"
    store.save("tmp", fake_profile())
    os.replace(store.path("tmp"), real)
    store.path("home").symlink_to(real)
    store.save("home", fake_profile(client_name="through the link"))
    assert store.path("home").is_symlink()
    assert store.load("home").client_name == "through the link"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


def _fails_within(seconds, function):
    """Run function in a thread; a hang (the old behaviour on a FIFO) becomes a failure."""
    outcome = {}

    def target():
        try:
            outcome["value"] = function()
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    return thread.is_alive(), outcome


def _release(fifo: Path):
    with contextlib.suppress(OSError):
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)


def test_a_fifo_as_a_profile_is_refused_without_opening_it(store):
    store.profiles_dir.mkdir(parents=True)
    fifo = store.profiles_dir / "pipe.yaml"
    os.mkfifo(fifo)
    hung, outcome = _fails_within(20, lambda: store.load("pipe"))
    _release(fifo)
    assert not hung, "load() blocked on a FIFO"
    assert isinstance(outcome.get("error"), ProfileCorrupt)
    assert "not a regular file" in _one_line(outcome["error"])
    with pytest.raises(StoreError, match="not a regular file"):
        store.save("pipe", fake_profile())
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_fifo_as_last_profile_is_not_read(store):
    store.config_dir.mkdir(parents=True)
    fifo = store.config_dir / "last-profile"
    os.mkfifo(fifo)
    hung, outcome = _fails_within(20, store.last_used)
    _release(fifo)
    assert not hung, "last_used() blocked on a FIFO"
    assert outcome == {"value": None}


def test_a_profile_linked_to_a_device_is_refused(store):
    store.profiles_dir.mkdir(parents=True)
    store.path("dev").symlink_to("/dev/null")
    with pytest.raises(ProfileCorrupt, match="character device"):
        store.load("dev")
    with pytest.raises(StoreError, match="not a regular file"):
        store.save("dev", fake_profile())
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("url", ["https://x/ /", "https://x \t/", " https://x/\u3000/ "])
def test_url_normalisation_is_stable(url):
    from tui.core.profile import normalise_url

    assert normalise_url(url) == "https://x" == normalise_url(normalise_url(url))
