"""Scoring a model card: headings as people write them, front matter, and empty sections."""

from review.cards import card_parse, item_covered
from tests.review.cards import COMPLETE_CARD, WORDS, card_without


def covered(card: str, *headings: str, min_words: int = 10, front_matter_key: str = "") -> bool:
    return item_covered(
        card_parse(card), headings=list(headings), min_words=min_words, front_matter_key=front_matter_key
    )


def test_a_heading_counts_when_a_phrase_appears_in_it_as_whole_words_whatever_the_case_or_punctuation():
    assert covered(COMPLETE_CARD, "out of scope")  # "Out-of-scope use"
    assert covered(COMPLETE_CARD, "limitations")  # "Bias, risks, and limitations"
    assert not covered(COMPLETE_CARD, "scope creep")


def test_a_parent_heading_counts_the_words_of_its_subsections():
    assert covered(COMPLETE_CARD, "uses", min_words=40)  # "## Uses" holds only subsections


def test_a_heading_with_too_few_words_under_it_is_missing():
    card = "## Limitations\nTBD\n\n## Evaluation\n" + WORDS
    assert not covered(card, "limitations")
    assert covered(card, "evaluation")


def test_the_license_counts_from_the_front_matter_and_headings_inside_code_fences_do_not_count():
    card = "---\nlicense: mit\n---\n```\n## Limitations\n" + WORDS + "\n```\n"
    assert covered(card, "license", front_matter_key="license")
    assert not covered(card, "limitations")


def test_removing_a_section_makes_it_missing():
    assert not covered(card_without("Evaluation"), "evaluation")
    assert covered(card_without("Evaluation"), "training data")
