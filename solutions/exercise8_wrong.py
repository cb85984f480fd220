# gradquiz: exercise8
# WRONG on purpose. Tasks that fail and why:
#   sigmoid_prime: forgot the chain-rule factor d/dx(-x) = -1 inside exp(-x),
#     so the sign is flipped: -exp(-x)/(1 + exp(-x))**2.
#   tanh_prime: confused tanh with tan - returns 1 + tanh(x)**2 (the pattern
#     of tan' = 1 + tan**2) instead of 1 - tanh(x)**2.
#   softplus_prime: dropped exp(x) from the numerator of the chain rule,
#     returning 1/(1 + exp(x)) instead of exp(x)/(1 + exp(x)).
#   loss_gradient: forgot the chain-rule factor x_i in ∂L/∂w - sums the bare
#     residuals for both components (∂L/∂b is right; it happens to be right
#     at the minimum (1.5, 0.5), where every residual is 0).
import math


def sigmoid_prime(x):
    e = math.exp(-x)
    return -e / (1.0 + e) ** 2


def tanh_prime(x):
    return 1.0 + math.tanh(x) ** 2


def softplus_prime(x):
    return 1.0 / (1.0 + math.exp(x))


def loss_gradient(p):
    w, b = p
    r1 = w * 1 + b - 2
    r2 = w * 3 + b - 5
    return (r1 + r2, r1 + r2)
