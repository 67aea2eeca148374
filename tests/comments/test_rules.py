"""The rules engine in comments/rules.py, one rule at a time. Pure: no
database, no settings, only evaluate(text, RuleContext(...))."""

# Full-width letters are what several tests are about.
# ruff: noqa: RUF001

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comments import rules
from comments.rules import (
    Action,
    Decision,
    Link,
    Reason,
    RuleContext,
    evaluate,
    find_phrases,
    fold,
)
from comments.sanitize import extract_links


def context(text: str = "", **kw) -> RuleContext:
    """A context whose links are the ones the sanitiser would make of text."""
    kw.setdefault(
        "links", tuple(Link(start, end, url) for start, end, url in extract_links(text))
    )
    return RuleContext(**kw)


def matched(text: str, decision: Decision) -> list[str]:
    return [text[start:end] for start, end in decision.spans]


# fold and find_phrases ---------------------------------------------------


def test_fold_lowers_case_and_drops_accents_with_an_index_into_the_original():
    folded, index = fold("CuRé")
    assert folded == "cure"
    assert index == [0, 1, 2, 3]


def test_fold_turns_full_width_letters_into_ascii():
    assert fold("ｃｕｒｅ")[0] == "cure"


def test_fold_keeps_every_expanded_character_pointing_at_its_source():
    folded, index = fold("aß")
    assert folded == "ass"
    assert index == [0, 1, 1]


def test_find_phrases_returns_whole_word_matches_in_text_order():
    text = "A cure? Secure, curing, CURE."
    found = find_phrases(text, ["cure"])
    assert [(p, text[s:e]) for p, s, e in found] == [("cure", "cure"), ("cure", "CURE")]


def test_find_phrases_ignores_blank_phrases():
    assert find_phrases("anything at all", ["", "   "]) == []


def test_find_phrases_matches_accented_text_against_plain_phrase():
    text = "Le curé dit"
    [(_, start, end)] = find_phrases(text, ["cure"])
    assert text[start:end] == "curé"


def test_find_phrases_matches_plain_text_against_accented_phrase():
    text = "a cure for all"
    [(phrase, start, end)] = find_phrases(text, ["curé"])
    assert (phrase, text[start:end]) == ("curé", "cure")


def test_find_phrases_span_includes_a_decomposed_accent():
    text = "a cure\u0301 now"  # e followed by a combining acute accent
    [(_, start, end)] = find_phrases(text, ["cure"])
    assert text[start:end] == "cure\u0301"


def test_find_phrases_matches_full_width_text():
    text = "ｃｕｒｅ it"
    [(_, start, end)] = find_phrases(text, ["cure"])
    assert (start, end) == (0, 4)


def test_find_phrases_matches_multi_word_phrase_across_any_whitespace():
    text = "Please BUY\n\t  now, or buy  NOW"
    found = find_phrases(text, ["buy now"])
    assert [text[s:e] for _, s, e in found] == ["BUY\n\t  now", "buy  NOW"]


def test_find_phrases_does_not_match_multi_word_phrase_split_by_punctuation():
    assert find_phrases("buy-now or buy, now", ["buy now"]) == []


# Banned words -------------------------------------------------------------


def test_banned_word_marks_comment_spam_with_label_and_span():
    text = "Get cheap viagra here"
    decision = evaluate(text, context(text, banned_phrases=["viagra"]))
    assert decision.action == Action.SPAM
    [reason] = decision.reasons
    assert reason.rule == "banned_word"
    assert reason.label == "spam: banned word 'viagra'"
    assert [text[s:e] for s, e in reason.matches] == ["viagra"]


def test_banned_word_matches_case_insensitively_and_records_every_occurrence():
    text = "VIAGRA, Viagra and viagra"
    decision = evaluate(text, context(text, banned_phrases=["viagra"]))
    assert decision.action == Action.SPAM
    assert matched(text, decision) == ["VIAGRA", "Viagra", "viagra"]


def test_banned_phrases_each_get_their_own_reason_in_name_order():
    text = "casino and viagra and casino"
    decision = evaluate(text, context(text, banned_phrases=["viagra", "casino"]))
    assert [r.label for r in decision.reasons] == [
        "spam: banned word 'casino'",
        "spam: banned word 'viagra'",
    ]
    assert len(decision.reasons[0].matches) == 2


def test_banned_word_inside_another_word_is_allowed():
    text = "Scasinos are not a word"
    assert evaluate(text, context(text, banned_phrases=["casino"])).action == (
        Action.ALLOW
    )


def test_banned_multi_word_phrase_matches_with_other_whitespace():
    text = "Click to Buy\n\nNow please"
    decision = evaluate(text, context(text, banned_phrases=["buy now"]))
    assert decision.action == Action.SPAM
    assert matched(text, decision) == ["Buy\n\nNow"]


# Suspect words ------------------------------------------------------------


def test_suspect_word_holds_comment_with_label_and_span():
    text = "This is a cure for MS"
    decision = evaluate(text, context(text, suspect_phrases=["cure"]))
    assert decision.action == Action.HOLD
    [reason] = decision.reasons
    assert reason.rule == "suspect_word"
    assert reason.label == "held: suspect word 'cure'"
    assert matched(text, decision) == ["cure"]


@pytest.mark.parametrize("text", ["Curing takes time", "a secure site", "cures"])
def test_suspect_word_does_not_match_inside_longer_words(text):
    assert evaluate(text, context(text, suspect_phrases=["cure"])).action == (
        Action.ALLOW
    )


@pytest.mark.parametrize(
    "text", ["CURE", "Cure!", "(cure)", "ｃｕｒｅ", "curé", "cure\u0301", "'cure'"]
)
def test_suspect_word_matches_case_accent_and_width_variants(text):
    decision = evaluate(text, context(text, suspect_phrases=["cure"]))
    assert decision.action == Action.HOLD
    assert decision.reasons[0].label == "held: suspect word 'cure'"


def test_accented_suspect_word_matches_plain_text():
    text = "a miracle cure"
    decision = evaluate(text, context(text, suspect_phrases=["curé"]))
    assert decision.action == Action.HOLD
    assert matched(text, decision) == ["cure"]


def test_no_phrases_and_no_links_allows_the_comment():
    assert evaluate("Hello there", context("Hello there")) == Decision(Action.ALLOW)


# Links -------------------------------------------------------------------


def test_more_links_than_the_limit_holds_with_the_count():
    text = "see https://a.example.com https://b.example.com https://c.example.com"
    decision = evaluate(text, context(text, max_links=2))
    assert decision.action == Action.HOLD
    [reason] = decision.reasons
    assert (reason.rule, reason.label) == ("links", "held: 3 links")
    assert matched(text, decision) == [
        "https://a.example.com",
        "https://b.example.com",
        "https://c.example.com",
    ]


def test_exactly_the_link_limit_is_allowed():
    text = "see https://a.example.com and https://b.example.com"
    assert evaluate(text, context(text, max_links=2)).action == Action.ALLOW


def test_link_limit_follows_the_context():
    text = "see https://a.example.com and https://b.example.com"
    decision = evaluate(text, context(text, max_links=1))
    assert decision.reasons[0].label == "held: 2 links"


@pytest.mark.parametrize(
    "url",
    [
        "https://pharma.example.com/pills",
        "https://shop.pharma.example.com/pills",
        "http://PHARMA.Example.COM",
        "www.pharma.example.com/buy",
        "https://deep.shop.pharma.example.com/x",
    ],
)
def test_link_to_watched_domain_or_subdomain_holds(url):
    text = f"Order at {url} today"
    decision = evaluate(text, context(text, watched_domains=["pharma.example.com"]))
    assert decision.action == Action.HOLD
    [reason] = decision.reasons
    assert reason.rule == "watched_domain"
    assert reason.label == "held: link to watched domain 'pharma.example.com'"
    assert matched(text, decision) == [url]


@pytest.mark.parametrize(
    "url",
    [
        "https://notpharma.example.com/",
        "https://pharma.example.com.evil.com/",
        "https://example.com/pharma.example.com",
        "https://pharma-example.com/",
    ],
)
def test_link_to_lookalike_domain_is_allowed(url):
    text = f"Read {url} first"
    decision = evaluate(text, context(text, watched_domains=["pharma.example.com"]))
    assert decision.action == Action.ALLOW


def test_watched_domain_written_with_leading_dot_or_capitals_still_matches():
    text = "https://shop.pharma.example.com"
    decision = evaluate(text, context(text, watched_domains=[" .Pharma.Example.com "]))
    assert decision.action == Action.HOLD


# Duplicates ----------------------------------------------------------------


def test_same_text_again_is_rejected_as_duplicate():
    text = "LDN helped my fatigue."
    decision = evaluate(text, context(text, recent_texts=["LDN helped my fatigue."]))
    assert decision.action == Action.REJECT
    [reason] = decision.reasons
    assert reason.rule == "duplicate"
    assert reason.label == "rejected: same text posted in the last 24 hours"


def test_duplicate_ignores_whitespace_case_and_accent_differences():
    text = "  LDN   helped\n my FATIGUE. "
    decision = evaluate(text, context(text, recent_texts=["ldn helped my fatigué."]))
    assert decision.action == Action.REJECT


def test_different_text_is_not_a_duplicate():
    text = "LDN helped my fatigue."
    decision = evaluate(text, context(text, recent_texts=["LDN helped my sleep."]))
    assert decision.action == Action.ALLOW


# Bursts --------------------------------------------------------------------


def test_burst_at_the_limit_is_refused_with_a_clear_label():
    decision = evaluate("hi", context("hi", recent_count=5, burst_limit=5))
    assert decision.action == Action.REFUSE
    [reason] = decision.reasons
    assert reason.rule == "burst"
    assert reason.label == "refused: more than 5 comments in 10 minutes"


def test_one_below_the_burst_limit_is_allowed():
    assert evaluate("hi", context("hi", recent_count=4, burst_limit=5)).action == (
        Action.ALLOW
    )


# Order ---------------------------------------------------------------------


def _everything(text: str, **kw) -> RuleContext:
    values = {
        "banned_phrases": ["viagra"],
        "suspect_phrases": ["cure"],
        "watched_domains": ["pharma.example.com"],
        "max_links": 0,
        "recent_texts": [text],
        "recent_count": 5,
        "burst_limit": 5,
    }
    values.update(kw)
    return context(text, **values)


TRIPS_ALL = "viagra cure at https://pharma.example.com/x"


def test_burst_beats_every_other_rule():
    decision = evaluate(TRIPS_ALL, _everything(TRIPS_ALL))
    assert decision.action == Action.REFUSE
    assert [r.rule for r in decision.reasons] == ["burst"]


def test_banned_word_beats_duplicate_and_holds():
    decision = evaluate(TRIPS_ALL, _everything(TRIPS_ALL, recent_count=0))
    assert decision.action == Action.SPAM
    assert [r.rule for r in decision.reasons] == ["banned_word"]


def test_duplicate_beats_holds():
    decision = evaluate(
        TRIPS_ALL, _everything(TRIPS_ALL, recent_count=0, banned_phrases=[])
    )
    assert decision.action == Action.REJECT
    assert [r.rule for r in decision.reasons] == ["duplicate"]


def test_every_hold_reason_is_kept():
    decision = evaluate(
        TRIPS_ALL,
        _everything(TRIPS_ALL, recent_count=0, banned_phrases=[], recent_texts=[]),
    )
    assert decision.action == Action.HOLD
    assert [r.label for r in decision.reasons] == [
        "held: link to watched domain 'pharma.example.com'",
        "held: 1 links",
        "held: suspect word 'cure'",
    ]


def test_several_suspect_words_and_links_are_all_reported():
    text = (
        "A cure! A miracle? "
        "https://a.example.com https://b.example.com https://c.example.com"
    )
    decision = evaluate(
        text, context(text, suspect_phrases=["miracle", "cure"], max_links=2)
    )
    assert {r.label for r in decision.reasons} == {
        "held: 3 links",
        "held: suspect word 'cure'",
        "held: suspect word 'miracle'",
    }


# Spans ---------------------------------------------------------------------


def test_spans_point_into_the_original_text_after_wide_and_expanding_characters():
    # ß folds to two letters and the full-width word to narrow ones: the
    # spans must still cut the original text at the right places.
    text = "Straße ｉｓ a Miracle ＣＵＲＥ, ok"
    decision = evaluate(text, context(text, suspect_phrases=["miracle cure"]))
    assert matched(text, decision) == ["Miracle ＣＵＲＥ"]


def test_decision_spans_are_sorted_and_unique():
    text = "cure https://pharma.example.com cure"
    decision = evaluate(
        text,
        context(
            text,
            suspect_phrases=["cure"],
            watched_domains=["pharma.example.com"],
            max_links=0,
        ),
    )
    # The link is matched by two reasons but listed once.
    assert decision.spans == sorted(set(decision.spans))
    assert matched(text, decision) == ["cure", "https://pharma.example.com", "cure"]


def test_reason_as_dict_is_json_ready():
    reason = Reason("links", "held: 3 links", ((1, 2), (3, 4)))
    assert reason.as_dict() == {
        "rule": "links",
        "label": "held: 3 links",
        "matches": [[1, 2], [3, 4]],
    }


def _fold_slowly(text: str) -> tuple[str, list[int]]:
    """fold() as first written, a character at a time, to check the fast
    paths against."""
    import unicodedata

    out, index = [], []
    for i, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char)):
            if unicodedata.combining(part):
                continue
            for folded in part.casefold():
                out.append(folded)
                index.append(i)
    return "".join(out), index


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_fold_gives_what_folding_each_character_gives(text):
    assert rules.fold(text) == _fold_slowly(text)


@pytest.mark.parametrize(
    "text", ["Plain ASCII, LDN 4.5 mg!", "Ｆｕｌｌ-width", "Crème Brûlée", "Straße ﬁ"]
)
def test_fold_of_typical_texts_matches_the_slow_fold(text):
    assert rules.fold(text) == _fold_slowly(text)
