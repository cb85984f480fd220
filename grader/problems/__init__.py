"""Problem files, whatever their kind: reading YAML with line numbers, finding files
(discovery), the shared schema parts, params, variants and constraints.

May import ``grader.maths`` and ``grader.errors``; nothing above.
"""
