"""``python -m tools.site``: build the course website (see tools/site/__init__.py)."""

import sys

from tools.site import main

sys.exit(main())
