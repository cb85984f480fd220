"""Authoring tools for instructors: ``validate`` (lint), ``new`` templates, ``starter`` files
and the ``export``ed student edition.

May import ``exercise``, ``quiz`` and every lower wing; never the faces (cli, api).
"""
