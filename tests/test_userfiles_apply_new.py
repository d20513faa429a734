"""`apply` to a file that does not exist yet: a new .env or Compose override is created."""

from __future__ import annotations

import pytest

from tests.conftest import FAKE_CLIENT_SECRET, fake_profile
from tui.userfiles.apply import plan_apply, write_plan


@pytest.mark.parametrize("target, name", [("env", ".env"),
                                          ("compose", "docker-compose.override.yml")])
def test_a_new_file_is_created_for_a_profile_of_an_existing_authelia(tmp_path, target, name):
    # provider "existing": the profile holds no hmac secret nor keys (Authelia has them), so
    # the Authelia side's findings are not the new file's errors.
    path = tmp_path / name
    plan = plan_apply(target, fake_profile(), path)
    assert plan.changed and plan.old is None
    assert FAKE_CLIENT_SECRET not in plan.diff
    assert write_plan(plan) is None  # no backup: there was no file
    assert path.stat().st_mode & 0o777 == 0o600
    assert not plan_apply(target, fake_profile(), path).changed
