import multiprocessing
import sys

if __name__ == "__main__":
    # A frozen bundle starts its worker processes (engine/pipeline) as itself: this makes
    # such a start run the worker, not the app.
    multiprocessing.freeze_support()
    from desktop_asr.cli import main

    sys.exit(main())
