# gradquiz: exercise2
# Reference solution: f(x) = x**3 - 2*x and g(x) = x*sin(x).
import math


def first_derivative(x):
    # power rule term by term
    return 3.0 * x**2 - 2.0


def second_derivative(x):
    # differentiate 3*x**2 - 2 once more
    return 6.0 * x


def second_derivative_g(x):
    # g'  = sin(x) + x*cos(x)             (product rule)
    # g'' = cos(x) + cos(x) - x*sin(x)    (product rule again)
    return 2.0 * math.cos(x) - x * math.sin(x)
