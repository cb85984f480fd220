# gradquiz: exercise7
# Reference solution: tangent line of sqrt and one gradient-descent step.
import numpy as np


def derivative(x):
    # sqrt(x) = x**(1/2)  ->  (1/2) * x**(-1/2)
    return 0.5 / np.sqrt(x)


def tangent_estimate(x, dx):
    # f(x + dx) ≈ f(x) + f'(x) * dx
    return np.sqrt(x) + derivative(x) * dx


def descent_step(x, lr=0.1):
    # h(x) = (x - 3)**2, h'(x) = 2*(x - 3); step against the derivative
    return x - lr * 2.0 * (x - 3.0)
