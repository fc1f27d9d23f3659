"""``python -m analysis`` is the same as the ``frontier-atlas`` command."""

import sys

from analysis.cli.main import main

sys.exit(main())
