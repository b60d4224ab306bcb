"""Skill names: normalising what people type, the curated alias table, and matching a topic.

Pure functions and small in-memory indexes; no database. A skill's *key* is its normalised
name (`"c++"`, `"machine learning"`, `"ci/cd"`); its *label* is how it is shown (`"C++"`).
Matching goes exact → alias → stem → typo (only for names nobody knows), so a real skill name is
never "corrected" into another one and short names are never fuzzy (`go` never finds Google Cloud).

The table (version 2) is also a graph: each skill's `broader` skills (Kubernetes → Container
orchestration) and `related` ones (TypeScript ↔ JavaScript, made symmetric); the catalog keeps
what is under each key (two hops) precomputed, so widening a question costs no query. A team's
`Vocabulary` adds the relations the workspace learned by itself (`bot.expertise.learned`), loaded
with it, so those cost no query either.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

MAX_KEY = 60  # characters of a skill key; longer text is not a skill name
MAX_WORDS = 6
MAX_TOPIC_WORDS = 12

# A token: letters/digits, joined by the punctuation that carries meaning inside a name (node.js,
# ci/cd, r&d), optionally led by a dot (.net) and trailed by + or # (c++, c#).
_TOKEN = re.compile(r"(?:(?<![\w.])\.)?(?<!\w)[^\W_](?:[^\W_]|[.&/](?=[^\W_]))*[+#]*")
_SPACERS = re.compile(r"[-_\u2010-\u2015]")
_APOSTROPHES = re.compile(r"['\u2018\u2019`´]")
# Topic separators: commas and the like, and the words people put between two skills.
_SEPARATORS = re.compile(r"(?i)\s*(?:[,;|\n]|\s(?:and|or|&|\+|vs|versus)\s)\s*")
# Words around skill names in a sentence ("someone who knows kubernetes well").
_FILLER = (
    "a an the and or of for in on to with who what is are someone somebody anyone anybody know knows "
    "knowing well good great expert experts help need me my i you we our about at by experience "
    "experienced skill skills using use work working"
)
_STOPWORDS = frozenset(_FILLER.split())
# Longest first; stripped repeatedly while at least four letters remain.
_SUFFIXES: tuple[str, ...] = (
    *("ations", "ation", "ments", "ment", "ities", "ity", "ings", "ing", "ists", "ist", "ers", "er"),
    *("ies", "es", "ed", "al", "ly", "s"),
)


def unescape(text: str) -> str:
    """Slack escapes &, < and > in what people type; skills are compared unescaped."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def tokens(text: str) -> list[str]:
    """The words of `text` as skill names use them (case-folded, meaningful punctuation kept)."""
    text = unicodedata.normalize("NFKC", unescape(text)).casefold()
    text = _APOSTROPHES.sub("", _SPACERS.sub(" ", text))
    return _TOKEN.findall(text)


def normalise(text: str) -> str:
    """The key of a skill name: `"  K8S "` → `"k8s"`, `"Node.JS"` → `"node.js"`, `"C++,"` → `"c++"`."""
    return " ".join(tokens(text))


def stem(word: str) -> str:
    """A light suffix stripper (engineering/engineer → engin); short or symbolic words are kept."""
    if len(word) < 5 or not word.isalpha():
        return word
    for _ in range(3):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ities") else "")
                break
        else:
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def stem_key(key: str) -> str:
    return " ".join(stem(word) for word in key.split())


def _shape(key: str) -> str:
    """The digits and symbols of a key: two names that differ in them are never typos of each other."""
    return "".join(sorted(c for c in key if not c.isalpha() and c != " "))


def typo_of(key: str, choices: Collection[str]) -> str | None:
    """The one name in `choices` that `key` is plausibly a typo of (a few edits, same first letter)."""
    if len(key) < 4 or not choices:
        return None
    limit = 1 if len(key) < 9 else 2
    found = process.extract(key, choices, scorer=OSA.distance, score_cutoff=limit, limit=8)
    shape = _shape(key)
    plausible = [
        (distance, abs(len(name) - len(key)), name)
        for name, distance, _ in found
        if name[:1] == key[:1] and _shape(name) == shape
    ]
    return min(plausible)[2] if plausible else None


def label_of(text: str) -> str:
    """How a skill nobody has named before is shown: as typed, tidied."""
    words = " ".join(unicodedata.normalize("NFKC", unescape(text)).split())
    return words.strip(" .,;:!?'\"()[]{}*_~`")[:MAX_KEY] or normalise(text)


# --------------------------------------------------------------------------------------------
# The curated table (bot/expertise/data/skills.json)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Curated:
    key: str
    label: str
    area: str
    description: str = ""


UNDER_HOPS = 2  # how far down `broader` a concept finds narrower skills (Cloud → AWS → Lambda)


def _listed(entry: dict[str, object], field_name: str) -> list[str]:
    """An optional list field of a table entry (`broader`, `related`: absent before version 2)."""
    value = entry.get(field_name)
    return [str(v) for v in value] if isinstance(value, list) else []


@dataclass
class Catalog:
    """Well-known skills and the other names people give them."""

    skills: dict[str, Curated] = field(default_factory=dict)  # key → skill
    aliases: dict[str, str] = field(default_factory=dict)  # any known name → canonical key
    compact: dict[str, str] = field(default_factory=dict)  # name without spaces → canonical key
    stems: dict[str, str] = field(default_factory=dict)  # stemmed name → canonical key
    # Leading words of exactly one skill's names ("incident" → incident management), stemmed.
    heads: dict[str, str] = field(default_factory=dict)
    # The graph (version 2 of the table; absent fields are empty): key → keys.
    broader: dict[str, tuple[str, ...]] = field(default_factory=dict)  # what a skill is a kind of
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)  # both ways
    under: dict[str, tuple[str, ...]] = field(default_factory=dict)  # narrower, up to UNDER_HOPS
    version: int = 1  # the table's `version`: part of every cached answer's key

    @classmethod
    def from_entries(cls, entries: Iterable[dict[str, object]], version: int = 1) -> Catalog:
        catalog = cls(version=version)
        entries = list(entries)
        for entry in entries:
            label = str(entry["name"])
            key = normalise(label)
            description = str(entry.get("description") or "")
            catalog.skills[key] = Curated(key, label, str(entry.get("area", "")), description)
            for name in [label, *entry.get("aliases", [])]:  # type: ignore[misc]
                alias = normalise(str(name))
                if catalog.aliases.setdefault(alias, key) != key:
                    raise ValueError(f"{name!r} is an alias of two skills")
        catalog._graph(entries)
        for index, make in ((catalog.compact, lambda a: a.replace(" ", "")), (catalog.stems, stem_key)):
            ambiguous: set[str] = set()
            for alias, key in catalog.aliases.items():
                variant = make(alias)
                if index.setdefault(variant, key) != key:
                    ambiguous.add(variant)
            for variant in ambiguous:  # a variant two skills share identifies neither
                del index[variant]
        catalog._heads()
        return catalog

    def _graph(self, entries: list[dict[str, object]]) -> None:
        """`broader` and `related` by key (names the table lacks are left out), `related` made
        symmetric, and each key's narrower skills precomputed (nearest first)."""
        related: dict[str, dict[str, None]] = {}
        for entry in entries:
            key = normalise(str(entry["name"]))
            named = [self.aliases.get(normalise(str(n))) for n in _listed(entry, "broader")]
            self.broader[key] = tuple(dict.fromkeys(k for k in named if k and k != key))
            for name in _listed(entry, "related"):
                other = self.aliases.get(normalise(str(name)))
                if other and other != key:
                    related.setdefault(key, {})[other] = None
                    related.setdefault(other, {})[key] = None
        self.related = {key: tuple(others) for key, others in related.items()}
        below: dict[str, list[str]] = {}
        for key, parents in self.broader.items():
            for parent in parents:
                below.setdefault(parent, []).append(key)
        for key in below:
            found: dict[str, None] = {}
            level = [key]
            for _ in range(UNDER_HOPS):
                level = [k for parent in level for k in below.get(parent, ()) if k != key and k not in found]
                found.update(dict.fromkeys(level))
            self.under[key] = tuple(found)

    def _heads(self) -> None:
        """A skill's own name's first word stands for it when no other name starts with it."""
        starts: dict[str, set[str]] = {}
        for alias, key in self.aliases.items():
            words = stem_key(alias).split()
            if len(words) > 1:
                starts.setdefault(words[0], set()).add(key)
        for key in self.skills:
            words = stem_key(key).split()
            if len(words) > 1 and len(words[0]) >= 5 and words[0].isalpha() and starts[words[0]] == {key}:
                self.heads[words[0]] = key
        for name in set(self.stems) | set(self.aliases):
            self.heads.pop(name, None)  # a whole name is never read as the start of another

    def headed(self, key: str) -> str | None:
        """The one skill whose names start with `key` (`incident` → incident management)."""
        if len(key) < 4 or key in _STOPWORDS:
            return None
        return self.heads.get(stem_key(key))

    def nearby(self, key: str) -> list[str]:
        """Skills near `key` in the graph: related ones, what it is a kind of, their other kinds."""
        near = [*self.related.get(key, ()), *self.under.get(key, ())]
        for up in self.broader.get(key, ()):
            near += [up, *self.under.get(up, ())]
        return [k for k in dict.fromkeys(near) if k != key]

    def canonical(self, key: str, *, stems: bool = True) -> str | None:
        """The canonical key for a known name (exactly, without spaces, or by stem). Without
        `stems`, a plural `s` is the only ending let go: in a sentence, "containing" is no
        Containers and "message" no Messaging."""
        found = self.aliases.get(key) or self.compact.get(key.replace(" ", ""))
        if found or not stems:
            return found or (self.aliases.get(key[:-1]) if key.endswith("s") and len(key) > 3 else None)
        return self.stems.get(stem_key(key))

    def label(self, key: str) -> str | None:
        skill = self.skills.get(key)
        return skill.label if skill else None


@cache
def shipped() -> dict[str, Any]:
    """The curated table's JSON as shipped with the package (read once)."""
    raw = resources.files("bot.expertise").joinpath("data/skills.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


@cache
def _shipped_catalog() -> Catalog:
    data = shipped()
    return Catalog.from_entries(data["skills"], version=int(data.get("version") or 1))


_instead: list[Catalog] = []  # a table in use instead of the shipped one (`using`)


def catalog() -> Catalog:
    """The curated table shipped with the package (loaded once)."""
    return _instead[-1] if _instead else _shipped_catalog()


@contextmanager
def using(table: Catalog) -> Iterator[Catalog]:
    """Use `table` instead of the shipped one while inside (an evaluation's own graph, say); its
    `version` keys every cached answer, so give it one the shipped table does not have."""
    _instead.append(table)
    try:
        yield table
    finally:
        _instead.remove(table)


# --------------------------------------------------------------------------------------------
# A team's vocabulary: the skills that exist in one workspace
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skill:
    id: int
    key: str
    label: str


class Vocabulary:
    """One workspace's skills, indexed for matching; immutable once built, so processes share it
    between requests (with a bounded memo of the topics already understood)."""

    MEMO = 2000

    def __init__(
        self, skills: Iterable[Skill] = (), version: int = 0, learned: Iterable[tuple[int, int, str]] = ()
    ) -> None:
        self.version = version
        self.by_key: dict[str, Skill] = {}
        self.by_stem: dict[str, list[Skill]] = {}
        self.by_word: dict[str, list[Skill]] = {}
        for skill in skills:
            self.by_key[skill.key] = skill
            self.by_stem.setdefault(stem_key(skill.key), []).append(skill)
            for word in set(stem_key(skill.key).split()):
                if len(word) > 2:
                    self.by_word.setdefault(word, []).append(skill)
        self.keys = list(self.by_key)
        # What the workspace links by itself (`bot.expertise.learned`): skill id → its neighbours
        # and what each was learned from ("held" together, "named" together), in the order given.
        by_id = {skill.id: skill for skill in self.by_key.values()}
        self.learned: dict[int, list[tuple[Skill, str]]] = {}
        for skill_id, other_id, how in learned:
            other = by_id.get(other_id)
            if skill_id in by_id and other is not None and skill_id != other_id:
                self.learned.setdefault(skill_id, []).append((other, how))
        # Names a typo may be meant as: the workspace's skills and every curated name.
        self.typo_choices = list(self.by_key.keys() | catalog().aliases.keys())
        self.memo: dict[tuple[int, str], Understood] = {}

    def __len__(self) -> int:
        return len(self.by_key)

    def find(self, key: str) -> list[Skill]:
        """Team skills named `key` exactly, else sharing its stem."""
        exact = self.by_key.get(key)
        return [exact] if exact else list(self.by_stem.get(stem_key(key), ()))

    def nearest(self, key: str, limit: int = 3) -> list[Skill]:
        """Skills named like `key`, or like one of its words, or sharing a word (for "did you mean")."""
        if len(key) < 3 or not self.by_key:
            return []
        shape = _shape(key)
        names = [name for name, _, _ in process.extract(key, self.keys, scorer=fuzz.ratio, score_cutoff=70)]
        near = [self.by_key[name] for name in names if len(key) > 3 or _shape(name) == shape]
        words = [word for word in key.split() if len(word) > 3]
        for word in words if len(words) > 1 else []:
            near += [
                self.by_key[name]
                for name, _, _ in process.extract(word, self.keys, scorer=fuzz.ratio, score_cutoff=80)
            ]
        for word in stem_key(key).split():
            near += sorted(self.by_word.get(word, ()), key=lambda s: len(s.key))
        return list(dict.fromkeys(near))[:limit]


@dataclass(frozen=True)
class Related:
    """A team skill that counts, at a discount, for a part of a question naming something else."""

    skill: Skill
    kind: str  # UNDER (a kind of what was asked), RELATED (close to it) or LEARNED (linked here)
    of: str  # the label of what was asked
    how: str = ""  # LEARNED: what the workspace learned it from ("held" or "named" together)


UNDER = "under"
RELATED = "related"
# Linked by the workspace itself (`bot.expertise.learned`); it counts as RELATED does: a bonus
# for someone a part already matched, never a match by itself.
LEARNED = "learned"
MAX_RELATED = 10  # team skills one part of a question may be widened to


@dataclass
class Part:
    """One thing a question asks about (`react and typescript` has two)."""

    name: str  # its label, found or not
    key: str = ""  # its canonical key
    skills: list[Skill] = field(default_factory=list)  # team skills that match it directly
    related: list[Related] = field(default_factory=list)  # team skills under it or related to it


@dataclass
class Understood:
    """What a topic was taken to mean."""

    skills: list[Skill] = field(default_factory=list)  # team skills to look for
    names: list[str] = field(default_factory=list)  # labels of what was understood, found or not
    corrected: bool = False  # a typo was corrected
    parts: list[Part] = field(default_factory=list)  # each thing asked about, with its wider net


def _name(key: str) -> str:
    return catalog().label(key) or key


def _widened(key: str, direct: list[Skill], vocab: Vocabulary) -> list[Related]:
    """The team's skills under a curated `key` (nearest first), then those related to it, then
    those the workspace itself links to the skills found (`LEARNED`: also for a name of its own
    that the curated table does not know)."""
    table = catalog()
    seen = {s.id for s in direct}
    found: list[Related] = []
    if key in table.skills:
        label = _name(key)
        for kind, keys in ((UNDER, table.under.get(key, ())), (RELATED, table.related.get(key, ()))):
            for other in keys:
                skill = vocab.by_key.get(other)
                if skill is not None and skill.id not in seen:
                    seen.add(skill.id)
                    found.append(Related(skill, kind, label))
    for asked in direct:
        for near, how in vocab.learned.get(asked.id, ()):
            if near.id not in seen:
                seen.add(near.id)
                found.append(Related(near, LEARNED, asked.label, how))
    return found[:MAX_RELATED]


def _one(key: str, found: list[Skill], name: str, vocab: Vocabulary, corrected: bool = False) -> Understood:
    part = Part(name, key, found, _widened(key, found, vocab))
    return Understood(found, [name], corrected, [part])


def understand_phrase(key: str, vocab: Vocabulary, *, typos: bool = True) -> Understood | None:
    """One skill name: exact, alias, stem, a skill's own first word (`incident`), then (for names
    nobody knows) a typo correction; with the team's skills under it or related to it."""
    if not key or len(key) > MAX_KEY:
        return None
    table = catalog()
    canonical = table.canonical(key) or key
    found = vocab.find(canonical) or vocab.find(key)
    if found:
        return _one(canonical, found, found[0].label, vocab)
    if canonical in table.skills:
        return _one(canonical, [], _name(canonical), vocab)
    if not typos:
        return None
    headed = table.headed(key)
    if headed is not None:
        return _one(headed, vocab.find(headed), _name(headed), vocab)
    fixed = typo_of(key, vocab.typo_choices)
    if fixed is None:
        return None
    canonical = table.canonical(fixed) or fixed
    found = vocab.find(canonical)
    return _one(canonical, found, found[0].label if found else _name(canonical), vocab, corrected=True)


def _merge(parts: Iterable[Understood]) -> Understood:
    merged = Understood()
    for part in parts:
        merged.skills += [s for s in part.skills if s not in merged.skills]
        merged.names += [n for n in part.names if n not in merged.names]
        merged.corrected |= part.corrected
        merged.parts += [p for p in part.parts if p.name not in {q.name for q in merged.parts}]
    return merged


def understand(topic: str, vocab: Vocabulary) -> Understood:
    """The skills a `/whoknows` topic asks about (several when it names several); don't mutate it."""
    key = (catalog().version, topic)  # (a new skill graph reads topics anew)
    memo = vocab.memo.get(key)
    if memo is None:
        memo = _understand(topic, vocab)
        if len(vocab.memo) >= vocab.MEMO:
            vocab.memo.clear()
        vocab.memo[key] = memo
    return memo


# What people say around the skills they ask about, longest first ("who can help with our …").
_ASKING = (
    "is there anyone who knows|is there someone who knows|does anyone know|does anybody know|"
    "do we have anyone who knows|do we have someone who knows|do we have an expert in|"
    "who can help me with|who can help us with|who can help with|can anyone help with|"
    "can someone help with|could someone help with|anyone who can help with|someone who can help with|"
    "anyone who knows|anybody who knows|someone who knows|somebody who knows|people who know|"
    "anyone good at|anyone good with|someone good at|somebody good at|who is good at|who's good at|"
    "who is an expert in|who is an expert on|who's an expert in|who is an expert|"
    "who knows about|who knows|who has experience with|who has experience in|who has used|"
    "anyone with experience in|anyone with experience with|someone with experience in|"
    "someone with experience with|experience with|experience in|need help with|help with|"
    "an expert in|an expert on|an expert|expert in|expert on|experts in|good at|knows about|"
    "know about|looking for|i need|we need|anyone|anybody|someone|somebody|please|pls"
)
_APART = r"[\w&/.+#-]"  # what joins a word to a name (a/b, c++, .net, r&d): not a word apart
_ASKED = re.compile(rf"(?i)(?<!{_APART})(?:{_ASKING})(?!{_APART})")
_LITTLE = re.compile(rf"(?i)(?<!{_APART})(?:our|the|my|me|us|some|any|a|an|here|stuff|things?)(?!{_APART})")
_ENDING = re.compile(r"[?!.\s]+$")


def question(topic: str) -> str:
    """The skills part of a question: `someone who knows react & typescript?` → `react & typescript`."""
    text = _ENDING.sub("", unescape(topic).replace("?", " "))
    text = _ASKED.sub(" ", text)
    text = _LITTLE.sub(" ", text)
    return " ".join(text.split()).strip(" ,;:")


def _understand(topic: str, vocab: Vocabulary) -> Understood:
    text = question(topic) or unescape(topic)
    key = normalise(text)
    whole = understand_phrase(key, vocab)
    if whole is not None:
        return whole
    pieces = [normalise(p) for p in _SEPARATORS.split(text) if normalise(p)]
    if len(pieces) > 1:
        parts = [
            understand_phrase(p, vocab) or _merge(_segments(_unslashed(p.split(), vocab), vocab))
            for p in pieces[:MAX_TOPIC_WORDS]
        ]
        if any(p.names for p in parts):
            return _merge(parts)
    return _merge(_segments(_unslashed(key.split(), vocab)[:MAX_TOPIC_WORDS], vocab))


def _unslashed(words: list[str], vocab: Vocabulary) -> list[str]:
    """`kubernetes/terraform` is two skills, unless the whole is one name (ci/cd, ui/ux, pl/sql)."""
    table = catalog()
    out: list[str] = []
    for word in words:
        known = "/" not in word or table.canonical(word) or vocab.find(word)
        out += [word] if known else [part for part in word.split("/") if part]
    return out


def _segments(words: list[str], vocab: Vocabulary) -> Iterable[Understood]:
    """Known skill names inside a sentence, longest first (`who knows k8s networking well`)."""
    start = 0
    while start < len(words):
        for end in range(min(len(words), start + 4), start, -1):
            phrase = words[start:end]
            if len(phrase) == 1 and (phrase[0] in _STOPWORDS or len(phrase[0]) < 2):
                continue
            found = understand_phrase(" ".join(phrase), vocab, typos=False)
            if found:
                yield found
                start = end
                break
        else:
            start += 1


# --------------------------------------------------------------------------------------------
# Lists of skills people type (`/skills add …`, `/endorse @x …`)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """A skill someone typed, in canonical form."""

    key: str
    label: str
    typed: str  # as they wrote it (tidied), to say "k8s is stored as Kubernetes"
    existing: Skill | None = None  # the team's skill, when it already exists
    also: tuple[str, ...] = ()  # other names in the same list for it ("jenkins, ci": CI/CD)

    @property
    def renamed(self) -> list[str]:
        """Each way it was typed that is not its label, once (case aside), first spelling kept."""
        found: dict[str, str] = {}
        for name in (self.typed, *self.also):
            if name.casefold() != self.label.casefold():
                found.setdefault(name.casefold(), name)
        return list(found.values())


@dataclass
class Parsed:
    named: list[Named] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # pieces that are not skill names


def canonical_name(typed: str, vocab: Vocabulary) -> Named | None:
    """The canonical skill for one typed name; a new skill when nobody knows the name."""
    key = normalise(typed)
    if not key or len(key) > MAX_KEY or len(key.split()) > MAX_WORDS or not any(c.isalnum() for c in key):
        return None
    table = catalog()
    canonical = table.canonical(key)
    if canonical is None:
        known = vocab.find(key)
        if known:
            return Named(known[0].key, known[0].label, label_of(typed), known[0])
        fixed = typo_of(key, vocab.typo_choices)
        canonical = (table.canonical(fixed) or fixed) if fixed else None
    if canonical is None:
        return Named(key, label_of(typed), label_of(typed))
    existing = vocab.by_key.get(canonical)
    label = existing.label if existing else (table.label(canonical) or label_of(typed))
    return Named(canonical, label, label_of(typed), existing)


def parse_skills(text: str, vocab: Vocabulary, *, limit: int = 20) -> Parsed:
    """Skills in a list such as `k8s, Terraform; go` (or `python sql docker`), canonical and unique."""
    parsed = Parsed()
    seen: dict[str, int] = {}  # key → its place in parsed.named
    for piece in _pieces(text):
        named = canonical_name(piece, vocab)
        if named is None:
            parsed.rejected.append(label_of(piece) or piece.strip())
        elif named.key in seen:  # another name for one already listed: say both were merged
            first = parsed.named[seen[named.key]]
            parsed.named[seen[named.key]] = replace(first, also=(*first.also, named.typed))
        else:
            seen[named.key] = len(parsed.named)
            parsed.named.append(named)
        if len(parsed.named) >= limit:
            break
    return parsed


def _pieces(text: str) -> list[str]:
    pieces: list[str] = []
    table = catalog()
    for piece in _SEPARATORS.split(unescape(text)):
        if not piece.strip():
            continue
        words = piece.split()
        if len(words) == 1 and "/" in piece and table.canonical(normalise(piece)) is None:
            parts = [p for p in piece.split("/") if normalise(p)]
            if len(parts) > 1 and all(table.canonical(normalise(p)) for p in parts):
                pieces.extend(parts)
                continue
        # "python sql docker": words that are each a known skill, typed without commas.
        known_words = all(table.canonical(normalise(w)) for w in words)
        if len(words) > 1 and table.canonical(normalise(piece)) is None and known_words:
            pieces.extend(words)
            continue
        pieces.append(piece)
    return pieces
