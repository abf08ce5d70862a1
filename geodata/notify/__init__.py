"""Reminders, urges and escalations of cases, and the messages that tell people of them (DESIGN §14).

The rules, the steps that fell due, the messages and their delivery results are rows (migration
0034); timed work runs on the job queue (jobs/)."""
