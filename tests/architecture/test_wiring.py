"""The wiring is explicit: importing modules changes nothing, in any order, and every plug-in
point is filled by the composition root (`bot.bootstrap`)."""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import bot
import handlers
import jobs

ROOT = Path(__file__).resolve().parents[2]
# Decorators that may run when a module is imported: they make or cache what the module
# defines (and `compiles` teaches SQLAlchemy to render a construct of ours), never register it.
PURE_DECORATORS = {"dataclass", "cache", "lru_cache", "contextmanager", "compiles"}


def modules() -> list[str]:
    """Every module of the app, migrations aside (Alembic runs those)."""
    found = []
    for package in (bot, handlers, jobs):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" not in info.name:
                found.append(info.name)
    return sorted(found)


def sources() -> list[Path]:
    return [
        p
        for d in ("bot", "handlers", "jobs")
        for p in (ROOT / d).rglob("*.py")
        if "migrations" not in p.parts
    ]


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "?")


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_importing_a_module_changes_no_shared_state(path: Path) -> None:
    """At a module's top level: definitions and constants only; no call that registers, appends,
    or listens, and no assignment into another object."""
    tree = ast.parse(path.read_text())
    found = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and not isinstance(node.value, ast.Constant):
            found.append(ast.unparse(node))
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        found += [ast.unparse(node) for t in targets if isinstance(t, ast.Attribute | ast.Subscript)]
        decorators = getattr(node, "decorator_list", [])
        found += [f"@{ast.unparse(d)}" for d in decorators if _decorator_name(d) not in PURE_DECORATORS]
    assert found == [], f"{path.relative_to(ROOT)} does this when imported: {found}"


def _day(tmp_path: Path, order: list[str], name: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-m", "tests.architecture.scenario", str(tmp_path / f"{name}.db"), *order],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def test_any_import_order_gives_the_same_digests_and_rankings(tmp_path: Path) -> None:
    everything = modules()
    orders = {"sorted": everything, "reversed": everything[::-1], "none first": []}
    for seed in (1, 2):
        shuffled = list(everything)
        random.Random(seed).shuffle(shuffled)
        orders[f"shuffled {seed}"] = shuffled
    # The orders the old side-effect registries were sensitive to: a feature before its hosts.
    orders["kudos nudges first"] = ["bot.nudges.sources.kudos", "bot.nudges.planning", "bot.nudges.digest"]
    orders["directory alone"] = ["bot.directory.members", "bot.expertise.evidence"]
    # Each order is its own process (imports happen once per process); they run side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        runs = {
            name: pool.submit(_day, tmp_path, order, name.replace(" ", "-")) for name, order in orders.items()
        }
        days = {name: run.result() for name, run in runs.items()}
    first = days["sorted"]
    for name, result in days.items():
        assert result == first, f"importing {name} changed the day"

    # …and the day is a real one: every feature took part.
    assert first["wiring"]["evidence"] == ["declared", "endorsed", "title", "kudos", "profile", "channels"]
    assert first["wiring"]["kind_order"] == ["follow_up", "birthday", "endorsed", "kudos_received"]
    (digest,) = first["digests"]
    text = json.dumps(digest, ensure_ascii=False)
    assert "Follow up with <@UBOB>" in text
    assert "<@UCAT>'s birthday tomorrow" in text
    assert "endorsed you for *Terraform*" in text
    assert "gave you kudos for the kubernetes upgrade" in text
    assert text.index("endorsed you for") < text.index("gave you kudos")  # the order the kinds are listed
    kubernetes = dict(first["whoknows"]["kubernetes"])
    assert any("kudos from <@UBOB>" in reason for reason in kubernetes["UANN"])
    assert [user for user, _ in first["whoknows"]["terraform"]] == ["UANN"]
    assert [user for user, _ in first["whoknows"]["site reliability engineering"]] == ["UBOB"]  # the title
