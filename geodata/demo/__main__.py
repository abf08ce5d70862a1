"""python -m geodata.demo: generate the demo city."""

import sys

from geodata.demo.city import main

sys.exit(main())
