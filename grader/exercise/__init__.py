"""Exercises: the exercise schema, task kinds, compiled problems, grading and feedback.

May import the lower wings (``maths``, ``problems``, ``sandbox``, ``reports``); never ``quiz``,
``authoring`` or the faces.
"""
