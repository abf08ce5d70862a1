"""Timed work on a job queue kept in PostgreSQL (procrastinate): the reminder and escalation scan,
the sends, the camera sweep. ``gridops worker`` runs it as its own process (``make run`` starts it)."""
