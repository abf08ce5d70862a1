"""Loading real data from files: reading, field mapping, checks, writing and reports."""
