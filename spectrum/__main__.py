"""``python -m spectrum``: the command line, with the guard worker processes need."""

from spectrum.cli import main

if __name__ == "__main__":
    main()
