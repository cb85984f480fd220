# gradquiz: exercise3
# WRONG on purpose. Tasks that fail and why:
#   partial_x: dropped the constant factor y - differentiated x**2*y as if it
#     were x**2, returning 2*x instead of 2*x*y (right only where y = 1).
#   partial_y: treated 3*y as a constant because it has no x in it, returning
#     x**2 instead of x**2 + 3 (mixed up which variable is held constant).


def partial_x(x, y):
    return 2.0 * x


def partial_y(x, y):
    return x * x
