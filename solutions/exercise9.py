# gradquiz: exercise9
# Reference solution: finite differences, forward-mode automatic differentiation with dual
# numbers, and gradient descent.
import math

import numpy as np


def central_difference(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def forward_difference(f, x, h):
    return (f(x + h) - f(x)) / h


def numerical_gradient(f, x, h):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


class Dual:
    """A number v with its derivative d: each operation applies its rule to d."""

    def __init__(self, v, d=0.0):
        self.v, self.d = float(v), float(d)

    @staticmethod
    def lift(other):
        return other if isinstance(other, Dual) else Dual(other)

    def __add__(self, other):
        other = Dual.lift(other)
        return Dual(self.v + other.v, self.d + other.d)

    __radd__ = __add__

    def __sub__(self, other):
        other = Dual.lift(other)
        return Dual(self.v - other.v, self.d - other.d)

    def __rsub__(self, other):
        return Dual.lift(other) - self

    def __mul__(self, other):  # product rule
        other = Dual.lift(other)
        return Dual(self.v * other.v, self.d * other.v + self.v * other.d)

    __rmul__ = __mul__

    def __truediv__(self, other):  # quotient rule
        other = Dual.lift(other)
        return Dual(self.v / other.v, (self.d * other.v - self.v * other.d) / other.v**2)

    def __rtruediv__(self, other):
        return Dual.lift(other) / self

    def __pow__(self, n):  # power rule, n a number
        return Dual(self.v**n, n * self.v ** (n - 1) * self.d)

    def __neg__(self):
        return Dual(-self.v, -self.d)


def sin(u):
    u = Dual.lift(u)
    return Dual(math.sin(u.v), math.cos(u.v) * u.d)  # chain rule: times u'


def cos(u):
    u = Dual.lift(u)
    return Dual(math.cos(u.v), -math.sin(u.v) * u.d)


def exp(u):
    u = Dual.lift(u)
    return Dual(math.exp(u.v), math.exp(u.v) * u.d)


def log(u):
    u = Dual.lift(u)
    return Dual(math.log(u.v), u.d / u.v)


def derivative(f, x):
    return f(Dual(x, 1.0)).d


def gradient_descent(grad, x0, lr, steps):
    x = x0
    for _ in range(steps):
        x = x - lr * grad(x)
    return x
