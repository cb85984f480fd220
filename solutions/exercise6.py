# gradquiz: exercise6
# Reference solution. One row per output, one column per input.
import math


def jacobian(p):
    # F(x, y) = [x*y, x + y**2, sin(x)]  ->  3x2
    x, y = p
    return [[y, x],
            [1.0, 2.0 * y],
            [math.cos(x), 0.0]]


def jacobian_polar(p):
    # G(r, t) = [r*cos(t), r*sin(t)]  ->  2x2, columns in the order [r, t]
    r, t = p
    return ((math.cos(t), -r * math.sin(t)),
            (math.sin(t), r * math.cos(t)))
