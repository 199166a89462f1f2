import sys

from desktop_asr.cli import main

sys.exit(main())
