# gradquiz: exercise5
# Reference solution. Each function receives p = [x, y] and returns a 2x2 matrix.


def hessian_quadratic(p):
    # f = x**2 + 3*x*y + 2*y**2, gradient [2x + 3y, 3x + 4y]: constant Hessian
    return [[2.0, 3.0],
            [3.0, 4.0]]


def hessian(p):
    # f = x**3*y + x*y**2
    # f_x = 3x^2 y + y^2, f_y = x^3 + 2xy
    x, y = float(p[0]), float(p[1])
    fxx = 6.0 * x * y
    fxy = 3.0 * x**2 + 2.0 * y
    fyy = 2.0 * x
    return [[fxx, fxy],
            [fxy, fyy]]
