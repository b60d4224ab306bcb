"""What one Slack message says about its author's expertise (`expertise.activity`): questions,
answers and thanks in many phrasings, reactions, code and links, mentions named like skills, bots
and system messages, the asker's own replies, edits and deletions, aliases, workspace-only skill
names, and properties over arbitrary text and payloads."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.expertise import activity
from bot.expertise.activity import (
    ANSWER,
    ANSWER_WEIGHT,
    MENTION,
    QUESTION,
    SHARED,
    THANKED,
    THREAD_SHARE,
    WEIGHTS,
    Change,
    from_event,
    is_question,
    is_thanks,
    signal,
)
from bot.expertise.names import Skill, Vocabulary

ANN, BOB, CAROL, DAN = "U0ANN", "U0BOB", "U0CAROL", "U0DAN"
PARENT_TS = "1700000000.000100"
CHANNEL = "C0INFRA"

# The workspace's skills: one curated (it must not be counted twice), two the table lacks.
VOCAB = Vocabulary(
    [
        Skill(1, "terraform", "Terraform"),
        Skill(7, "tax law", "Tax law"),
        Skill(8, "kiln firing", "Kiln firing"),
    ]
)


def top(text: str, user: str = BOB, ts: str = PARENT_TS, **fields: Any) -> dict[str, Any]:
    """A top-level channel message."""
    return {"type": "message", "user": user, "text": text, "ts": ts, **fields}


def reply(text: str, user: str = ANN, ts: str = "1700000100.000200", **fields: Any) -> dict[str, Any]:
    """A reply in BOB's thread (Slack gives replies `parent_user_id`)."""
    base = {"thread_ts": PARENT_TS, "parent_user_id": BOB}
    return top(text, user=user, ts=ts, **{**base, **fields})


def later(text: str, user: str = BOB, n: int = 1, **fields: Any) -> dict[str, Any]:
    """A reply after `reply(...)`, the n-th."""
    return reply(text, user=user, ts=f"1700000{100 + 100 * n}.000300", **fields)


def kind_of(message: dict[str, Any], **context: Any) -> str | None:
    found = signal(message, VOCAB, **context)
    return found.kind if found else None


# --------------------------------------------------------------------------------------------
# Questions and answers, in many phrasings
# --------------------------------------------------------------------------------------------

# (text, as a reply in someone else's thread, as a top-level message)
PHRASINGS = [
    # asking
    ("How do I configure terraform state locking?", QUESTION, QUESTION),
    ("how does helm pick the values file", QUESTION, QUESTION),
    ("How can I speed up our webpack build", QUESTION, QUESTION),
    ("how should we version terraform modules", QUESTION, QUESTION),
    ("What's the right way to pin a terraform provider", QUESTION, QUESTION),
    ("what is the difference between docker volumes and binds", QUESTION, QUESTION),
    ("Why is my kubernetes pod stuck in CrashLoopBackOff", QUESTION, QUESTION),
    ("where do the python wheels get cached", QUESTION, QUESTION),
    ("Is there a linter for terraform", QUESTION, QUESTION),
    ("anyone used kafka with exactly-once?", QUESTION, QUESTION),
    ("Does anyone have a good postgres backup script", QUESTION, QUESTION),
    ("has anyone upgraded to react 19 yet", QUESTION, QUESTION),
    ("any idea why jest hangs with typescript", QUESTION, QUESTION),
    ("I'm stuck on a postgres migration", QUESTION, QUESTION),
    ("Im stuck with k8s ingress again", QUESTION, QUESTION),
    ("help with docker compose networking please", QUESTION, QUESTION),
    ("hey team, how do I rotate the aws keys", QUESTION, QUESTION),
    ("Hey all! How do I set up kafka? Tried everything.", QUESTION, QUESTION),
    ("Been fighting terraform all morning. Anyone seen this?", QUESTION, QUESTION),
    ("maybe a dumb question, but what does react's useEffect return", QUESTION, QUESTION),
    ("terraform question: where do shared modules live", QUESTION, QUESTION),
    ("<@U0CAROL> can you help me with helm", QUESTION, QUESTION),
    ("Can I run python 3.12 on the build agents", QUESTION, QUESTION),
    ("Is it possible to lint terraform in CI :thinking_face:", QUESTION, QUESTION),
    ("kubernetes or nomad for this?! 🤔", QUESTION, QUESTION),
    ("¿Cómo configuro kubernetes?", QUESTION, QUESTION),
    ("same here, terraform keeps timing out", QUESTION, QUESTION),
    ("+1 on the docker question", QUESTION, QUESTION),
    ("Any ideas on debugging slow postgres queries?", QUESTION, QUESTION),
    ("I can't figure out the terraform import syntax", QUESTION, QUESTION),
    ("need help with a react hook", QUESTION, QUESTION),
    # answering (or, at the top level, saying)
    ("Run `terraform force-unlock <id>`. Does that help?", ANSWER, SHARED),
    ("Have you tried restarting the kubernetes pod?", ANSWER, MENTION),
    ("You need to pin the provider version in terraform", ANSWER, MENTION),
    ("What you need is a python virtualenv", ANSWER, MENTION),
    ("Try `kubectl rollout restart deploy/api`", ANSWER, SHARED),
    ("Use a multi-stage Dockerfile, docker caches each layer", ANSWER, MENTION),
    ("Postgres vacuums nightly, see <https://wiki.example.com/db|the runbook>", ANSWER, SHARED),
    ("I think it's the helm values file", ANSWER, MENTION),
    ("All you need is `npm ci` for node", ANSWER, SHARED),
    ("There are two ways in react: hooks or classes.", ANSWER, MENTION),
    ("Someone wrote a terraform module for that already", ANSWER, MENTION),
    ('```\nresource "aws_s3_bucket" "logs" {}\n```', ANSWER, SHARED),
    ("K8S ingress needs the annotation, then it works. Makes sense?", ANSWER, MENTION),
    ("we moved to postgres 16 last week, no issues so far", ANSWER, MENTION),
    ("Did you try `docker system prune`?", ANSWER, SHARED),
    ("Probably the terraform lock file, delete it and re-init", ANSWER, MENTION),
    ("Maybe try setting PYTHONPATH for python?", ANSWER, MENTION),
    ("Pin the provider in terraform. Why? Upgrades break it. Then re-init.", ANSWER, MENTION),
    ('```\nwhy = lookup(var.x, "k")?\n```\nthat\'s the terraform way', ANSWER, SHARED),
    ("<@U0BOB> kubernetes needs the annotation :point_up:", ANSWER, MENTION),
]


@pytest.mark.parametrize(("text", "as_reply", "at_top"), PHRASINGS)
def test_phrasings_read_as_asking_or_answering(text: str, as_reply: str, at_top: str) -> None:
    assert kind_of(reply(text), starter=BOB) == as_reply
    assert kind_of(top(text)) == at_top
    assert is_question(text) == (as_reply == QUESTION)


def test_the_table_is_broad() -> None:
    kinds = [as_reply for _, as_reply, _ in PHRASINGS]
    assert len(PHRASINGS) >= 40
    assert kinds.count(QUESTION) >= 20
    assert kinds.count(ANSWER) >= 15


# --------------------------------------------------------------------------------------------
# Thanks
# --------------------------------------------------------------------------------------------

THANKS = [
    ("thanks!", True),
    ("Thank you so much", True),
    ("thank u", True),
    ("thx", True),
    ("ty", True),
    ("TY!!", True),
    ("tysm", True),
    ("cheers mate", True),
    ("much appreciated", True),
    ("that worked :tada:", True),
    ("This worked, nice", True),
    ("worked like a charm", True),
    ("that did the trick", True),
    ("fixed it, you rock", True),
    ("solved", True),
    ("problem solved 🎉", True),
    ("Perfect.", True),
    ("you're a legend", True),
    ("you’re the best", True),
    ("lifesaver", True),
    ("merci !", True),
    ("Merci beaucoup", True),
    ("danke", True),
    ("Vielen Dank", True),
    ("gracias amigo", True),
    ("grazie", True),
    ("obrigado", True),
    ("ありがとう", True),
    ("🙏", True),
    ("👍", True),
    (":pray:", True),
    (":+1::skin-tone-3:", True),
    (":white_check_mark: works now", True),
    ("thx <@U0ANN>", True),
    ("Thanks, but it still fails", False),
    ("didn't work", False),
    ("that doesn't work for me", False),
    ("no luck", False),
    ("nope, same error", False),
    ("thanks anyway", False),
    ("still broken", False),
    ("ok let me try", False),
    ("hmm", False),
    ("I'll check it tomorrow", False),
    ("what about the state file?", False),
    ("typescript", False),  # (`ty` inside a word is no thanks)
    ("<@U0TY|ty> can you look", False),  # a person named Ty is not thanks either
]


@pytest.mark.parametrize(("text", "thanks"), THANKS)
def test_thanks_in_many_phrasings(text: str, thanks: bool) -> None:
    assert is_thanks(text) == thanks
    answer = reply("Pin the provider in terraform")
    found = signal(answer, VOCAB, starter=BOB, later=[later(text)])
    assert found is not None
    assert found.kind == (THANKED if thanks else ANSWER)


def test_only_the_askers_thanks_after_the_answer_count() -> None:
    answer = reply("Pin the provider in terraform")
    assert kind_of(answer, starter=BOB, later=[later("thanks!", user=CAROL)]) == ANSWER
    before = reply("thanks!", user=BOB, ts="1700000050.000000")
    assert kind_of(answer, starter=BOB, later=[before]) == ANSWER
    assert kind_of(answer, starter=BOB, later=[later("thanks!", bot_id="B1")]) == ANSWER
    # A bot's message in between changes nothing.
    alert = later("deploy finished", user=DAN, n=1, bot_id="B1")
    assert kind_of(answer, starter=BOB, later=[alert, later("thanks!", n=2)]) == THANKED
    # Given out of order, they are read in order: Carol answered before the thanks came.
    carol = later("or delete the lock file", user=CAROL, n=1)
    assert kind_of(answer, starter=BOB, later=[later("thanks!", n=2), carol]) == ANSWER


def test_thanks_go_to_whom_they_name_else_to_the_latest_answer() -> None:
    answer = reply("Pin the provider in terraform")
    carol = later("or delete the lock file", user=CAROL, n=1)
    assert kind_of(answer, starter=BOB, later=[carol, later("thanks!", n=2)]) == ANSWER
    assert kind_of(answer, starter=BOB, later=[carol, later("thanks <@U0ANN>!", n=2)]) == THANKED
    assert kind_of(answer, starter=BOB, later=[later("thanks <@U0CAROL>!")]) == ANSWER
    # The answerer's own follow-up in between keeps the thanks theirs.
    ann_again = later("also run init -upgrade", user=ANN, n=1)
    assert kind_of(answer, starter=BOB, later=[ann_again, later("that worked", n=2)]) == THANKED


# --------------------------------------------------------------------------------------------
# Reactions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["+1", "thumbsup", "white_check_mark", "heavy_check_mark", "raised_hands", "pray", "+1::skin-tone-4"],
)
def test_an_approving_reaction_from_someone_else_thanks_an_answer(name: str) -> None:
    by_bob = reply("Pin the provider in terraform", reactions=[{"name": name, "users": [BOB], "count": 1}])
    assert kind_of(by_bob, starter=BOB) == THANKED
    by_ann = reply("Pin the provider in terraform", reactions=[{"name": name, "users": [ANN], "count": 1}])
    assert kind_of(by_ann, starter=BOB) == ANSWER  # the author's own reaction says nothing


@pytest.mark.parametrize("name", ["eyes", "heart", "joy", "thinking_face", "x", "-1"])
def test_other_reactions_thank_nobody(name: str) -> None:
    message = reply("Pin the provider in terraform", reactions=[{"name": name, "users": [BOB], "count": 3}])
    assert kind_of(message, starter=BOB) == ANSWER


def test_reactions_listed_in_part_still_count_others() -> None:
    # Slack lists only some reactors: two reactions of one emoji are never the author's alone.
    partial = [{"name": "+1", "users": [ANN], "count": 2}]
    assert kind_of(reply("Pin the provider in terraform", reactions=partial), starter=BOB) == THANKED
    unlisted = [{"name": "+1", "count": 1}]
    assert kind_of(reply("Pin the provider in terraform", reactions=unlisted), starter=BOB) == ANSWER


def test_a_reaction_on_a_top_level_message_is_no_answer() -> None:
    message = top("terraform tip: `terraform fmt -recursive`", reactions=[{"name": "+1", "users": [ANN]}])
    assert kind_of(message) == SHARED


# --------------------------------------------------------------------------------------------
# Code, links and files
# --------------------------------------------------------------------------------------------


def test_code_shows_the_skill_and_counts_as_sharing() -> None:
    fenced = signal(top("```\nkubectl get pods -A\n```"), VOCAB)
    assert fenced is not None
    assert (fenced.kind, fenced.skill_keys, fenced.code, fenced.link) == (
        SHARED,
        ("kubernetes",),
        True,
        False,
    )
    inline = signal(top("for terraform, `terraform fmt` keeps it tidy"), VOCAB)
    assert inline is not None
    assert (inline.kind, inline.code) == (SHARED, True)
    plain = signal(top("terraform fmt keeps it tidy"), VOCAB)
    assert plain is not None
    assert (plain.kind, plain.code) == (MENTION, False)


def test_a_link_is_sharing_but_its_host_and_label_are_not_the_authors_words() -> None:
    shared = signal(top("our k8s runbook: <https://wiki.example.com/runbook>"), VOCAB)
    assert shared is not None
    assert (shared.kind, shared.skill_keys, shared.link) == (SHARED, ("kubernetes",), True)
    assert signal(top("see <https://kubernetes.io/docs/home>"), VOCAB) is None
    assert signal(top("see <https://example.com/x|the python docs>"), VOCAB) is None
    assert signal(top("see <mailto:ops@terraform.io|ops@terraform.io>"), VOCAB) is None


def test_code_and_links_in_blocks_and_files() -> None:
    preformatted = {
        "type": "rich_text",
        "elements": [{"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "x"}]}],
    }
    styled = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [{"type": "text", "text": "x", "style": {"code": True}}],
            }
        ],
    }
    linked = {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "link", "url": "https://x.io"}]}],
    }
    for blocks, code, link in ((preformatted, True, False), (styled, True, False), (linked, False, True)):
        found = signal(top("the helm chart", blocks=[blocks]), VOCAB)
        assert found is not None
        assert (found.kind, found.code, found.link) == (SHARED, code, link)
    snippet = signal(top("helm values", files=[{"id": "F1", "mode": "snippet"}]), VOCAB)
    assert snippet is not None
    assert (snippet.kind, snippet.code, snippet.link) == (SHARED, True, False)
    pdf = signal(top("helm guide", files=[{"id": "F2", "mode": "hosted", "filetype": "pdf"}]), VOCAB)
    assert pdf is not None
    assert (pdf.kind, pdf.code, pdf.link) == (SHARED, False, True)


# --------------------------------------------------------------------------------------------
# Mentions, channels and broadcasts named like skills
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("<@U123|go> can you review the terraform plan", ("terraform",)),
        ("<@U123|go>", None),
        ("<@U123|rust> <@W456|python> thanks", None),
        ("ask in <#C123|python>", None),
        ("<#C123|kubernetes> is where the k8s folks are", ("kubernetes",)),
        ("<!here> postgres is down", ("postgresql",)),
        ("<!subteam^S1|@python-team> ping", None),
        ("Go is fine for this, <@U123|rust> agrees", ("go",)),
    ],
)
def test_mentions_of_people_and_channels_named_like_skills(text: str, keys: tuple[str, ...] | None) -> None:
    found = signal(top(text), VOCAB)
    assert (found.skill_keys if found else None) == keys


# --------------------------------------------------------------------------------------------
# Messages that never count
# --------------------------------------------------------------------------------------------

SKILLED = "Pin the provider in terraform, see `terraform init -upgrade`"


@pytest.mark.parametrize(
    "fields",
    [
        {"bot_id": "B01"},
        {"subtype": "bot_message", "bot_id": "B01"},
        {"subtype": "bot_message"},
        {"bot_profile": {"id": "B01", "name": "terraform-bot"}},
        {"user": "USLACKBOT"},
        {"user": None},
        {"user": ""},
        {"hidden": True},
    ],
)
def test_bots_and_authorless_messages_never_count(fields: dict[str, Any]) -> None:
    assert signal(top(SKILLED, **fields), VOCAB) is None
    assert signal(reply(SKILLED, **fields), VOCAB, starter=BOB) is None


@pytest.mark.parametrize(
    "subtype",
    [
        "channel_join",
        "channel_leave",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "pinned_item",
        "unpinned_item",
        "group_join",
        "reminder_add",
        "tombstone",
        "message_changed",
        "message_deleted",
        "huddle_thread",
        "some_future_subtype",
    ],
)
def test_system_subtypes_never_count(subtype: str) -> None:
    text = f"<@{ANN}> set the channel topic: terraform and kubernetes"
    assert signal(top(text, subtype=subtype), VOCAB) is None


@pytest.mark.parametrize("subtype", [None, "thread_broadcast", "file_share", "me_message"])
def test_a_persons_own_subtypes_count(subtype: str | None) -> None:
    assert kind_of(reply("Pin the provider in terraform", subtype=subtype), starter=BOB) == ANSWER


def test_the_askers_own_replies_in_their_thread_never_count() -> None:
    own = reply("here is my terraform config ```provider {}```", user=BOB)
    assert signal(own, VOCAB, starter=BOB) is None
    assert signal(own, VOCAB) is None  # (from its parent_user_id)
    no_parent_user = {k: v for k, v in own.items() if k != "parent_user_id"}
    assert signal(no_parent_user, VOCAB, parent=top("how do I terraform?")) is None
    broadcast = reply("fixed my terraform myself", user=BOB, subtype="thread_broadcast")
    assert signal(broadcast, VOCAB) is None
    # Not so for someone else's broadcast reply, nor for the thread's first message itself.
    assert kind_of(reply("fix: pin terraform", user=CAROL, subtype="thread_broadcast")) == ANSWER
    assert kind_of(top("terraform tips", thread_ts=PARENT_TS)) == MENTION


def test_a_reply_whose_thread_starter_is_unknown_is_no_answer() -> None:
    orphan = {k: v for k, v in reply("Pin the provider in terraform").items() if k != "parent_user_id"}
    assert kind_of(orphan) == MENTION
    assert kind_of(orphan, starter=BOB) == ANSWER


# --------------------------------------------------------------------------------------------
# An answer naming no skill counts for its thread's question, at a share
# --------------------------------------------------------------------------------------------


def test_an_answer_counts_for_the_question_it_answers() -> None:
    parent = top("How do I unlock a stuck terraform state?")
    code = signal(reply("`force-unlock` with the lock id"), VOCAB, parent=parent)
    assert code is not None
    assert (code.kind, code.skill_keys, code.from_thread) == (ANSWER, ("terraform",), True)
    assert code.weight == pytest.approx(ANSWER_WEIGHT * THREAD_SHARE)
    thanked = signal(reply("use the lock id"), VOCAB, parent=parent, later=[later("that did it!")])
    assert thanked is not None
    assert (thanked.kind, thanked.from_thread) == (THANKED, True)
    assert thanked.weight == pytest.approx(WEIGHTS[THANKED] * THREAD_SHARE)
    # Its own skills come first; chatter and a thread that asked nothing give nothing.
    own = signal(reply("Pin the helm chart version instead"), VOCAB, parent=parent)
    assert own is not None
    assert (own.skill_keys, own.from_thread) == (("helm",), False)
    assert signal(reply("nice!"), VOCAB, parent=parent) is None
    assert signal(reply("following"), VOCAB, parent=parent) is None
    assert signal(reply("`force-unlock` it"), VOCAB, parent=top("We moved to terraform today")) is None


# --------------------------------------------------------------------------------------------
# Aliases, punctuation and case; the workspace's own skill names
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("K8S!!", ("kubernetes",)),
        ("kubernetes.", ("kubernetes",)),
        ("the k8s-operator", ("kubernetes",)),
        ("Postgres?", ("postgresql",)),
        ("Node.JS and ReactJS", ("node.js", "react")),
        ("golang, GoLang", ("go",)),
        ("Terraform; Helm, DOCKER", ("terraform", "helm", "docker")),
        ("ci/cd", ("ci/cd",)),
        ("machine-learning", ("machine learning",)),
        ("C++ or C#", ("c++", "c#")),
    ],
)
def test_aliases_punctuation_and_case(text: str, keys: tuple[str, ...]) -> None:
    found = signal(reply(f"we use {text}"), VOCAB, starter=BOB)
    assert found is not None
    assert found.skill_keys == keys


def test_workspace_only_skills_and_no_double_count() -> None:
    asked = signal(top("Anyone know Tax Law for contractors?"), VOCAB)
    assert asked is not None
    assert (asked.kind, asked.team_skill_ids, asked.weight) == (QUESTION, (7,), 0.0)
    answered = signal(reply("tax law: file by April; Kiln-Firing has the forms"), VOCAB, starter=BOB)
    assert answered is not None
    assert (answered.kind, answered.skill_keys, answered.team_skill_ids) == (ANSWER, (), (7, 8))
    # Terraform is the workspace's too, but it is a curated key: named once, not twice.
    both = signal(reply("terraform it"), VOCAB, starter=BOB)
    assert both is not None
    assert (both.skill_keys, both.team_skill_ids) == (("terraform",), ())
    assert signal(reply("taxes are due"), VOCAB, starter=BOB) is None
    assert signal(reply("tax law"), Vocabulary(), starter=BOB) is None


# --------------------------------------------------------------------------------------------
# Edits and deletions
# --------------------------------------------------------------------------------------------


def test_a_new_message_or_broadcast_is_scored() -> None:
    event = {**top("terraform tip"), "channel": CHANNEL, "channel_type": "channel"}
    assert from_event(event) == Change(CHANNEL, PARENT_TS, event)
    broadcast = {**reply("pin terraform", subtype="thread_broadcast"), "channel": CHANNEL}
    change = from_event(broadcast)
    assert change is not None
    assert kind_of(dict(change.message or {})) == ANSWER


def test_an_edit_replaces_the_message_it_edits() -> None:
    new = reply("Pin the provider in terraform", edited={"user": ANN, "ts": "1700000500.0"})
    event = {
        "type": "message",
        "subtype": "message_changed",
        "channel": CHANNEL,
        "channel_type": "channel",
        "hidden": True,
        "ts": "1700000500.000000",  # the edit's own ts: not the message's
        "message": new,
        "previous_message": reply("Pin the provider"),
    }
    change = from_event(event)
    assert change is not None
    assert (change.ts, change.edited, change.deleted) == (new["ts"], True, False)
    assert change.message is new
    assert kind_of(dict(change.message), starter=BOB) == ANSWER


def test_deletions_say_which_ts_to_forget() -> None:
    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": CHANNEL,
        "hidden": True,
        "deleted_ts": "1700000100.000200",
        "previous_message": reply("Pin the provider in terraform"),
    }
    change = from_event(deleted)
    assert change is not None
    assert (change.ts, change.deleted, change.message) == ("1700000100.000200", True, None)
    fallback = from_event({k: v for k, v in deleted.items() if k != "deleted_ts"})
    assert fallback is not None
    assert fallback.ts == "1700000100.000200"
    tombstone = {"subtype": "tombstone", "ts": PARENT_TS, "text": "This message was deleted."}
    gone = from_event(
        {"type": "message", "subtype": "message_changed", "channel": CHANNEL, "message": tombstone}
    )
    assert gone is not None
    assert (gone.ts, gone.deleted) == (PARENT_TS, True)


@pytest.mark.parametrize("channel_type", ["group", "im", "mpim"])
def test_only_public_channels_are_scored_but_deletions_always_pass(channel_type: str) -> None:
    new = {**top("terraform tip"), "channel": "G1", "channel_type": channel_type}
    assert from_event(new) is None
    changed = {
        "subtype": "message_changed",
        "channel": "G1",
        "channel_type": channel_type,
        "message": top("x"),
    }
    assert from_event(changed) is None
    deleted = {
        "subtype": "message_deleted",
        "channel": "G1",
        "channel_type": channel_type,
        "deleted_ts": "1.2",
    }
    assert from_event(deleted) == Change("G1", "1.2", None)


@pytest.mark.parametrize(
    "event",
    [
        {"type": "reaction_added", "channel": CHANNEL, "ts": "1.2"},
        {"type": "message", "ts": "1.2"},  # no channel
        {"type": "message", "channel": CHANNEL},  # no ts
        {"type": "message", "subtype": "message_changed", "channel": CHANNEL},  # no new message
        {"type": "message", "subtype": "message_changed", "channel": CHANNEL, "message": "x"},
        {"type": "message", "subtype": "message_deleted", "channel": CHANNEL},  # no ts to forget
    ],
)
def test_events_with_nothing_to_do(event: dict[str, Any]) -> None:
    assert from_event(event) is None


# --------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------


def test_answering_beats_asking_and_asking_alone_never_makes_an_expert() -> None:
    assert WEIGHTS[THANKED] > WEIGHTS[ANSWER] > WEIGHTS[SHARED] > WEIGHTS[MENTION] > WEIGHTS[QUESTION]
    assert WEIGHTS[QUESTION] == 0.0
    assert WEIGHTS[ANSWER] * THREAD_SHARE > WEIGHTS[MENTION]  # an inferred answer still beats chatter
    questions = [signal(top(text), VOCAB) for text, kind, _ in PHRASINGS if kind == QUESTION]
    assert all(q is not None and q.kind == QUESTION and not q.counts for q in questions)
    assert sum(q.weight for q in questions if q is not None) == 0.0


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

FRAGMENTS = [
    "terraform",
    "k8s",
    "tax law",
    "how do I",
    "anyone",
    "?",
    "!",
    ".",
    "thanks",
    "ty",
    "didn't work",
    "```",
    "`",
    "<@U123|go>",
    "<#C1|python>",
    "<https://kubernetes.io|docs>",
    "<!here>",
    "&lt;",
    "&amp;",
    ":pray:",
    "🙏",
    "\n",
    "<",
    ">",
    "|",
]
PIECES = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=20)
TEXT = st.one_of(
    st.text(max_size=200),
    PIECES.map(" ".join),
    # Naming a skill somewhere, so most examples give a signal to compare.
    st.tuples(PIECES, st.sampled_from(["terraform", "K8S", "tax law", "`kubectl`"]), PIECES).map(
        lambda t: " ".join([*t[0], t[1], *t[2]])
    ),
)
REACTIONS = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["+1", "pray", "eyes", "white_check_mark::skin-tone-2", ""]),
            "users": st.lists(st.sampled_from([ANN, BOB, CAROL]), max_size=3),
            "count": st.integers(min_value=0, max_value=5),
        }
    ),
    max_size=3,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, reactions=REACTIONS, thanks=TEXT)
def test_arbitrary_text_never_raises_and_asking_never_outweighs_answering(
    text: str, reactions: list[dict[str, Any]], thanks: str
) -> None:
    is_question(text)
    is_thanks(text)
    parent = top(text)
    as_reply = signal(
        reply(text, reactions=reactions), VOCAB, starter=BOB, parent=parent, later=[later(thanks)]
    )
    at_top = signal(top(text, reactions=reactions), VOCAB)
    for found in (as_reply, at_top):
        if found is not None:
            assert found.kind in WEIGHTS
            assert found.skill_keys or found.team_skill_ids
            if found.kind == QUESTION:
                assert found.weight == 0.0
            if found.kind in (ANSWER, THANKED):
                assert found.weight >= ANSWER_WEIGHT * THREAD_SHARE > 0.0
    # The same words count at least as much when they answer someone as when they are said.
    reply_weight = as_reply.weight if as_reply else 0.0
    top_weight = at_top.weight if at_top else 0.0
    assert reply_weight >= top_weight
    if at_top is not None and at_top.kind == QUESTION:
        assert as_reply is not None
        assert as_reply.kind == QUESTION


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
MESSAGE_KEYS = ["user", "text", "ts", "thread_ts", "subtype", "bot_id", "reactions", "files", "blocks"]
EVENT_KEYS = ["parent_user_id", "type", "channel", "channel_type", "message", "deleted_ts", "hidden"]
KEYS = st.sampled_from([*MESSAGE_KEYS, *EVENT_KEYS, "previous_message"])
PAYLOAD = st.dictionaries(KEYS, JSON, max_size=8)


@settings(max_examples=200, deadline=None)
@given(message=PAYLOAD, parent=PAYLOAD, after=st.lists(PAYLOAD, max_size=3))
def test_arbitrary_payloads_never_raise(
    message: dict[str, Any], parent: dict[str, Any], after: list[dict[str, Any]]
) -> None:
    found = signal(message, VOCAB, parent=parent, later=after)
    assert found is None or found.kind in WEIGHTS
    change = from_event(message)
    assert change is None or isinstance(change.ts, str)


@pytest.mark.parametrize(
    "text",
    [
        ")" * 40_000 + "x",  # (a trailing-punctuation pattern once backtracked for seconds on 25)
        ":)" * 20_000 + "?",
        ":p" * 20_000,
        "<" * 40_000,
        "`" * 40_000 + "a",
        "```a\n" * 8_000,
        "hey, " * 8_000 + "how do",
        "🙏" * 20_000 + "x",
        "terraform how do I " * 2_000,
    ],
)
def test_long_and_pathological_text_is_read_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    signal(reply(text), VOCAB, starter=BOB, parent=top(text), later=[later(text)])
    assert time.perf_counter() - started < 5.0


def test_which_replies_thanks_that_come_later_thank() -> None:
    ann = reply("Pin the provider in terraform")
    carol = later("or delete the lock file", user=CAROL, n=1)
    alert = later("deploy finished", user=DAN, n=2, bot_id="B1")
    ann2 = later("and re-run init", user=ANN, n=3)
    bob = later("trying that now", user=BOB, n=4)
    thanks = later("thanks!", n=5)
    thanked_replies = activity.thanked_replies
    assert thanked_replies(thanks, [ann, carol, alert], BOB) == (carol["ts"],)
    assert thanked_replies(thanks, [carol, ann], BOB) == (carol["ts"],)  # (read in order)
    assert thanked_replies(thanks, [ann, ann2, bob], BOB) == (ann["ts"], ann2["ts"])
    assert thanked_replies(thanks, [ann, carol, ann2], BOB) == (ann2["ts"],)
    named = later("thanks <@U0ANN> <@U0BOB>", n=5)
    assert thanked_replies(named, [ann, carol, ann2], BOB) == (ann["ts"], ann2["ts"])
    assert thanked_replies(later("thanks!", user=CAROL, n=5), [ann], BOB) == ()
    assert thanked_replies(later("didn't work", n=5), [ann], BOB) == ()
    assert thanked_replies(thanks, [bob], BOB) == ()
    assert thanked_replies(thanks, [later("too late", n=6)], BOB) == ()
    # The same reading as `thanked`, from the answers' side, for every thread and thanks.
    thread = [ann, carol, alert, ann2, bob]
    for thanking in (thanks, named):
        for cut in range(len(thread) + 1):
            earlier = thread[:cut]
            whom = thanked_replies(thanking, earlier, BOB)
            for i, answer in enumerate(earlier):
                if activity.author(answer) in (None, BOB):
                    continue
                assert activity.thanked(answer, [*earlier[i + 1 :], thanking], BOB) == (answer["ts"] in whom)


def test_a_later_thanks_adds_what_it_would_have_added_at_once() -> None:
    parent = top("How do I unlock a stuck terraform state?")
    for text in ("`force-unlock` with the lock id", "Pin the provider in terraform"):
        before = signal(reply(text), VOCAB, parent=parent)
        after = signal(reply(text), VOCAB, parent=parent, later=[later("ty!")])
        assert before is not None
        assert after is not None
        assert after.weight == activity.weight_of(THANKED, from_thread=before.from_thread)
        assert after.weight - before.weight == pytest.approx(
            activity.THANKED_BONUS * (THREAD_SHARE if before.from_thread else 1.0)
        )
