# gradquiz: exercise4
# Reference solution. Each function receives one 1-D NumPy array p.
import numpy as np


def gradient2(p):
    # f(x, y) = x**2*y + sin(y)
    x, y = p
    return np.array([2.0 * x * y, x**2 + np.cos(y)])


def gradient3(p):
    # g(x, y, z) = x*y + exp(y*z); chain rule for exp(y*z)
    x, y, z = p
    e = np.exp(y * z)
    return np.array([y, x + z * e, y * e])
