"""``python -m push``: the events server (the same as ``gridops events``)."""

from push.server import main

main()
