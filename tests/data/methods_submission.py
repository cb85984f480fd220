import math
import numpy as np

def fwd(f, x, h): return (f(x + h) - f(x)) / h
def nodiv(f, x, h): return f(x + h) - f(x - h)
def byh(f, x, h): return (f(x + h) - f(x - h)) / h
def fixed(f, x, h):
    h = 1e-5
    return (f(x + h) - f(x - h)) / (2 * h)
def step2(f, x, h): return (f(x + 2*h) - f(x - 2*h)) / (2 * h)
def million(f, x, h):
    s = 0.0
    for _ in range(1_000_000):  # at every call
        s += f(x)
    return (f(x + h) - f(x - h)) / (2 * h)
_seen = []
def state(f, x, h):
    _seen.append((f(x + h) - f(x - h)) / (2 * h))
    return _seen[0]
def shape(f, x, h): return np.array([(f(x + h) - f(x - h)) / (2 * h)] * 2)
def five(f, x, h): return (-f(x + 2*h) + 8*f(x + h) - 8*f(x - h) + f(x - 2*h)) / (12 * h)

def gfwd(f, x, h):
    g = np.zeros(len(x))
    for i in range(len(x)):
        e = np.zeros(len(x)); e[i] = h
        g[i] = (f(x + e) - f(x)) / h
    return g
def gonesided(f, x, h):
    g = np.zeros(len(x))
    for i in range(len(x)):
        e = np.zeros(len(x)); e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h) if i == 0 else (f(x + e) - f(x)) / h
    return g
def gnodiv(f, x, h):
    g = np.zeros(len(x))
    for i in range(len(x)):
        e = np.zeros(len(x)); e[i] = h
        g[i] = (f(x + e) - f(x - e)) / h
    return g
def gright_list(f, x, h):
    out = []
    for i in range(len(x)):
        up = list(x); up[i] += h
        dn = list(x); dn[i] -= h
        out.append((f(np.array(up)) - f(np.array(dn))) / (2*h))
    return out
def ginplace(f, x, h):
    g = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i]
        x[i] = old + h; a = f(x)
        x[i] = old - h; b = f(x)
        x[i] = old
        g[i] = (a - b) / (2 * h)
    return g

def ascent(grad, x0, lr, steps):
    x = x0
    for _ in range(steps): x = x + lr * grad(x)
    return x
def offby(grad, x0, lr, steps):
    x = x0
    for _ in range(steps + 1): x = x - lr * grad(x)
    return x
def lrtwice(grad, x0, lr, steps):
    x = x0
    for _ in range(steps):
        step = lr * grad(x)
        x = x - lr * step
    return x
def path(grad, x0, lr, steps):
    xs = [x0]
    for _ in range(steps): xs.append(xs[-1] - lr * grad(xs[-1]))
    return np.array(xs)
def gdright_inplace(grad, x0, lr, steps):
    x = np.array(x0, dtype=float)
    for _ in range(steps): x -= lr * grad(x)
    return x

BROKEN = ""
class D:
    def __init__(s, v, d=0.0): s.v, s.d = v, d
def w(o): return o if isinstance(o, D) else D(o)
def _mul(a, b):
    a, b = w(a), w(b)
    return D(a.v*b.v, a.d*b.d if BROKEN == "prod" else a.d*b.v + a.v*b.d)
def _div(a, b):
    a, b = w(a), w(b)
    return D(a.v/b.v, (a.d*b.v + a.v*b.d)/b.v**2 if BROKEN == "quot" else (a.d*b.v - a.v*b.d)/b.v**2)
D.__add__ = lambda a, b: D(a.v + w(b).v, a.d + w(b).d)
D.__radd__ = D.__add__
D.__sub__ = lambda a, b: D(a.v - w(b).v, a.d - w(b).d)
D.__rsub__ = lambda a, b: w(b) - a
D.__mul__ = _mul
D.__rmul__ = lambda a, b: _mul(b, a)
D.__truediv__ = _div
D.__rtruediv__ = lambda a, b: _div(b, a)
D.__pow__ = lambda a, n: D(a.v**n, a.v**(n-1)*a.d if BROKEN == "pow" else n*a.v**(n-1)*a.d)
D.__neg__ = lambda a: D(-a.v, -a.d)
def _inner(u): return 1.0 if BROKEN == "chain" else u.d
def sin(u): u = w(u); return D(math.sin(u.v), math.cos(u.v)*_inner(u))
def cos(u): u = w(u); return D(math.cos(u.v), -math.sin(u.v)*_inner(u))
def exp(u): u = w(u); return D(math.exp(u.v), math.exp(u.v)*_inner(u))
def log(u): u = w(u); return D(math.log(u.v), _inner(u)/u.v)
def _ad(kind):
    def derivative(f, x):
        global BROKEN
        BROKEN = kind
        try:
            return f(D(x, 1.0)).d
        finally:
            BROKEN = ""
    return derivative
prod, quot, chain, powr, adright = _ad("prod"), _ad("quot"), _ad("chain"), _ad("pow"), _ad("")


# a second design for autodiff: the complex step (its own numbers are complex; exact to rounding)
import cmath as _cmath

_COMPLEX = False


def adcomplex(f, x):
    global _COMPLEX
    _COMPLEX = True
    try:
        return f(complex(x, 1e-30)).imag / 1e-30
    finally:
        _COMPLEX = False


def _either(dual, plain):
    def function(u):
        return plain(u) if _COMPLEX else dual(u)
    return function


sin, cos, exp, log = (_either(sin, _cmath.sin), _either(cos, _cmath.cos), _either(exp, _cmath.exp),
                      _either(log, _cmath.log))


def gdlist(grad, x0, lr, steps):
    x = [float(v) for v in np.atleast_1d(x0)]
    for _ in range(steps):
        g = np.atleast_1d(grad(np.array(x) if len(x) > 1 else x[0]))
        x = [a - lr * b for a, b in zip(x, g)]
    return x
