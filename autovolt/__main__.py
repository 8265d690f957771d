import sys

from autovolt.cli import main

sys.exit(main())
