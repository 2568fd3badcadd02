"""`python -m backcare_gui` is the `backcare` command."""

import sys

from backcare_gui.cli import main

sys.exit(main())
