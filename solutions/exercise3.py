# gradquiz: exercise3
# Reference solution: f(x, y) = x**2*y + 3*y.


def partial_x(x, y):
    """∂f/∂x: y is held constant, so it stays as a factor; 3*y contributes 0."""
    return 2 * x * y


def partial_y(x, y):
    """∂f/∂y: x is held constant; d/dy (x**2*y) = x**2 and d/dy (3*y) = 3."""
    return x**2 + 3
