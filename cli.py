"""Run the command line from a checkout: ``python cli.py --help``."""
from spectrum.cli import main

main()
