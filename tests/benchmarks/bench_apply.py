"""`apply` figures, printed (never asserted: these machines are shared and noisy).

    python tests/benchmarks/bench_apply.py

The masked diff looks at the whole file (context lines, multi-line values), so its time on
big and awkward files matters: many keys, many unclosed quotes, thousands of equal lines,
deeply nested block scalars. And what a safe write costs next to the plan.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import fake_profile  # noqa: E402

from tui.userfiles.apply import plan_apply, write_plan  # noqa: E402
from tui.userfiles.masking import masked_diff  # noqa: E402


def _seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _diff(name: str, old: str, new: str, yaml: bool) -> None:
    took = _seconds(lambda: masked_diff(old, new, "f", ["x" * 20], yaml=yaml))
    print(f"masked diff, {name}: {len(old) // 1024} KB, {old.count(chr(10))} lines: "
          f"{took:.2f} s")


def main() -> None:
    env = "".join(f"KEY_{i}=value{i}\n" for i in range(20000))
    _diff("20,000 keys, one changed", env, env.replace("KEY_10000=value10000", "KEY_1=x"),
          False)
    _diff("20,000 keys, all changed", env, env.replace("value", "VALUE"), False)
    quotes = "".join(f"PASS_{i}=\"open{i}\nA_{i}='x\n" for i in range(10000))
    _diff("20,000 unclosed quotes", quotes, quotes + "Z=1\n", False)
    yaml = "root:\n" + "".join(f"  k{i}:\n    password: p{i}\n    cert: |\n      line{i}\n"
                               f"      more{i}\n" for i in range(5000))
    _diff("25,000 YAML lines, 5,000 equal ones", yaml, yaml.replace("p2500", "q2500"), True)
    deep = "".join(" " * i + f"a{i}: |\n" for i in range(1000))
    _diff("1,000 nested block scalars", deep, deep + "z: 1\n", True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ".env"
        path.write_text(env[: env.index("KEY_2000=")])  # the audit's .env reader is the
        plan = plan_apply("env", fake_profile(), path)  # bottleneck past a few thousand keys
        took = _seconds(lambda: plan_apply("env", fake_profile(), path))
        print(f"plan_apply env, 2,000 keys (audit, diff): {took:.2f} s")
        took = _seconds(lambda: write_plan(plan))
        print(f"write_plan (temporary file, backup, rename, fsyncs): {took:.3f} s")


if __name__ == "__main__":
    main()
