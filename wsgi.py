"""Production entry point: `gunicorn wsgi:app`."""

import gc

from portal import create_app

app = create_app()

# Everything made while starting (modules, the app, its routes, templates and mappers: about
# 240,000 objects) lives as long as the worker, yet Python's oldest-generation collection
# walked all of it each time it ran: 123 ms, holding every request in the worker, every few
# hundred requests (the spend report's p95 was 145 ms at only 5 people at once, against a p50
# of 25). Frozen, those objects are left out of collections, and the same collection took
# 1.5 ms (measured in one process over 600 spend reports at 10x). Not done in create_app: a
# test run makes hundreds of apps and lets them go.
gc.freeze()
