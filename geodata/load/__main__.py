"""python -m geodata.load: the loader's command line."""

import sys

from geodata.load.command import main

sys.exit(main())
