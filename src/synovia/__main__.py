"""Allow `python -m synovia`."""

from synovia.cli import main

main()
