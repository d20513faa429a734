"""`librechat-authelia tick STEP [--profile NAME] [--undo]`: tick a checklist step by the id
`render checklist` prints, saved at once."""

from __future__ import annotations

import sys

from ..core.checklist import ALL_STEP_IDS, STEP_IDS, UnknownStep, progress, set_step
from .common import EXIT_OK, example, open_store, profile_name


def add_parsers(commands) -> None:
    tick = commands.add_parser(
        "tick", help="tick a checklist step (the ids 'render checklist' prints)",
        **example("tick discovery --profile home", "tick discovery --undo"))
    tick.add_argument("step", metavar="STEP", help="one of " + " | ".join(STEP_IDS))
    tick.add_argument("--profile", metavar="NAME", dest="sub_profile",
                      help="the profile (default: the last-used profile)")
    tick.add_argument("--undo", action="store_true", help="untick the step instead")
    tick.set_defaults(func=cmd_tick)


def cmd_tick(args) -> int:
    check_step(args.step)  # an unknown id is the first thing to say
    store = open_store()
    return tick(store, profile_name(store, args.sub_profile), args.step, undo=args.undo)


def check_step(step_id: str) -> None:
    if step_id not in ALL_STEP_IDS:
        raise UnknownStep(step_id)


def tick(store, name: str, step_id: str, *, undo: bool = False) -> int:
    """Tick (or with undo, untick) `step_id` in profile `name`; 0, with a line on stderr."""
    check_step(step_id)
    # The stamp makes the save refuse (ProfileChangedOnDisk, one line) when another program,
    # the app among them, rewrote the profile in between: its change is never undone.
    profile, stamp = store.load_with_stamp(name)
    done = step_id in profile.checklist
    if done != undo:
        state = "not ticked" if undo else "already ticked"
        print(f"step {step_id} is {state} in profile {name}: nothing to do", file=sys.stderr)
        return EXIT_OK
    profile = set_step(profile, step_id, not undo)
    store.save(name, profile, expected=stamp)
    count, total = progress(profile)  # this profile's steps: its options add some
    verb = "unticked" if undo else "ticked"
    print(f"{verb} {step_id} in profile {name} ({count} of {total} steps done)",
          file=sys.stderr)
    return EXIT_OK
