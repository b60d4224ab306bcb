"""Runs scenarios: Rapport and the two bare Bolt apps served side by side, asked in turn.

Everything runs in this process: a fake Slack Web API (where Rapport's Web API calls and
response_url posts go), Rapport on a prepared SQLite database, and the bare apps, each behind
the same waitress server. Requests are signed like Slack's and sent one at a time, rotating
through the three targets so that noise on the machine hits them alike.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench.bare import DEFAULT, PBR, bare_app
from bench.report import RAPPORT, TARGETS, Report, Timings
from bench.scenario import Scenario
from bot import bootstrap
from bot.bootstrap import open_database
from bot.core import Core
from bot.platform.config import Settings
from bot.platform.db import Database
from bot.platform.migrate import MIGRATIONS, upgrade
from bot.seeding import members
from bot.slackapp.app import build_app
from bot.slackapp.server import RapportWSGI, serving
from tests.support.fakeslack import FakeSlack
from tests.support.slackreq import SlackClient

SIGNING_SECRET = "bench-signing-secret"
ANSWER_TIMEOUT = 10.0  # seconds to wait for a response_url post before counting a failure
SEED = 0  # the texts and users of every run are the same

Log = Callable[[str], None]


@dataclass
class Target:
    name: str
    http: SlackClient
    ack_is_answer: bool  # the bare apps' empty ack is their whole answer


def run(
    scenarios: Sequence[Scenario],
    *,
    requests: int = 300,
    warmup: int = 20,
    keep: Path | None = None,
    log: Log = print,
) -> list[Report]:
    """Measure each scenario; `keep` is a folder caching prepared databases between runs."""
    with FakeSlack() as slack, tempfile.TemporaryDirectory(prefix="rapport-bench-") as tmp:
        return [run_scenario(s, slack, Path(tmp), requests, warmup, keep, log) for s in scenarios]


def run_scenario(
    scenario: Scenario, slack: FakeSlack, tmp: Path, requests: int, warmup: int, keep: Path | None, log: Log
) -> Report:
    db, team_id = prepared_database(scenario, slack, tmp, keep, log)
    settings = Settings(
        bot_token=slack.bot_token,
        signing_secret=SIGNING_SECRET,
        api_url=slack.base_url,
        database_url=db.url.render_as_string(hide_password=False),
    )
    core = Core(settings=settings, db=db)
    timings = {name: Timings(name) for name in TARGETS}
    example = ""
    try:
        with ExitStack() as stack:

            def served(wsgi: RapportWSGI) -> SlackClient:
                http = SlackClient(stack.enter_context(serving(wsgi)), SIGNING_SECRET)
                stack.callback(http.close)
                return http

            def bare(pbr: bool) -> SlackClient:
                app = bare_app(
                    scenario.command,
                    process_before_response=pbr,
                    signing_secret=SIGNING_SECRET,
                    token=slack.bot_token,
                    api_url=slack.base_url,
                )
                return served(RapportWSGI(app, SIGNING_SECRET))

            app = build_app(core)
            # Runs after the servers stop (last in, first out): lazy listeners (Home tab
            # refreshes…) finish while the fake Slack and the database are still there.
            stack.callback(app.listener_runner.listener_executor.shutdown, wait=True)
            targets = [
                Target(DEFAULT, bare(False), ack_is_answer=True),
                Target(PBR, bare(True), ack_is_answer=True),
                Target(RAPPORT, served(RapportWSGI(app, SIGNING_SECRET, db.ping)), ack_is_answer=False),
            ]
            rng = random.Random(SEED)
            example = rounds(targets, slack, scenario, team_id, rng, warmup, requests, timings)
    finally:
        db.dispose()
    return Report(scenario=scenario, requests=requests, warmup=warmup, timings=timings, example=example)


def rounds(
    targets: Sequence[Target],
    slack: FakeSlack,
    scenario: Scenario,
    team_id: str,
    rng: random.Random,
    warmup: int,
    requests: int,
    timings: dict[str, Timings],
) -> str:
    """Ask every target each round's question, timing the rounds after `warmup`; the first text."""
    example = ""
    for i in range(warmup + requests):
        text, user = scenario.texts(rng), scenario.user(rng)
        example = example or text
        # Round-robin, starting one further each round so no target always follows the same one.
        for k in range(len(targets)):
            target = targets[(i + k) % len(targets)]
            result = ask(target, slack, scenario.command, text, user, team_id)
            if i < warmup:
                continue
            if isinstance(result, float):
                timings[target.name].seconds.append(result)
            else:
                timings[target.name].failures.append(result)
    return example


def ask(
    target: Target,
    slack: FakeSlack,
    command: str,
    text: str,
    user: str,
    team_id: str,
    timeout: float = ANSWER_TIMEOUT,
) -> float | str:
    """Seconds from sending the command to receiving its answer, or why there was no answer."""
    url = slack.response_url(target.name)
    slack.reset_responses()  # keeps the wait below a lookup in a short list
    started = time.perf_counter()
    try:
        response = target.http.command(command, text, response_url=url, user_id=user, team_id=team_id)
    except OSError as e:
        return f"{type(e).__name__}: {e}"
    if response.status != 200:
        return f"HTTP {response.status}: {response.text[:200]}"
    if target.ack_is_answer or carries_answer(response.body):
        return time.perf_counter() - started
    try:
        posted = slack.wait_for_response_to(url, timeout=timeout)
    except AssertionError:
        return f"no answer in the HTTP response, nor at response_url within {timeout:g} s"
    elapsed = time.perf_counter() - started
    if posted["status"] != 200:
        return f"response_url refused the answer: {posted['error']}"
    return elapsed


def carries_answer(body: bytes) -> bool:
    """Whether Slack would show this HTTP response to the user (else the answer comes via response_url)."""
    if not body.strip():
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return True  # plain text, as Bolt sends ack("some text")
    if not isinstance(data, dict):
        return True
    return bool(data.get("text") or data.get("blocks") or data.get("attachments"))


# --------------------------------------------------------------------------------------------
# Prepared databases
# --------------------------------------------------------------------------------------------


def prepared_database(
    scenario: Scenario, slack: FakeSlack, tmp: Path, keep: Path | None, log: Log
) -> tuple[Database, str]:
    """A fresh copy of the scenario's prepared database, and the team_id to send requests from.

    Requests may write, so Rapport always gets a copy; the prepared original lives in `tmp`,
    or in `keep` where later runs reuse it.
    """
    if keep is None:
        template = tmp / f"{scenario.name}.prepared.db"
        team_id = prepare(scenario, slack, template)
    else:
        template = keep / f"{scenario.name}-{cache_key(scenario)}.db"
        meta = template.with_suffix(".json")
        if template.exists() and meta.exists():
            log(f"{scenario.name}: reusing the prepared database {template} (delete it to prepare again)")
            team_id = json.loads(meta.read_text())["team_id"]
        else:
            started = time.perf_counter()
            staged = tmp / template.name
            team_id = prepare(scenario, slack, staged)
            keep.mkdir(parents=True, exist_ok=True)
            partial = template.with_suffix(".partial")
            shutil.copyfile(staged, partial)
            os.replace(partial, template)
            meta.write_text(json.dumps({"team_id": team_id}))
            took = time.perf_counter() - started
            log(f"{scenario.name}: prepared and kept {template} in {took:.1f} s")
    served = tmp / f"{scenario.name}.db"
    shutil.copyfile(template, served)
    return open_database(f"sqlite:///{served}"), team_id


def prepare(scenario: Scenario, slack: FakeSlack, path: Path) -> str:
    """Migrate a new database at `path`, let the scenario fill it, and leave it in one file."""
    path.unlink(missing_ok=True)
    db = open_database(f"sqlite:///{path}")
    try:
        upgrade(db)
        team_id = scenario.prepare(db, slack) or slack.team_id
        db.optimize()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # so copying the file copies it all
    finally:
        db.dispose()
    return team_id


def cache_key(scenario: Scenario) -> str:
    """Changes when the scenario's module, the seeders or the migrations change."""
    prepare_fn = getattr(scenario.prepare, "func", scenario.prepare)  # functools.partial
    seeders = [inspect.getsourcefile(getattr(s, "func", s)) for s in bootstrap.SEEDERS]
    sources = [
        inspect.getsourcefile(prepare_fn),
        members.__file__,
        *seeders,
        *sorted(MIGRATIONS.glob("versions/*.py")),
    ]
    digest = hashlib.sha256(scenario.name.encode())
    for source in sources:
        if source is not None:
            digest.update(Path(source).read_bytes())
    return digest.hexdigest()[:12]
