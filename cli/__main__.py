"""``python -m cli``: the same command line as ``python -m geo``."""

import sys

from cli import main

sys.exit(main())
