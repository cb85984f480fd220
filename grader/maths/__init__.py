"""Maths: the typed-maths parser (never eval), equivalence of formulas, numerics.

The lowest wing: it imports nothing of grader but ``grader.errors``.
"""
