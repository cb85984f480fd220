# gradquiz: exercise1
# WRONG on purpose. Task that fails and why:
#   derivative: right only at the shown points. The values f'(-0.5) = -1,
#     f'(0.5) = 1 and f'(0) = 0 are hard-coded from the lesson's table; every
#     other x gets 0.0, so the random check points in [-1, 1] catch it.
#     The fix is the formula, f'(x) = 2*x, not a lookup table.

KNOWN = {-0.5: -1.0, 0.5: 1.0, 0.0: 0.0}


def derivative(x):
    return KNOWN.get(float(x), 0.0)
