"""`python -m meshutaf …` is the `meshutaf` command (how `meshutaf serve` starts its worker)."""

import sys

from meshutaf.cli import main

sys.exit(main())
