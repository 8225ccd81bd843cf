"""Readability measures for the information pages, which are written for a reading age of about nine.

Flesch reading ease (Flesch 1948) and the Flesch-Kincaid grade level (Kincaid et al. 1975), with syllables
counted by a rule of thumb (vowel groups, less a silent final "e", "-ed" and "-es"): good enough to compare
drafts and catch long sentences and long words, not a linguist's count. No Django.

    reading ease = 206.835 - 1.015 x (words / sentences) - 84.6 x (syllables / words)
    grade level  = 0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59
    reading age  = grade level + 5 (the usual UK conversion from US school grades)
"""

import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
# A sentence ends at . ! ? or a line break (headings and list items are sentences of their own).
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def count_syllables(word: str) -> int:
    w = word.lower().replace("’", "'").split("'")[0]
    if not w:
        return 0
    count = len(_VOWEL_GROUPS.findall(w))
    if len(w) > 2 and w.endswith("e") and not w.endswith(("le", "ee", "ye")):
        count -= 1  # silent e: care, home, make
    elif len(w) > 3 and w.endswith("ed") and w[-3] not in "td":
        count -= 1  # asked, lived (but wanted, needed keep theirs)
    elif len(w) > 3 and w.endswith("es") and not w.endswith(("ses", "xes", "zes", "ches", "shes", "ces", "ges")):
        count -= 1  # makes, homes (but uses, places keep theirs)
    return max(1, count)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if words(s)]


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words if self.words else 0.0

    @property
    def reading_ease(self) -> float:
        return 206.835 - 1.015 * self.words_per_sentence - 84.6 * self.syllables_per_word

    @property
    def grade_level(self) -> float:
        return 0.39 * self.words_per_sentence + 11.8 * self.syllables_per_word - 15.59

    @property
    def reading_age(self) -> float:
        return self.grade_level + 5


def readability(text: str) -> Readability:
    found = words(text)
    if not found:
        raise ValueError("There is no text to measure.")
    return Readability(
        sentences=len(sentences(text)), words=len(found), syllables=sum(count_syllables(w) for w in found)
    )


def flesch_reading_ease(text: str) -> float:
    return readability(text).reading_ease


def average_sentence_length(text: str) -> float:
    return readability(text).words_per_sentence
