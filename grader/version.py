"""The version of gradquiz (one place: the package, the command and the compiled cache read it)."""

__version__ = "0.1.0"
