"""Running untrusted code: the parent side (``parent``) starts and talks to the child side
(``child``, a standalone script) and gets plain values back.

Imports nothing of grader, so the child's side can never reach grading code.
"""

from grader.sandbox.parent import Limits, Run, Sandbox

__all__ = ["Limits", "Run", "Sandbox"]
