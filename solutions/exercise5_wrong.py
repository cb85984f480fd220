# gradquiz: exercise5
# WRONG on purpose. Tasks that fail and why:
#   hessian_quadratic: off by a factor of 2 - returns the matrix A of the
#     quadratic form f = p^T A p, [[1, 1.5], [1.5, 2]], instead of the
#     Hessian 2*A = [[2, 3], [3, 4]].
#   hessian: forgot the mixed partials - puts 0 off the diagonal instead of
#     ∂²f/∂x∂y = 3*x**2 + 2*y (the diagonal is right: with `partial: true`
#     the two diagonal entries earn 2 of the 4 points).
import numpy as np


def hessian_quadratic(p):
    return np.array([[1.0, 1.5],
                     [1.5, 2.0]])


def hessian(p):
    x, y = p
    return np.diag([6.0 * x * y, 2.0 * x])
