"""``python -m geo``: launches the command line, which lives at the top of the stack in ``cli/``.

This file is an entry point, not part of the library: no module of geo/ imports it.
"""

import sys

from cli import main

if __name__ == "__main__":
    sys.exit(main())
