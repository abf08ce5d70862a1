"""The push stream (docs/refresh.md): its own asyncio process, ``gridops events``, that tells every open
screen of each committed change in its scope, so the screen refreshes at once instead of at its next
poll.

- ``server``: the aiohttp server. One connection LISTENs on ``gridops_changes`` (what changed, and for
  cases where: migration 0034) and ``gridops_access`` (sessions that ended: migration 0025); each
  change is fanned out as ``event: change`` to the subscribers whose scope it touches.
- ``tickets``: the short-lived signed ticket a page gets from the app (GET /events/ticket,
  routes/events.py) and presents to the stream: its row scope and its server-side session.
- ``scope``: which changes a scope hears.

The browser's side is assets/push.js. The stream holds no request worker of the app: a thousand
open screens are a thousand idle sockets of this one process.
"""
