"""`python -m grader`: the same as the `gradquiz` command."""

from grader.cli import main

main()
