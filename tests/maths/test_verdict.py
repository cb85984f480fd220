"""grader.maths.verdict: what a comparison says, as the student reads it: the verdict's feedback,
the counterexample in words (where, what was got and wanted, why it is undefined)."""

from __future__ import annotations

from grader.maths.verdict import DIGITS, Counterexample, Verdict


def test_equal_says_how_it_was_checked():
    assert Verdict(True, points=12, confirmed=3).feedback() == (
        f"Equivalent to the expected answer (checked at 12 points, 3 of them at {DIGITS} digits).")
    assert Verdict(True).feedback() == "Equivalent to the expected answer (checked)."
    assert Verdict(False, undecided="the reference is undefined everywhere").feedback() == (
        "the reference is undefined everywhere")
    assert Verdict(False).feedback() == "Not equivalent to the expected answer."


def test_a_counterexample_in_words():
    one = Counterexample(("x",), (0.5,), 1.0, 2.0)
    assert one.text() == "At x = 0.5 your answer is 1, the expected value is 2."
    two = Counterexample(("x", "y"), (1.0, -2.0), 3.0, 4.0, decimals=True)
    assert two.text() == ("At (x, y) = (1, -2) your answer is 3, the expected value is 4. "
                          "Type exact values such as 1/3 or sqrt(2)/2 rather than rounded decimals.")
    close = Counterexample(("x",), (1.0,), 1.0000001, 1.0)
    assert close.text().endswith("(they differ by 1e-07).")
    assert Counterexample((), (), 1.0, 2.0).text() == "Your answer is 1, the expected value is 2."
    wrong = Verdict(False, counterexample=one, mistake=("sign", "The sign is flipped."))
    assert wrong.feedback() == "At x = 0.5 your answer is 1, the expected value is 2.\nThe sign is flipped."


def test_undefined_and_overflowing_answers():
    assert Counterexample(("x",), (-1.0,), None, 2.0, culprit="log(x)").text() == (
        "log(x) is not a real number at x = -1, so your answer is undefined there; the expected value is 2.")
    assert Counterexample(("x",), (2.0,), None, 3.0).text() == (
        "At x = 2 your answer is undefined (not a real number); the expected value is 3.")
    assert Counterexample(("x",), (900.0,), None, 3.0, huge=True).text() == (
        "At x = 900 your answer is too large to compute (overflow); the expected value is 3.")
    assert Counterexample(("x",), (2.0,), 1.0, float("nan"), key_undefined=True).text().startswith(
        "At x = 2 your answer is 1, but the expected answer is not a real number there")
