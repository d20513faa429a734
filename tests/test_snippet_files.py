"""Writing a snippet where the user asked: only regular files are ever replaced."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from tui.core import files
from tui.core.files import write_snippet

TEXT = "OPENID_ISSUER=https://auth.example.com\n"


@pytest.fixture
def nothing_in_dev(monkeypatch):
    """A safety net: even a broken write_snippet cannot replace anything under /dev."""
    real_replace, real_link = os.replace, os.link

    def guard(function):
        def guarded(source, target, *args, **kwargs):
            if os.path.abspath(target).startswith("/dev/"):
                raise AssertionError(f"tried to replace {target}")
            return function(source, target, *args, **kwargs)
        return guarded

    monkeypatch.setattr(files.os, "replace", guard(real_replace))
    monkeypatch.setattr(files.os, "link", guard(real_link))


def test_a_new_file_is_written_private(tmp_path):
    path = write_snippet(tmp_path / "client.yml", TEXT)
    assert path.read_text() == TEXT and stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("mode", [{}, {"overwrite": True}, {"append": True}])
def test_a_fifo_is_refused_in_every_mode(tmp_path, mode):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="named pipe") as caught:
        write_snippet(fifo, TEXT, **mode)
    assert not isinstance(caught.value, FileExistsError)  # not "replace it?", but "no"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("mode", [{}, {"overwrite": True}, {"append": True}])
def test_dev_null_stays_a_character_device(nothing_in_dev, mode):
    with pytest.raises(OSError, match="character device"):
        write_snippet("/dev/null", TEXT, **mode)
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_a_device_node_and_a_socket_are_refused(tmp_path):
    if os.geteuid() == 0:
        node = tmp_path / "node"
        os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        with pytest.raises(OSError, match="character device"):
            write_snippet(node, TEXT, overwrite=True)
        assert stat.S_ISCHR(os.lstat(node).st_mode)
    sock_path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(OSError, match="socket"):
            write_snippet(sock_path, TEXT, overwrite=True)
    assert stat.S_ISSOCK(os.lstat(sock_path).st_mode)


def test_a_link_to_a_device_is_refused(tmp_path, nothing_in_dev):
    link = tmp_path / "out"
    link.symlink_to("/dev/null")
    with pytest.raises(OSError, match="character device"):
        write_snippet(link, TEXT, overwrite=True)
    assert link.is_symlink() and stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_an_unknown_user_is_a_clear_error(tmp_path):
    with pytest.raises(OSError, match="no user named 'nosuchuser'"):
        write_snippet("~nosuchuser/x", TEXT)


@pytest.mark.parametrize("path", ["", "   "])
def test_an_empty_path_is_a_clear_error(path):
    with pytest.raises(OSError, match="no file name"):
        write_snippet(path, TEXT)


def test_home_and_tilde_both_expand(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert write_snippet("~/a.env", TEXT) == home / "a.env"
    assert write_snippet("$HOME/b.env", TEXT) == home / "b.env"
    assert write_snippet("${HOME}/c.env", TEXT) == home / "c.env"
    assert (home / "b.env").read_text() == TEXT


def test_a_directory_gets_the_default_file_name(tmp_path):
    path = write_snippet(tmp_path, TEXT, default_name="librechat.env")
    assert path == tmp_path / "librechat.env" and path.read_text() == TEXT
    with pytest.raises(FileExistsError):
        write_snippet(tmp_path, TEXT, default_name="librechat.env")
    with pytest.raises(IsADirectoryError, match="add a file name"):
        write_snippet(tmp_path, TEXT)


def test_an_existing_file_needs_overwrite_or_append(tmp_path):
    path = tmp_path / "x.env"
    path.write_text("OLD=1\n")
    with pytest.raises(FileExistsError):
        write_snippet(path, TEXT)
    write_snippet(path, TEXT, overwrite=True)
    assert path.read_text() == TEXT
    with pytest.raises(ValueError, match="not both"):
        write_snippet(path, TEXT, overwrite=True, append=True)


@pytest.mark.parametrize(("old", "expected"),
                         [("OLD=1\n", "OLD=1\n" + TEXT), ("OLD=1", "OLD=1\n" + TEXT),
                          ("", TEXT)], ids=["newline", "no-newline", "empty"])
def test_append_keeps_the_old_text_on_its_own_line(tmp_path, old, expected):
    path = tmp_path / ".env"
    path.write_text(old)
    assert write_snippet(path, TEXT, append=True) == path
    assert path.read_text() == expected
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_append_to_a_missing_file_creates_it(tmp_path):
    assert write_snippet(tmp_path / "new.env", TEXT, append=True).read_text() == TEXT


def test_append_keeps_bytes_that_are_not_utf8(tmp_path):
    path = tmp_path / "latin1.env"
    path.write_bytes(b"NAME=caf\xe9")
    write_snippet(path, TEXT, append=True)
    assert path.read_bytes() == b"NAME=caf\xe9\n" + TEXT.encode()


@pytest.mark.parametrize("mode", [{"overwrite": True}, {"append": True}])
def test_a_symlink_is_written_through_and_kept(tmp_path, mode):
    real = tmp_path / "real.env"
    real.write_text("OLD=1\n")
    link = tmp_path / "link.env"
    link.symlink_to(real)
    assert write_snippet(link, TEXT, **mode) == link
    assert link.is_symlink() and TEXT in real.read_text()


def test_a_missing_directory_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_snippet(tmp_path / "nope" / "x.env", TEXT)
    assert not Path(tmp_path / "nope").exists()
