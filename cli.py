"""Run the command line from a checkout: ``python cli.py --help``."""
from spectrum.cli import main

if __name__ == "__main__":  # worker processes import this module too; only the parent runs the CLI
    main()
