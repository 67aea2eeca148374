"""The rules every new or edited comment goes through.

Pure and ordered: one function takes the text and what we know around it
(RuleContext) and returns a Decision with the reasons, so each rule can be
tested on its own and the moderation queue can say exactly why a comment is
in front of a moderator. Matching folds case, accents and full-width forms,
and works on whole words.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from urllib.parse import urlsplit


class Action(StrEnum):
    ALLOW = "allow"  # publish, or pre-moderate, as trust and mode say
    HOLD = "hold"  # wait for a moderator, whoever posted
    REJECT = "reject"  # rejected at once (duplicates)
    SPAM = "spam"  # marked spam at once (banned words)
    REFUSE = "refuse"  # not saved at all (bursts)


@dataclass(frozen=True)
class Reason:
    rule: str
    label: str
    matches: tuple[tuple[int, int], ...] = ()

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "label": self.label,
            "matches": [list(span) for span in self.matches],
        }


@dataclass(frozen=True)
class Decision:
    action: Action
    reasons: tuple[Reason, ...] = ()

    @property
    def spans(self) -> list[tuple[int, int]]:
        return sorted({span for reason in self.reasons for span in reason.matches})


@dataclass(frozen=True)
class Link:
    start: int
    end: int
    url: str


@dataclass(frozen=True)
class RuleContext:
    banned_phrases: Sequence[str] = ()
    suspect_phrases: Sequence[str] = ()
    watched_domains: Sequence[str] = ()
    max_links: int = 2
    # The same member's texts from the duplicate window (24 h).
    recent_texts: Sequence[str] = ()
    # How many comments the member posted in the burst window, and the limit.
    recent_count: int = 0
    burst_limit: int = 5
    burst_minutes: int = 10
    links: Sequence[Link] = field(default_factory=tuple)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    wide = unicodedata.normalize("NFKC", char)
    return "".join(
        part.casefold()
        for part in unicodedata.normalize("NFKD", wide)
        if not unicodedata.combining(part)
    )


def fold(text: str) -> tuple[str, list[int]]:
    """Case-, accent- and width-folded text, with each folded character's
    index in the original, so matches can be shown where they were typed.
    Posting folds the member's recent texts too, so it has to be quick:
    ASCII folds to its lower case, and other characters are folded once
    each and remembered."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        folded = _fold_char(char)
        out.append(folded)
        index.extend([i] * len(folded))
    return "".join(out), index


def _phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    words = fold(phrase)[0].split()
    if not words:
        return None
    body = r"\s+".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def find_phrases(text: str, phrases: Sequence[str]) -> list[tuple[str, int, int]]:
    """(phrase, start, end) for every whole-word occurrence, in text order."""
    folded, index = fold(text)
    found = []
    for phrase in phrases:
        pattern = _phrase_pattern(phrase)
        if pattern is None:
            continue
        for match in pattern.finditer(folded):
            start, end = index[match.start()], index[match.end() - 1] + 1
            # fold() drops combining accents: one typed after the last
            # letter (decomposed "é") belongs to the match.
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1
            found.append((phrase, start, end))
    return sorted(found, key=lambda item: item[1])


def _normalised(text: str) -> str:
    return " ".join(fold(text)[0].split())


def _host(url: str) -> str:
    if "://" not in url:
        url = "http://" + url
    return (urlsplit(url).hostname or "").rstrip(".")


def _domain_watched(host: str, watched: Sequence[str]) -> str | None:
    host = fold(host)[0]
    for domain in watched:
        domain = fold(domain.strip().lstrip("."))[0]
        if domain and (host == domain or host.endswith("." + domain)):
            return domain
    return None


def evaluate(text: str, context: RuleContext) -> Decision:
    # 1. A burst is refused before anything is stored.
    if context.recent_count >= context.burst_limit:
        return Decision(
            Action.REFUSE,
            (
                Reason(
                    "burst",
                    f"refused: more than {context.burst_limit} comments in "
                    f"{context.burst_minutes} minutes",
                ),
            ),
        )
    # 2. Banned words mark it spam.
    banned = find_phrases(text, context.banned_phrases)
    if banned:
        phrases = sorted({phrase for phrase, _, _ in banned})
        return Decision(
            Action.SPAM,
            tuple(
                Reason(
                    "banned_word",
                    f"spam: banned word '{phrase}'",
                    tuple((s, e) for p, s, e in banned if p == phrase),
                )
                for phrase in phrases
            ),
        )
    # 3. The same text again within the window is a duplicate.
    mine = _normalised(text)
    if any(_normalised(previous) == mine for previous in context.recent_texts):
        return Decision(
            Action.REJECT,
            (Reason("duplicate", "rejected: same text posted in the last 24 hours"),),
        )
    # 4. Holds: every reason that applies is kept.
    holds: list[Reason] = []
    for link in context.links:
        domain = _domain_watched(_host(link.url), context.watched_domains)
        if domain:
            holds.append(
                Reason(
                    "watched_domain",
                    f"held: link to watched domain '{domain}'",
                    ((link.start, link.end),),
                )
            )
    if len(context.links) > context.max_links:
        holds.append(
            Reason(
                "links",
                f"held: {len(context.links)} links",
                tuple((link.start, link.end) for link in context.links),
            )
        )
    suspect = find_phrases(text, context.suspect_phrases)
    for phrase in sorted({phrase for phrase, _, _ in suspect}):
        holds.append(
            Reason(
                "suspect_word",
                f"held: suspect word '{phrase}'",
                tuple((s, e) for p, s, e in suspect if p == phrase),
            )
        )
    if holds:
        return Decision(Action.HOLD, tuple(holds))
    return Decision(Action.ALLOW)
