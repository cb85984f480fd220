# gradquiz: exercise1
# A wrong answer for the pictures of docs/feedback.md: the power rule without lowering the power.


def derivative(x):
    return 2 * x**2
