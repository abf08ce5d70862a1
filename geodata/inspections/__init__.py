"""Checkpoint inspections (创文点位排查): rounds, the record of an inspection, a checkpoint history."""
