"""Running a user's files through the whole CLI: import, render, apply --dry-run."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import DATA
from tui.cli import main

CORPUS = DATA / "userfiles" / "corpus"


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of one CLI command."""
    capsys.readouterr()
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def import_render_apply(capsys, config: Path | list[Path], env: Path,
                        compose: Path | None = None, *, librechat: str = "0.8.7",
                        name: str = "corpus") -> dict[str, tuple[int, str, str]]:
    """Every step of "import my files, render, apply": the results by step.

    import, render env and render authelia must exit 0; apply --dry-run (authelia, env, and
    compose when a Compose file is given) exits 0 (no change) or 1 (a change to show), never
    2 (refused) and never a traceback. The files are never
    written (dry runs only).
    """
    configs = config if isinstance(config, list) else [config]
    args = ["import", name, "--env", str(env), "--librechat", librechat]
    for path in configs:
        args += ["--authelia-config", str(path)]
    if compose is not None:
        args += ["--compose", str(compose)]
    before = {p: p.read_bytes() for p in [*configs, env, *([compose] if compose else [])]}
    steps = {"import": cli(capsys, *args)}
    assert steps["import"][0] == 0, steps["import"][2]
    for what in ("env", "authelia"):
        steps[f"render {what}"] = cli(capsys, "render", what, "--profile", name)
        assert steps[f"render {what}"][0] == 0, steps[f"render {what}"][2]
    targets = [("authelia", configs[-1]), ("env", env)]
    if compose is not None:  # LibreChat's service, whatever its name
        targets.append(("compose", compose))
    for what, path in targets:
        step = cli(capsys, "apply", what, "--profile", name, "--file", str(path), "--dry-run")
        steps[f"apply {what}"] = step
        assert step[0] in (0, 1), step[2]
        assert "Traceback" not in step[1] + step[2]
    assert {p: p.read_bytes() for p in before} == before  # dry runs wrote nothing
    return steps
