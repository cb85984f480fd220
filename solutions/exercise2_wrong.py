# gradquiz: exercise2
# WRONG on purpose. Tasks that fail and why:
#   first_derivative: dropped a term - differentiated x**3 but forgot that
#     d/dx(-2*x) = -2, returning 3*x**2 (off by the constant 2 everywhere).
#   second_derivative: stopped after one differentiation - returns f'(x)
#     = 3*x**2 - 2 instead of f''(x) = 6*x.
#   second_derivative_g: forgot the product rule - treated x as a constant
#     factor, x * (sin)'' = -x*sin(x), and lost the 2*cos(x) cross terms.
import math


def first_derivative(x):
    return 3 * x**2


def second_derivative(x):
    return 3 * x**2 - 2


def second_derivative_g(x):
    return -x * math.sin(x)
