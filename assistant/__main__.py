"""`python -m assistant` runs the same CLI as the `zhuoyue` script."""

import sys

from assistant.cli import main

sys.exit(main())
