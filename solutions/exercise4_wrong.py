# gradquiz: exercise4
# WRONG on purpose. Tasks that fail and why:
#   gradient2: the components are in the wrong order - returns
#     [∂f/∂y, ∂f/∂x] instead of [∂f/∂x, ∂f/∂y].
#   gradient3: forgot the chain-rule factor of exp(y*z) - uses
#     d/dy exp(y*z) = exp(y*z) and d/dz exp(y*z) = exp(y*z), missing the
#     inner derivatives z and y.
import numpy as np


def gradient2(p):
    x, y = p
    return np.array([x**2 + np.cos(y), 2.0 * x * y])


def gradient3(p):
    x, y, z = p
    e = np.exp(y * z)
    return np.array([y, x + e, e])
