import sys

from contentqa.cli import main

sys.exit(main())
