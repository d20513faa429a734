"""The paths a profile remembers for the Check screen: split and checked before they are kept."""

from __future__ import annotations

import os

from tests.userfiles_helpers import COMPOSE, CONFIG, ENV
from tui.userfiles.sources import check_file_paths, split_config_paths


def test_config_paths_are_split_like_authelias_config_flag():
    assert split_config_paths(" a.yml, b/ ,,c.yaml ") == ("a.yml", "b/", "c.yaml")
    assert split_config_paths("") == ()


def test_existing_files_have_no_problem():
    assert check_file_paths([str(CONFIG)], str(ENV), str(COMPOSE)) == {}
    assert check_file_paths([str(CONFIG.parent)], str(ENV)) == {}  # a folder of YAML files


def test_each_bad_path_is_named_by_its_field(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    problems = check_file_paths([str(tmp_path / "nope.yml")], str(tmp_path), str(fifo))
    assert set(problems) == {"authelia_config_paths", "env_path", "compose_path"}
    assert "no such file" in problems["authelia_config_paths"]
    assert "directory" in problems["env_path"]
    assert "not a regular file" in problems["compose_path"]


def test_empty_required_paths_are_named_and_compose_is_optional():
    problems = check_file_paths([], "", "")
    assert set(problems) == {"authelia_config_paths", "env_path"}
