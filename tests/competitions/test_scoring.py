"""The published scoring rules, with worked examples (as on /providers/how-call-offs-are-made)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from portal.competitions import scoring
from portal.competitions.scoring import Bid


def test_the_price_example_on_the_published_page():
    """Price counts for 40; the lowest quote is £1,000, another £1,250: 40 and 32 marks."""
    assert scoring.price_marks(100_000, 100_000, 40) == 40
    assert scoring.price_marks(100_000, 125_000, 40) == 32


def test_a_question_scores_its_share_of_the_weight():
    assert scoring.question_marks(4, 30) == 30
    assert scoring.question_marks(3, 30) == Fraction(45, 2)  # 22.5
    assert scoring.question_marks(0, 30) == 0


@pytest.mark.parametrize("score", [-1, 5])
def test_a_score_outside_0_to_4_is_refused(score):
    with pytest.raises(ValueError, match="from 0 to 4"):
        scoring.question_marks(score, 30)


@pytest.mark.parametrize("price", [0, -100])
def test_a_price_of_zero_or_less_cannot_be_scored(price):
    with pytest.raises(ValueError, match="more than zero"):
        scoring.price_marks(100, price, 40)


def test_a_worked_ranking():
    """Quality 60 (two questions of 30), price 40.

    A: scores 3 and 3 → 22.5 + 22.5 = 45 quality; £1,000 → 40 price; total 85.
    B: scores 4 and 2 → 30 + 15 = 45 quality; £1,250 → 32 price; total 77.
    C: scores 4 and 4 → 60 quality; £2,000 → 20 price; total 80.
    """
    results = scoring.rank(
        [
            Bid(1, 100_000, {10: 3, 11: 3}),
            Bid(2, 125_000, {10: 4, 11: 2}),
            Bid(3, 200_000, {10: 4, 11: 4}),
        ],
        {10: 30, 11: 30},
        price_weight=40,
    )
    assert [(r.key, r.rank, r.total) for r in results] == [(1, 1, 85), (3, 2, 80), (2, 3, 77)]
    assert [scoring.shown(r.quality) for r in results] == ["45", "60", "45"]


def test_equal_totals_go_to_the_higher_quality_marks():
    """A: 30 quality + 40 price = 70. B: 40 quality + 30 price = 70. B ranks first."""
    results = scoring.rank(
        [Bid(1, 75_000, {10: 3}), Bid(2, 100_000, {10: 4})], {10: 40}, price_weight=40
    )
    # A: 30 + 40 = 70; B: 40 + 30 = 70.
    assert [r.total for r in results] == [70, 70]
    assert [r.key for r in results] == [2, 1]
    assert [r.rank for r in results] == [1, 2]


def test_equal_totals_and_quality_go_to_the_lower_price():
    """Same quality, and price marks that round to the same total cannot differ in price; so
    here the local weight evens the totals: A local at £1,200, B not local at £1,000."""
    results = scoring.rank(
        [
            Bid(1, 120_000, {10: 4}, is_local=True),
            Bid(2, 100_000, {10: 4}, is_local=False),
        ],
        {10: 50},
        price_weight=30,
        local_weight=5,
    )
    # A: 50 + 25 + 5 = 80; B: 50 + 30 + 0 = 80. Equal quality: the lower price (B) ranks first.
    assert [r.total for r in results] == [80, 80]
    assert [r.key for r in results] == [2, 1]
    assert [r.rank for r in results] == [1, 2]


def test_quotes_equal_in_every_way_share_the_rank():
    results = scoring.rank(
        [Bid(1, 100_000, {10: 2}), Bid(2, 100_000, {10: 2}), Bid(3, 200_000, {10: 2})],
        {10: 60},
        price_weight=40,
    )
    assert [(r.key, r.rank, r.shares_rank) for r in results] == [
        (1, 1, True),
        (2, 1, True),
        (3, 3, False),
    ]


def test_marks_are_exact_until_shown():
    """Three questions of 1/3 marks each add to exactly 1; shown to 2 places, half up."""
    results = scoring.rank(
        [Bid(1, 300, {1: 1, 2: 1, 3: 1}), Bid(2, 700, {})], {1: 1, 2: 1, 3: 1}, 97
    )
    assert results[0].quality == Fraction(3, 4)
    assert scoring.shown(Fraction(2, 3)) == "0.67"
    assert scoring.shown(Fraction(1, 8)) == "0.13"
    assert scoring.shown(Fraction(25, 2)) == "12.5"
    assert scoring.shown(Fraction(32)) == "32"
    # 300 ÷ 700 × 97 = 41.571...
    assert scoring.shown(results[1].price) == "41.57"


def test_a_price_more_than_30_percent_below_the_others_average_is_abnormally_low():
    # Others average £1,000: £699.99 is flagged, £700 is not.
    assert scoring.is_abnormally_low(69_999, [100_000, 100_000])
    assert not scoring.is_abnormally_low(70_000, [90_000, 110_000])
    assert not scoring.is_abnormally_low(10, [])
    results = scoring.rank(
        [Bid(1, 50_000, {}), Bid(2, 100_000, {}), Bid(3, 110_000, {})], {}, price_weight=100
    )
    assert {r.key: r.abnormally_low for r in results} == {1: True, 2: False, 3: False}


def test_distance_bands_score_as_published():
    assert [scoring.distance_score(band) for band in scoring.DISTANCE_BANDS] == [4, 3, 2, 1, 0]
    assert scoring.distance_score(None) == 0


def test_the_placement_method_totals_100():
    weights = sum(weight for _text, weight, _limit, _kind in scoring.PLACEMENT_QUESTIONS)
    assert weights + scoring.PLACEMENT_PRICE_WEIGHT == 100
