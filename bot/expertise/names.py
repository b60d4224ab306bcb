"""Skill names: normalising what people type, the curated alias table, and matching a topic.

Pure functions and small in-memory indexes; no database. A skill's *key* is its normalised
name (`"c++"`, `"machine learning"`, `"ci/cd"`); its *label* is how it is shown (`"C++"`).
Matching goes exact → alias → stem → typo (only for names nobody knows), so a real skill name is
never "corrected" into another one and short names are never fuzzy (`go` never finds Google Cloud).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

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


@dataclass
class Catalog:
    """Well-known skills and the other names people give them."""

    skills: dict[str, Curated] = field(default_factory=dict)  # key → skill
    aliases: dict[str, str] = field(default_factory=dict)  # any known name → canonical key
    compact: dict[str, str] = field(default_factory=dict)  # name without spaces → canonical key
    stems: dict[str, str] = field(default_factory=dict)  # stemmed name → canonical key

    @classmethod
    def from_entries(cls, entries: Iterable[dict[str, object]]) -> Catalog:
        catalog = cls()
        for entry in entries:
            label = str(entry["name"])
            key = normalise(label)
            catalog.skills[key] = Curated(key, label, str(entry.get("area", "")))
            for name in [label, *entry.get("aliases", [])]:  # type: ignore[misc]
                alias = normalise(str(name))
                if catalog.aliases.setdefault(alias, key) != key:
                    raise ValueError(f"{name!r} is an alias of two skills")
        for index, make in ((catalog.compact, lambda a: a.replace(" ", "")), (catalog.stems, stem_key)):
            ambiguous: set[str] = set()
            for alias, key in catalog.aliases.items():
                variant = make(alias)
                if index.setdefault(variant, key) != key:
                    ambiguous.add(variant)
            for variant in ambiguous:  # a variant two skills share identifies neither
                del index[variant]
        return catalog

    def canonical(self, key: str) -> str | None:
        """The canonical key for a known name (exactly, without spaces, or by stem)."""
        return (
            self.aliases.get(key) or self.compact.get(key.replace(" ", "")) or self.stems.get(stem_key(key))
        )

    def label(self, key: str) -> str | None:
        skill = self.skills.get(key)
        return skill.label if skill else None


@cache
def catalog() -> Catalog:
    """The curated table shipped with the package (loaded once)."""
    raw = resources.files("bot.expertise").joinpath("data/skills.json").read_text(encoding="utf-8")
    return Catalog.from_entries(json.loads(raw)["skills"])


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

    def __init__(self, skills: Iterable[Skill] = (), version: int = 0) -> None:
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
        # Names a typo may be meant as: the workspace's skills and every curated name.
        self.typo_choices = list(self.by_key.keys() | catalog().aliases.keys())
        self.memo: dict[str, Understood] = {}

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


@dataclass
class Understood:
    """What a topic was taken to mean."""

    skills: list[Skill] = field(default_factory=list)  # team skills to look for
    names: list[str] = field(default_factory=list)  # labels of what was understood, found or not
    corrected: bool = False  # a typo was corrected


def _name(key: str) -> str:
    return catalog().label(key) or key


def understand_phrase(key: str, vocab: Vocabulary, *, typos: bool = True) -> Understood | None:
    """One skill name: exact, alias, stem, then (for names nobody knows) a typo correction."""
    if not key or len(key) > MAX_KEY:
        return None
    table = catalog()
    canonical = table.canonical(key) or key
    found = vocab.find(canonical) or vocab.find(key)
    if found:
        return Understood(found, [found[0].label])
    if canonical in table.skills:
        return Understood([], [_name(canonical)])
    if not typos:
        return None
    fixed = typo_of(key, vocab.typo_choices)
    if fixed is None:
        return None
    canonical = table.canonical(fixed) or fixed
    found = vocab.find(canonical)
    return Understood(found, [found[0].label if found else _name(canonical)], corrected=True)


def _merge(parts: Iterable[Understood]) -> Understood:
    merged = Understood()
    for part in parts:
        merged.skills += [s for s in part.skills if s not in merged.skills]
        merged.names += [n for n in part.names if n not in merged.names]
        merged.corrected |= part.corrected
    return merged


def understand(topic: str, vocab: Vocabulary) -> Understood:
    """The skills a `/whoknows` topic asks about (several when it names several); don't mutate it."""
    memo = vocab.memo.get(topic)
    if memo is None:
        memo = _understand(topic, vocab)
        if len(vocab.memo) >= vocab.MEMO:
            vocab.memo.clear()
        vocab.memo[topic] = memo
    return memo


def _understand(topic: str, vocab: Vocabulary) -> Understood:
    key = normalise(topic)
    whole = understand_phrase(key, vocab)
    if whole is not None:
        return whole
    pieces = [normalise(p) for p in _SEPARATORS.split(unescape(topic)) if normalise(p)]
    if len(pieces) > 1:
        parts = [understand_phrase(p, vocab) for p in pieces[:MAX_TOPIC_WORDS]]
        if any(parts):
            return _merge(p for p in parts if p)
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
