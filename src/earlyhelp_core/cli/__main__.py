"""``python -m earlyhelp_core.cli``: the ``earlyhelp`` command."""

import sys

from . import main

sys.exit(main())
