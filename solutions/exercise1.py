# gradquiz: exercise1
# Reference solution: the lesson's code. f(x) = x**2, so f'(x) = 2*x.


def derivative(x):
    return x * 2.0
