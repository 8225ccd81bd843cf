"""Readability measures for the information guides (selfdirect/rules/readability.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.rules.readability import (
    average_sentence_length,
    count_syllables,
    flesch_reading_ease,
    readability,
    sentences,
)


@pytest.mark.parametrize(
    "word, syllables",
    [
        ("cat", 1), ("the", 1), ("care", 1), ("home", 1), ("table", 2), ("happy", 2), ("money", 2),
        ("budget", 2), ("personal", 3), ("beautiful", 3), ("assessment", 3), ("independent", 4),
        ("asked", 1), ("wanted", 2), ("makes", 1), ("places", 2), ("uses", 2), ("don't", 1), ("a", 1),
    ],
)  # fmt: skip
def test_syllable_table(word, syllables):
    assert count_syllables(word) == syllables


def test_flesch_by_hand():
    """ "The cat sat on the mat." 6 words, 1 sentence, 6 syllables:
    206.835 - 1.015 x 6 - 84.6 x 1 = 116.145."""
    assert flesch_reading_ease("The cat sat on the mat.") == pytest.approx(116.145)


def test_two_sentences_by_hand():
    """ "You can ask for help. We will listen to you." 10 words, 2 sentences; syllables
    you can ask for help (5) + we will lis-ten to you (6) = 11.
    206.835 - 5.075 - 93.06 = 108.70; grade 0.39 x 5 + 11.8 x 1.1 - 15.59 = -0.66."""
    r = readability("You can ask for help. We will listen to you.")
    assert (r.sentences, r.words, r.syllables) == (2, 10, 11)
    assert r.reading_ease == pytest.approx(108.70)
    assert r.grade_level == pytest.approx(-0.66)
    assert average_sentence_length("You can ask for help. We will listen to you.") == 5


def test_a_long_sentence_of_long_words_reads_harder():
    easy = "We pay you the money. You buy your care."
    hard = (
        "Notwithstanding the aforementioned considerations, individuals requiring assistance should "
        "communicate preferences regarding organisational arrangements comprehensively."
    )
    assert flesch_reading_ease(hard) < 20 < 90 < flesch_reading_ease(easy)


def test_lines_and_bullets_are_sentences():
    """Headings and list items without a full stop still count as sentences."""
    assert sentences("You can:\n- get money\n- ask us\n\nThat is all.") == ["You can:", "- get money", "- ask us",
                                                                          "That is all"]  # fmt: skip


def test_no_words_is_refused():
    with pytest.raises(ValueError):
        readability("  ... ")


@given(st.lists(st.sampled_from(["cat", "money", "personal", "independent", "we"]), min_size=1, max_size=30))
def test_more_words_in_one_sentence_never_reads_easier(words):
    """Adding a word of one syllable to a sentence lowers (or keeps) reading ease only through length, and
    splitting the text into two sentences never makes it harder."""
    one = " ".join(words) + "."
    half = len(words) // 2
    if half:
        two = " ".join(words[:half]) + ". " + " ".join(words[half:]) + "."
        assert flesch_reading_ease(two) >= flesch_reading_ease(one)
