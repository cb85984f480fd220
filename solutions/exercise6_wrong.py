# gradquiz: exercise6
# WRONG on purpose. Tasks that fail and why:
#   jacobian: transposed - returns the 2x3 matrix (one row per input)
#     instead of the 3x2 Jacobian (one row per output).
#   jacobian_polar: sign slip - uses d/dt cos(t) = +sin(t), so the top-right
#     entry is +r*sin(t) instead of -r*sin(t).
import numpy as np


def jacobian(p):
    x, y = p
    J = np.array([[y, x],
                  [1.0, 2.0 * y],
                  [np.cos(x), 0.0]])
    return J.T


def jacobian_polar(p):
    r, t = p
    return np.array([[np.cos(t), r * np.sin(t)],
                     [np.sin(t), r * np.cos(t)]])
