"""`apply` against a hostile neighbour and an unlucky day: whose link it writes through,
who owns the backup, what it refuses to replace, and one line for every failure."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from tests.conftest import FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET, fake_profile
from tests.userfiles_helpers import clean_config, clean_env
from tui.cli import main
from tui.core.store import ProfileStore
from tui.userfiles.apply import ApplyError, apply_file, plan_apply, write_plan

NOBODY = 65534
OTHER_GROUP = 54321  # a group nobody is in
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="changing owners needs root")


@pytest.fixture
def saved():
    ProfileStore().save("home", fake_profile())


def run_cli(capsys, *args) -> tuple[int, str]:
    code = main(["apply", *args])
    captured = capsys.readouterr()
    return code, captured.err


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def leftovers(directory: Path) -> list[str]:
    """Temporary files of ours (they may hold secrets) and backups."""
    return sorted(p.name for p in directory.iterdir()
                  if "librechat-authelia" in p.name or p.name.endswith((".bak", ".tmp")))


def as_nobody(function):
    """`function()` in a forked child running as uid/gid 65534; what it returned (repr)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
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
def nobody_dir():
    """A directory nobody owns (tmp_path is root's and 0700)."""
    base = Path(tempfile.mkdtemp(prefix="lca-apply-"))
    os.chmod(base, 0o755)
    os.chown(base, NOBODY, NOBODY)
    try:
        yield base
    finally:
        for path in [base, *base.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                with contextlib.suppress(OSError):
                    os.chmod(path, 0o700)
        shutil.rmtree(base, ignore_errors=True)


# Owner and group of the backup and of the new file -------------------------------------------


@as_root
@pytest.mark.parametrize("owner", [(NOBODY, NOBODY), (0, NOBODY), (NOBODY, OTHER_GROUP)])
def test_as_root_the_file_and_its_backup_keep_the_owner_and_group(tmp_path, owner):
    path = tmp_path / ".env"
    path.write_text("A=1\n")
    os.chown(path, *owner)
    os.chmod(path, 0o640)
    _, backup = apply_file("env", fake_profile(), path)
    for written in (path, backup):
        status = os.stat(written)
        assert (status.st_uid, status.st_gid) == owner, written
        assert stat.S_IMODE(status.st_mode) == 0o640, written
    assert backup.read_text() == "A=1\n"


@as_root
def test_the_temporary_file_has_the_owner_before_the_rename(tmp_path, monkeypatch):
    path = tmp_path / ".env"
    path.write_text("A=1\n")
    os.chown(path, NOBODY, OTHER_GROUP)
    os.chmod(path, 0o640)
    seen = []
    real_replace = os.replace

    def spy(source, target, **kwargs):
        status = os.stat(source, dir_fd=kwargs.get("src_dir_fd"))
        seen.append((status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)))
        return real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", spy)
    apply_file("env", fake_profile(), path)
    assert seen == [(NOBODY, OTHER_GROUP, 0o640)]


@as_root
def test_a_group_you_are_not_in_gives_a_private_backup_not_a_readable_one(nobody_dir):
    path = nobody_dir / ".env"
    path.write_text("A=1\n")
    os.chown(path, NOBODY, OTHER_GROUP)
    os.chmod(path, 0o640)

    def child():
        plan = plan_apply("env", fake_profile(), path)
        backup = write_plan(plan)
        modes = [(os.stat(p).st_uid, os.stat(p).st_gid, stat.S_IMODE(os.stat(p).st_mode))
                 for p in (path, backup)]
        return modes, plan.notes

    result = as_nobody(child)
    assert f"[({NOBODY}, {NOBODY}, 384), ({NOBODY}, {NOBODY}, 384)]" in result, result
    assert "which you are not in" in result and "mode 0600" in result


# Symlinks -----------------------------------------------------------------------------------


@as_root
def test_a_symlink_made_by_another_user_is_not_written_through(tmp_path, saved, capsys):
    victim = tmp_path / "theirs.conf"
    victim.write_text("THEIRS=1\n")
    os.chmod(victim, 0o644)
    link = tmp_path / ".env"
    link.symlink_to(victim)
    os.lchown(link, NOBODY, NOBODY)
    code, err = run_cli(capsys, "env", "--profile", "home", "--file", str(link), "--yes")
    assert code == 2
    assert "made by nobody (uid 65534), not by you or root" in one_line(err)
    assert victim.read_text() == "THEIRS=1\n" and link.is_symlink()
    assert leftovers(tmp_path) == []


@as_root
def test_a_directory_symlink_made_by_another_user_is_not_followed(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / ".env").write_text("A=1\n")
    link = tmp_path / "config"
    link.symlink_to(real)
    os.lchown(link, NOBODY, NOBODY)
    with pytest.raises(ApplyError, match="made by nobody"):
        plan_apply("env", fake_profile(), link / ".env")


def test_a_symlink_in_a_directory_anyone_can_write_is_refused_unless_sticky(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (tmp_path / "mine.env").write_text("A=1\n")
    link = shared / ".env"
    link.symlink_to(tmp_path / "mine.env")
    os.chmod(shared, 0o777)
    with pytest.raises(ApplyError, match="anyone can write to .mode 0777, no sticky bit"):
        plan_apply("env", fake_profile(), link)
    os.chmod(shared, 0o1777)  # like /tmp: only the link's owner can replace it
    assert plan_apply("env", fake_profile(), link).real == tmp_path / "mine.env"


def test_the_temporary_file_never_follows_a_planted_symlink(tmp_path, monkeypatch):
    from tui.core import files

    victim = tmp_path / "victim"
    victim.write_text("VICTIM\n")
    path = tmp_path / ".env"
    path.write_text("A=1\n")
    planted = ".env.librechat-authelia-00000000.tmp"
    (tmp_path / planted).symlink_to(victim)
    fresh = files.temp_name
    names = iter([planted, planted])
    monkeypatch.setattr(files, "temp_name", lambda name: next(names, None) or fresh(name))
    apply_file("env", fake_profile(), path)
    assert victim.read_text() == "VICTIM\n"
    assert (tmp_path / planted).is_symlink()
    assert "OPENID_CLIENT_ID" in path.read_text()


def test_a_file_swapped_for_a_symlink_after_the_diff_is_not_written(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("A=1\n")
    path = tmp_path / ".env"
    path.write_text("A=1\n")
    plan = plan_apply("env", fake_profile(), path)
    path.unlink()
    path.symlink_to(victim)
    with pytest.raises(ApplyError, match="changed since it was read"):
        write_plan(plan)
    assert victim.read_text() == "A=1\n" and path.is_symlink()
    assert leftovers(tmp_path) == []


def test_a_dangling_symlink_is_refused(tmp_path):
    link = tmp_path / ".env"
    link.symlink_to(tmp_path / "nothing-here")
    with pytest.raises(ApplyError, match="which does not exist"):
        plan_apply("env", fake_profile(), link)
    assert not (tmp_path / "nothing-here").exists()


# What apply refuses to replace --------------------------------------------------------------


@pytest.mark.parametrize("content, line", [
    (b"root:$6$abcdefgh$ijklmnop:19000:0:99999:7:::\n"
     b"daemon:*:19000:0:99999:7:::\n", 1),
    (b"A=1\nB=2\n\x7fELF\x00\x01\x02\n", 3),
])
def test_a_file_that_is_not_a_dotenv_is_refused(tmp_path, saved, capsys, content, line):
    path = tmp_path / "shadow"
    path.write_bytes(content)
    code, err = run_cli(capsys, "env", "--profile", "home", "--file", str(path), "--yes")
    assert code == 2
    assert f"does not look like a .env: line {line}" in one_line(err)
    assert path.read_bytes() == content and leftovers(tmp_path) == []


def test_a_dotenv_with_one_stray_line_is_still_a_dotenv(tmp_path):
    path = tmp_path / ".env"
    path.write_text(clean_env() + "this line is not an assignment\n")
    assert plan_apply("env", fake_profile(), path).changed


def test_a_read_only_file_is_refused_not_replaced(tmp_path, saved, capsys):
    path = tmp_path / ".env"
    path.write_text("A=1\n")
    os.chmod(path, 0o444)
    code, err = run_cli(capsys, "env", "--profile", "home", "--file", str(path), "--yes")
    assert code == 2 and "is read-only (mode 0444)" in one_line(err)
    assert path.read_text() == "A=1\n" and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("target, text", [("authelia", "~\n"), ("authelia", "!foo\na: 1\n"),
                                          ("compose", "--- ~\n"), ("compose", "- a\n")])
def test_a_file_that_is_not_a_mapping_says_so(tmp_path, target, text):
    path = tmp_path / "file.yml"
    path.write_text(text)
    with pytest.raises(ApplyError, match="the file is not a mapping") as caught:
        plan_apply(target, fake_profile(), path)
    assert "\n" not in str(caught.value)


# One line, never a traceback ----------------------------------------------------------------


def test_a_symlink_loop_is_one_line(tmp_path, saved, capsys):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    code, err = run_cli(capsys, "env", "--profile", "home", "--file", str(tmp_path / "a"))
    assert code == 2 and "too many levels of symbolic links" in one_line(err)


def test_a_link_to_proc_self_environ_is_one_line(tmp_path, saved, capsys):
    link = tmp_path / ".env"
    link.symlink_to("/proc/self/environ")
    code, err = run_cli(capsys, "env", "--profile", "home", "--file", str(link), "--yes")
    assert code == 2 and "is in /proc" in one_line(err)


def test_a_name_too_long_and_an_unknown_user_are_one_line(tmp_path, saved, capsys):
    for name, expected in ((str(tmp_path / ("x" * 300)), "File name too long"),
                           ("~nosuchuser-lca/x.env", "no user named 'nosuchuser-lca'"),
                           ("", "no file name given")):
        code, err = run_cli(capsys, "env", "--profile", "home", "--file", name, "--yes")
        assert code == 2 and expected in one_line(err), err


@as_root
def test_a_read_only_directory_is_one_line(nobody_dir):
    folder = nobody_dir / "ro"
    folder.mkdir()
    (folder / ".env").write_text("A=1\n")
    os.chown(folder, NOBODY, NOBODY)
    os.chown(folder / ".env", NOBODY, NOBODY)
    os.chmod(folder, 0o555)

    def child():
        try:
            apply_file("env", fake_profile(), folder / ".env")
        except ApplyError as error:
            return str(error)
        return "written"

    result = as_nobody(child)
    assert "is not writable by you" in result and "nothing written" in result
    assert (folder / ".env").read_text() == "A=1\n"


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_a_full_disk_is_one_line_and_leaves_nothing_behind(tmp_path, saved, capsys,
                                                           monkeypatch, call):
    path = tmp_path / ".env"
    path.write_text("A=1\n")
    real = getattr(os, call)

    def full(fd, *args):
        if os.fstat(fd).st_size > 0 or call == "write":  # the temporary files, not dirs
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, *args)

    monkeypatch.setattr(os, call, full)
    code, err = run_cli(capsys, "env", "--profile", "home", "--file", str(path), "--yes")
    assert code == 2 and "No space left on device" in one_line(err)
    assert path.read_text() == "A=1\n"
    assert leftovers(tmp_path) == []  # neither an empty backup nor a temporary file


# Crashes: the backup is whole or absent; our leftovers are cleaned ----------------------------

KILLED_WRITER = """
import resource, signal, sys
from pathlib import Path
from tests.conftest import fake_profile
from tui.userfiles.apply import plan_apply, write_plan
plan = plan_apply("env", fake_profile(), Path(sys.argv[1]))
limit = int(sys.argv[2])
assert len(plan.new_text.encode()) < limit < len(plan.old)
signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it; the kernel's default kills
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
write_plan(plan)
"""


def test_a_kill_while_backing_up_leaves_no_truncated_backup_and_the_next_run_cleans_up(
        tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    path = tmp_path / ".env"
    # A long old secret: the new file is shorter than the old one, so a file size limit
    # between the two kills the writer while it copies the old bytes to the backup.
    old = clean_env().replace(FAKE_CLIENT_SECRET, "old-fake-secret-" + "o" * 3000)
    path.write_text(old)
    new_size = len(plan_apply("env", fake_profile(), path).new_text.encode())
    process = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(path), str(new_size + 100)], cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, timeout=60)
    assert process.returncode == -25, process.stderr.decode()[-2000:]  # SIGXFSZ
    assert path.read_text() == old
    assert not list(tmp_path.glob("*.bak"))  # never a truncated backup under its name
    stale = [p for p in tmp_path.iterdir() if "librechat-authelia" in p.name]
    assert stale  # what the killed run left: the new secrets, a partial copy
    os.utime(path)  # the next run starts later than the leftovers were written
    for leftover in stale:
        os.utime(leftover, (1, 1))
    _, backup = apply_file("env", fake_profile(), path)
    assert backup.read_text() == old
    assert leftovers(tmp_path) == [backup.name]
    assert FAKE_SESSION_SECRET in path.read_text()


def test_a_temporary_file_in_use_or_not_ours_is_left_alone(tmp_path):
    from tui.core.files import create_temp, remove_stale_temps, temp_name

    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        busy, busy_name = create_temp(fd, ".env")  # a writer still at work (holds its lock)
        os.utime(busy_name, (1, 1), dir_fd=fd)
        foreign = ".env.librechat-authelia-zzzzzzzz.tmp"  # not a name we make
        (tmp_path / foreign).write_text("x")
        old = temp_name(".env")
        (tmp_path / old).write_text("stale")
        os.utime(tmp_path / old, (1, 1))
        young = temp_name(".env")
        (tmp_path / young).write_text("young")  # newer than the run: maybe a writer's
        import time

        assert remove_stale_temps(fd, ".env", time.time() - 60) == [old]
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([busy_name, foreign,
                                                                     young])
        os.close(busy)
    finally:
        os.close(fd)


# Line endings --------------------------------------------------------------------------------


def test_a_cr_only_file_keeps_its_line_ends(tmp_path):
    path = tmp_path / ".env"
    path.write_bytes(b"A=1\rB=2\r")
    plan = plan_apply("env", fake_profile(), path)
    write_plan(plan)
    data = path.read_bytes()
    assert data.startswith(b"A=1\rB=2\r") and b"\n" not in data
    assert b"\rOPENID_CLIENT_ID=" in data
    assert not plan_apply("env", fake_profile(), path).changed


def test_a_cr_only_compose_file_keeps_its_line_ends(tmp_path):
    path = tmp_path / "compose.yml"
    path.write_bytes(b"services:\r  api:\r    image: x\r")
    write_plan(plan_apply("compose", fake_profile(), path))
    data = path.read_bytes()
    assert b"\n" not in data and b"\r    environment:\r" in data


# What held before, kept -----------------------------------------------------------------------

RACER = """
import sys
from pathlib import Path
from tests.conftest import fake_profile
from tui.userfiles.apply import ApplyError, apply_file
path, label, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for _ in range(rounds):
    try:
        apply_file("authelia", fake_profile(client_name=label), path)
    except ApplyError as error:
        assert "changed since it was read" in str(error) or "appeared" in str(error), error
"""


def test_racing_writers_lose_nothing(tmp_path):
    import subprocess
    import sys

    from tui.userfiles.apply import apply_authelia

    root = Path(__file__).resolve().parents[1]
    path = tmp_path / "configuration.yml"
    path.write_text(clean_config())
    labels = [f"LibreChat {n}" for n in range(4)]
    whole = {clean_config()} | {apply_authelia(clean_config(),
                                               fake_profile(client_name=label))[0]
                                for label in labels}
    processes = [subprocess.Popen([sys.executable, "-c", RACER, str(path), label, "6"],
                                  cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                                  stderr=subprocess.PIPE) for label in labels]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()[-2000:]
    assert path.read_text() in whole
    backups = list(tmp_path.glob("*.bak"))
    assert backups and all(b.read_text() in whole for b in backups)
    assert [p for p in tmp_path.iterdir() if "librechat-authelia" in p.name] == []
