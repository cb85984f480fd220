# gradquiz: exercise7
# WRONG on purpose. Tasks that fail and why:
#   derivative: off by a constant factor - forgot the 1/2 from the power
#     rule, returning 1/sqrt(x) instead of 1/(2*sqrt(x)).
#   tangent_estimate: returned only the predicted change f'(x)*dx and forgot
#     to start from f(x) (uses the correct f'(x) = 1/(2*sqrt(x))).
#   descent_step: sign flipped - steps along the derivative,
#     x + lr*h'(x), which climbs uphill away from the minimum at 3.
import math


def derivative(x):
    return 1.0 / math.sqrt(x)


def tangent_estimate(x, dx):
    return dx / (2.0 * math.sqrt(x))


def descent_step(x):
    return x + 0.1 * 2.0 * (x - 3.0)
